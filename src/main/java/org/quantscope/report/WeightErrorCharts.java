// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.awt.Paint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.quantize.QuantizationResult.NodeReport;
import org.quantscope.quantize.QuantizationResult.WeightReport;

/**
 * The per-weight error chart: the SQNR of every quantized weight, worst first, built from a {@link
 * QuantizationResult} (its bars, then a dataset, then the chart). Pure: nothing is drawn until the
 * caller draws the chart.
 */
public final class WeightErrorCharts {
  private WeightErrorCharts() {}

  /** The bar of an exact weight (infinite SQNR) is this many dB longer than the best finite one, */
  static final double EXACT_HEADROOM_DB = 10;

  /** and at least this long, in dB. */
  static final double EXACT_MIN_DB = 60;

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
    List<WeightBar> all = bars(result);
    List<WeightBar> shown = all.subList(0, Math.min(topN, all.size()));
    JFreeChart chart = chart(dataset(shown), shown, headline(shown, all));
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
  static List<WeightBar> bars(QuantizationResult result) {
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
    int max = ChartTheme.MAX_LABEL_CHARS;
    List<String> nodeNames = entries.stream().map(e -> e.node().node()).toList();
    List<String> shortNames = Texts.axisLabels(nodeNames, max);
    List<String> shorterNames = Texts.axisLabels(nodeNames, max - 17);
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      String node = e.node().node() == null || e.node().node().isEmpty() ? "?" : e.node().node();
      String label =
          e.several()
              ? shorterNames.get(i) + " \u00b7 " + Texts.shorten(e.weight().name(), 14)
              : shortNames.get(i);
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

  static DefaultCategoryDataset dataset(List<WeightBar> bars) {
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

  private static JFreeChart chart(CategoryDataset dataset, List<WeightBar> bars, String headline) {
    NumberAxis db = new NumberAxis("SQNR (dB), higher is better");
    List<Paint> paints = new ArrayList<>();
    for (WeightBar b : bars) {
      paints.add(b.exact() ? ChartTheme.INT8_LIGHT : ChartTheme.INT8);
    }
    Bars.ColumnPaintRenderer renderer = new Bars.ColumnPaintRenderer(paints);
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
              + Figures.number(b.maxAbsError());
        });
    db.setUpperMargin(0.2);
    chart.addSubtitle(ChartTheme.subtitle(headline));
    return chart;
  }

  private static String headline(List<WeightBar> shown, List<WeightBar> all) {
    if (all.isEmpty()) {
      return "no quantized weights";
    }
    if (shown.size() < all.size()) {
      return "worst " + shown.size() + " of " + all.size() + " quantized weights";
    }
    return all.size() == 1 ? "1 quantized weight" : "all " + all.size() + " quantized weights";
  }

  /** The SQNR as {@link Figures#db} writes it ("exact" when infinite); "n/a" when unknown. */
  private static String sqnrText(WeightBar b) {
    return b.unknown() ? "n/a" : Figures.db(b.sqnrDb());
  }

  /** Labels each SQNR bar with its value, "exact" for an infinite one. */
  private static final class SqnrLabels extends StandardCategoryItemLabelGenerator {
    @Override
    public String generateLabel(CategoryDataset dataset, int row, int column) {
      return sqnrText((WeightBar) dataset.getColumnKey(column));
    }
  }
}
