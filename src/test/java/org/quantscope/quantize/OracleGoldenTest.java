// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.oracle.Fingerprint;
import org.quantscope.oracle.GoldenComparison;
import org.quantscope.oracle.GoldenComparison.Difference;
import org.quantscope.oracle.GoldenComparison.Section;
import org.quantscope.progress.Progress;

/**
 * Byte identity with ONNX Runtime's {@code quantize_dynamic}, checked by the repository itself.
 *
 * <p>For every golden fingerprint in {@code src/test/resources/org/quantscope/oracle/golden} (what
 * ORT main @ 735e69a39, or for {@code if_gemm} its 1.22-era Gemm rewrite, wrote for one of the
 * models beside it with one option set; see the README there), the quantizer runs in this process
 * with the same options, its output is saved as {@code quantize} saves it, read back, fingerprinted
 * as the oracle's {@code fingerprint.py} does and compared as its {@code compare.py --strict} does:
 * op counts, nodes and attributes, every initializer's type, dims, storage field and value digest,
 * scales exactly, order, model fields. The one tolerated difference is the value_info count (of
 * every graph, subgraphs included): ORT keeps the shapes its inference added, QuantScope writes
 * none, and neither changes what the model computes.
 *
 * <p>The perturbation tests prove the comparison is not vacuous: one changed weight element, one
 * scale one ulp off, one renamed node input and one moved storage field are each reported, and
 * nothing else.
 */
class OracleGoldenTest {
  private static final String ROOT = "/org/quantscope/oracle/";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Input> MODELS = new ConcurrentHashMap<>();
  private static final Map<String, Fingerprint.Read> OUTPUTS = new ConcurrentHashMap<>();
  private static final List<Golden> GOLDENS = new ArrayList<>();

  @TempDir static Path dir;

  /** One golden fingerprint: its file name (MODEL__OPTIONS) and content. */
  record Golden(String name, JsonNode json) {
    String model() {
      return name.substring(0, name.indexOf("__"));
    }

