// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quantscope.model.Protos.node;
import static org.quantscope.model.Protos.tensorValue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.graph.GraphLayout;
import org.quantscope.graph.Scope;
import org.quantscope.json.JsonDocument;
import org.quantscope.json.SchemaCheck;
import org.quantscope.model.ElementType;
import org.quantscope.model.ExampleModel;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.GraphProto;
import org.quantscope.parity.ParityOptions;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.pipeline.Plan;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.Synthesizer;

/**
 * Reports of a real evaluation of the example classifier (quantized, parity-checked and benchmarked
 * in ONNX Runtime): what the PDF, PNG and JSON say must be the evaluation's figures.
 */
class ReportTest {
  static Report report;
  static GraphLayout.Result layout;
  @TempDir Path dir;

  @BeforeAll
  static void evaluate() throws Exception {
    OnnxModel model = OnnxModel.of(ExampleModel.build());
    report = evaluate(model, QuantizeOptions.DEFAULTS, true);
    layout =
        GraphLayout.layout(
            Scope.all(model.graph()).get(0), GraphLayout.Options.DEFAULTS, Progress.NONE);
  }

  static Report evaluate(OnnxModel model, QuantizeOptions options, boolean bench) throws Exception {
    List<Map<String, NdArray>> feeds = Synthesizer.synthesize(model, Synthesizer.Options.of(16, 7));
    Plan plan =
        Plan.quantize(model, options)
            .withCandidateName("int8")
            .withParity(new ParityOptions(0.2, 0.05, 0.5, Set.of(), 40), feeds);
    if (bench) {
      plan = plan.withBench(new LatencyBenchmark.Options(2, 8, 0), feeds.subList(0, 2));
    }
    return Pipeline.inProcess().run(plan, Progress.NONE).report();
  }

