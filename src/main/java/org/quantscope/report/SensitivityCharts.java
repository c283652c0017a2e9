// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.quantscope.sensitivity.NodeSensitivity;
import org.quantscope.sensitivity.SensitivityReport;
import org.quantscope.sensitivity.VariantError;

/**
 * The sensitivity chart: for the nodes with the largest impact, the error when only that node is
 * quantized and how much leaving it in float recovers from the fully quantized model, both in units
 * of the tolerance (1 = exactly at the tolerance), with the tolerance drawn as a line.
 */
public final class SensitivityCharts {
  private SensitivityCharts() {}

  static final String ONLY_THIS = "only this node quantized";
  static final String RECOVERED = "recovered by leaving it in float";

  /** The top {@code topN} nodes of the report, worst first. */
  public static JFreeChart impact(SensitivityReport report, int topN) {
    List<NodeSensitivity> nodes = report.nodes().subList(0, Math.min(topN, report.nodes().size()));
    double full = VariantError.of(report.full(), report.candidates()).toleranceRatio();
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    List<String> labels =
        Texts.axisLabels(
            nodes.stream().map(NodeSensitivity::node).toList(), ChartTheme.MAX_LABEL_CHARS);
    for (int i = 0; i < nodes.size(); i++) {
      NodeSensitivity n = nodes.get(i);
      String key = labels.get(i);
      data.addValue(n.onlyThis().toleranceRatio(), ONLY_THIS, key);
      data.addValue(Math.max(0, full - n.allButThis().toleranceRatio()), RECOVERED, key);
    }
    NumberAxis ratio = new NumberAxis("error in units of the tolerance (1 = at the tolerance)");
    BarRenderer renderer = new BarRenderer();
    renderer.setDefaultToolTipGenerator(
        (d, row, column) -> {
          NodeSensitivity n = nodes.get(column);
          return String.format(
              Locale.ROOT,
              "%s (%s): only this max |d| %s; all but this max |d| %s; impact %.3f",
              n.node(),
              n.op(),
              Figures.diff(n.onlyThis().maxAbsDiff()),
              Figures.diff(n.allButThis().maxAbsDiff()),
              n.impact());
        });
    CategoryPlot plot = new CategoryPlot(data, new CategoryAxis(null), ratio, renderer);
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
    ValueMarker tolerance = new ValueMarker(1.0);
    tolerance.setPaint(new Color(0xc62828));
    tolerance.setStroke(
        new BasicStroke(
            1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5, 4}, 0));
    tolerance.setLabel("tolerance");
    tolerance.setLabelAnchor(RectangleAnchor.TOP_LEFT);
    tolerance.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
    tolerance.setLabelPaint(new Color(0xc62828));
    plot.addRangeMarker(tolerance);
    ratio.setUpperMargin(0.1);
    JFreeChart chart = new JFreeChart("Sensitivity", ChartTheme.TITLE, plot, true);
    ChartTheme.apply(chart);
    // after the theme: int8 colour for the damage, float colour for what float recovers
    renderer.setSeriesPaint(0, ChartTheme.INT8);
    renderer.setSeriesPaint(1, ChartTheme.FP32);
    chart.addSubtitle(
        ChartTheme.subtitle(
            String.format(
                Locale.ROOT,
                "top %d of %d nodes · fully quantized: %s of the tolerance",
                nodes.size(),
                report.nodes().size(),
                Figures.diff(full))));
    return chart;
  }
}
