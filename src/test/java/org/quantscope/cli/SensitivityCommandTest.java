// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.json.JsonDocument;
import org.quantscope.json.SchemaCheck;
import org.quantscope.model.ModelFiles;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.NodeProto;

/**
 * The sensitivity verb and {@code quantize --auto-exclude} end to end on {@link
 * TestModels#fragileMlp}: its fragile layer gives errors near 19 when quantized, the others below
 * 0.2, so tolerances of 1.0 / 0.3 pass exactly when the fragile layer stays in float.
 */
class SensitivityCommandTest {
  @TempDir Path dir;

  private Path model(String name, ModelProto m) throws IOException {
    return Files.write(dir.resolve(name), m.toByteArray());
  }

  private List<String> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Tolerances, samples and the CPU workaround every run here uses. */
  private static String[] args(String... head) {
    List<String> a = new ArrayList<>(List.of(head));
    a.addAll(
        List.of(
            "--abs-tol", "1.0", "--mean-tol", "0.3", "--samples", "20", "--x64-quant-precision"));
    return a.toArray(String[]::new);
  }

  @Test
  void sensitivityPrintsTheRankingAndWritesJson() throws IOException {
    Path in = model("m.onnx", TestModels.fragileMlp("fc2"));
    Path json = dir.resolve("s.json");
    CliTest.Result r = CliTest.run(args("sensitivity", in.toString(), "--json", json.toString()));
    assertThat(r.code()).as(r.err()).isZero();
    List<String> rows = r.out().lines().toList();
    assertThat(rows.get(0)).startsWith("RANK  NODE");
    assertThat(rows.get(1)).matches("\\s+1  fc2\\s+MatMul\\s+.*\\*.*");
    assertThat(r.out()).contains("All 3 nodes in int8").contains("FAILED");
    JsonNode j = SchemaCheck.valid(JsonDocument.SENSITIVITY, json);
    assertThat(j.get("nodes")).hasSize(3);
    JsonNode first = j.get("nodes").get(0);
    assertThat(first.get("node").asText()).isEqualTo("fc2");
    assertThat(first.get("only_this").get("passed").asBoolean()).isFalse();
    assertThat(first.get("all_but_this").get("passed").asBoolean()).isTrue();
    assertThat(j.get("full").get("passed").asBoolean()).isFalse();
    assertThat(listing()).containsExactly("m.onnx", "s.json");
  }

  @Test
  void autoExcludeWritesAModelWithOnlyTheFragileLayerInFloat() throws IOException {
    Path in = model("m.onnx", TestModels.fragileMlp("fc2"));
    Path out = dir.resolve("m.auto.onnx");
    Path search = dir.resolve("search.json");
    CliTest.Result r =
        CliTest.run(
            args(
                "quantize",
                in.toString(),
                "-o",
                out.toString(),
                "--auto-exclude",
                "--search-report",
                search.toString()));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("1 of 3 nodes left in float: fc2")
        .contains("Wrote " + out)
        .contains("2 of 3 nodes quantized");
    List<String> floatMatMuls =
        ModelFiles.load(out).proto().getGraph().getNodeList().stream()
            .filter(n -> n.getOpType().equals("MatMul"))
            .map(NodeProto::getName)
            .toList();
    assertThat(floatMatMuls).containsExactly("fc2");
    JsonNode j = SchemaCheck.valid(JsonDocument.AUTO_EXCLUDE, search);
    assertThat(j.get("passed").asBoolean()).isTrue();
    assertThat(j.get("excluded").get(0).asText()).isEqualTo("fc2");
    assertThat(j.get("after").get("passed").asBoolean()).isTrue();
    assertThat(j.get("int8_bytes").asLong()).isPositive();

    // the parity verb agrees on the written file
    CliTest.Result p =
        CliTest.run(
            "parity",
            "--reference",
            in.toString(),
            "--candidate",
            out.toString(),
            "--samples",
            "20",
            "--x64-quant-precision",
            "--abs-tol",
            "1.0",
            "--mean-tol",
            "0.3",
            "-o",
            dir.resolve("p.json").toString());
    assertThat(p.code()).as(p.out() + p.err()).isZero();
  }

  @Test
  void whenNoSubsetPassesItExitsOneAndWritesNothing() throws IOException {
    Path in = model("m.onnx", TestModels.fragileMlp("fc2"));
    Path out = dir.resolve("never.onnx");
    CliTest.Result r =
        CliTest.run(
            "quantize",
            in.toString(),
            "-o",
            out.toString(),
            "--auto-exclude",
            "--abs-tol",
            "0.0000001",
            "--mean-tol",
            "0.00000001",
            "--samples",
            "10");
    assertThat(r.code()).isEqualTo(ExitCodes.CHECK_FAILED);
    assertThat(r.err())
        .contains("no subset of the 3 quantizable nodes passes")
        .contains("Nothing was written");
    assertThat(r.err()).doesNotContain("\tat ");
    assertThat(listing()).containsExactly("m.onnx");
  }

  @Test
  void mistakesAreOneLineAndExitTwo() throws IOException {
    Path in = model("m.onnx", TestModels.fragileMlp("fc2"));
    for (String[] a :
        List.of(
            new String[] {"quantize", in.toString(), "--abs-tol", "0.1"},
            new String[] {"quantize", in.toString(), "--auto-exclude", "--abs-tol", "-1"},
            new String[] {
              "quantize",
              in.toString(),
              "--auto-exclude",
              "-o",
              dir.resolve("no/such/x.onnx").toString()
            },
            new String[] {"sensitivity", dir.resolve("missing.onnx").toString()},
            new String[] {"sensitivity", in.toString(), "--top", "-2"},
            new String[] {"sensitivity", in.toString(), "--inputs", "nope.csv"})) {
      CliTest.Result r = CliTest.run(a);
      assertThat(r.code()).as(String.join(" ", a) + " -> " + r.err()).isEqualTo(2);
      assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
      assertThat(r.err()).doesNotContain("\tat ");
    }
    CliTest.Result b = CliTest.run("quantize", in.toString(), "--bench");
    assertThat(b.err()).contains("--bench is only used with --auto-exclude");
    assertThat(listing()).containsExactly("m.onnx");
  }

  @Test
  void nothingToQuantizeExitsOne() throws IOException {
    Path in = model("trees.onnx", TestModels.treeOnly());
    CliTest.Result r = CliTest.run("sensitivity", in.toString());
    assertThat(r.code()).isEqualTo(ExitCodes.CHECK_FAILED);
    assertThat(r.err()).contains("nothing to quantize");
    CliTest.Result q =
        CliTest.run(
            "quantize", in.toString(), "-o", dir.resolve("t.onnx").toString(), "--auto-exclude");
    assertThat(q.code()).isEqualTo(ExitCodes.CHECK_FAILED);
    assertThat(listing()).containsExactly("trees.onnx");
  }
}
