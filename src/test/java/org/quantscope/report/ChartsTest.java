// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Marker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.ui.Layer;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.xy.IntervalXYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.bench.LatencyStats;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.parity.OutputParity;
import org.quantscope.parity.ParityReport;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.quantize.QuantizationResult.NodeReport;
import org.quantscope.quantize.QuantizationResult.WeightReport;

class ChartsTest {
  private static final int W = 800;
  private static final int H = 500;

  // Model size

  @Test
  void modelSizeBarsAreTheSizesInMegabytes() {
    JFreeChart chart = SizeCharts.modelSize(97_600_000, 24_900_000);
    CategoryDataset data = chart.getCategoryPlot().getDataset();
    assertThat(names(data.getColumnKeys())).containsExactly("fp32", "int8");
    assertThat(data.getValue(0, 0).doubleValue()).isEqualTo(97.6);
    assertThat(data.getValue(0, 1).doubleValue()).isEqualTo(24.9);
    assertThat(ChartTheme.subtitles(chart)).isEqualTo("3.9x smaller");
    assertThat(chart.getCategoryPlot().getRenderer().getItemPaint(0, 0)).isEqualTo(ChartTheme.FP32);
    assertThat(chart.getCategoryPlot().getRenderer().getItemPaint(0, 1)).isEqualTo(ChartTheme.INT8);

    BufferedImage image = Images.render(chart, W, H);
    assertDrawn(image, ChartTheme.FP32, ChartTheme.INT8);
  }

  @Test
  void modelSizeWithAnUnknownOrLargerSize() {
    JFreeChart unsaved = SizeCharts.modelSize(12_345, -1);
    assertThat(unsaved.getCategoryPlot().getDataset().getValue(0, 1)).isNull();
    assertThat(ChartTheme.subtitles(unsaved)).isEqualTo("int8 size unknown");
    assertDrawn(Images.render(unsaved, W, H), ChartTheme.FP32);

    assertThat(ChartTheme.subtitles(SizeCharts.modelSize(1_000, 1_200))).isEqualTo("1.2x larger");
    assertThat(ChartTheme.subtitles(SizeCharts.modelSize(-1, -1))).isEqualTo("sizes unknown");
    assertThat(ChartTheme.subtitles(SizeCharts.modelSize(0, 0))).contains("undefined");
    assertDrawn(Images.render(SizeCharts.modelSize(-1, -1), W, H));
  }

  // Latency

  @Test
  void latencyGroupsPercentilesByModel() {
    JFreeChart chart =
        LatencyCharts.latency(stats("reference", 14.2, 15.0, 19.5), stats("c", 10, 11, 13));
    CategoryDataset data = chart.getCategoryPlot().getDataset();
    assertThat(names(data.getRowKeys())).containsExactly("fp32", "int8");
    assertThat(names(data.getColumnKeys())).containsExactly("p50", "p90", "p99");
    assertThat(data.getValue("fp32", "p50").doubleValue()).isEqualTo(14.2);
    assertThat(data.getValue("fp32", "p90").doubleValue()).isEqualTo(15.0);
    assertThat(data.getValue("fp32", "p99").doubleValue()).isEqualTo(19.5);
    assertThat(data.getValue("int8", "p50").doubleValue()).isEqualTo(10.0);
    assertThat(data.getValue("int8", "p99").doubleValue()).isEqualTo(13.0);
    assertThat(ChartTheme.subtitles(chart))
        .startsWith("speedup (p50) 1.42x")
        .contains("200 runs, batch 1 each");
    assertThat(chart.getLegend()).isNotNull();

    assertDrawn(Images.render(chart, W, H), ChartTheme.FP32, ChartTheme.INT8);
  }

  @Test
  void latencyOfOneModelKeepsItsColour() {
    JFreeChart chart = LatencyCharts.latency(null, stats("candidate", 3, 4, 5));
    assertThat(names(chart.getCategoryPlot().getDataset().getRowKeys())).containsExactly("int8");
    assertThat(ChartTheme.subtitles(chart)).startsWith("one model measured");
    assertDrawn(Images.render(chart, W, H), ChartTheme.INT8);

    assertDrawn(Images.render(LatencyCharts.latency(null, null), W, H));
  }

  // Difference histogram

