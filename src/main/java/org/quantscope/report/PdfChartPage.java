// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import static org.quantscope.report.PdfPages.MARGIN;

import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.util.List;
import org.jfree.chart.JFreeChart;

/**
 * The PDF report's charts ({@link ReportCharts}), on a new page, one under the other across the
 * width of the page, as vector graphics.
 */
final class PdfChartPage {
  private PdfChartPage() {}

  /** Weights shown at most in the weight-error chart. */
  static final int TOP_WEIGHTS = 15;

  /** Height of one chart on the page, in points. */
  private static final float CHART_H = 320;

  /** Charts are laid out at this width and scaled to the page, so their text prints at 8-9 pt. */
  private static final float CHART_W = 800;

  /** Writes the section on a new page; a report without charts writes nothing. */
  static void write(PdfPages pages, Report report) throws IOException {
    List<JFreeChart> charts = ReportCharts.of(report, TOP_WEIGHTS);
    if (charts.isEmpty()) {
      return;
    }
    pages.newPage();
    pages.heading("Charts");
    float h = CHART_H;
    for (JFreeChart c : charts) {
      pages.ensure(h + 10);
      float k = pages.width / CHART_W;
      float lh = h / k;
      pages.drawing(
          MARGIN,
          pages.y() - h,
          CHART_W,
          lh,
          k,
          g -> c.draw(g, new Rectangle2D.Double(0, 0, CHART_W, lh)));
      pages.down(h + 12);
    }
  }
}
