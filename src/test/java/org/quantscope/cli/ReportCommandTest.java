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
import org.quantscope.TestModels;
import org.quantscope.json.JsonDocument;
import org.quantscope.json.SchemaCheck;
import org.quantscope.model.ExampleModel;
import org.quantscope.report.Figures;

/**
 * The report verb end to end: it quantizes, checks parity with the error trace, benchmarks and
 * writes every format.
 */
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
    // traced by default: the whole trace, and its top nodes in the summary
    assertThat(j.at("/trace/nodes").size()).isEqualTo(j.at("/quantization/quantized").size());
    assertThat(j.at("/summary/top_nodes/0/node").asText())
        .isEqualTo(j.at("/trace/nodes/0/node").asText());
    assertThat(r.out()).contains("  trace    most error enters at ");
    try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
      assertThat(doc.getPage(0).getMediaBox().getWidth()).isEqualTo(612f);
      String text = new PDFTextStripper().getText(doc);
      assertThat(text)
          .contains("model.onnx")
          .contains("reduce range")
          .contains("Where the error enters");
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
  void deployCheckAddsTheVerdictAndAGivenInt8ModelItsRuntimeProblems() throws Exception {
    Path f = Files.write(dir.resolve("sat.onnx"), TestModels.saturatingMatMul().toByteArray());
    Path int8 = dir.resolve("sat.int8.onnx");
    assertThat(CliTest.run("quantize", f.toString(), "-o", int8.toString()).code()).isZero();
    Path json = dir.resolve("r.json");
    Path pdf = dir.resolve("r.pdf");
    CliTest.Result r =
        CliTest.run(
            "report",
            f.toString(),
            "--candidate",
            int8.toString(),
            "--deploy-check",
            "--samples",
            "16",
            "--abs-tol",
            "100",
            "--mean-tol",
            "100",
            "--no-bench",
            "--json",
            json.toString(),
            "--pdf",
            pdf.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    JsonNode j = SchemaCheck.valid(JsonDocument.REPORT, json);
    // the given int8 model is read for what the runtimes cannot run of it
    assertThat(j.get("runtime_problems").isArray()).isTrue();
    assertThat(j.get("runtime_problems").toString()).contains("MatMulInteger");
    JsonNode d = j.get("deploy_check");
    assertThat(d.get("saturation").get("nodes")).hasSize(1);
    assertThat(d.get("saturation").get("samples").asLong()).isEqualTo(16);
    boolean atRisk = d.get("at_risk").asBoolean();
    assertThat(atRisk)
        .isEqualTo(d.get("saturation").get("nodes").get(0).get("saturated_pairs").asLong() > 0);
    assertThat(d.get("verdict").asText()).startsWith(atRisk ? "at risk" : "safe");
    assertThat(r.out()).contains("  deploy   " + d.get("verdict").asText());
    // the part's schema is check-deploy's: a kernel it does not know is refused
    String bad = Files.readString(json).replaceAll("\"u8s8\"", "\"s16\"");
    assertThat(bad).contains("\"s16\"");
    assertThat(SchemaCheck.errors(JsonDocument.REPORT, bad)).isNotEmpty();
    try (org.apache.pdfbox.pdmodel.PDDocument doc =
        org.apache.pdfbox.Loader.loadPDF(pdf.toFile())) {
      String text = new org.apache.pdfbox.text.PDFTextStripper().getText(doc).replace("\n", " ");
      assertThat(text).contains("Where it will run").contains("On x86 CPUs without VNNI:");
      assertThat(text).contains(atRisk ? "pairs saturate" : "does not saturate");
    }

    // without the flag: the runtime problems of the given model, no check
    CliTest.Result plain =
        CliTest.run(
            "report",
            f.toString(),
            "--candidate",
            int8.toString(),
            "--samples",
            "4",
            "--abs-tol",
            "100",
            "--mean-tol",
            "100",
            "--no-bench",
            "--json",
            json.toString());
    assertThat(plain.code()).isZero();
    JsonNode p = SchemaCheck.valid(JsonDocument.REPORT, json);
    assertThat(p.has("runtime_problems")).isTrue();
    assertThat(p.has("deploy_check")).isFalse();
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

  /** The fragile MLP's options of the issue: fc2 breaks parity, leaving it in float passes. */
  private static final String[] FRAGILE = {
    "--samples",
    "20",
    "--seed",
    "7",
    "--x64-quant-precision",
    "--abs-tol",
    "1.0",
    "--mean-tol",
    "0.3",
    "--no-bench"
  };

  private Path fragile() throws IOException {
    return Files.write(dir.resolve("fragile.onnx"), TestModels.fragileMlp("fc2").toByteArray());
  }

  private static String[] args(String... first) {
    String[] all = new String[first.length + FRAGILE.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(FRAGILE, 0, all, first.length, FRAGILE.length);
    return all;
  }

  @Test
  void aFailedReportNamesTheTopCulpritAndKeepsTheUsersExclusions() throws IOException {
    Path json = dir.resolve("f.json");
    CliTest.Result r =
        CliTest.run(
            args("report", fragile().toString(), "--nodes-to-exclude", "fc3", "--json", "" + json));
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out())
        .startsWith("FAILED")
        .contains("  trace    most error enters at fc2 (MatMul, ")
        .contains(
            "Try leaving fc2 in float: --nodes-to-exclude fc3,fc2 (or --auto-exclude to find the"
                + " least)");
    JsonNode j = SchemaCheck.valid(JsonDocument.REPORT, json);
    assertThat(j.at("/trace/nodes/0/node").asText()).isEqualTo("fc2");
    assertThat(j.has("auto_exclude")).isFalse();
    // the line names the node's share of the output error, as the JSON has it
    double share = j.at("/summary/top_nodes/0/output_share").asDouble();
    assertThat(share).isEqualTo(j.at("/trace/nodes/0/output_share").asDouble()).isPositive();
    assertThat(r.out())
        .contains(
            "most error enters at fc2 (MatMul, " + Figures.share(share) + " of the output error, ");
  }

  @Test
  void autoExcludeEndsAFailedReportWithTheSearch() throws IOException {
    Path json = dir.resolve("f.json");
    Path pdf = dir.resolve("f.pdf");
    CliTest.Result r =
        CliTest.run(
            args(
                "report",
                fragile().toString(),
                "--auto-exclude",
                "--json",
                json.toString(),
                "--pdf",
                pdf.toString()));
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out())
        .contains("Try leaving fc2 in float: --nodes-to-exclude fc2\n")
        .contains("Auto-exclude: 1 of 3 nodes left in float: fc2")
        .contains("To write that model: quantscope quantize MODEL -o OUT --nodes-to-exclude fc2");
    JsonNode j = SchemaCheck.valid(JsonDocument.REPORT, json);
    assertThat(j.at("/summary/verdict").asText()).isEqualTo("FAILED");
    assertThat(j.at("/auto_exclude/excluded/0").asText()).isEqualTo("fc2");
    try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
      PDFTextStripper last = new PDFTextStripper();
      last.setStartPage(doc.getNumberOfPages());
      String text = last.getText(doc).replaceAll("\\s+", " ");
      assertThat(text)
          .contains("What to do")
          .contains("--nodes-to-exclude fc2")
          .contains("leaving 1 of 3 nodes in float passes");
    }
  }

  @Test
  void noTraceChecksParityOnly() throws IOException {
    Path json = dir.resolve("f.json");
    CliTest.Result r =
        CliTest.run(args("report", fragile().toString(), "--no-trace", "--json", json.toString()));
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out())
        .doesNotContain("  trace ")
        .contains("Run without --no-trace to see which nodes make the error.");
    JsonNode j = SchemaCheck.valid(JsonDocument.REPORT, json);
    assertThat(j.has("trace")).isFalse();
    assertThat(j.at("/summary").has("top_nodes")).isFalse();
    assertThat(j.at("/parity/passed").asBoolean()).isFalse();
  }

  @Test
  void autoExcludeNeedsAModelToQuantize() throws IOException {
    Path int8 = dir.resolve("model.int8.onnx");
    assertThat(CliTest.run("quantize", fp32.toString(), "-o", int8.toString()).code()).isZero();
    Path json = dir.resolve("r.json");
    CliTest.Result r =
        CliTest.run(
            "report",
            fp32.toString(),
            "--candidate",
            int8.toString(),
            "--auto-exclude",
            "--json",
            json.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("--auto-exclude")
        .contains("--candidate")
        .doesNotContain("Exception");
    assertThat(json).doesNotExist();
  }
}