  @Test
  void histogramSumsOutputsWithEqualBinsAndMarksTheTolerance() {
    List<Double> edges = List.of(0.0, 0.01, 0.02, 0.03, 0.04);
    ParityReport report =
        parity(
            true,
            0.0123,
            0.0021,
            output("logits", 0.0123, edges, List.of(50L, 30L, 0L, 0L)),
            output("probs", 0.004, edges, List.of(20L, 0L, 0L, 0L)));
    JFreeChart chart = ParityCharts.differenceHistogram(report);

    IntervalXYDataset data = (IntervalXYDataset) chart.getXYPlot().getDataset();
    assertThat(data.getItemCount(0)).isEqualTo(4);
    assertThat(data.getYValue(0, 0)).isEqualTo(70.0);
    assertThat(data.getYValue(0, 1)).isEqualTo(30.0);
    assertThat(data.getYValue(0, 3)).isEqualTo(0.0);
    assertThat(data.getStartXValue(0, 1)).isEqualTo(0.01);
    assertThat(data.getEndXValue(0, 3)).isEqualTo(0.04);

    ValueMarker marker = toleranceMarker(chart);
    assertThat(marker.getValue()).isEqualTo(0.04);
    assertThat(marker.getLabel()).isEqualTo("abs_tol 0.04");
    assertThat(chart.getXYPlot().getDomainAxis().getUpperBound()).isGreaterThan(0.04);

    assertThat(chart.getTitle().getText()).isEqualTo("PASSED");
    assertThat(chart.getTitle().getPaint()).isEqualTo(ChartTheme.PASS);
    assertThat(ChartTheme.subtitles(chart))
        .contains("max |d| 0.0123 (abs_tol 0.04)")
        .contains("mean |d| 0.0021 (mean_tol 0.01)")
        .contains("2 float outputs combined");

    assertDrawn(Images.render(chart, W, H), ChartTheme.FP32, ChartTheme.PASS, ChartTheme.FAIL);
  }

  @Test
  void histogramWithDifferentBinsShowsTheWorstOutput() {
    ParityReport report =
        parity(
            false,
            0.09,
            0.012,
            output("small", 0.01, List.of(0.0, 0.02, 0.04), List.of(9L, 1L)),
            output("large", 0.09, List.of(0.0, 0.03, 0.06, 0.09), List.of(5L, 3L, 2L)));
    JFreeChart chart = ParityCharts.differenceHistogram(report);

    IntervalXYDataset data = (IntervalXYDataset) chart.getXYPlot().getDataset();
    assertThat(data.getItemCount(0)).isEqualTo(3);
    assertThat(data.getYValue(0, 0)).isEqualTo(5.0);
    assertThat(data.getYValue(0, 2)).isEqualTo(2.0);
    assertThat(chart.getTitle().getText()).isEqualTo("FAILED");
    assertThat(chart.getTitle().getPaint()).isEqualTo(ChartTheme.FAIL);
    assertThat(ChartTheme.subtitles(chart))
        .contains("max |d| 0.09 > abs_tol 0.04")
        .contains("mean |d| 0.012 > mean_tol 0.01")
        .contains("output large");
    assertThat(toleranceMarker(chart).getValue()).isEqualTo(0.04);

    assertDrawn(Images.render(chart, W, H), ChartTheme.FP32, ChartTheme.FAIL);
  }

  @Test
  void histogramOfZeroCountsOrNoFloatOutputsStillDraws() {
    List<Double> edges = List.of(0.0, 0.02, 0.04);
    JFreeChart zeros =
        ParityCharts.differenceHistogram(
            parity(true, 0, 0, output("y", 0.0, edges, List.of(0L, 0L))));
    assertThat(((IntervalXYDataset) zeros.getXYPlot().getDataset()).getYValue(0, 0)).isZero();
    assertDrawn(Images.render(zeros, W, H), ChartTheme.FAIL);

    JFreeChart none = ParityCharts.differenceHistogram(parity(true, 0, 0));
    assertThat(none.getXYPlot().getDataset().getItemCount(0)).isZero();
    assertThat(ChartTheme.subtitles(none)).contains("no float outputs compared");
    assertDrawn(Images.render(none, W, H));
  }

  // Weight error

