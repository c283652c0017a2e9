// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.json.JsonDocument;
import org.quantscope.json.SchemaCheck;

/**
 * The JSON convention on the command line: every verb's document is snake_case, starts with its
 * {@code schema_version}, validates against its schema, and goes to standard output with {@code -}
 * (the verb's text then goes to standard error, so that standard output is one document).
 */
class JsonConventionTest {
  @TempDir Path dir;

  private Path model(String name, org.quantscope.onnx.ModelProto m) throws IOException {
    return Files.write(dir.resolve(name), m.toByteArray());
  }

  /** Runs a verb with its JSON on standard output; checks the document and where text went. */
  private static JsonNode toStdout(JsonDocument doc, int expectedCode, String... args) {
    CliTest.Result r = CliTest.run(args);
    assertThat(r.code()).as(r.err()).isEqualTo(expectedCode);
    JsonNode j = SchemaCheck.valid(doc, r.out());
    assertThat(r.out().strip()).as("standard output is exactly one document").endsWith("}");
    assertSnakeCase(j, doc.name());
    return j;
  }

  /** Every key is snake_case, except the keys of maps whose keys are data (names, domains). */
  static void assertSnakeCase(JsonNode node, String where) {
    if (node.isArray()) {
      for (JsonNode e : node) {
        assertSnakeCase(e, where);
      }
    }
    if (!node.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String key = e.getKey();
      if (List.of("opsets", "op_counts", "extra_options").contains(key)) {
        continue;
      }
      assertThat(key).as(where + " key").matches("[a-z][a-z0-9]*(_[a-z0-9]+)*");
      assertSnakeCase(e.getValue(), where + "." + key);
    }
  }

