// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.Map;
import org.quantscope.graph.GraphLayout;
import org.quantscope.quantize.QuantizationResult;

/**
 * The model's graph as the report shows it: the window's layout, quantized nodes coloured by the
 * SQNR of their weights, nodes left in float in orange, excluded ones in grey. Drawn with Java2D,
 * so the same code makes the PNG and (through PDFBox's Graphics2D bridge) vector PDF pages.
 */
public final class GraphPicture {
  private GraphPicture() {}

  /**
   * How a node is drawn.
   *
   * @param note what a collapsed box says of the nodes inside ("36 of 120 quantized, worst 8.1 dB":
   *     the worst weight SQNR), written on its second line; "" for nodes
   */
  public record Status(String fill, String outline, String note) {
    public Status(String fill, String outline) {
      this(fill, outline, "");
    }
  }

  /** The largest image side, in pixels. */
  static final int MAX_SIDE = 16384;

  /** The largest image, in pixels (a 4-byte pixel each). */
  static final long MAX_AREA = 64L << 20;

  private static final Font TITLE = new Font(ChartTheme.FAMILY, Font.BOLD, 12);
  private static final Font SUB = new Font(ChartTheme.FAMILY, Font.PLAIN, 11);

  /**
   * The status of every candidate node in a report: quantized (by SQNR), excluded, or left in
   * float.
   */
  public static Map<String, Status> statuses(Report report) {
    Map<String, Status> m = new HashMap<>();
    Map<String, Double> sqnr = new HashMap<>();
    nodes(report, m, sqnr);
    return m;
  }

  /**
   * The statuses of {@link #statuses(Report)}, and one for each collapsed box of {@code layout}, as
   * the window shows them: coloured by the worst weight SQNR of the quantized nodes inside (in grey
   * when all its candidates are excluded, orange when they all stay in float), and noting how many
   * of its candidates are quantized, how many excluded, and that worst SQNR.
   */
  public static Map<String, Status> statuses(Report report, GraphLayout.Result layout) {
    Map<String, Status> m = new HashMap<>();
    Map<String, Double> sqnr = new HashMap<>();
    nodes(report, m, sqnr);
    if (layout == null) {
      return m;
    }
    for (var block : layout.inside().entrySet()) {
      int candidates = 0;
      int quantized = 0;
      int excluded = 0;
      double worst = Double.NaN;
      for (String id : block.getValue()) {
        Status st = m.get(id);
        if (st == null) {
          continue;
        }
        candidates++;
        if (sqnr.containsKey(id)) {
          quantized++;
          double v = sqnr.get(id);
          worst = Double.isNaN(v) ? worst : Double.isNaN(worst) ? v : Math.min(worst, v);
        } else if (st.fill().equals(StatusColors.EXCLUDED)) {
          excluded++;
        }
      }
      if (candidates == 0) {
        continue;
      }
      StringBuilder note = new StringBuilder();
      note.append(Figures.quantizedOf(quantized, candidates, excluded));
      if (!Double.isNaN(worst)) {
        note.append(", worst ").append(Figures.db(worst));
      }
      String fill =
          quantized > 0
              ? Double.isNaN(worst) ? StatusColors.WILL : StatusColors.sqnr(worst)
              : excluded > 0 ? StatusColors.EXCLUDED : StatusColors.CANNOT;
      m.put(block.getKey(), new Status(fill, StatusColors.STRONG_OUTLINE, note.toString()));
    }
    return m;
  }

  /** The node statuses, and the worst weight SQNR of each quantized node (NaN when none). */
  private static void nodes(Report report, Map<String, Status> m, Map<String, Double> sqnr) {
    QuantizationResult q = report.quantization();
    if (q == null) {
      return;
    }
    for (var s : q.skipped()) {
      boolean excluded =
          report.settings() != null && report.settings().nodesToExclude().contains(s.node());
      m.put(
          s.node(),
          new Status(
              excluded ? StatusColors.EXCLUDED : StatusColors.CANNOT, StatusColors.STRONG_OUTLINE));
    }
    for (QuantizationResult.NodeReport r : q.quantized()) {
      double worst = Double.NaN;
      for (QuantizationResult.WeightReport w : r.weights()) {
        worst = Double.isNaN(worst) ? w.sqnrDb() : Math.min(worst, w.sqnrDb());
      }
      sqnr.put(r.node(), worst);
      m.put(
          r.node(),
          new Status(
              Double.isNaN(worst) ? StatusColors.WILL : StatusColors.sqnr(worst),
              StatusColors.STRONG_OUTLINE));
    }
  }

  /** The scale at which an image of the layout stays within the pixel limits (at most 1). */
  public static double imageScale(GraphLayout.Result layout) {
    double w = Math.max(1, layout.width());
    double h = Math.max(1, layout.height());
    double s = Math.min(1.0, Math.min(MAX_SIDE / w, MAX_SIDE / h));
    s = Math.min(s, Math.sqrt(MAX_AREA / (w * h)));
    return s;
  }

