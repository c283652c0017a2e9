// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.quantscope.bench.LatencyStats;
import org.quantscope.parity.OutputParity;
import org.quantscope.parity.ParityReport;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.quantize.QuantizationResult.NodeReport;
import org.quantscope.quantize.QuantizationResult.WeightReport;

/**
 * The report charts, built from result records as {@link JFreeChart} objects. Each builder is pure
 * and follows JFreeChart's demo style (a dataset from the record, then the chart from the dataset);
 * nothing is drawn or written until the caller asks. The same object is shown in the window
 * (through JFreeChart-FX), drawn into PDFs through a Graphics2D bridge and saved as PNG with {@link
 * #writePng}. All charts share one look ({@code ChartTheme}) and draw with {@code
 * java.awt.headless=true}. Numbers in titles and labels are written with a dot for decimals, as the
 * command line writes them.
 */
public final class Charts {
  /** Series and category key of the fp32 (reference) model. */
  static final String FP32 = "fp32";

  /** Series and category key of the int8 (candidate) model. */
  static final String INT8 = "int8";

  /** Category labels longer than this (in characters) are shortened, see {@link #shorten}. */
  static final int MAX_LABEL_CHARS = 40;

  /** Largest width or height accepted by {@link #render} and {@link #writePng}, in pixels. */
  static final int MAX_PIXELS = 16_384;

  /** The bar of an exact weight (infinite SQNR) is this many dB longer than the best finite one, */
  static final double EXACT_HEADROOM_DB = 10;

  /** and at least this long, in dB. */
  static final double EXACT_MIN_DB = 60;

  private static final String ELLIPSIS = "\u2026";
  private static final String DOT = "  \u00b7  ";
  private static final double BYTES_PER_MB = 1e6;
  private static final String[] PERCENTILES = {"p50", "p90", "p99"};

  private Charts() {}

  // Model size

  /**
   * Two bars, the fp32 and the int8 model, in MB (10^6 bytes, as file managers count) with the
   * value on each bar; the subtitle says how many times smaller the int8 model is, e.g. {@code 3.9x
   * smaller}.
   *
   * @param fp32Bytes size of the fp32 model (file plus external data); negative if unknown
   * @param int8Bytes size of the int8 model; negative if unknown (e.g. not saved yet)
   */
  public static JFreeChart modelSize(long fp32Bytes, long int8Bytes) {
    return modelSizeChart(
        modelSizeDataset(fp32Bytes, int8Bytes), sizeHeadline(fp32Bytes, int8Bytes));
  }

  static DefaultCategoryDataset modelSizeDataset(long fp32Bytes, long int8Bytes) {
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    dataset.addValue(megabytes(fp32Bytes), "size", FP32);
    dataset.addValue(megabytes(int8Bytes), "size", INT8);
    return dataset;
  }

  private static JFreeChart modelSizeChart(CategoryDataset dataset, String headline) {
    NumberAxis mb = new NumberAxis("size (MB)");
    ColumnPaintRenderer renderer =
        new ColumnPaintRenderer(List.of(ChartTheme.FP32, ChartTheme.INT8));
    CategoryPlot plot = new CategoryPlot(dataset, new CategoryAxis(null), mb, renderer);
    JFreeChart chart = new JFreeChart("Model size", ChartTheme.TITLE, plot, false);
    ChartTheme.apply(chart);
    plot.getDomainAxis().setTickLabelFont(ChartTheme.AXIS_LABEL);
    plot.getDomainAxis().setTickLabelPaint(ChartTheme.TEXT);
    renderer.setMaximumBarWidth(0.22);
    valueLabelsAbove(renderer, "{2} MB", decimals(max(dataset)));
    mb.setUpperMargin(0.12);
    chart.addSubtitle(ChartTheme.subtitle(headline));
    return chart;
  }

  static String sizeHeadline(long fp32Bytes, long int8Bytes) {
    if (fp32Bytes < 0 || int8Bytes < 0) {
      return fp32Bytes < 0 && int8Bytes < 0
          ? "sizes unknown"
          : (fp32Bytes < 0 ? FP32 : INT8) + " size unknown";
    }
    if (fp32Bytes == 0 || int8Bytes == 0) {
      return "size ratio undefined (empty model)";
    }
    if (fp32Bytes == int8Bytes) {
      return "same size";
    }
    return int8Bytes < fp32Bytes
        ? String.format(Locale.ROOT, "%.1fx smaller", (double) fp32Bytes / int8Bytes)
        : String.format(Locale.ROOT, "%.1fx larger", (double) int8Bytes / fp32Bytes);
  }

