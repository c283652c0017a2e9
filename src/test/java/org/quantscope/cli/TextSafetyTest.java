// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.onnx.ModelProto;

/**
 * Names, doc strings and metadata from a model are untrusted: terminal escape sequences, bidi
 * overrides and markup reach neither the terminal nor a JSON file raw, and megabyte names do not
 * flood the text output. JSON keeps names whole (escaped), as data.
 */
class TextSafetyTest {
  @TempDir Path dir;

  static final String ESC = "\u001b[31m";
  static final String RLO = "\u202e";
  static final String HOSTILE = ESC + "red</script>&<b>x" + RLO + "gpj.exe\u0007";

  private Path hostileModel() throws IOException {
    ModelProto m = TestModels.mlp();
    ModelProto.Builder b = m.toBuilder().setProducerName(HOSTILE).setDocString(HOSTILE);
    b.getGraphBuilder().getNodeBuilder(0).setName(HOSTILE);
    b.getGraphBuilder().getNodeBuilder(3).setName("n".repeat(1 << 20));
    return Files.write(dir.resolve("hostile.onnx"), b.build().toByteArray());
  }

  @Test
  void inspectNeverPrintsControlCharacters() throws IOException {
    Path m = hostileModel();
    CliTest.Result r = CliTest.run("inspect", m.toString(), "--all");
    assertThat(r.code()).as(r.err()).isZero();
    String all = r.out() + r.err();
    assertThat(all).doesNotContain("\u001b").doesNotContain(RLO).doesNotContain("\u0007");
    assertThat(all).contains(" [31mred</script>&<b>x gpj.exe"); // controls as spaces
    // names are printed whole, but every text from the model is cut at Texts.MAX_CHARS: a line
    // holds the name and the detail, never the megabyte name
    assertThat(all.lines().mapToInt(String::length).max().orElse(0))
        .isLessThan(2 * org.quantscope.report.Texts.MAX_CHARS + 100);
  }

  @Test
  void jsonKeepsNamesWholeButEscaped() throws IOException {
    Path m = hostileModel();
    CliTest.Result r = CliTest.run("inspect", m.toString(), "--json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .doesNotContain("\u001b")
        .doesNotContain(RLO)
        .contains("\\u001B[31mred</script>&<b>x\\u202Egpj.exe\\u0007");
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.get("producer").asText()).isEqualTo(HOSTILE);

    Path report = dir.resolve("q.json");
    CliTest.Result q =
        CliTest.run(
            "quantize",
            m.toString(),
            "-o",
            dir.resolve("q.onnx").toString(),
            "--report",
            report.toString());
    assertThat(q.code()).as(q.err()).isZero();
    String text = Files.readString(report, StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("\u001b").doesNotContain(RLO);
    assertThat(text).contains("n".repeat(1 << 20)); // whole: JSON is data for programs
  }
}