  @Test
  void weightErrorListsTheWorstFirstAndCapsExactWeights() {
    String longName = "/model/encoder/layer.11/attention/output/dense/MatMul_quantized_node";
    QuantizationResult result =
        result(
            node("good", weight("w_good", 45.0)),
            node("exact", weight("w_exact", Double.POSITIVE_INFINITY)),
            node(longName, weight("w_long", 31.5)),
            node("lstm", weight("W", 38.0), weight("R", 22.24)),
            node("transpose"));
    JFreeChart chart = WeightErrorCharts.weightError(result, 4);
    CategoryPlot plot = chart.getCategoryPlot();
    assertThat(plot.getOrientation()).isEqualTo(PlotOrientation.HORIZONTAL);
    CategoryDataset data = plot.getDataset();

    assertThat(data.getColumnCount()).isEqualTo(4);
    assertThat(values(data)).containsExactly(22.24, 31.5, 38.0, 45.0);
    List<String> labels = names(data.getColumnKeys());
    assertThat(labels.get(0)).isEqualTo("lstm \u00b7 R");
    assertThat(labels.get(1)).isEqualTo("\u2026/output/dense/MatMul_quantized_node");
    assertThat(labels.get(3)).isEqualTo("good");
    assertThat(ChartTheme.subtitles(chart)).isEqualTo("worst 4 of 5 quantized weights");
    assertThat(plot.getRenderer().getItemLabelGenerator(0, 0).generateLabel(data, 0, 0))
        .isEqualTo("22.2 dB");
    assertThat(plot.getRenderer().getToolTipGenerator(0, 1).generateToolTip(data, 0, 1))
        .contains(longName);
    assertDrawn(Images.render(chart, W, H), ChartTheme.INT8);

    JFreeChart all = WeightErrorCharts.weightError(result, 10);
    CategoryDataset allData = all.getCategoryPlot().getDataset();
    assertThat(allData.getColumnCount()).isEqualTo(5);
    assertThat(allData.getColumnKey(4).toString()).isEqualTo("exact");
    assertThat(allData.getValue(0, 4).doubleValue())
        .isEqualTo(WeightErrorCharts.EXACT_MIN_DB)
        .isGreaterThan(45.0);
    assertThat(
            all.getCategoryPlot()
                .getRenderer()
                .getItemLabelGenerator(0, 4)
                .generateLabel(allData, 0, 4))
        .isEqualTo("exact");
    assertThat(ChartTheme.subtitles(all)).isEqualTo("all 5 quantized weights");
    assertDrawn(Images.render(all, W, H), ChartTheme.INT8, ChartTheme.INT8_LIGHT);
  }