  private static Double megabytes(long bytes) {
    return bytes < 0 ? null : bytes / BYTES_PER_MB;
  }

  // Latency

  /**
   * Grouped bars of the p50, p90 and p99 latency of one run in milliseconds, fp32 in blue beside
   * int8 in orange; the subtitle gives the speedup at the median, e.g. {@code speedup (p50) 1.42x}
   * (reference p50 / candidate p50, as {@code bench} reports it).
   *
   * @param reference the fp32 model's statistics, or null if it was not measured
   * @param candidate the int8 model's statistics, or null if it was not measured
   */
  public static JFreeChart latency(LatencyStats reference, LatencyStats candidate) {
    return latencyChart(
        latencyDataset(reference, candidate),
        speedupHeadline(reference, candidate),
        runsDetail(reference, candidate));
  }

  static DefaultCategoryDataset latencyDataset(LatencyStats reference, LatencyStats candidate) {
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    addPercentiles(dataset, FP32, reference);
    addPercentiles(dataset, INT8, candidate);
    return dataset;
  }

  private static void addPercentiles(DefaultCategoryDataset dataset, String model, LatencyStats s) {
    if (s == null) {
      return;
    }
    double[] ms = {s.p50Ms(), s.p90Ms(), s.p99Ms()};
    for (int i = 0; i < ms.length; i++) {
      dataset.addValue(ms[i], model, PERCENTILES[i]);
    }
  }

  private static JFreeChart latencyChart(CategoryDataset dataset, String headline, String detail) {
    NumberAxis ms = new NumberAxis("latency per run (ms)");
    BarRenderer renderer = new BarRenderer();
    CategoryPlot plot = new CategoryPlot(dataset, new CategoryAxis(null), ms, renderer);
    JFreeChart chart = new JFreeChart("Latency", ChartTheme.TITLE, plot, true);
    ChartTheme.apply(chart);
    for (int row = 0; row < dataset.getRowCount(); row++) {
      renderer.setSeriesPaint(
          row, FP32.equals(dataset.getRowKey(row)) ? ChartTheme.FP32 : ChartTheme.INT8);
    }
    renderer.setItemMargin(0.06);
    renderer.setMaximumBarWidth(0.14);
    valueLabelsAbove(renderer, "{2}", decimals(max(dataset)));
    ms.setUpperMargin(0.12);
    chart.addSubtitle(ChartTheme.subtitle(headline));
    if (detail != null) {
      chart.addSubtitle(ChartTheme.detail(detail));
    }
    return chart;
  }

  static String speedupHeadline(LatencyStats reference, LatencyStats candidate) {
    if (reference == null || candidate == null) {
      return reference == null && candidate == null ? "no latency measured" : "one model measured";
    }
    if (!(candidate.p50Ms() > 0)) {
      return "speedup (p50) unknown";
    }
    return String.format(Locale.ROOT, "speedup (p50) %.2fx", reference.p50Ms() / candidate.p50Ms());
  }

  private static String runsDetail(LatencyStats reference, LatencyStats candidate) {
    List<String> parts = new ArrayList<>();
    if (reference != null
        && candidate != null
        && reference.runs() == candidate.runs()
        && reference.batch() == candidate.batch()) {
      return runs(reference) + " each";
    }
    if (reference != null) {
      parts.add(FP32 + ": " + runs(reference));
    }
    if (candidate != null) {
      parts.add(INT8 + ": " + runs(candidate));
    }
    return parts.isEmpty() ? null : String.join(DOT, parts);
  }

  private static String runs(LatencyStats s) {
    return s.runs() + (s.runs() == 1 ? " run" : " runs") + ", batch " + s.batch();
  }

  // Difference histogram

  /**
   * The histogram of |difference| between the reference and the candidate over all compared float
   * outputs, with the verdict as the title ({@code PASSED} in green or {@code FAILED} in red), max
   * and mean |d| against their tolerances in a subtitle, and a red dashed line at {@code abs_tol}.
   * The outputs' counts are summed per bin when all outputs share the same bin edges; otherwise the
   * output with the largest {@code max_abs_diff} is shown, and the subtitle names it.
   */
  public static JFreeChart differenceHistogram(ParityReport report) {
    Objects.requireNonNull(report, "report");
    Bins bins = bins(report);
    return histogramChart(histogramDataset(bins), bins, report);
  }

