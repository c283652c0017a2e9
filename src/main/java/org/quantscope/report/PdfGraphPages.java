// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import static org.quantscope.report.PdfPages.BODY;
import static org.quantscope.report.PdfPages.MARGIN;
import static org.quantscope.report.PdfPages.SMALL;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.util.Map;
import org.quantscope.graph.GraphLayout;

/**
 * The PDF report's graph: the window's layout coloured by the results ({@link GraphPicture}), as
 * vector graphics scaled to the width of the page (or down to one page when it stays legible there,
 * {@link #ONE_PAGE_SCALE}) and cut into bands of one page each, with the colour key on the first. A
 * graph that would not be legible on {@value ReportPdf#MAX_GRAPH_PAGES} pages gets a note that
 * points to the graph PNG instead.
 */
final class PdfGraphPages {
  private PdfGraphPages() {}

  /** Height of the colour key. */
  private static final float LEGEND_H = 16;

  /**
   * A graph that fits one page at this scale or more is drawn on one page rather than cut into
   * bands at a larger one (12 px labels print at 6.6 pt or more).
   */
  static final double ONE_PAGE_SCALE = 0.55;

  /**
   * Writes the graph on new pages, or the note when it does not fit {@code paper}; a missing or
   * empty graph writes nothing.
   */
  static void write(PdfPages pages, Report report, GraphLayout.Result graph, ReportPdf.Paper paper)
      throws IOException {
    if (graph == null || graph.boxes().isEmpty()) {
      return;
    }
    Map<String, GraphPicture.Status> statuses = GraphPicture.statuses(report, graph);
    if (!ReportPdf.graphFits(graph, ReportPdf.Paper.A4) && !ReportPdf.graphFits(graph, paper)) {
      pages.down(8);
      pages.heading("Graph");
      pages.paragraph(
          pages.fonts.regular,
          BODY,
          Color.BLACK,
          "The graph ("
              + graph.boxes().size()
              + " boxes) is too big to print legibly here; export it as a PNG image instead"
              + " (report --graph-png, or File > Export report in the window).",
          pages.width);
      return;
    }
    double toWidth = Math.min(1.0, pages.width / Math.max(1, graph.width()));
    float top = pages.pageHeight() - MARGIN - 28 - LEGEND_H;
    float avail = top - MARGIN - 10;
    double onePage = Math.min(toWidth, avail / Math.max(1, graph.height()));
    double s = onePage >= ONE_PAGE_SCALE ? onePage : toWidth;
    double bandHeight = avail / s;
    int count = (int) Math.ceil(graph.height() / bandHeight);
    for (int i = 0; i < count; i++) {
      pages.newPage();
      pages.heading(count == 1 ? "Graph" : "Graph (" + (i + 1) + " of " + count + ")");
      if (i == 0) {
        legend(pages);
      }
      double y0 = i * bandHeight;
      float h = (float) Math.min(avail, (graph.height() - y0) * s);
      Rectangle2D band = new Rectangle2D.Double(0, y0, graph.width(), h / s);
      pages.drawing(
          MARGIN,
          pages.y() - h,
          pages.width,
          h,
          1f,
          g -> {
            g.scale(s, s);
            g.translate(0, -y0);
            g.clip(band);
            GraphPicture.draw(g, graph, statuses, band);
          });
      pages.down(h);
    }
  }

  /** The colour key of the graph pictures, one line. */
  private static void legend(PdfPages pages) throws IOException {
    String[][] keys = {
      {StatusColors.GOOD, "quantized, SQNR >= " + (int) StatusColors.GOOD_DB + " dB"},
      {StatusColors.FAIR, (int) StatusColors.FAIR_DB + "-" + (int) StatusColors.GOOD_DB + " dB"},
      {StatusColors.POOR, "< " + (int) StatusColors.FAIR_DB + " dB"},
      {StatusColors.EXCLUDED, "excluded"},
      {StatusColors.CANNOT, "left in float"},
      {StatusColors.INPUT, "input"},
      {StatusColors.WEIGHT, "weight"}
    };
    PdfFonts fonts = pages.fonts;
    float x = MARGIN;
    float size = SMALL;
    float base = pages.y() - size - 2;
    for (String[] k : keys) {
      pages.outlinedRect(
          x, base - 1, 12, size + 1, Color.decode(k[0]), Color.decode(StatusColors.STRONG_OUTLINE));
      x += 15;
      pages.text(fonts.regular, size, Color.BLACK, x, base, k[1]);
      x += PdfFonts.width(fonts.regular, fonts.safe(fonts.regular, k[1]), size) + 10;
    }
    pages.down(LEGEND_H);
  }
}
