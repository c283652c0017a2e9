// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.quantscope.graph.GraphLayout;

/**
 * The report as images: the charts on one sheet under a header with the verdict (drawn at twice the
 * size for crisp print and high-density screens), two by two, with the error along the depth of the
 * graph across the whole width below them when the error was traced; and the graph on its own.
 */
public final class ReportPng {
  private ReportPng() {}

  /** One chart's size on the sheet, before the 2x scale. */
  static final int CHART_W = 560;

  static final int CHART_H = 340;

  static final int HEADER_H = 86;

  static final int GAP = 12;

  /** The pixel density of the sheet. */
  static final int SCALE = 2;

  /** Weights shown at most in the sheet's weight-error chart. */
  static final int TOP_WEIGHTS = 12;

  /**
   * The charts of the sheet, in the order they are shown: the report's ({@link ReportCharts}), then
   * the error along the depth of the graph when the error was traced.
   */
  public static List<JFreeChart> charts(Report report) {
    List<JFreeChart> charts = new ArrayList<>(ReportCharts.of(report, TOP_WEIGHTS));
    if (report.trace() != null) {
      charts.add(TraceCharts.depth(report.trace()));
    }
    return charts;
  }

  /** The sheet: header, the charts two by two, and the depth chart across the width. */
  public static BufferedImage sheet(Report report) {
    List<JFreeChart> charts = charts(report);
    JFreeChart wide = report.trace() != null ? charts.remove(charts.size() - 1) : null;
    int cols = 2;
    int rows = Math.max(wide == null ? 1 : 0, (charts.size() + 1) / 2);
    int w = GAP + cols * (CHART_W + GAP);
    int h = HEADER_H + (rows + (wide == null ? 0 : 1)) * (CHART_H + GAP) + GAP;
    BufferedImage image = new BufferedImage(w * SCALE, h * SCALE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.scale(SCALE, SCALE);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      header(g, report, w);
      for (int i = 0; i < charts.size(); i++) {
        int x = GAP + (i % cols) * (CHART_W + GAP);
        int y = HEADER_H + (i / cols) * (CHART_H + GAP);
        charts.get(i).draw(g, new Rectangle2D.Double(x, y, CHART_W, CHART_H));
      }
      if (wide != null) {
        int y = HEADER_H + rows * (CHART_H + GAP);
        wide.draw(g, new Rectangle2D.Double(GAP, y, w - 2 * GAP, CHART_H));
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  private static void header(Graphics2D g, Report report, int w) {
    Report.Summary s = report.summary();
    Color fill =
        switch (s.verdict()) {
          case Report.PASSED -> ChartTheme.PASS;
          case Report.FAILED -> ChartTheme.FAIL;
          default -> new Color(0x6b7280);
        };
    g.setColor(new Color(0xf6f8fa));
    g.fillRect(0, 0, w, HEADER_H - GAP);
    g.setColor(ChartTheme.TEXT);
    g.setFont(new Font(ChartTheme.FAMILY, Font.BOLD, 18));
    g.drawString(
        Texts.fit(report.title(), w - 2 * GAP, t -> g.getFontMetrics().stringWidth(t)), GAP, 28);
    g.setFont(new Font(ChartTheme.FAMILY, Font.BOLD, 22));
    g.setColor(fill);
    g.drawString(s.verdict(), GAP, 62);
    int vw = g.getFontMetrics().stringWidth(s.verdict());
    g.setColor(ChartTheme.MUTED);
    g.setFont(new Font(ChartTheme.FAMILY, Font.PLAIN, 13));
    g.drawString(
        Texts.fit(
            ReportPdf.verdictLine(report),
            w - 3 * GAP - vw,
            t -> g.getFontMetrics().stringWidth(t)),
        GAP * 2 + vw,
        60);
  }

  /** Writes the chart sheet. */
  public static void writeCharts(Report report, Path file) throws IOException {
    Images.writePng(sheet(report), file);
  }

  /** Writes the graph, coloured by the report's results. */
  public static void writeGraph(Report report, GraphLayout.Result layout, Path file)
      throws IOException {
    Images.writePng(GraphPicture.render(layout, GraphPicture.statuses(report, layout)), file);
  }
}
