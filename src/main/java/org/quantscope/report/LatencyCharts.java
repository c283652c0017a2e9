// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;
import org.quantscope.bench.LatencyStats;

/**
 * The latency chart: the p50, p90 and p99 latency of the fp32 and the int8 model, built from the
 * benchmark's {@link LatencyStats} (a dataset, then the chart from it). Pure: nothing is drawn
 * until the caller draws the chart.
 */
public final class LatencyCharts {
  private LatencyCharts() {}

  private static final String[] PERCENTILES = {"p50", "p90", "p99"};

  /**
   * Grouped bars of the p50, p90 and p99 latency of one run in milliseconds, fp32 in blue beside
   * int8 in orange; the subtitle gives the speedup at the median, e.g. {@code speedup (p50) 1.42x}
   * (reference p50 / candidate p50, as {@code bench} reports it).
   *
   * @param reference the fp32 model's statistics, or null if it was not measured
   * @param candidate the int8 model's statistics, or null if it was not measured
   */
  public static JFreeChart latency(LatencyStats reference, LatencyStats candidate) {
    return chart(
        dataset(reference, candidate),
        speedupHeadline(reference, candidate),
        runsDetail(reference, candidate));
  }

  static DefaultCategoryDataset dataset(LatencyStats reference, LatencyStats candidate) {
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    addPercentiles(dataset, ChartTheme.FP32_KEY, reference);
    addPercentiles(dataset, ChartTheme.INT8_KEY, candidate);
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

  private static JFreeChart chart(CategoryDataset dataset, String headline, String detail) {
    NumberAxis ms = new NumberAxis("latency per run (ms)");
    BarRenderer renderer = new BarRenderer();
    CategoryPlot plot = new CategoryPlot(dataset, new CategoryAxis(null), ms, renderer);
    JFreeChart chart = new JFreeChart("Latency", ChartTheme.TITLE, plot, true);
    ChartTheme.apply(chart);
    for (int row = 0; row < dataset.getRowCount(); row++) {
      renderer.setSeriesPaint(
          row,
          ChartTheme.FP32_KEY.equals(dataset.getRowKey(row)) ? ChartTheme.FP32 : ChartTheme.INT8);
    }
    renderer.setItemMargin(0.06);
    renderer.setMaximumBarWidth(0.14);
    Bars.valueLabelsAbove(renderer, "{2}", dataset);
    ms.setUpperMargin(0.12);
    chart.addSubtitle(ChartTheme.subtitle(headline));
    if (detail != null) {
      chart.addSubtitle(ChartTheme.detail(detail));
    }
    return chart;
  }

  /** The speedup at the median, "speedup (p50) 1.42x", or why there is none. */
  static String speedupHeadline(LatencyStats reference, LatencyStats candidate) {
    if (reference == null || candidate == null) {
      return reference == null && candidate == null ? "no latency measured" : "one model measured";
    }
    if (!(candidate.p50Ms() > 0)) {
      return "speedup (p50) unknown";
    }
    return "speedup (p50) " + Figures.ratio(reference.p50Ms() / candidate.p50Ms());
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
      parts.add(ChartTheme.FP32_KEY + ": " + runs(reference));
    }
    if (candidate != null) {
      parts.add(ChartTheme.INT8_KEY + ": " + runs(candidate));
    }
    return parts.isEmpty() ? null : String.join(ChartTheme.SEPARATOR, parts);
  }

  private static String runs(LatencyStats s) {
    return s.runs() + (s.runs() == 1 ? " run" : " runs") + ", batch " + s.batch();
  }
}