  /** The bins drawn: edges (bins + 1) and counts, and which outputs they come from. */
  record Bins(List<Double> edges, long[] counts, String source) {
    long maxCount() {
      long m = 0;
      for (long c : counts) {
        m = Math.max(m, c);
      }
      return m;
    }
  }

  static Bins bins(ParityReport report) {
    List<OutputParity> floats = new ArrayList<>();
    if (report.outputs() != null) {
      for (OutputParity o : report.outputs()) {
        OutputParity.Histogram h = o.histogram();
        if (o.isFloat()
            && h != null
            && h.edges() != null
            && h.counts() != null
            && h.edges().size() >= 2) {
          floats.add(o);
        }
      }
    }
    if (floats.isEmpty()) {
      return new Bins(List.of(), new long[0], "no float outputs compared");
    }
    List<Double> edges = floats.get(0).histogram().edges();
    boolean sameEdges = floats.stream().allMatch(o -> o.histogram().edges().equals(edges));
    if (sameEdges) {
      long[] counts = new long[edges.size() - 1];
      for (OutputParity o : floats) {
        addCounts(counts, o.histogram().counts());
      }
      String source =
          floats.size() == 1
              ? "output " + floats.get(0).name()
              : floats.size() + " float outputs combined";
      return new Bins(edges, counts, source);
    }
    OutputParity worst =
        floats.stream().max(Comparator.comparingDouble(OutputParity::maxAbsDiff)).orElseThrow();
    List<Double> worstEdges = worst.histogram().edges();
    long[] counts = new long[worstEdges.size() - 1];
    addCounts(counts, worst.histogram().counts());
    return new Bins(
        worstEdges, counts, "output " + worst.name() + " only (bins differ between outputs)");
  }

  private static void addCounts(long[] sum, List<Long> counts) {
    Iterator<Long> it = counts.iterator();
    for (int i = 0; i < sum.length && it.hasNext(); i++) {
      Long c = it.next();
      sum[i] += c == null ? 0 : c;
    }
  }

  static XYIntervalSeriesCollection histogramDataset(Bins bins) {
    XYIntervalSeries series = new XYIntervalSeries("|d|", false, true);
    for (int i = 0; i < bins.counts().length; i++) {
      double lo = bins.edges().get(i);
      double hi = bins.edges().get(i + 1);
      double n = bins.counts()[i];
      series.add((lo + hi) / 2, lo, hi, n, n, n);
    }
    XYIntervalSeriesCollection dataset = new XYIntervalSeriesCollection();
    dataset.addSeries(series);
    return dataset;
  }

  private static JFreeChart histogramChart(
      XYIntervalSeriesCollection dataset, Bins bins, ParityReport report) {
    NumberAxis difference = new NumberAxis("|difference| per output element");
    NumberAxis elements = new NumberAxis("elements");
    elements.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    XYBarRenderer renderer = new XYBarRenderer();
    XYPlot plot = new XYPlot(dataset, difference, elements, renderer);
    plot.setNoDataMessage("no float outputs compared");
    JFreeChart chart =
        new JFreeChart(report.passed() ? "PASSED" : "FAILED", ChartTheme.VERDICT, plot, false);
    ChartTheme.apply(chart);
    chart.getTitle().setFont(ChartTheme.VERDICT);
    chart.getTitle().setPaint(report.passed() ? ChartTheme.PASS : ChartTheme.FAIL);

    renderer.setSeriesPaint(0, ChartTheme.FP32);
    renderer.setDrawBarOutline(true);
    renderer.setSeriesOutlinePaint(0, Color.WHITE);
    renderer.setSeriesOutlineStroke(0, new BasicStroke(0.5f));

    double top = bins.edges().isEmpty() ? 0 : bins.edges().get(bins.edges().size() - 1);
    double upper = Math.max(top, report.absTol());
    if (upper > 0 && Double.isFinite(upper)) {
      // room right of the last bin, so a marker on the last edge is not drawn on the border
      difference.setRange(0, upper * 1.04);
    }
    if (bins.maxCount() == 0) {
      elements.setRange(0, 1);
    } else {
      elements.setUpperMargin(0.1);
    }
    plot.addDomainMarker(toleranceMarker(report.absTol(), upper), Layer.FOREGROUND);

    chart.addSubtitle(ChartTheme.subtitle(differenceHeadline(report)));
    chart.addSubtitle(ChartTheme.detail(histogramDetail(bins, report)));
    return chart;
  }