  @Test
  void weightErrorWithoutWeightsSaysSo() {
    JFreeChart chart = WeightErrorCharts.weightError(result(node("transpose")), 20);
    assertThat(chart.getCategoryPlot().getDataset().getColumnCount()).isZero();
    assertThat(ChartTheme.subtitles(chart)).isEqualTo("no quantized weights");
    assertThat(chart.getCategoryPlot().getNoDataMessage()).isNull();
    assertDrawn(Images.render(chart, W, H));

    QuantizableNode conv =
        new QuantizableNode("conv", "Conv", "main", "w", List.of(8L), false, "bias", null, 0);
    JFreeChart allSkipped =
        WeightErrorCharts.weightError(
            new QuantizationResult(List.of(), List.of(conv, conv), 0, 0, -1, -1), 20);
    assertThat(allSkipped.getCategoryPlot().getNoDataMessage())
        .isEqualTo("2 candidate nodes left in float");
    assertDrawn(Images.render(allSkipped, W, H));

    assertThatThrownBy(() -> WeightErrorCharts.weightError(result(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("topN must be >= 1, got 0");
  }

  // Images

  @Test
  void writePngWritesTheRequestedSizeAndLeavesNoTemporaryFile(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("size.png");
    Files.writeString(file, "an older file");
    Images.writePng(SizeCharts.modelSize(4_000_000, 1_000_000), file, 640, 400);

    BufferedImage back = ImageIO.read(file.toFile());
    assertThat(back).isNotNull();
    assertThat(back.getWidth()).isEqualTo(640);
    assertThat(back.getHeight()).isEqualTo(400);
    assertDrawn(back, ChartTheme.FP32, ChartTheme.INT8);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void writePngIntoAMissingFolderFailsAndWritesNothing(@TempDir Path dir) {
    Path file = dir.resolve("missing").resolve("chart.png");
    assertThatThrownBy(() -> Images.writePng(SizeCharts.modelSize(1, 1), file, 100, 100))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not exist");
    assertThat(Files.exists(file.getParent())).isFalse();
    assertThatThrownBy(() -> Images.render(SizeCharts.modelSize(1, 1), 0, 100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 0 x 100");
  }

  @Test
  void numbersAndNames() {
    assertThat(Figures.number(0.04)).isEqualTo("0.04");
    assertThat(Figures.number(0.012345)).isEqualTo("0.0123");
    assertThat(Figures.number(1.2e-5)).isEqualTo("1.2e-05");
    assertThat(Figures.number(0)).isEqualTo("0");
    assertThat(Figures.number(1234.5)).isEqualTo("1230");
    assertThat(Figures.number(Double.NaN)).isEqualTo("n/a");
    assertThat(Figures.number(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
    assertThat(Figures.count(1_234_567)).isEqualTo("1,234,567");
    assertThat(Figures.ratio(3.94, 1)).isEqualTo("3.9x");
    assertThat(Figures.ratio(3.966)).isEqualTo("3.97x");
    assertThat(Figures.decimals(150).format(123.456)).isEqualTo("123");
    assertThat(Figures.decimals(50).format(12.345)).isEqualTo("12.3");
    assertThat(Figures.decimals(5).format(1.2345)).isEqualTo("1.23");
    assertThat(Figures.decimals(0.5).format(0.12345)).isEqualTo("0.123");
    assertThat(Texts.shorten("short", 10)).isEqualTo("short");
    assertThat(Texts.shorten("abcdefghijklmnop", 10)).isEqualTo("abc\u2026klmnop");
    assertThat(Texts.shorten("/bert/encoder/layer.0/attention/self/value/MatMul", 40))
        .isEqualTo("\u2026/layer.0/attention/self/value/MatMul");
    assertThat(Texts.shorten("lstm.weight_ih_l0", 14)).isEqualTo("\u2026weight_ih_l0");
    // the only tail that fits (/MatMul) says too little: the middle goes instead
    assertThat(Texts.shorten("/a/very_long_segment_without_any_break/MatMul", 20))
        .isEqualTo("/a/very\u2026break/MatMul");
    assertThat(Texts.shorten("", 10)).isEqualTo("?");
    assertThat(ChartTheme.FAMILY).isNotBlank();
    assertThat(SizeCharts.headline(97_600_000, 24_900_000)).isEqualTo("3.9x smaller");
    assertThat(LatencyCharts.speedupHeadline(stats("r", 2, 2, 2), stats("c", 0, 0, 0)))
        .isEqualTo("speedup (p50) unknown");
  }

  // Fixtures and helpers

  private static LatencyStats stats(String role, double p50, double p90, double p99) {
    return new LatencyStats(
        role + ".onnx", role, 1_000, 12.0, 200, 1, p50, 0.5, p50, p90, p90, p99, 1000 / p50);
  }

  private static OutputParity output(String name, double max, List<Double> edges, List<Long> n) {
    long elements = n.stream().mapToLong(Long::longValue).sum();
    return new OutputParity(
        name,
        "float32",
        List.of(1L, 10L),
        elements,
        max,
        max / 4,
        max / 8,
        max / 2,
        max,
        max / 3,
        max * 10,
        0.999,
        new OutputParity.Histogram(edges, n),
        null,
        null,
        null,
        null);
  }

  private static ParityReport parity(
      boolean passed, double max, double mean, OutputParity... outputs) {
    long elements = Stream.of(outputs).mapToLong(OutputParity::elements).sum();
    return new ParityReport(
        max,
        mean,
        passed,
        0.04,
        0.01,
        0.5,
        16,
        2,
        elements,
        0,
        0,
        0,
        "model.onnx",
        "model.int8.onnx",
        null,
        List.of(outputs),
        List.of(),
        8,
        null,
        "abs",
        null,
        null,
        null,
        null,
        null);
  }

  private static WeightReport weight(String name, double sqnrDb) {
    return new WeightReport(
        name, List.of(64L, 64L), "int8", false, 1, 0.01f, 0.01f, 0.005, sqnrDb, 16_384, 4_100);
  }

  private static NodeReport node(String name, WeightReport... weights) {
    return new NodeReport(name, "MatMul", "main", "MatMulInteger", List.of(weights));
  }

  private static QuantizationResult result(NodeReport... nodes) {
    return new QuantizationResult(List.of(nodes), List.of(), 0, 0, -1, -1);
  }

  private static List<Double> values(CategoryDataset data) {
    return java.util.stream.IntStream.range(0, data.getColumnCount())
        .mapToObj(c -> data.getValue(0, c).doubleValue())
        .toList();
  }

  /** The keys of a dataset (raw lists in JFreeChart) as text. */
  private static List<String> names(List<?> keys) {
    return keys.stream().map(Object::toString).toList();
  }

  private static ValueMarker toleranceMarker(JFreeChart chart) {
    Collection<?> markers = chart.getXYPlot().getDomainMarkers(Layer.FOREGROUND);
    assertThat(markers).hasSize(1);
    Marker marker = (Marker) markers.iterator().next();
    return (ValueMarker) marker;
  }

  /** Not blank (more than one colour), and each given colour is drawn somewhere. */
  private static void assertDrawn(BufferedImage image, Color... expected) {
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        colours.add(image.getRGB(x, y) & 0xFFFFFF);
      }
    }
    assertThat(colours.size()).as("distinct colours").isGreaterThan(1);
    for (Color c : expected) {
      assertThat(colours)
          .as("colour %06x drawn", c.getRGB() & 0xFFFFFF)
          .contains(c.getRGB() & 0xFFFFFF);
    }
  }
}