    /** ORT's options as the golden records them ({@code make_reference_args}). */
    QuantizeOptions options() {
      QuantizeOptions.Builder b = QuantizeOptions.builder();
      Iterator<JsonNode> args = json.path("oracle").path("make_reference_args").elements();
      while (args.hasNext()) {
        String arg = args.next().asText();
        switch (arg) {
          case "--weight-type" -> b.weightType(QuantType.parse(args.next().asText()));
          case "--per-channel" -> b.perChannel(true);
          case "--reduce-range" -> b.reduceRange(true);
          default ->
              throw new IllegalArgumentException(
                  name + ": ORT option " + arg + " has no mapping here; add it to options()");
        }
      }
      return b.build();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Golden> goldens() throws IOException {
    synchronized (GOLDENS) {
      if (GOLDENS.isEmpty()) {
        try (Stream<Path> files = Files.list(resource("golden"))) {
          for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
            String name = f.getFileName().toString().replaceFirst("\\.json$", "");
            GOLDENS.add(new Golden(name, JSON.readTree(f.toFile())));
          }
        }
      }
      return List.copyOf(GOLDENS).stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldens")
  void quantizerOutputMatchesOnnxRuntime(Golden golden) throws Exception {
    GoldenComparison.Report report = GoldenComparison.compare(golden.json(), quantized(golden));

    assertThat(failures(report))
        .withFailMessage(
            "QuantScope's output differs from ONNX Runtime's:%n%s", report.render(20, true))
        .isEmpty();
  }

  /**
   * Beyond the sections compare.py reports, every field of the fingerprint (histograms, block
   * digests, samples, float sums, graph name, sparse initializers...) equals the golden's: the
   * output is the same and the Java fingerprint computes what fingerprint.py computes.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("goldens")
  void everyFingerprintFieldMatchesTheGolden(Golden golden) throws Exception {
    ObjectNode ours = quantized(golden).fingerprint().deepCopy();
    ObjectNode theirs = golden.json().deepCopy();
    for (ObjectNode fp : List.of(ours, theirs)) {
      fp.remove(List.of("label", "oracle", "file"));
      ((ObjectNode) fp.get("graph")).remove("value_info_count");
      fp.path("subgraphs").forEach(g -> ((ObjectNode) g).remove("value_info_count"));
    }

    List<String> differences = new ArrayList<>();
    jsonDifferences("", theirs, ours, differences);
    assertThat(differences)
        .withFailMessage(
            "fingerprint fields differ from %s (first 20):%n%s",
            golden.name(),
            String.join("\n", differences.subList(0, Math.min(20, differences.size()))))
        .isEmpty();
  }

  @Test
  void goldenNamesSayTheOptionsTheyRecord() throws Exception {
    List<Golden> all = goldens().toList();
    assertThat(all).hasSize(14);
    for (Golden g : all) {
      QuantizeOptions o = g.options();
      assertThat(o.weightType())
          .as(g.name())
          .isEqualTo(g.name().contains("__quint8") ? QuantType.QUInt8 : QuantType.QInt8);
      assertThat(o.perChannel()).as(g.name()).isEqualTo(g.name().contains("__pc"));
      assertThat(o.reduceRange()).as(g.name()).isEqualTo(g.name().contains("__rr"));
      assertThat(
              o.toBuilder()
                  .weightType(QuantType.QInt8)
                  .perChannel(false)
                  .reduceRange(false)
                  .build())
          .as("%s sets nothing but the three options", g.name())
          .isEqualTo(QuantizeOptions.DEFAULTS);
    }
  }

  // Perturbations: each is reported, and nothing else

  @Test
  void oneChangedWeightElementIsLocalisedToItsBlock() throws Exception {
    String weight = "onnx::Conv_56_quantized"; // 294,912 int8 values: the golden keeps digests
    int n = 256 * 128 * 3 * 3;
    int blockSize = 4608;
    int index = 3 * blockSize + 5;
    byte[] before = initializer(base("cnn_small__qint8__pt"), weight).getRawData().toByteArray();
    int delta = before[index] == 127 ? -1 : 1;

    GoldenComparison.Report report =
        perturbed(
            "cnn_small__qint8__pt",
            m ->
                withInitializer(
                    m,
                    weight,
                    t -> {
                      byte[] b = t.getRawData().toByteArray();
                      b[index] += (byte) delta;
                      return t.toBuilder().setRawData(ByteString.copyFrom(b)).build();
                    }));

    Difference d = single(report);
    assertThat(d.section()).isEqualTo(Section.QUANTIZED);
    assertThat(d.subject()).isEqualTo(weight);
    assertThat(d.text())
        .startsWith(weight + " (quantized): value mismatch: sha256 differs; ")
        .contains(">= 1 and <= " + blockSize + " of " + n + " elements differ")
        .contains("(1/64 blocks of " + blockSize + ", first block 3)")
        .contains("sum diff " + delta + " q")
        .contains("strided samples: 0/64 differ");
    assertThat(report.failures(false)).containsExactly(d);
  }

  @Test
  void aScaleOneUlpOffIsReportedExactly() throws Exception {
    String scale = "onnx::Conv_53_scale";
    float before = initializer(base("cnn_small__qint8__pt"), scale).getFloatData(0);
    float after = Math.nextUp(before);

    GoldenComparison.Report report =
        perturbed(
            "cnn_small__qint8__pt",
            m -> withInitializer(m, scale, t -> t.toBuilder().setFloatData(0, after).build()));

    Difference d = single(report);
    assertThat(d.section()).isEqualTo(Section.QUANTIZED);
    assertThat(d.subject()).isEqualTo(scale);
    assertThat(d.text())
        .startsWith(scale + " (scale): value mismatch: 1/1 differ, max 1 ulp, ")
        .endsWith(
            "first at [0]: golden "
                + GoldenComparison.repr(before)
                + " candidate "
                + GoldenComparison.repr(after));
  }

  @Test
  void onePerChannelScaleOneUlpOffIsFoundAmong1024() throws Exception {
    String scale = "onnx::LSTM_195_scale"; // 1,024 scales: the golden holds them in base64
    int index = 7;
    float before = initializer(base("lstm_text__qint8__pc"), scale).getFloatData(index);
    float after = Math.nextDown(before);

    GoldenComparison.Report report =
        perturbed(
            "lstm_text__qint8__pc",
            m -> withInitializer(m, scale, t -> t.toBuilder().setFloatData(index, after).build()));

    Difference d = single(report);
    assertThat(d.section()).isEqualTo(Section.QUANTIZED);
    assertThat(d.text())
        .startsWith(scale + " (scale): value mismatch: 1/1024 differ, max 1 ulp, ")
        .endsWith(
            "first at ["
                + index
                + "]: golden "
                + GoldenComparison.repr(before)
                + " candidate "
                + GoldenComparison.repr(after));
  }

  @Test
  void aRenamedNodeInputShowsAsOneMissingAndOneExtraNode() throws Exception {
    String input = "/features/features.7/MaxPool_output_0_quantized";
    GoldenComparison.Report report =
        perturbed(
            "cnn_small__qint8__pt",
            m -> {
              ModelProto.Builder b = m.toBuilder();
              GraphProto.Builder g = b.getGraphBuilder();
              for (int i = 0; i < g.getNodeCount(); i++) {
                NodeProto n = g.getNode(i);
                if (n.getOpType().equals("ConvInteger") && n.getInput(0).equals(input)) {
                  g.setNode(i, n.toBuilder().setInput(0, input + "_renamed"));
                }
              }
              return b.build();
            });

    String rest =
        ", onnx::Conv_53_quantized, /features/features.7/MaxPool_output_0_zero_point,"
            + " onnx::Conv_53_zero_point) -> (/features/features.8/Conv_output_0_output_quantized)";
    assertThat(relevant(report))
        .extracting(Difference::section, Difference::text)
        .containsExactly(
            tuple(Section.NODES, "missing in candidate: ConvInteger(" + input + rest),
            tuple(Section.NODES, "extra in candidate: ConvInteger(" + input + "_renamed" + rest));
  }

  @Test
  void aScaleMovedFromFloatDataToRawDataFailsOnlyTheStrictCheck() throws Exception {
    String scale = "fc.weight_scale";
    GoldenComparison.Report report =
        perturbed(
            "cnn_small__qint8__pt",
            m ->
                withInitializer(
                    m,
                    scale,
                    t -> {
                      ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
                      b.putFloat(t.getFloatData(0));
                      return t.toBuilder()
                          .clearFloatData()
                          .setRawData(ByteString.copyFrom(b.array()))
                          .build();
                    }));

    Difference d = single(report);
    assertThat(d.section()).isEqualTo(Section.STORAGE);
    assertThat(d.text()).isEqualTo(scale + ": golden ['float_data'] candidate ['raw_data']");
    assertThat(report.failures(false)).as("compare.py without --strict").isEmpty();
    assertThat(report.summary(false)).contains("storage: 1 diffs").endsWith("-> PASS");
    assertThat(report.summary(true)).endsWith("-> FAIL [strict]");
  }

  // Helpers

  /** compare.py --strict's failures, but for the value_info count (see the class comment). */
  private static List<Difference> failures(GoldenComparison.Report report) {
    return report.failures(true).stream()
        .filter(
            d -> !(d.section() == Section.INFORMATIONAL && d.subject().equals("value_info count")))
        .toList();
  }

  private static List<Difference> relevant(GoldenComparison.Report report) {
    return report.differences().stream()
        .filter(
            d -> !(d.section() == Section.INFORMATIONAL && d.subject().equals("value_info count")))
        .toList();
  }

  private static Difference single(GoldenComparison.Report report) {
    List<Difference> all = relevant(report);
    assertThat(all)
        .withFailMessage("expected one difference, got:%n%s", report.render(20, true))
        .hasSize(1);
    return all.get(0);
  }

  private static Path resource(String relative) {
    try {
      return Path.of(OracleGoldenTest.class.getResource(ROOT + relative).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing test resource " + ROOT + relative, e);
    }
  }

  /** Our output for a golden, quantized, saved, read back and fingerprinted once per class. */
  private static Fingerprint.Read quantized(Golden golden) {
    return OUTPUTS.computeIfAbsent(
        golden.name(),
        name -> {
          try {
            OnnxModel model = input(golden);
            DynamicQuantizer.Output out =
                DynamicQuantizer.quantize(model, golden.options(), Progress.NONE);
            Path file = dir.resolve(name + ".onnx");
            ModelFiles.save(out.model(), file);
            return Fingerprint.read(file);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } catch (NothingToQuantizeException e) {
            throw new AssertionError(name + ": " + e.getMessage(), e);
          }
        });
  }

  /** The input model, after checking it is the very file the golden was made from. */
  private static OnnxModel input(Golden golden) {
    Input in =
        MODELS.computeIfAbsent(
            golden.model(),
            m -> {
              try {
                Path file = resource("models/" + m + ".onnx");
                return new Input(ModelFiles.load(file), sha256(Files.readAllBytes(file)));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    assertThat(in.sha256())
        .as("models/%s.onnx is the model %s was made from", golden.model(), golden.name())
        .isEqualTo(golden.json().path("oracle").path("input_sha256").asText());
    return in.model();
  }

  /** A loaded input model and the sha256 of its file. */
  private record Input(OnnxModel model, String sha256) {}

  private static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Golden golden(String name) throws IOException {
    return goldens().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
  }

  /** Our (unchanged) output for a golden, as read back from its file. */
  private static ModelProto base(String name) throws IOException {
    return quantized(golden(name)).model();
  }

  /** Compares our output for {@code name}, changed by {@code change}, with the golden. */
  private static GoldenComparison.Report perturbed(String name, UnaryOperator<ModelProto> change)
      throws IOException {
    Golden golden = golden(name);
    ModelProto changed = change.apply(quantized(golden).model());
    Path file = Files.createTempFile(dir, name + "-perturbed-", ".onnx");
    Files.delete(file);
    ModelFiles.save(OnnxModel.of(changed), file);
    return GoldenComparison.compare(golden.json(), Fingerprint.read(file));
  }

  private static TensorProto initializer(ModelProto m, String name) {
    return m.getGraph().getInitializerList().stream()
        .filter(t -> t.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no initializer " + name));
  }

  private static ModelProto withInitializer(
      ModelProto m, String name, UnaryOperator<TensorProto> change) {
    ModelProto.Builder b = m.toBuilder();
    GraphProto.Builder g = b.getGraphBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      if (g.getInitializer(i).getName().equals(name)) {
        g.setInitializer(i, change.apply(g.getInitializer(i)));
        return b.build();
      }
    }
    throw new AssertionError("no initializer " + name);
  }

  /** JSON paths where two trees differ, with both values (numbers compared by value). */
  private static void jsonDifferences(String path, JsonNode a, JsonNode b, List<String> out) {
    if (a.isObject() && b.isObject()) {
      List<String> keys = new ArrayList<>();
      a.fieldNames().forEachRemaining(keys::add);
      b.fieldNames()
          .forEachRemaining(
              k -> {
                if (!a.has(k)) {
                  keys.add(k);
                }
              });
      for (String k : keys) {
        String p = path + "/" + k;
        if (!a.has(k) || !b.has(k)) {
          out.add(p + ": golden " + a.get(k) + " ours " + b.get(k));
        } else {
          jsonDifferences(p, a.get(k), b.get(k), out);
        }
      }
    } else if (a.isArray() && b.isArray() && a.size() == b.size()) {
      for (int i = 0; i < a.size(); i++) {
        jsonDifferences(path + "[" + i + "]", a.get(i), b.get(i), out);
      }
    } else if (!a.equals(b)) {
      out.add(path + ": golden " + abbreviate(a) + " ours " + abbreviate(b));
    }
  }

  private static String abbreviate(JsonNode v) {
    String s = v.toString();
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }
}
