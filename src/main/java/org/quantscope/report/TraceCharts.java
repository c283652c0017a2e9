// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.awt.BasicStroke;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYBarDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.quantscope.trace.ActivationReport;
import org.quantscope.trace.NodeError;
import org.quantscope.trace.TensorError;
import org.quantscope.trace.TraceReport;

/**
 * Charts of an error trace: the error along the depth of the graph, the nodes that introduce the
 * most error, and one run-time-quantized activation with its uint8 grid. SQNR everywhere: signal
 * over noise in dB, higher is better; exact values (infinite SQNR) are drawn at the top of the
 * axis.
 */
public final class TraceCharts {
  private TraceCharts() {}

  static final String ALL_TENSORS = "every tensor";
  static final String QUANTIZED = "outputs of quantized nodes";
  static final String INTRODUCED = "error introduced here";

  /** SQNR of every traced tensor by its producer's position in the graph. */
  public static JFreeChart depth(TraceReport r) {
    double top = ceiling(r);
    XYSeries all = new XYSeries(ALL_TENSORS);
    XYSeries quantized = new XYSeries(QUANTIZED);
    java.util.Set<String> outputs = new java.util.HashSet<>();
    for (NodeError n : r.nodes()) {
      if (n.output() != null) {
        outputs.add(n.output());
      }
    }
    for (TensorError t : r.tensors()) {
      double y = Math.min(t.sqnrDb(), top);
      all.add(t.position(), y);
      if (outputs.contains(t.name())) {
        quantized.add(t.position(), y);
      }
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(all);
    data.addSeries(quantized);
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "Where the error enters",
            "position in the graph (node order)",
            "SQNR int8 vs float (dB), higher is better",
            data,
            PlotOrientation.VERTICAL,
            true,
            true,
            false);
    ChartTheme.apply(chart);
    XYPlot plot = chart.getXYPlot();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    renderer.setSeriesPaint(0, ChartTheme.FP32);
    renderer.setSeriesShapesVisible(0, false);
    renderer.setSeriesStroke(0, new BasicStroke(1.2f));
    renderer.setSeriesPaint(1, ChartTheme.INT8);
    renderer.setSeriesLinesVisible(1, false);
    renderer.setDefaultToolTipGenerator(
        (d, series, item) -> {
          double x = d.getXValue(series, item);
          for (TensorError t : r.tensors()) {
            if (t.position() == (int) x) {
              return String.format(
                  Locale.ROOT,
                  "%s (%s %s): %s, max |d| %s",
                  t.name(),
                  t.op(),
                  t.producer(),
                  Figures.db(t.sqnrDb()),
                  Figures.diff(t.maxAbsDiff()));
            }
          }
          return null;
        });
    plot.setRenderer(renderer);
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
    // positions are whole nodes; a margin keeps the first and last points off the axes
    NumberAxis position = (NumberAxis) plot.getDomainAxis();
    position.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    position.setAutoRangeIncludesZero(false);
    position.setLowerMargin(0.02);
    position.setUpperMargin(0.02);
    chart.addSubtitle(
        ChartTheme.subtitle(
            String.format(
                Locale.ROOT,
                "%d tensors of %d quantized nodes, %d samples · exact tensors at %s",
                r.tensors().size(),
                r.nodes().size(),
                r.samples(),
                Figures.db(top))));
    return chart;
  }

  /**
   * The {@code topN} nodes whose error counts most at the graph outputs: each one's share of the
   * output error (an estimate from the trace; the tooltip has its SQNR figures).
   */
  public static JFreeChart introduced(TraceReport r, int topN) {
    List<NodeError> nodes = r.nodes().subList(0, Math.min(topN, r.nodes().size()));
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    List<String> labels =
        Texts.axisLabels(nodes.stream().map(NodeError::node).toList(), ChartTheme.MAX_LABEL_CHARS);
    for (int i = 0; i < nodes.size(); i++) {
      NodeError n = nodes.get(i);
      String key = labels.get(i);
      data.addValue(n.outputShare() == null ? 0 : 100 * n.outputShare(), INTRODUCED, key);
    }
    NumberAxis share = new NumberAxis("share of the error at the graph outputs (%)");
    BarRenderer renderer = new BarRenderer();
    renderer.setDefaultToolTipGenerator(
        (d, row, column) -> {
          NodeError n = nodes.get(column);
          return String.format(
              Locale.ROOT,
              "%s (%s): %s of the output error; introduced %s, output %s, input %s, uint8 input"
                  + " %s, weight %s",
              n.node(),
              n.op(),
              n.outputShare() == null
                  ? "-"
                  : String.format(Locale.ROOT, "%.1f %%", 100 * n.outputShare()),
              db(n.introducedDb()),
              db(n.outputSqnrDb()),
              db(n.inputSqnrDb()),
              db(n.activationSqnrDb()),
              db(n.weightSqnrDb()));
        });
    CategoryPlot plot = new CategoryPlot(data, new CategoryAxis(null), share, renderer);
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
    JFreeChart chart =
        new JFreeChart("Where the output error comes from", ChartTheme.TITLE, plot, false);
    ChartTheme.apply(chart);
    renderer.setSeriesPaint(0, ChartTheme.INT8);
    chart.addSubtitle(
        ChartTheme.subtitle(
            String.format(
                Locale.ROOT,
                "top %d of %d quantized nodes: the error each makes, as it reaches the outputs",
                nodes.size(),
                r.nodes().size())));
    return chart;
  }

