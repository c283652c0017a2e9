// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.json.JsonDocument;
import org.quantscope.json.SchemaCheck;
import org.quantscope.model.ExampleModel;

/** The report verb end to end: it quantizes, checks parity, benchmarks and writes every format. */
class ReportCommandTest {
  @TempDir Path dir;
  Path fp32;

  @BeforeEach
  void model() throws IOException {
    fp32 = Files.write(dir.resolve("model.onnx"), ExampleModel.build().toByteArray());
  }

  @Test
  void writesEveryFormatAndExitsWithTheVerdict() throws IOException {
    Path pdf = dir.resolve("out/report.pdf");
    Path png = dir.resolve("out/charts.png");
    Path graph = dir.resolve("out/graph.png");
    Path json = dir.resolve("out/report.json");
    Files.createDirectories(pdf.getParent());
    CliTest.Result r =
        CliTest.run(
            "report",
            fp32.toString(),
            "--reduce-range",
            "--samples",
            "16",
            "--abs-tol",
            "0.2",
            "--mean-tol",
            "0.05",
            "--runs",
            "5",
            "--warmup",
            "1",
            "--pdf",
            pdf.toString(),
            "--png",
            png.toString(),
            "--graph-png",
            graph.toString(),
            "--json",
            json.toString(),
            "--paper",
            "letter");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).startsWith("PASSED").contains("Wrote " + pdf);
    JsonNode j = SchemaCheck.valid(JsonDocument.REPORT, json);
    assertThat(j.get("settings").get("reduce_range").asBoolean()).isTrue();
    assertThat(j.get("parity").get("passed").asBoolean()).isTrue();
    assertThat(j.get("bench").get("models").size()).isEqualTo(2);
    try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
      assertThat(doc.getPage(0).getMediaBox().getWidth()).isEqualTo(612f);
      String text = new PDFTextStripper().getText(doc);
      assertThat(text).contains("model.onnx").contains("reduce range");
    }
    BufferedImage charts = ImageIO.read(png.toFile());
    assertThat(charts.getWidth()).isGreaterThanOrEqualTo(1600);
    assertThat(ImageIO.read(graph.toFile())).isNotNull();
  }

  @Test
  void failedParityExitsOneButStillWritesTheReport() throws IOException {
    Path json = dir.resolve("report.json");
    CliTest.Result r =
        CliTest.run(
            "report",
            fp32.toString(),
            "--samples",
            "8",
            "--abs-tol",
            "0.0000001",
            "--no-bench",
            "--json",
            json.toString());
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).startsWith("FAILED");
    JsonNode j = SchemaCheck.valid(JsonDocument.REPORT, json);
    assertThat(j.get("summary").get("verdict").asText()).isEqualTo("FAILED");
    assertThat(j.has("bench")).isFalse();
  }

  @Test
  void anExistingCandidateIsCheckedNotQuantizedAgain() throws IOException {
    Path int8 = dir.resolve("model.int8.onnx");
    assertThat(CliTest.run("quantize", fp32.toString(), "-o", int8.toString()).code()).isZero();
    Path json = dir.resolve("r.json");
    CliTest.Result r =
        CliTest.run(
            "report",
            fp32.toString(),
            "--candidate",
            int8.toString(),
            "--samples",
            "8",
            "--abs-tol",
            "1",
            "--mean-tol",
            "1",
            "--no-bench",
            "--json",
            json.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    JsonNode j = SchemaCheck.valid(JsonDocument.REPORT, json);
    assertThat(j.has("quantization")).isFalse();
    assertThat(j.get("summary").get("int8_bytes").asLong()).isEqualTo(Files.size(int8));
  }

  @Test
  void badInputIsExitCodeTwoAndWritesNothing() throws IOException {
    Path json = dir.resolve("r.json");
    CliTest.Result none = CliTest.run("report", fp32.toString());
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("--pdf");

    Path broken = Files.write(dir.resolve("broken.onnx"), new byte[] {8, 7, 18, 3, 'a'});
    CliTest.Result bad = CliTest.run("report", broken.toString(), "--json", json.toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("broken.onnx").doesNotContain("Exception");

    CliTest.Result paper =
        CliTest.run("report", fp32.toString(), "--json", json.toString(), "--paper", "a3");
    assertThat(paper.code()).isEqualTo(2);
    assertThat(paper.err()).contains("a4 or letter");
    assertThat(json).doesNotExist();
  }
}