  private static ValueMarker toleranceMarker(double absTol, double upper) {
    ValueMarker marker =
        new ValueMarker(
            absTol,
            ChartTheme.FAIL,
            new BasicStroke(
                2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    marker.setLabel("abs_tol " + number(absTol));
    marker.setLabelFont(ChartTheme.TICK_LABEL);
    marker.setLabelPaint(ChartTheme.FAIL);
    marker.setLabelBackgroundColor(new Color(255, 255, 255, 220));
    marker.setLabelOffset(new RectangleInsets(4, 6, 4, 6));
    // the label goes on the side of the line with more room
    boolean rightHalf = upper > 0 && absTol > 0.6 * upper;
    marker.setLabelAnchor(rightHalf ? RectangleAnchor.TOP_RIGHT : RectangleAnchor.TOP_LEFT);
    marker.setLabelTextAnchor(rightHalf ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_LEFT);
    return marker;
  }

  static String differenceHeadline(ParityReport r) {
    return against("max |d|", r.maxAbsDiff(), "abs_tol", r.absTol())
        + DOT
        + against("mean |d|", r.meanAbsDiff(), "mean_tol", r.meanTol());
  }

  private static String against(String what, double value, String tolName, double tol) {
    return value > tol
        ? what + " " + number(value) + " > " + tolName + " " + number(tol)
        : what + " " + number(value) + " (" + tolName + " " + number(tol) + ")";
  }

  private static String histogramDetail(Bins bins, ParityReport r) {
    StringBuilder sb = new StringBuilder(bins.source());
    sb.append(DOT).append(String.format(Locale.ROOT, "%,d elements", r.elements()));
    sb.append(", ").append(String.format(Locale.ROOT, "%,d samples", r.samples()));
    if (r.decisionFlips() > 0) {
      sb.append(DOT).append(r.decisionFlips()).append(" decision flips");
    }
    return sb.toString();
  }

  // Weight error

  /**
   * Horizontal bars of the SQNR in dB of each quantized weight, worst (lowest) at the top, at most
   * {@code topN} of them. The category is the node's name (with the weight's name when a node has
   * several), shortened with an ellipsis when long; the tooltip has the full names. An exact weight
   * (infinite SQNR) is drawn as a lighter bar labelled {@code exact}, capped 10 dB above the best
   * finite bar and at least 60 dB long. A result without weights gives an empty chart with the
   * subtitle {@code no quantized weights}.
   *
   * @param topN how many weights to show at most, at least 1
   * @throws IllegalArgumentException if {@code topN < 1}
   */
  public static JFreeChart weightError(QuantizationResult result, int topN) {
    Objects.requireNonNull(result, "result");
    if (topN < 1) {
      throw new IllegalArgumentException("topN must be >= 1, got " + topN);
    }
    List<WeightBar> all = weightBars(result);
    List<WeightBar> shown = all.subList(0, Math.min(topN, all.size()));
    JFreeChart chart =
        weightErrorChart(weightErrorDataset(shown), shown, weightHeadline(shown, all));
    if (all.isEmpty()) {
      // the subtitle says "no quantized weights"; the empty plot says why, if it can
      CategoryPlot plot = chart.getCategoryPlot();
      plot.getRangeAxis().setVisible(false);
      plot.setRangeGridlinesVisible(false);
      int skipped = result.skipped() == null ? 0 : result.skipped().size();
      plot.setNoDataMessage(
          skipped == 0
              ? null
              : skipped
                  + (skipped == 1 ? " candidate node" : " candidate nodes")
                  + " left in float");
    }
    return chart;
  }

  /**
   * One bar of the weight-error chart; also its category key, drawn as its {@code label}.
   *
   * @param rank position from the top, 0 for the worst
   * @param label the category text (shortened)
   * @param node the node's full name
   * @param op the node's op type
   * @param weight the weight's full name
   * @param sqnrDb its SQNR in dB (may be infinite or NaN)
   * @param maxAbsError its largest absolute error
   */
  record WeightBar(
      int rank,
      String label,
      String node,
      String op,
      String weight,
      double sqnrDb,
      double maxAbsError)
      implements Comparable<WeightBar> {
    @Override
    public int compareTo(WeightBar other) {
      return Integer.compare(rank, other.rank);
    }

    boolean exact() {
      return sqnrDb == Double.POSITIVE_INFINITY;
    }

    boolean unknown() {
      return Double.isNaN(sqnrDb) || sqnrDb == Double.NEGATIVE_INFINITY;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /** Every quantized weight, worst first (unknown SQNR counts as worst, exact as best). */
  static List<WeightBar> weightBars(QuantizationResult result) {
    record Entry(NodeReport node, WeightReport weight, boolean several) {}
    List<Entry> entries = new ArrayList<>();
    for (NodeReport node : result.quantized()) {
      List<WeightReport> weights = node.weights() == null ? List.of() : node.weights();
      for (WeightReport w : weights) {
        entries.add(new Entry(node, w, weights.size() > 1));
      }
    }
    entries.sort(Comparator.comparingDouble(e -> sortKey(e.weight().sqnrDb())));
    List<WeightBar> bars = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      String node = e.node().node() == null || e.node().node().isEmpty() ? "?" : e.node().node();
      String label =
          e.several()
              ? shorten(node, MAX_LABEL_CHARS - 17) + " \u00b7 " + shorten(e.weight().name(), 14)
              : shorten(node, MAX_LABEL_CHARS);
      bars.add(
          new WeightBar(
              bars.size(),
              label,
              node,
              e.node().op(),
              e.weight().name(),
              e.weight().sqnrDb(),
              e.weight().maxAbsError()));
    }
    return bars;
  }

  private static double sortKey(double sqnrDb) {
    return Double.isNaN(sqnrDb) ? Double.NEGATIVE_INFINITY : sqnrDb;
  }

  static DefaultCategoryDataset weightErrorDataset(List<WeightBar> bars) {
    double best = EXACT_MIN_DB - EXACT_HEADROOM_DB;
    for (WeightBar b : bars) {
      if (Double.isFinite(b.sqnrDb())) {
        best = Math.max(best, b.sqnrDb());
      }
    }
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    for (WeightBar b : bars) {
      double value = b.exact() ? best + EXACT_HEADROOM_DB : (b.unknown() ? 0 : b.sqnrDb());
      dataset.addValue(value, "SQNR", b);
    }
    return dataset;
  }

  private static JFreeChart weightErrorChart(
      CategoryDataset dataset, List<WeightBar> bars, String headline) {
    NumberAxis db = new NumberAxis("SQNR (dB), higher is better");
    List<Paint> paints = new ArrayList<>();
    for (WeightBar b : bars) {
      paints.add(b.exact() ? ChartTheme.INT8_LIGHT : ChartTheme.INT8);
    }
    ColumnPaintRenderer renderer = new ColumnPaintRenderer(paints);
    CategoryAxis names = new CategoryAxis(null);
    CategoryPlot plot = new CategoryPlot(dataset, names, db, renderer);
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
    JFreeChart chart = new JFreeChart("Weight error (SQNR)", ChartTheme.TITLE, plot, false);
    ChartTheme.apply(chart);
    names.setMaximumCategoryLabelWidthRatio(0.5f);
    names.setCategoryMargin(0.25);
    renderer.setMaximumBarWidth(0.08);
    renderer.setDefaultItemLabelGenerator(new SqnrLabels());
    renderer.setDefaultItemLabelsVisible(true);
    renderer.setDefaultPositiveItemLabelPosition(
        new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT));
    renderer.setDefaultNegativeItemLabelPosition(
        new ItemLabelPosition(ItemLabelAnchor.OUTSIDE9, TextAnchor.CENTER_RIGHT));
    renderer.setDefaultToolTipGenerator(
        (data, row, column) -> {
          WeightBar b = (WeightBar) data.getColumnKey(column);
          return b.node()
              + " ("
              + b.op()
              + "): "
              + b.weight()
              + ", SQNR "
              + sqnrText(b)
              + ", max |error| "
              + number(b.maxAbsError());
        });
    db.setUpperMargin(0.2);
    chart.addSubtitle(ChartTheme.subtitle(headline));
    return chart;
  }

  private static String weightHeadline(List<WeightBar> shown, List<WeightBar> all) {
    if (all.isEmpty()) {
      return "no quantized weights";
    }
    if (shown.size() < all.size()) {
      return "worst " + shown.size() + " of " + all.size() + " quantized weights";
    }
    return all.size() == 1 ? "1 quantized weight" : "all " + all.size() + " quantized weights";
  }

  private static String sqnrText(WeightBar b) {
    if (b.exact()) {
      return "exact";
    }
    return b.unknown() ? "n/a" : String.format(Locale.ROOT, "%.1f dB", b.sqnrDb());
  }

  /** Labels each SQNR bar with its value, "exact" for an infinite one. */
  private static final class SqnrLabels extends StandardCategoryItemLabelGenerator {
    @Override
    public String generateLabel(CategoryDataset dataset, int row, int column) {
      return sqnrText((WeightBar) dataset.getColumnKey(column));
    }
  }

  // Images

  /**
   * Draws the chart into a new RGB image of {@code width} x {@code height} pixels on white.
   *
   * @throws IllegalArgumentException if a side is not 1 to 16384 pixels
   */
  public static BufferedImage render(JFreeChart chart, int width, int height) {
    Objects.requireNonNull(chart, "chart");
    if (width < 1 || height < 1 || width > MAX_PIXELS || height > MAX_PIXELS) {
      throw new IllegalArgumentException(
          "image size must be 1 to "
              + MAX_PIXELS
              + " pixels a side, got "
              + width
              + " x "
              + height);
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
    } finally {
      g.dispose();
    }
    return image;
  }

  /**
   * Saves the chart as a PNG of {@code width} x {@code height} pixels. The image is written to a
   * temporary file in the same folder and moved into place, so {@code file} is either the old file
   * or the complete new one; nothing is left behind on failure.
   *
   * @throws IOException if the folder does not exist or cannot be written
   * @throws IllegalArgumentException if a side is not 1 to 16384 pixels
   */
  public static void writePng(JFreeChart chart, Path file, int width, int height)
      throws IOException {
    Images.writePng(render(chart, width, height), file);
  }

  // Helpers

  /** A bar renderer with one paint per category (column), for single-series charts. */
  private static final class ColumnPaintRenderer extends BarRenderer {
    private final List<Paint> paints;

    ColumnPaintRenderer(List<? extends Paint> paints) {
      this.paints = List.copyOf(paints);
    }

    @Override
    public Paint getItemPaint(int row, int column) {
      return column < paints.size() ? paints.get(column) : super.getItemPaint(row, column);
    }
  }

  private static void valueLabelsAbove(BarRenderer renderer, String format, NumberFormat numbers) {
    renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator(format, numbers));
    renderer.setDefaultItemLabelsVisible(true);
    renderer.setDefaultPositiveItemLabelPosition(
        new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER));
  }