  /**
   * The histogram of one activation with the uint8 grid of its widest run (the largest step) drawn
   * over it: how coarse the levels are where the values are.
   */
  public static JFreeChart activation(ActivationReport a) {
    long[] counts = a.histogram();
    double width = 2 * a.histogramRange() / counts.length;
    XYSeries s = new XYSeries(a.name());
    int first = -1;
    int last = -1;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        first = first < 0 ? i : first;
        last = i;
      }
    }
    first = Math.max(0, first);
    last = Math.max(first, last);
    for (int i = first; i <= last; i++) {
      s.add(-a.histogramRange() + (i + 0.5) * width, counts[i]);
    }
    JFreeChart chart =
        ChartFactory.createXYBarChart(
            a.name(),
            "value",
            false,
            "count",
            new XYBarDataset(new XYSeriesCollection(s), width),
            PlotOrientation.VERTICAL,
            false,
            true,
            false);
    ChartTheme.apply(chart);
    XYPlot plot = chart.getXYPlot();
    XYBarRenderer bars = (XYBarRenderer) plot.getRenderer();
    bars.setSeriesPaint(0, ChartTheme.FP32);
    bars.setShadowVisible(false);
    bars.setDrawBarOutline(false);
    float step = a.stepMax();
    if (step > 0) {
      int zp = (int) Math.max(0, Math.min(255, Math.rint(-Math.min(0, a.min()) / step)));
      double lo = -a.histogramRange() + first * width;
      double hi = -a.histogramRange() + (last + 1) * width;
      int qmin = Math.max(0, (int) Math.ceil(lo / step) + zp);
      int qmax = Math.min(255, (int) Math.floor(hi / step) + zp);
      int every =
          Math.max(1, (int) Math.ceil((qmax - qmin + 1) / (double) WeightCharts.MAX_GRID_LINES));
      for (int q = qmin; q <= qmax; q++) {
        if ((q - zp) % every != 0) {
          continue;
        }
        ValueMarker m = new ValueMarker((q - zp) * (double) step);
        m.setPaint(ChartTheme.INT8);
        m.setStroke(new BasicStroke(q == zp ? 1.4f : 0.6f));
        m.setAlpha(q == zp ? 0.9f : 0.55f);
        plot.addDomainMarker(m);
      }
    }
    chart.addSubtitle(
        ChartTheme.detail(
            String.format(
                Locale.ROOT,
                "max |x| %s · p99.9 |x| %s · outlier ratio %.1fx · uint8 step %s (widest run)"
                    + " · round trip %s",
                Figures.scale(a.maxAbs()),
                Figures.scale(a.p999Abs()),
                a.outlierRatio(),
                Figures.scale(step),
                Figures.db(a.quantSqnrDb()))));
    return chart;
  }

  /** The top of the dB axis: a little above the best finite SQNR, where exact values are drawn. */
  static double ceiling(TraceReport r) {
    double best = 0;
    for (TensorError t : r.tensors()) {
      if (!Double.isInfinite(t.sqnrDb())) {
        best = Math.max(best, t.sqnrDb());
      }
    }
    for (NodeError n : r.nodes()) {
      for (Double v : new Double[] {n.introducedDb(), n.outputSqnrDb()}) {
        if (v != null && !v.isInfinite()) {
          best = Math.max(best, v);
        }
      }
    }
    return Math.ceil(best / 10) * 10 + 10;
  }

  private static double finite(Double v, double top) {
    return v == null ? 0 : Math.min(v, top);
  }

  private static String db(Double v) {
    return v == null ? "-" : Figures.db(v);
  }
}
