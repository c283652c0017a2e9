// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.model.OnnxModel;
import org.quantscope.onnx.ModelProto;
import org.quantscope.parity.ParityOptions;
import org.quantscope.pipeline.Outcome;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.pipeline.Plan;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.runtime.Synthesizer;
import org.quantscope.trace.ActivationReport;
import org.quantscope.trace.NodeError;
import org.quantscope.trace.TraceReport;

/**
 * Reports that carry the error trace, from real runs of the fragile MLP (fc2 breaks parity: its
 * weight has one value of 1000 on an input that is always 0, so one scale covers it and squeezes
 * every other weight). Tolerances 1.0 / 0.3, 20 samples of seed 7, ORT's x64 quant precision: the
 * trace ranks fc2 first, and leaving it in float passes. What the PDF, the PNG and the JSON say
 * must be the trace's figures, and a FAILED report must end with what to do.
 */
class ReportTraceTest {
  static final ParityOptions TOLERANCES = new ParityOptions(1.0, 0.3, 0.5, Set.of(), 40);
  static final OrtRuntime.SessionConfig SESSIONS =
      new OrtRuntime.SessionConfig(0, OrtRuntime.OptLevel.ALL, true);

  /** A node name as long as a deep encoder's, to be wrapped in the table. */
  static final String LONG =
      "/encoder/layer.11/attention/self/query_projection_for_the_fragile_path/MatMul_quantized";

  static Plan plan;
  static Outcome outcome;
  static Report failed;
  @TempDir Path dir;

  @BeforeAll
  static void traceTheFragileMlp() throws Exception {
    plan = traced(OnnxModel.of(TestModels.fragileMlp("fc2")), TOLERANCES);
    outcome = Pipeline.inProcess().run(plan, Progress.NONE);
    failed = outcome.report();
  }

  static Plan traced(OnnxModel model, ParityOptions tolerances) throws Exception {
    List<Map<String, NdArray>> feeds = Synthesizer.synthesize(model, Synthesizer.Options.of(20, 7));
    return Plan.quantize(model, QuantizeOptions.DEFAULTS)
        .withCandidateName("int8")
        .withTrace(tolerances, feeds)
        .withSessions(SESSIONS);
  }

  @Test
  void theTraceRanksTheCulpritFirstAndTheReportCarriesIt() {
    assertThat(failed.summary().verdict()).isEqualTo(Report.FAILED);
    assertThat(failed.trace()).isSameAs(outcome.trace());
    assertThat(failed.parity()).isSameAs(outcome.trace().parity());
    assertThat(failed.trace().nodes().get(0).node()).isEqualTo("fc2");
    List<Report.TopNode> top = failed.summary().topNodes();
    // fc3 makes no error of its own (its input r2 is all zeros): it is not a top node
    assertThat(top).extracting(Report.TopNode::node).containsExactly("fc2", "fc1");
    NodeError fc2 = failed.trace().node("fc2").orElseThrow();
    assertThat(top.get(0).introducedDb()).isEqualTo(fc2.introducedDb());
    assertThat(top.get(0).outputShare()).isEqualTo(fc2.outputShare());
    // ranked by share of the output error; fc3's is none
    assertThat(top.get(0).outputShare()).isGreaterThan(top.get(1).outputShare());
    assertThat(failed.trace().node("fc3").orElseThrow().outputShare()).isZero();
    assertThat(Culprits.names(Culprits.of(failed.trace()))).containsExactly("fc2");
  }

