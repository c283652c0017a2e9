// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.quantscope.parity.OutputParity;
import org.quantscope.parity.ParityReport;

/**
 * The parity chart: the histogram of |difference| between the fp32 and the int8 model's outputs,
 * built from a {@link ParityReport} (its bins, then a dataset, then the chart). Pure: nothing is
 * drawn until the caller draws the chart.
 */
public final class ParityCharts {
  private ParityCharts() {}

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
    return chart(dataset(bins), bins, report);
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

  static XYIntervalSeriesCollection dataset(Bins bins) {
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

  private static JFreeChart chart(
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
    chart.addSubtitle(ChartTheme.detail(detail(bins, report)));
    return chart;
  }

  private static ValueMarker toleranceMarker(double absTol, double upper) {
    ValueMarker marker =
        new ValueMarker(
            absTol,
            ChartTheme.FAIL,
            new BasicStroke(
                2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    marker.setLabel("abs_tol " + Figures.number(absTol));
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

  /** Max and mean |d| against their tolerances: "max |d| 0.0123 (abs_tol 0.04) · mean ...". */
  static String differenceHeadline(ParityReport r) {
    return against("max |d|", r.maxAbsDiff(), "abs_tol", r.absTol())
        + ChartTheme.SEPARATOR
        + against("mean |d|", r.meanAbsDiff(), "mean_tol", r.meanTol());
  }

  private static String against(String what, double value, String tolName, double tol) {
    String v = Figures.number(value);
    String t = Figures.number(tol);
    return value > tol
        ? what + " " + v + " > " + tolName + " " + t
        : what + " " + v + " (" + tolName + " " + t + ")";
  }

  private static String detail(Bins bins, ParityReport r) {
    StringBuilder sb = new StringBuilder(bins.source());
    sb.append(ChartTheme.SEPARATOR).append(Figures.count(r.elements())).append(" elements");
    sb.append(", ").append(Figures.count(r.samples())).append(" samples");
    if (r.decisionFlips() > 0) {
      sb.append(ChartTheme.SEPARATOR).append(r.decisionFlips()).append(" decision flips");
    }
    return sb.toString();
  }
}
