// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.awt.BasicStroke;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.quantscope.quantize.QuantType;

/**
 * Charts of one weight for the details panel: the distribution of its float values with the 8-bit
 * grid drawn over it (per tensor), or the spread of its per-channel scales.
 */
public final class WeightCharts {
  private WeightCharts() {}

  /** Grid lines drawn at most; with more levels in range, every k-th level is drawn. */
  static final int MAX_GRID_LINES = 48;

  /**
   * The histogram of {@code values} with a line at every representable value {@code (q - zp) *
   * scale} that falls inside the data's range.
   */
  public static JFreeChart histogram(
      String name, float[] values, float scale, int zeroPoint, QuantType type) {
    HistogramDataset data = new HistogramDataset();
    double[] v = new double[values.length];
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (int i = 0; i < values.length; i++) {
      v[i] = values[i];
      min = Math.min(min, v[i]);
      max = Math.max(max, v[i]);
    }
    if (values.length == 0) {
      min = 0;
      max = 1;
    }
    if (min == max) {
      min -= 0.5;
      max += 0.5;
    }
    data.addSeries(name, v, 80, min, max);
    JFreeChart chart =
        ChartFactory.createHistogram(
            name, "value", "count", data, PlotOrientation.VERTICAL, false, true, false);
    ChartTheme.apply(chart);
    XYPlot plot = chart.getXYPlot();
    XYBarRenderer r = (XYBarRenderer) plot.getRenderer();
    r.setSeriesPaint(0, ChartTheme.FP32);
    r.setShadowVisible(false);
    r.setDrawBarOutline(false);
    int qmin = (int) Math.ceil(min / scale) + zeroPoint;
    int qmax = (int) Math.floor(max / scale) + zeroPoint;
    qmin = Math.max(qmin, type.typeMin());
    qmax = Math.min(qmax, type.typeMax());
    int levels = Math.max(0, qmax - qmin + 1);
    int step = Math.max(1, (int) Math.ceil(levels / (double) MAX_GRID_LINES));
    for (int q = qmin; q <= qmax; q++) {
      if ((q - zeroPoint) % step != 0) {
        continue;
      }
      ValueMarker m = new ValueMarker((q - zeroPoint) * (double) scale);
      m.setPaint(ChartTheme.INT8);
      m.setStroke(new BasicStroke(q == zeroPoint ? 1.4f : 0.6f));
      m.setAlpha(q == zeroPoint ? 0.9f : 0.55f);
      plot.addDomainMarker(m);
    }
    chart.addSubtitle(
        new TextTitle(
            String.format(
                Locale.ROOT,
                "%d values · %s grid, scale %.4g, zero point %d%s",
                values.length,
                type.elementType().onnxName(),
                scale,
                zeroPoint,
                step > 1 ? " (every " + step + "th level drawn)" : ""),
            ChartTheme.DETAIL));
    return chart;
  }

  /** One bar per output channel: the spread of per-channel scales. */
  public static JFreeChart channelScales(String name, float[] scales) {
    XYSeries s = new XYSeries("scale");
    float lo = Float.MAX_VALUE;
    float hi = 0;
    for (int i = 0; i < scales.length; i++) {
      s.add(i, scales[i]);
      lo = Math.min(lo, scales[i]);
      hi = Math.max(hi, scales[i]);
    }
    JFreeChart chart =
        ChartFactory.createXYBarChart(
            name,
            "channel",
            false,
            "scale",
            new XYSeriesCollection(s),
            PlotOrientation.VERTICAL,
            false,
            true,
            false);
    ChartTheme.apply(chart);
    XYBarRenderer r = (XYBarRenderer) chart.getXYPlot().getRenderer();
    r.setSeriesPaint(0, ChartTheme.INT8);
    r.setShadowVisible(false);
    r.setDrawBarOutline(false);
    chart.addSubtitle(
        new TextTitle(
            String.format(
                Locale.ROOT,
                "%d channels · scales %.3g … %.3g (%.1fx spread)",
                scales.length,
                scales.length == 0 ? 0 : lo,
                hi,
                lo > 0 ? hi / lo : 0),
            ChartTheme.DETAIL));
    return chart;
  }
}