  @Test
  void pdfSaysWhereTheErrorEntersWithTheTracesFigures() throws Exception {
    Path pdf = dir.resolve("failed.pdf");
    ReportPdf.write(failed, null, ReportPdf.Paper.A4, pdf);
    try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
      String first = page(doc, 1);
      assertThat(first)
          .contains(
              "Most error enters at fc2 (MatMul, "
                  + Figures.share(failed.trace().nodes().get(0).outputShare())
                  + " of the output error");
      int at = pageWith(doc, "Quantized nodes by share of the output error");
      String section = page(doc, at);
      assertThat(section)
          .contains(PdfTracePages.TITLE)
          .contains("Share")
          .contains("Introduced")
          .contains("uint8 input")
          .contains("Weight");
      TraceReport t = failed.trace();
      for (NodeError n : t.nodes()) {
        assertThat(section)
            .contains(n.node())
            .contains(Figures.share(n.outputShare()))
            .contains(PdfTracePages.db(n.introducedDb()))
            .contains(PdfTracePages.db(n.outputSqnrDb()))
            .contains(PdfTracePages.db(n.weightSqnrDb()));
      }
      // the culprit's row: rank 1, fc2, its figures in order
      NodeError fc2 = t.nodes().get(0);
      assertThat(oneLine(section))
          .contains(
              "1 fc2 MatMul "
                  + Figures.share(fc2.outputShare())
                  + " "
                  + PdfTracePages.db(fc2.introducedDb())
                  + " "
                  + PdfTracePages.db(fc2.outputSqnrDb())
                  + " "
                  + PdfTracePages.db(fc2.inputSqnrDb())
                  + " "
                  + PdfTracePages.db(fc2.activationSqnrDb())
                  + " "
                  + PdfTracePages.db(fc2.weightSqnrDb()));
      // the statistics of the top nodes' inputs: r1 feeds fc2, x feeds fc1
      for (String name : List.of("r1", "x")) {
        ActivationReport a = t.activation(name).orElseThrow();
        assertThat(oneLine(section))
            .contains(
                Figures.scale(a.maxAbs())
                    + " "
                    + Figures.scale(a.p999Abs())
                    + " "
                    + Figures.ratio(a.outlierRatio(), 1)
                    + " "
                    + Figures.scale(a.stepMax())
                    + " row "
                    + a.worstRow()
                    + ": "
                    + Figures.ratio(a.worstRowRatio(), 1));
      }
      assertThat(oneLine(section)).contains("r1 #1 ").contains("x #2 ");
    }
  }

  @Test
  void aFailedReportEndsWithWhatToDo() throws Exception {
    Path pdf = dir.resolve("failed.pdf");
    ReportPdf.write(failed, null, ReportPdf.Paper.A4, pdf);
    try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
      String last = oneLine(page(doc, doc.getNumberOfPages()));
      NodeError fc2 = failed.trace().nodes().get(0);
      assertThat(last)
          .contains(PdfWhatToDo.TITLE)
          .contains("Parity failed on 20 samples")
          .contains(
              "fc2 (MatMul, rank 1): "
                  + Figures.share(fc2.outputShare())
                  + " of the output error, "
                  + Figures.db(fc2.introducedDb())
                  + " introduced")
          .contains("--nodes-to-exclude fc2")
          .contains("--auto-exclude")
          .doesNotContain("Auto-exclude searched");
    }
  }

  @Test
  void theAutoExcludeResultEndsTheReportWhenTheSearchRan() throws Exception {
    Outcome searched = Pipeline.inProcess().autoExcludeIfFailed(plan, outcome, Progress.NONE);
    assertThat(searched.autoExclude().excluded()).containsExactly("fc2");
    // the report stays the fully quantized model's
    assertThat(searched.parity()).isSameAs(outcome.parity());
    Report r = searched.report();
    assertThat(r.summary().verdict()).isEqualTo(Report.FAILED);
    assertThat(r.autoExclude().output()).isNull();
    Path pdf = dir.resolve("searched.pdf");
    ReportPdf.write(r, null, ReportPdf.Paper.A4, pdf);
    try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
      String last = oneLine(page(doc, doc.getNumberOfPages()));
      assertThat(last)
          .contains(PdfWhatToDo.TITLE)
          .contains("leaving 1 of 3 nodes in float passes")
          .contains(Figures.diff(r.autoExclude().after().maxAbsDiff()))
          .contains("2 nodes stay in int8")
          .contains("No passing set keeps more weight bytes in int8")
          .doesNotContain("quantscope quantize MODEL -o OUT --auto-exclude");
    }
    String json = ReportJson.toJson(r);
    JsonNode j = new ObjectMapper().readTree(json);
    assertThat(j.at("/auto_exclude/excluded/0").asText()).isEqualTo("fc2");
    assertThat(j.at("/auto_exclude/passed").asBoolean()).isTrue();
    assertThat(j.at("/auto_exclude/after/passed").asBoolean()).isTrue();
    assertThat(ReportJson.toJson(ReportJson.fromJson(json))).isEqualTo(json);
  }

  @Test
  void autoExcludeIfFailedLeavesAPassingOutcomeAloneAndNeedsToQuantize() throws Exception {
    Plan loose = traced(OnnxModel.of(TestModels.fragileMlp("fc2")), looseTolerances());
    Outcome passed = Pipeline.inProcess().run(loose, Progress.NONE);
    assertThat(passed.parity().passed()).isTrue();
    assertThat(Pipeline.inProcess().autoExcludeIfFailed(loose, passed, Progress.NONE))
        .isSameAs(passed);
    Plan given =
        Plan.given(plan.reference(), outcome.quantized().model(), "int8")
            .withTrace(TOLERANCES, plan.feeds());
    assertThatThrownBy(
            () -> Pipeline.inProcess().autoExcludeIfFailed(given, outcome, Progress.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("given int8 model");
  }

  @Test
  void jsonHoldsTheWholeTraceAndTheTopNodes() throws Exception {
    Path file = dir.resolve("failed.json");
    ReportJson.write(failed, file);
    JsonNode j = new ObjectMapper().readTree(file.toFile());
    TraceReport t = failed.trace();
    assertThat(j.at("/trace/nodes")).hasSize(t.nodes().size());
    assertThat(j.at("/trace/nodes/0/node").asText()).isEqualTo("fc2");
    assertThat(j.at("/trace/nodes/0/introduced_db").asDouble())
        .isEqualTo(t.nodes().get(0).introducedDb());
    assertThat(j.at("/trace/tensors")).hasSize(t.tensors().size());
    assertThat(j.at("/trace/activations")).hasSize(t.activations().size());
    assertThat(j.at("/trace/parity/max_abs_diff").asDouble()).isEqualTo(t.parity().maxAbsDiff());
    assertThat(j.at("/summary/top_nodes/0/node").asText()).isEqualTo("fc2");
    assertThat(j.at("/summary/top_nodes/0/op").asText()).isEqualTo("MatMul");
    assertThat(j.at("/summary/top_nodes/0/output_share").asDouble())
        .isEqualTo(t.nodes().get(0).outputShare());
    assertThat(j.at("/trace/nodes/0/output_share").asDouble())
        .isEqualTo(t.nodes().get(0).outputShare());
    assertThat(j.at("/summary/top_nodes")).hasSize(2);
    List<String> keys = new java.util.ArrayList<>();
    j.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsSubsequence("parity", "trace").doesNotContain("auto_exclude");
    String json = ReportJson.toJson(failed);
    assertThat(ReportJson.toJson(ReportJson.read(file))).isEqualTo(json);
  }

  @Test
  void aPassedReportHasTheSectionButNothingToDo() throws Exception {
    Report passed =
        Pipeline.inProcess()
            .run(
                traced(OnnxModel.of(TestModels.fragileMlp("fc2")), looseTolerances()),
                Progress.NONE)
            .report();
    assertThat(passed.summary().verdict()).isEqualTo(Report.PASSED);
    Path pdf = dir.resolve("passed.pdf");
    ReportPdf.write(passed, null, ReportPdf.Paper.A4, pdf);
    try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
      String text = new PDFTextStripper().getText(doc);
      assertThat(text).contains(PdfTracePages.TITLE).doesNotContain(PdfWhatToDo.TITLE);
      assertThat(page(doc, 1)).contains("Most error enters at fc2").doesNotContain("at the end");
    }
  }

  @Test
  void aFailedReportWithoutTraceSaysHowToTrace() throws Exception {
    List<Map<String, NdArray>> feeds = plan.feeds();
    Report r =
        Pipeline.inProcess()
            .run(
                Plan.quantize(plan.reference(), QuantizeOptions.DEFAULTS)
                    .withParity(TOLERANCES, feeds)
                    .withSessions(SESSIONS),
                Progress.NONE)
            .report();
    assertThat(r.trace()).isNull();
    assertThat(r.summary().topNodes()).isNull();
    assertThat(new ObjectMapper().readTree(ReportJson.toJson(r)).has("trace")).isFalse();
    Path pdf = dir.resolve("untraced.pdf");
    ReportPdf.write(r, null, ReportPdf.Paper.A4, pdf);
    try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
      assertThat(new PDFTextStripper().getText(doc)).doesNotContain(PdfTracePages.TITLE);
      assertThat(oneLine(page(doc, doc.getNumberOfPages())))
          .contains(PdfWhatToDo.TITLE)
          .contains("--no-trace")
          .contains("quantscope trace")
          .doesNotContain("--nodes-to-exclude");
    }
  }

  @Test
  void aLongCulpritNameIsWrappedWholeInTheTableAndTheAdvice() throws Exception {
    ModelProto.Builder m = TestModels.fragileMlp("fc2").toBuilder();
    var g = m.getGraphBuilder();
    for (int i = 0; i < g.getNodeCount(); i++) {
      if (g.getNode(i).getName().equals("fc2")) {
        g.setNode(i, g.getNode(i).toBuilder().setName(LONG));
      }
    }
    Report r =
        Pipeline.inProcess()
            .run(traced(OnnxModel.of(m.build()), TOLERANCES), Progress.NONE)
            .report();
    assertThat(r.trace().nodes().get(0).node()).isEqualTo(LONG);
    Path pdf = dir.resolve("long.pdf");
    ReportPdf.write(r, null, ReportPdf.Paper.A4, pdf);
    try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
      String section = page(doc, pageWith(doc, "Quantized nodes by share of the output error"));
      // wrapped over lines (the stripper ends each with a line break), never cut
      assertThat(section).doesNotContain(LONG).doesNotContain("\u2026");
      assertThat(section.replaceAll("\\R", "")).contains(LONG);
      // the option is wider than the page: the name goes on a line of its own, whole
      String last = oneLine(page(doc, doc.getNumberOfPages()));
      assertThat(last).contains("--nodes-to-exclude " + LONG);
    }
  }

  @Test
  void hostileNamesInTheTraceAreCleanedAndCutInThePdf() throws Exception {
    ModelProto.Builder m = TestModels.fragileMlp("fc2").toBuilder();
    var g = m.getGraphBuilder();
    String hostile = "fc\u0000two\n\u202e" + "x".repeat(600);
    for (int i = 0; i < g.getNodeCount(); i++) {
      if (g.getNode(i).getName().equals("fc2")) {
        g.setNode(i, g.getNode(i).toBuilder().setName(hostile));
      }
    }
    Report r =
        Pipeline.inProcess()
            .run(traced(OnnxModel.of(m.build()), TOLERANCES), Progress.NONE)
            .report();
    assertThat(r.trace().nodes().get(0).node()).isEqualTo(hostile);
    Path pdf = dir.resolve("hostile.pdf");
    ReportPdf.write(r, null, ReportPdf.Paper.A4, pdf);
    try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
      String text = new PDFTextStripper().getText(doc);
      assertThat(text).contains("fc two").doesNotContain("\u0000").doesNotContain("\u202e");
      assertThat(text.replaceAll("\\R", "")).doesNotContain("x".repeat(400));
      assertThat(oneLine(page(doc, doc.getNumberOfPages())))
          .contains(PdfWhatToDo.TITLE)
          .contains("--nodes-to-exclude 'fc two");
    }
  }

  @Test
  void thePngSheetGainsTheDepthChartAcrossTheWidth() {
    var charts = ReportPng.charts(failed);
    // the difference histogram, the weight error, the size (no benchmark), then the depth
    assertThat(charts).hasSize(4);
    assertThat(charts.get(3).getTitle().getText()).isEqualTo("Where the error enters");
    BufferedImage sheet = ReportPng.sheet(failed);
    int rows = 3; // two by two, then the depth chart alone
    assertThat(sheet.getHeight())
        .isEqualTo(
            (ReportPng.HEADER_H + rows * (ReportPng.CHART_H + ReportPng.GAP) + ReportPng.GAP)
                * ReportPng.SCALE);
  }

  private static ParityOptions looseTolerances() {
    return new ParityOptions(100, 100, 0.5, Set.of(), 40);
  }

  private static String page(PDDocument doc, int p) throws java.io.IOException {
    PDFTextStripper s = new PDFTextStripper();
    s.setStartPage(p);
    s.setEndPage(p);
    return s.getText(doc);
  }

  private static int pageWith(PDDocument doc, String text) throws java.io.IOException {
    for (int p = 1; p <= doc.getNumberOfPages(); p++) {
      if (page(doc, p).contains(text)) {
        return p;
      }
    }
    throw new AssertionError("no page holds " + text);
  }

  /** The text with every run of white space made one space. */
  private static String oneLine(String s) {
    return s.replaceAll("\\s+", " ");
  }
}
