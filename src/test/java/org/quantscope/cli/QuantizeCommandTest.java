// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.json.JsonDocument;
import org.quantscope.json.SchemaCheck;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.onnx.ModelProto;

class QuantizeCommandTest {
  @TempDir Path dir;

  private Path model(String name, ModelProto m) throws IOException {
    return Files.write(dir.resolve(name), m.toByteArray());
  }

  private List<String> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesTheDefaultOutputAndASizeSummary() throws IOException {
    Path in = model("model.onnx", TestModels.bigWeight());
    byte[] before = Files.readAllBytes(in);
    CliTest.Result r = CliTest.run("quantize", in.toString());
    assertThat(r.code()).as(r.err()).isZero();
    Path out = dir.resolve("model.int8.onnx");
    assertThat(r.out()).startsWith("Wrote " + out + "\n");
    assertThat(r.out())
        .containsPattern(
            "\\d+\\.\\d kB -> \\d+\\.\\d kB \\(\\d\\.\\dx smaller\\), 1 of 1 nodes quantized");
    assertThat(ModelFiles.load(out).proto().getProducerName()).isEqualTo("onnx.quantize");
    assertThat(Files.readAllBytes(in)).as("the input is never touched").isEqualTo(before);
    assertThat(listing()).containsExactly("model.int8.onnx", "model.onnx");
  }

  @Test
  void optionsAndTheReport() throws IOException {
    Path in = model("mlp.onnx", TestModels.mlp());
    Path out = dir.resolve("q.onnx");
    Path report = dir.resolve("report.json");
    CliTest.Result r =
        CliTest.run(
            "quantize",
            in.toString(),
            "-o",
            out.toString(),
            "--per-channel",
            "--weight-type",
            "QUInt8",
            "--reduce-range",
            "--nodes-to-exclude",
            "fc2_MatMul",
            "--extra-option",
            "MatMulConstBOnly=True",
            "--report",
            report.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("1 of 2 nodes quantized");
    JsonNode j = SchemaCheck.valid(JsonDocument.QUANTIZATION, report);
    assertThat(j.get("quantized").get(0).get("node").asText()).isEqualTo("fc1");
    JsonNode w = j.get("quantized").get(0).get("weights").get(0);
    assertThat(w.get("type").asText()).isEqualTo("uint8");
    assertThat(w.get("per_channel").asBoolean()).isTrue();
    assertThat(w.get("channels").asInt()).isEqualTo(8);
    assertThat(j.get("skipped").get(0).get("reason").asText())
        .isEqualTo("excluded (nodes_to_exclude)");
    assertThat(j.get("file_bytes_after").asLong()).isEqualTo(Files.size(out));
  }

  @Test
  void externalDataOutput() throws IOException {
    Path in = model("big.onnx", TestModels.bigWeight());
    Path out = dir.resolve("ext.onnx");
    CliTest.Result r =
        CliTest.run("quantize", in.toString(), "-o", out.toString(), "--external-data");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(dir.resolve("ext.onnx.data")).exists();
    OnnxModel back = ModelFiles.load(out);
    assertThat(back.externalDataFiles()).hasSize(1);
  }

  @Test
  void nothingToQuantizeExitsOneAndWritesNothing() throws IOException {
    Path in = model("trees.onnx", TestModels.treeOnly());
    CliTest.Result r = CliTest.run("quantize", in.toString());
    assertThat(r.code()).isEqualTo(ExitCodes.CHECK_FAILED);
    assertThat(r.err()).contains("nothing to quantize").contains("Nothing was written");
    assertThat(listing()).containsExactly("trees.onnx");
  }

  @Test
  void refusesToOverwriteTheInput() throws IOException {
    Path in = model("m.onnx", TestModels.mlp());
    CliTest.Result r = CliTest.run("quantize", in.toString(), "-o", in.toString());
    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("is the input model");
    assertThat(listing()).containsExactly("m.onnx");
  }

  @Test
  void badOptionsAndBadFilesExitTwo() throws IOException {
    Path in = model("m.onnx", TestModels.mlp());
    for (String[] args :
        List.of(
            new String[] {"quantize", in.toString(), "--weight-type", "int4"},
            new String[] {"quantize", in.toString(), "--op-types", "Softmax"},
            new String[] {"quantize", in.toString(), "--extra-option", "Nope=1"},
            new String[] {"quantize", dir.resolve("missing.onnx").toString()},
            new String[] {
              "quantize", in.toString(), "-o", dir.resolve("no/such/dir/x.onnx").toString()
            })) {
      CliTest.Result r = CliTest.run(args);
      assertThat(r.code())
          .as(String.join(" ", args) + " -> " + r.err())
          .isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(r.err().lines().count()).isEqualTo(1);
      assertThat(r.err()).doesNotContain("\tat ");
    }
    assertThat(listing()).containsExactly("m.onnx");
  }

  @Test
  void defaultOutputNames() {
    assertThat(QuantizeCommand.defaultOutput(Path.of("artifacts/model.onnx")))
        .isEqualTo(Path.of("artifacts/model.int8.onnx"));
    assertThat(QuantizeCommand.defaultOutput(Path.of("net.ONNX")))
        .isEqualTo(Path.of("net.int8.onnx"));
    assertThat(QuantizeCommand.defaultOutput(Path.of("weird")))
        .isEqualTo(Path.of("weird.int8.onnx"));
  }
}