  @Test
  void inspectWritesTheInspectDocument() throws IOException {
    Path m = model("if.onnx", TestModels.withIf());
    JsonNode j = toStdout(JsonDocument.INSPECT, 0, "inspect", "--json", m.toString());
    assertThat(j.get("ir_version").asLong()).isEqualTo(8);
    assertThat(j.get("node_count").asInt()).isEqualTo(4);
    assertThat(j.get("quantizable").get(0).has("will_quantize")).isTrue();
    assertThat(toStdout(JsonDocument.INSPECT, 0, "inspect", m.toString(), "--json", "-"))
        .isEqualTo(j);

    Path file = dir.resolve("inspect.json");
    CliTest.Result r = CliTest.run("inspect", m.toString(), "--json", file.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Quantizable nodes").endsWith("Wrote " + file + "\n");
    assertThat(SchemaCheck.valid(JsonDocument.INSPECT, file)).isEqualTo(j);
  }

  @Test
  void inspectNamesTheRepeatedBlocks() throws IOException {
    Path m = model("encoder.onnx", TestModels.bertEncoder(3, true));
    JsonNode j = toStdout(JsonDocument.INSPECT, 0, "inspect", "--json", m.toString());
    JsonNode blocks = j.get("repeated_blocks");
    assertThat(blocks).hasSize(1);
    assertThat(blocks.get(0).get("name").asText()).isEqualTo("encoder layer");
    assertThat(blocks.get(0).get("count").asInt()).isEqualTo(3);
    assertThat(blocks.get(0).get("nodes_per_block").asInt()).isEqualTo(62);
    assertThat(blocks.get(0).get("first_nodes").get(2).asText())
        .isEqualTo("/encoder/layer.2/attention/self/query/MatMul");
    assertThat(blocks.get(0).has("first_indexes")).isFalse();

    CliTest.Result r = CliTest.run("inspect", m.toString());
    assertThat(r.out())
        .contains(
            "Repeated blocks:\n  encoder layer x3, 62 nodes each, first"
                + " /encoder/layer.0/attention/self/query/MatMul\n");
    Path plain = model("mlp.onnx", TestModels.mlp());
    assertThat(
            toStdout(JsonDocument.INSPECT, 0, "inspect", "--json", plain.toString())
                .get("repeated_blocks"))
        .isEmpty();
    assertThat(CliTest.run("inspect", plain.toString()).out()).doesNotContain("Repeated");
  }

  @Test
  void quantizeReportAndParityAndBench() throws IOException {
    Path in = model("mlp.onnx", TestModels.mlp());
    Path q = dir.resolve("mlp.int8.onnx");
    JsonNode quant =
        toStdout(
            JsonDocument.QUANTIZATION,
            0,
            "quantize",
            in.toString(),
            "-o",
            q.toString(),
            "--per-channel",
            "--json",
            "-");
    assertThat(quant.get("file_bytes_after").asLong()).isEqualTo(Files.size(q));
    assertThat(quant.get("quantized").get(0).get("weights").get(0).get("per_channel").asBoolean())
        .isTrue();

    JsonNode parity =
        toStdout(
            JsonDocument.PARITY,
            0,
            "parity",
            "--reference",
            in.toString(),
            "--candidate",
            q.toString(),
            "--samples",
            "8",
            "--abs-tol",
            "10",
            "--mean-tol",
            "10",
            "-o",
            "-");
    assertThat(parity.fieldNames().next()).isEqualTo("schema_version");
    assertThat(List.of(parity.fieldNames().next(), fieldsAfterVersion(parity)))
        .containsExactly("schema_version", List.of("max_abs_diff", "mean_abs_diff", "passed"));
    assertThat(dir.resolve("parity_report.json")).doesNotExist();
    // the schema reaches into the shared parts: a camelCase key deep inside is refused
    com.fasterxml.jackson.databind.node.ObjectNode output =
        (com.fasterxml.jackson.databind.node.ObjectNode) parity.get("outputs").get(0);
    output.set("maxAbsDiff", output.remove("max_abs_diff"));
    assertThat(SchemaCheck.errors(JsonDocument.PARITY, parity.toString()))
        .extracting(Object::toString)
        .anyMatch(e -> e.contains("maxAbsDiff"));

    JsonNode bench =
        toStdout(
            JsonDocument.BENCH,
            0,
            "bench",
            "--model",
            in.toString(),
            "--candidate",
            q.toString(),
            "--runs",
            "3",
            "--warmup",
            "1",
            "--json",
            "-");
    assertThat(bench.get("models")).hasSize(2);
    assertThat(bench.get("models").get(1).get("role").asText()).isEqualTo("candidate");
  }

  private static List<String> fieldsAfterVersion(JsonNode j) {
    List<String> keys = new ArrayList<>();
    j.fieldNames().forEachRemaining(keys::add);
    return keys.subList(1, 4);
  }

  @Test
  void sensitivityAutoExcludeAndReport() throws IOException {
    Path in = model("m.onnx", TestModels.fragileMlp("fc2"));
    String[] tol = {"--abs-tol", "1.0", "--mean-tol", "0.3", "--samples", "12"};
    JsonNode s =
        toStdout(
            JsonDocument.SENSITIVITY,
            0,
            concat(new String[] {"sensitivity", in.toString(), "--json", "-"}, tol));
    assertThat(s.get("nodes").get(0).has("only_this")).isTrue();

    Path out = dir.resolve("m.int8.onnx");
    JsonNode search =
        toStdout(
            JsonDocument.AUTO_EXCLUDE,
            0,
            concat(
                new String[] {
                  "quantize",
                  in.toString(),
                  "-o",
                  out.toString(),
                  "--auto-exclude",
                  "--search-report",
                  "-",
                  "--x64-quant-precision"
                },
                tol));
    assertThat(search.get("passed").asBoolean()).isTrue();
    assertThat(search.get("quantization").get("quantized")).isNotEmpty();

    Path pdf = dir.resolve("r.pdf");
    CliTest.Result r =
        CliTest.run(
            concat(
                new String[] {
                  "report", in.toString(), "--no-bench", "--json", "-", "--pdf", pdf.toString()
                },
                tol));
    assertThat(r.code()).as(r.err()).isIn(0, 1);
    JsonNode report = SchemaCheck.valid(JsonDocument.REPORT, r.out());
    assertSnakeCase(report, "report");
    assertThat(r.err()).contains("INT8 quantization of m.onnx").contains("Wrote " + pdf);
    assertThat(report.get("parity").get("outputs")).isNotEmpty();
  }

  @Test
  void traceWritesTheTraceDocument() throws IOException {
    Path in = model("m.onnx", TestModels.fragileMlp("fc2"));
    String[] args = {
      "trace", in.toString(), "--abs-tol", "1.0", "--mean-tol", "0.3", "--samples", "12"
    };
    CliTest.Result r = CliTest.run(concat(args, new String[] {"--json", "-"}));
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = SchemaCheck.valid(JsonDocument.TRACE, r.out());
    assertSnakeCase(j, "trace");
    assertThat(j.get("nodes").get(0).get("node").asText()).isEqualTo("fc2");
    assertThat(j.get("nodes").get(0).has("output_share")).isTrue();
    assertThat(r.err()).contains("RANK  NODE").contains("Graph outputs:").doesNotContain("Wrote");
    // the same trace, without its version, is the part a report embeds
    com.fasterxml.jackson.databind.node.ObjectNode part = j.deepCopy();
    part.remove(JsonDocument.VERSION_KEY);
    assertThat(SchemaCheck.partErrors("trace", part)).isEmpty();
    assertThat(SchemaCheck.partErrors("trace", j)).isNotEmpty();
    // a node without a share (null) and a non-finite SQNR are still valid documents
    com.fasterxml.jackson.databind.node.ObjectNode node =
        (com.fasterxml.jackson.databind.node.ObjectNode) j.get("nodes").get(0);
    node.putNull("output_share");
    node.put("introduced_db", "Infinity");
    assertThat(SchemaCheck.errors(JsonDocument.TRACE, j.toString())).isEmpty();
    node.put("outputShare", 0.5);
    assertThat(SchemaCheck.errors(JsonDocument.TRACE, j.toString()))
        .extracting(Object::toString)
        .anyMatch(e -> e.contains("outputShare"));
  }

  @Test
  void onlyOneOutputCanBeStandardOutput() throws IOException {
    Path in = model("m.onnx", TestModels.fragileMlp("fc2"));
    CliTest.Result r =
        CliTest.run(
            "quantize",
            in.toString(),
            "--auto-exclude",
            "--search-report",
            "-",
            "--report",
            "-",
            "--samples",
            "4");
    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("only one output can be '-' (standard output)");
    assertThat(r.out()).isEmpty();
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
