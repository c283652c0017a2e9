// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.List;
import java.util.Map;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.TextAlignment;
import org.quantscope.graph.GraphLayout;
import org.quantscope.report.Texts;

/**
 * Draws one laid-out graph box by box on a {@link GraphicsContext} whose transform maps layout
 * coordinates to the screen: only the edges and boxes that meet the visible region, with corners,
 * arrows and labels only where the zoom makes them readable. The edge polylines and their bounding
 * boxes are copied out of the layout once, so culling an edge costs four comparisons per frame.
 */
final class GraphPainter {
  /** Below this scale boxes are a few pixels and drawn without corners, strokes or arrows. */
  static final double COARSE = 0.15;

  /** Labels are drawn from this scale on. */
  private static final double LABELS = 0.35;

  private static final Font TITLE = Font.font("System", FontWeight.BOLD, 12);
  private static final Font SUB = Font.font("System", 11);
  private static final Color SELECTED = Color.web("#1f6feb");
  private static final Color TEXT = Color.web("#1d2430");
  private static final Color SUBTEXT = Color.web("#4b5563");

  private final GraphLayout.Result layout;

  /** Every edge's polyline, copied out of the layout once. */
  private final double[][] edgePoints;

  /** The bounding box of every edge, four numbers each (min x, min y, max x, max y). */
  private final double[] edgeBounds;

  /** Every edge's arrow head (see {@link GraphLayout.Edge#arrowHead}), or null. */
  private final double[][] arrowHeads;

  GraphPainter(GraphLayout.Result layout) {
    this.layout = layout;
    this.edgePoints =
        layout.edges().stream().map(GraphLayout.Edge::points).toArray(double[][]::new);
    this.edgeBounds = edgeBounds(layout.edges());
    this.arrowHeads = layout.edges().stream().map(e -> e.arrowHead(6)).toArray(double[][]::new);
  }

  /**
   * Draws the edges and boxes that meet a region of the layout.
   *
   * @param selected the id of the box drawn as selected, or null
   * @param scale screen pixels per layout unit
   */
  void draw(
      GraphicsContext g,
      Map<String, NodeStatus> statuses,
      String selected,
      double scale,
      double vx0,
      double vy0,
      double vx1,
      double vy1) {
    boolean coarse = scale < COARSE;
    double[] eb = edgeBounds;
    double[][] edges = edgePoints;
    g.setStroke(Palette.EDGE);
    g.setFill(Palette.EDGE);
    g.setLineWidth(1.2 / Math.max(scale, 0.6));
    for (int k = 0; k < edges.length; k++) {
      int j = 4 * k;
      if (eb[j + 2] < vx0 || eb[j] > vx1 || eb[j + 3] < vy0 || eb[j + 1] > vy1) {
        continue;
      }
      double[] p = edges[k];
      g.beginPath();
      g.moveTo(p[0], p[1]);
      for (int i = 2; i < p.length; i += 2) {
        g.lineTo(p[i], p[i + 1]);
      }
      g.stroke();
      if (!coarse) {
        arrow(g, arrowHeads[k]);
      }
    }
    boolean labels = scale >= LABELS;
    g.setTextAlign(TextAlignment.CENTER);
    g.setTextBaseline(VPos.CENTER);
    for (GraphLayout.Box b : layout.boxes()) {
      if (b.x() > vx1 || b.y() > vy1 || b.x() + b.width() < vx0 || b.y() + b.height() < vy0) {
        continue;
      }
      NodeStatus st = statuses.getOrDefault(b.id(), NodeStatus.OTHER);
      boolean sel = b.id().equals(selected);
      if (coarse && !sel) {
        g.setFill(Palette.coarseFill(b.kind(), st));
        g.fillRect(b.x(), b.y(), b.width(), b.height());
        continue;
      }
      if (b.kind() == GraphLayout.Kind.BLOCK) {
        // a stack of cards: the copies behind the one in front
        g.setStroke(Palette.stroke(b.kind(), st));
        g.setLineWidth(1);
        for (int k = 2; k >= 1; k--) {
          g.setFill(Palette.fill(b.kind(), st).brighter());
          g.fillRoundRect(b.x() + 4 * k, b.y() - 4 * k, b.width(), b.height(), 10, 10);
          g.strokeRoundRect(b.x() + 4 * k, b.y() - 4 * k, b.width(), b.height(), 10, 10);
        }
      }
      g.setFill(Palette.fill(b.kind(), st));
      g.fillRoundRect(b.x(), b.y(), b.width(), b.height(), 10, 10);
      g.setStroke(sel ? SELECTED : Palette.stroke(b.kind(), st));
      g.setLineWidth(sel ? 3 / Math.min(1, scale) : 1);
      g.strokeRoundRect(b.x(), b.y(), b.width(), b.height(), 10, 10);
      if (labels) {
        g.setFill(TEXT);
        double cx = b.x() + b.width() / 2;
        g.setFont(b.kind() == GraphLayout.Kind.NODE ? TITLE : SUB);
        if (b.kind() == GraphLayout.Kind.BLOCK) {
          g.setFont(TITLE);
          g.fillText(label(b.title()), cx, b.y() + b.height() * 0.24, b.width() - 8);
          g.setFont(SUB);
          g.setFill(SUBTEXT);
          g.fillText(label(b.subtitle()), cx, b.y() + b.height() * 0.52, b.width() - 8);
          String state = st.detail().isEmpty() ? "click to open" : st.detail();
          g.fillText(label(state), cx, b.y() + b.height() * 0.78, b.width() - 8);
        } else if (b.subtitle().isEmpty()) {
          g.fillText(label(b.title()), cx, b.y() + b.height() / 2, b.width() - 8);
        } else {
          g.fillText(label(b.title()), cx, b.y() + b.height() * 0.32, b.width() - 8);
          g.setFont(SUB);
          g.setFill(SUBTEXT);
          g.fillText(label(b.subtitle()), cx, b.y() + b.height() * 0.72, b.width() - 8);
        }
      }
    }
  }

  /** Outlines the selected box, a few pixels wide at any scale (over the overview's images). */
  void outlineSelected(GraphicsContext g, String selected, double scale) {
    for (GraphLayout.Box b : layout.boxes()) {
      if (b.id().equals(selected)) {
        g.setStroke(SELECTED);
        g.setLineWidth(3 / scale);
        g.strokeRect(
            b.x() - 4 / scale, b.y() - 4 / scale, b.width() + 8 / scale, b.height() + 8 / scale);
      }
    }
  }

  /** Every edge's {@link GraphLayout.Edge#bounds()}, packed for the drawing loop. */
  private static double[] edgeBounds(List<GraphLayout.Edge> edges) {
    double[] eb = new double[4 * edges.size()];
    for (int k = 0; k < edges.size(); k++) {
      GraphLayout.Bounds b = edges.get(k).bounds();
      eb[4 * k] = b.minX();
      eb[4 * k + 1] = b.minY();
      eb[4 * k + 2] = b.maxX();
      eb[4 * k + 3] = b.maxY();
    }
    return eb;
  }

  private static void arrow(GraphicsContext g, double[] h) {
    if (h != null) {
      g.fillPolygon(new double[] {h[0], h[2], h[4]}, new double[] {h[1], h[3], h[5]}, 3);
    }
  }

  /**
   * A box label as drawn: names come from the model, so control characters go and the length is
   * bounded (fillText squeezes text into the box; a megabyte name would be laid out every frame).
   */
  private static String label(String s) {
    return Texts.clean(s, GraphLayout.MAX_CHARS + 20);
  }
}