  /** Renders the whole graph into an image at {@link #imageScale} (1:1 when it fits). */
  public static BufferedImage render(GraphLayout.Result layout, Map<String, Status> statuses) {
    double s = imageScale(layout);
    int w = (int) Math.ceil(layout.width() * s);
    int h = (int) Math.ceil(layout.height() * s);
    BufferedImage image =
        new BufferedImage(Math.max(1, w), Math.max(1, h), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.scale(s, s);
      draw(g, layout, statuses, new Rectangle2D.Double(0, 0, layout.width(), layout.height()));
    } finally {
      g.dispose();
    }
    return image;
  }

  /**
   * Draws the part of the graph inside {@code view} (layout coordinates) with the graphics' current
   * transform; text and shapes stay vectors on vector surfaces.
   */
  public static void draw(
      Graphics2D g, GraphLayout.Result layout, Map<String, Status> statuses, Rectangle2D view) {
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
    g.setColor(Color.decode(StatusColors.EDGE));
    g.setStroke(new BasicStroke(1.2f));
    double x0 = view.getMinX();
    double y0 = view.getMinY();
    double x1 = view.getMaxX();
    double y1 = view.getMaxY();
    for (GraphLayout.Edge e : layout.edges()) {
      int n = e.pointCount();
      if (n < 2 || !e.bounds().intersects(x0, y0, x1, y1)) {
        continue;
      }
      Path2D.Double path = new Path2D.Double();
      path.moveTo(e.x(0), e.y(0));
      for (int i = 1; i < n; i++) {
        path.lineTo(e.x(i), e.y(i));
      }
      g.draw(path);
      arrow(g, e);
    }
    for (GraphLayout.Box b : layout.boxes()) {
      Rectangle2D r = new Rectangle2D.Double(b.x(), b.y(), b.width(), b.height());
      if (!r.intersects(view)) {
        continue;
      }
      Status st = statuses.get(b.id());
      String fill =
          switch (b.kind()) {
            case INPUT, OUTPUT -> StatusColors.INPUT;
            case WEIGHT -> StatusColors.WEIGHT;
            case NODE, BLOCK -> st == null ? StatusColors.OTHER : st.fill();
          };
      String outline = st == null ? StatusColors.LIGHT_OUTLINE : st.outline();
      if (b.kind() == GraphLayout.Kind.BLOCK) {
        // collapsed repeated blocks: a stack of cards, the copies behind the one in front
        for (int k = 2; k >= 1; k--) {
          RoundRectangle2D card =
              new RoundRectangle2D.Double(
                  b.x() + 4 * k, b.y() - 4 * k, b.width(), b.height(), 10, 10);
          g.setColor(Color.decode(fill).brighter());
          g.fill(card);
          g.setColor(Color.decode(StatusColors.STRONG_OUTLINE));
          g.setStroke(new BasicStroke(1f));
          g.draw(card);
        }
        outline = StatusColors.STRONG_OUTLINE;
      }
      RoundRectangle2D box =
          new RoundRectangle2D.Double(b.x(), b.y(), b.width(), b.height(), 10, 10);
      g.setColor(Color.decode(fill));
      g.fill(box);
      g.setColor(Color.decode(outline));
      g.setStroke(new BasicStroke(1f));
      g.draw(box);
      g.setColor(new Color(0x1d2430));
      double cx = b.x() + b.width() / 2;
      // a collapsed box says what is inside in place of its size ("x12" is in its title)
      String subtitle = st != null && !st.note().isEmpty() ? st.note() : b.subtitle();
      if (subtitle.isEmpty()) {
        text(g, TITLE, b.title(), cx, b.y() + b.height() / 2, b.width() - 8);
      } else {
        text(
            g,
            b.kind() == GraphLayout.Kind.WEIGHT
                    || b.kind() == GraphLayout.Kind.INPUT
                    || b.kind() == GraphLayout.Kind.OUTPUT
                ? SUB
                : TITLE,
            b.title(),
            cx,
            b.y() + b.height() * 0.32,
            b.width() - 8);
        g.setColor(new Color(0x4b5563));
        text(g, SUB, subtitle, cx, b.y() + b.height() * 0.72, b.width() - 8);
      }
    }
  }

  /** Centred text, cut with an ellipsis to fit {@code maxWidth}. */
  private static void text(
      Graphics2D g, Font font, String s, double cx, double cy, double maxWidth) {
    g.setFont(font);
    FontMetrics fm = g.getFontMetrics();
    String t = Texts.fit(s, maxWidth, fm::stringWidth);
    double w = fm.stringWidth(t);
    g.drawString(t, (float) (cx - w / 2), (float) (cy + (fm.getAscent() - fm.getDescent()) / 2.0));
  }

  private static void arrow(Graphics2D g, GraphLayout.Edge e) {
    double[] h = e.arrowHead(6);
    if (h == null) {
      return;
    }
    Path2D.Double head = new Path2D.Double();
    head.moveTo(h[0], h[1]);
    head.lineTo(h[2], h[3]);
    head.lineTo(h[4], h[5]);
    head.closePath();
    g.fill(head);
  }
}