  @Test
  void pdfHoldsTheFiguresAsSelectableTextInEmbeddedFonts() throws Exception {
    Path pdf = dir.resolve("report.pdf");
    ReportPdf.write(report, layout, ReportPdf.Paper.A4, pdf);
    try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
      int pages = doc.getNumberOfPages();
      assertThat(pages).isGreaterThanOrEqualTo(4);
      String text = new PDFTextStripper().getText(doc);
      Report.Summary s = report.summary();
      assertThat(s.verdict()).isEqualTo(Report.PASSED);
      assertThat(text)
          .contains(report.title())
          .contains("PASSED")
          .contains(Figures.diff(s.maxAbsDiff()))
          .contains(Figures.diff(s.meanAbsDiff()))
          .contains(Figures.bytes(s.fp32Bytes()))
          .contains(Figures.bytes(s.int8Bytes()))
          .contains(Figures.ms(s.fp32Latency().p50()))
          .contains(Figures.ms(s.int8Latency().p50()))
          .contains("page 1 of " + pages)
          .contains("page " + pages + " of " + pages);
      // the same numbers as the JSON says
      JsonNode j = SchemaCheck.valid(JsonDocument.REPORT, ReportJson.toJson(report));
      JsonNode sj = j.get("summary");
      assertThat(text)
          .contains(Figures.diff(sj.get("max_abs_diff").asDouble()))
          .contains(Figures.diff(sj.get("mean_abs_diff").asDouble()))
          .contains(Figures.bytes(sj.get("int8_bytes").asLong()))
          .contains(Figures.ms(sj.get("int8_latency_ms").get("p90").asDouble()))
          .contains(Figures.ms(sj.get("fp32_latency_ms").get("p99").asDouble()))
          .contains(Figures.sizeChange(sj.get("size_ratio").asDouble()));
      for (JsonNode n : j.get("quantization").get("quantized")) {
        JsonNode w = n.get("weights").get(0);
        assertThat(text).contains(Figures.scale(w.get("scale_min").asDouble()));
      }
      for (var n : report.quantization().quantized()) {
        assertThat(text).contains(n.node());
        assertThat(text).contains(Figures.db(n.weights().get(0).sqnrDb()));
      }
      for (var n : report.quantization().skipped()) {
        assertThat(text).contains(n.node());
      }
      // the small example's graph fits and is drawn, with its legend
      assertThat(text).contains("Graph").contains("left in float");
      // where it will run: the same problems as the JSON lists, one line each
      assertThat(report.runtimeProblems()).isNotEmpty();
      assertThat(j.get("runtime_problems")).hasSize(report.runtimeProblems().size());
      assertThat(text).contains("Where it will run").contains("check-deploy");
      for (JsonNode p : j.get("runtime_problems")) {
        assertThat(text.replace("\n", " "))
            .contains(p.get("target").asText() + " (" + p.get("severity").asText() + ")");
      }
      for (PDPage page : doc.getPages()) {
        for (var name : page.getResources().getFontNames()) {
          PDFont font = page.getResources().getFont(name);
          assertThat(font.isEmbedded()).as(font.getName()).isTrue();
        }
      }
    }
  }

  @Test
  void aThirteenNodeGraphFitsOnePage() throws Exception {
    OnnxModel thirteen = OnnxModel.of(chain(13));
    GraphLayout.Result graph =
        GraphLayout.layout(
            Scope.all(thirteen.graph()).get(0), GraphLayout.Options.DEFAULTS, Progress.NONE);
    // taller than a page at full size: drawn smaller, on one page
    assertThat(graph.height()).isGreaterThan(ReportPdf.Paper.A4.size.getHeight());
    Path pdf = dir.resolve("thirteen.pdf");
    ReportPdf.write(report, graph, ReportPdf.Paper.A4, pdf);
    try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
      String text = new PDFTextStripper().getText(doc);
      // the boxes are drawn as shapes: the page heading is the text to find
      assertThat(text).contains("Graph").doesNotContain("Graph (1 of");
    }
  }

  @Test
  void aTwelveLayerEncoderPrintsWithItsLayersCollapsed() throws Exception {
    Scope main = Scope.all(TestModels.bertEncoder(12, true).getGraph()).get(0);
    GraphLayout.Result whole =
        GraphLayout.layout(main, GraphLayout.Options.DEFAULTS, Progress.NONE);
    GraphLayout.Result printed =
        GraphLayout.layoutLegible(
            main,
            GraphLayout.Options.DEFAULTS,
            r -> ReportPdf.graphFits(r, ReportPdf.Paper.A4),
            Progress.NONE);

    assertThat(ReportPdf.graphFits(whole, ReportPdf.Paper.A4)).isFalse();
    assertThat(ReportPdf.graphFits(printed, ReportPdf.Paper.A4)).isTrue();
    assertThat(printed.boxes())
        .filteredOn(b -> b.kind() == GraphLayout.Kind.BLOCK)
        .extracting(GraphLayout.Box::title)
        .containsExactly("encoder layer \u00d712");
    Path pdf = dir.resolve("encoder.pdf");
    ReportPdf.write(report, printed, ReportPdf.Paper.A4, pdf);
    try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
      assertThat(new PDFTextStripper().getText(doc)).contains("Graph").doesNotContain("too big");
    }
    // a small graph is printed whole
    Scope small = Scope.all(ExampleModel.build().getGraph()).get(0);
    assertThat(
            GraphLayout.layoutLegible(
                    small,
                    GraphLayout.Options.DEFAULTS,
                    r -> ReportPdf.graphFits(r, ReportPdf.Paper.A4),
                    Progress.NONE)
                .boxes())
        .noneMatch(b -> b.kind() == GraphLayout.Kind.BLOCK);
  }

  @Test
  void letterPaperHasLetterPages() throws Exception {
    Path pdf = dir.resolve("letter.pdf");
    ReportPdf.write(report, null, ReportPdf.Paper.LETTER, pdf);
    try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
      assertThat(doc.getPage(0).getMediaBox().getWidth()).isEqualTo(612f);
      assertThat(doc.getPage(0).getMediaBox().getHeight()).isEqualTo(792f);
      assertThat(new PDFTextStripper().getText(doc)).doesNotContain("Graph (");
    }
  }

  @Test
  void longTablesContinueOnFurtherPagesWithTheirHeader() throws Exception {
    int layers = 90;
    Report big = evaluate(OnnxModel.of(chain(layers)), QuantizeOptions.DEFAULTS, false);
    assertThat(big.quantization().quantized()).hasSize(layers);
    Path pdf = dir.resolve("big.pdf");
    ReportPdf.write(big, null, ReportPdf.Paper.A4, pdf);
    try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
      PDFTextStripper first = new PDFTextStripper();
      String all = first.getText(doc);
      assertThat(all).contains("Quantized nodes (" + layers + ")");
      for (int i = 0; i < layers; i++) {
        assertThat(all).contains("layer" + i + "/MatMul");
      }
      int withHeader = 0;
      for (int p = 1; p <= doc.getNumberOfPages(); p++) {
        PDFTextStripper one = new PDFTextStripper();
        one.setStartPage(p);
        one.setEndPage(p);
        String text = one.getText(doc);
        if (text.contains("Weight shape") && text.contains("SQNR")) {
          withHeader++;
        }
      }
      assertThat(withHeader).isGreaterThanOrEqualTo(2);
      // no latency was measured: the summary says so instead of inventing figures
      assertThat(big.summary().fp32Latency()).isNull();
    }
  }

  @Test
  void hostileNamesAreCleanedAndDoNotBreakThePdf() throws Exception {
    GraphProto.Builder g = GraphProto.newBuilder().setName("hostile");
    g.addInput(tensorValue("x", ElementType.FLOAT, "batch", 4));
    g.addOutput(tensorValue("y", ElementType.FLOAT, "batch", 4));
    g.addInitializer(Tensors.rawFloats("W", new long[] {4, 4}, TestModels.values(16, 5)));
    String name = "mat\u0000mul\n\u2603\uD83D\uDE00\u4e2d" + "x".repeat(600);
    g.addNode(node("MatMul", name, List.of("x", "W"), List.of("y")));
    Report r = evaluate(OnnxModel.of(TestModels.model(g)), QuantizeOptions.DEFAULTS, false);
    Path pdf = dir.resolve("hostile.pdf");
    ReportPdf.write(r, null, ReportPdf.Paper.A4, pdf);
    try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
      String text = new PDFTextStripper().getText(doc);
      // control characters become spaces; the 600-character name is cut to a readable length
      assertThat(text).contains("mat mul").doesNotContain("\u0000");
      assertThat(text).contains("larger");
      assertThat(text).doesNotContain("x".repeat(400));
    }
  }

  @Test
  void pngSheetIsWideAndCrisp() throws Exception {
    Path png = dir.resolve("charts.png");
    ReportPng.writeCharts(report, png);
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img.getWidth()).isGreaterThanOrEqualTo(1600);
    assertThat(img.getHeight()).isGreaterThan(800);
    // drawn, not blank: the image holds several distinct colours
    Set<Integer> colours = new java.util.HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 7) {
      for (int x = 0; x < img.getWidth(); x += 7) {
        colours.add(img.getRGB(x, y));
      }
    }
    assertThat(colours.size()).isGreaterThan(20);
    assertThat(ReportPng.charts(report)).hasSize(4);
  }

  @Test
  void graphPngColoursQuantizedNodes() throws Exception {
    Path png = dir.resolve("graph.png");
    ReportPng.writeGraph(report, layout, png);
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img.getWidth()).isGreaterThan(200);
    int good = java.awt.Color.decode(StatusColors.GOOD).getRGB();
    boolean found = false;
    for (int y = 0; y < img.getHeight() && !found; y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        if (img.getRGB(x, y) == good) {
          found = true;
          break;
        }
      }
    }
    assertThat(found).as("a quantized node filled in the SQNR colour").isTrue();
  }

  @Test
  void jsonRoundTripsAndCarriesTheSeedKeys() throws Exception {
    Path json = dir.resolve("report.json");
    ReportJson.write(report, json);
    Report back = ReportJson.read(json);
    assertThat(ReportJson.toJson(back)).isEqualTo(ReportJson.toJson(report));
    JsonNode j = SchemaCheck.valid(JsonDocument.REPORT, json);
    JsonNode parity = j.get("parity");
    List<String> keys = new ArrayList<>();
    parity.fieldNames().forEachRemaining(keys::add);
    assertThat(keys.subList(0, 3)).containsExactly("max_abs_diff", "mean_abs_diff", "passed");
    assertThat(parity.get("passed").asBoolean()).isTrue();
    assertThat(j.get("summary").get("verdict").asText()).isEqualTo("PASSED");
    assertThat(j.get("summary").get("int8_bytes").asLong()).isEqualTo(report.summary().int8Bytes());
    assertThat(j.get("quantization").get("quantized").size())
        .isEqualTo(report.quantization().quantized().size());
  }

  @Test
  void pdfSaysWhereTheSamplesCameFromAndWhatTheVerdictJudged() throws Exception {
    OnnxModel model = OnnxModel.of(ExampleModel.build());
    List<Map<String, NdArray>> feeds = Synthesizer.synthesize(model, Synthesizer.Options.of(16, 7));
    ParityOptions cosine =
        new ParityOptions(0.2, 0.05, 0.5, Set.of(), 40)
            .withMetric(org.quantscope.parity.Metric.COSINE, 0.5)
            .withSamplesFrom(org.quantscope.runtime.SampleOrigin.madeUp(16, 7));
    Report r =
        Pipeline.inProcess()
            .run(
                Plan.quantize(model, QuantizeOptions.DEFAULTS).withParity(cosine, feeds),
                Progress.NONE)
            .report();
    Path pdf = dir.resolve("cosine.pdf");
    ReportPdf.write(r, layout, ReportPdf.Paper.A4, pdf);
    try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
      PDFTextStripper first = new PDFTextStripper();
      first.setEndPage(1);
      String text = first.getText(doc).replaceAll("\\s+", " ");
      assertThat(text)
          .contains("Samples: 16 samples, one per run (batch 1); made up, seed 7.")
          .contains(
              "Verdict by the row cosine: min "
                  + Figures.cosine(r.parity().rowCosineMin())
                  + " (tolerance 0.5)")
          // the banner leads with the figure the verdict was decided by
          .contains("min row cosine " + Figures.cosine(r.parity().rowCosineMin()) + " >= 0.5");
    }
    assertThat(ReportPdf.verdictLine(r)).startsWith("min row cosine ");
    JsonNode parity = SchemaCheck.valid(JsonDocument.REPORT, ReportJson.toJson(r)).get("parity");
    assertThat(parity.get("samples_from").get("seed").asInt()).isEqualTo(7);
  }

  @Test
  void failedVerdictFollowsTheTolerances() throws Exception {
    OnnxModel model = OnnxModel.of(ExampleModel.build());
    List<Map<String, NdArray>> feeds = Synthesizer.synthesize(model, Synthesizer.Options.of(8, 3));
    Plan plan =
        Plan.quantize(model, QuantizeOptions.DEFAULTS)
            .withCandidateName("int8")
            .withParity(new ParityOptions(1e-9, 1e-9, 0.5, Set.of(), 40), feeds);
    Report r = Pipeline.inProcess().run(plan, Progress.NONE).report();
    assertThat(r.summary().verdict()).isEqualTo(Report.FAILED);
    Path pdf = dir.resolve("failed.pdf");
    ReportPdf.write(r, null, ReportPdf.Paper.A4, pdf);
    try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
      assertThat(new PDFTextStripper().getText(doc)).contains("FAILED").contains("EXCEEDED");
    }
  }

  @Test
  void anExistingFileIsReplacedWholeAndNoTemporaryFilesRemain() throws Exception {
    Path pdf = dir.resolve("same.pdf");
    Files.writeString(pdf, "old");
    ReportPdf.write(report, null, ReportPdf.Paper.A4, pdf);
    assertThat(Files.readAllBytes(pdf)).startsWith("%PDF".getBytes());
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("same.pdf");
    }
  }

  /** x -> MatMul(W0) -> MatMul(W1) -> ... : {@code n} quantizable nodes named layerI/MatMul. */
  static org.quantscope.onnx.ModelProto chain(int n) {
    GraphProto.Builder g = GraphProto.newBuilder().setName("chain");
    g.addInput(tensorValue("x", ElementType.FLOAT, "batch", 8));
    String prev = "x";
    for (int i = 0; i < n; i++) {
      g.addInitializer(
          Tensors.rawFloats("W" + i, new long[] {8, 8}, TestModels.values(64, i + 10)));
      String out = i == n - 1 ? "y" : "h" + i;
      g.addNode(node("MatMul", "layer" + i + "/MatMul", List.of(prev, "W" + i), List.of(out)));
      prev = out;
    }
    g.addOutput(tensorValue("y", ElementType.FLOAT, "batch", 8));
    return TestModels.model(g);
  }
}