  private static double max(CategoryDataset dataset) {
    double max = 0;
    for (int r = 0; r < dataset.getRowCount(); r++) {
      for (int c = 0; c < dataset.getColumnCount(); c++) {
        Number v = dataset.getValue(r, c);
        if (v != null) {
          max = Math.max(max, Math.abs(v.doubleValue()));
        }
      }
    }
    return max;
  }

  /** Enough decimals for three significant digits of the largest value, at most three. */
  private static NumberFormat decimals(double max) {
    String pattern = max >= 100 ? "0" : max >= 10 ? "0.0" : max >= 1 ? "0.00" : "0.000";
    return new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT));
  }

  /** A number with three significant digits, plain from 1e-4 up, e.g. 0.04, 0.0123, 1.2e-05. */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e-4 && a < 1e7) {
      return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }
    return String.format(Locale.ROOT, "%.2e", v).replaceFirst("\\.?0+e", "e");
  }

  /**
   * The text, shortened to at most {@code max} characters with an ellipsis. Names are told apart by
   * their ends ({@code /encoder/layer.3/attention/MatMul}, {@code lstm.weight_ih_l0}), so a
   * path-like name keeps its longest tail of whole parts that fits, e.g. {@code
   * …/layer.3/attention/MatMul}; other names (or a tail shorter than half) lose their middle.
   */
  static String shorten(String text, int max) {
    if (text == null || text.isEmpty()) {
      return "?";
    }
    text = Texts.clean(text);
    int length = text.codePointCount(0, text.length());
    if (length <= max) {
      return text;
    }
    // a path is cut at its slashes only (a dot in "layer.4" is part of a step's name)
    String separators = text.indexOf('/') >= 0 ? "/" : ".:";
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (separators.indexOf(c) >= 0) {
        String rest = text.substring(c == '/' ? i : i + 1);
        int n = rest.codePointCount(0, rest.length());
        if (n + 1 <= max) {
          if (n + 1 >= max / 2) {
            return ELLIPSIS + rest;
          }
          break;
        }
      }
    }
    int tail = (max - 1) * 2 / 3;
    int head = max - 1 - tail;
    return text.substring(0, text.offsetByCodePoints(0, head))
        + ELLIPSIS
        + text.substring(text.offsetByCodePoints(0, length - tail));
  }
}
