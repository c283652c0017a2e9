// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.Map;
import java.util.function.Consumer;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.TextAlignment;
import org.quantscope.graph.GraphLayout;
import org.quantscope.report.Texts;

/**
 * Draws a laid-out graph on one Canvas, only what is in view: pan by dragging, zoom with the wheel
 * around the pointer, click to select, hover for the node's verdict. Knows boxes and polylines, not
 * ONNX.
 */
public final class GraphCanvas extends Region {
  private final Canvas canvas = new Canvas();
  private final Tooltip tip = new Tooltip();
  private GraphLayout.Result layout;
  private Map<String, NodeStatus> statuses = Map.of();
  private String selected;
  private double scale = 1;
  private double tx;
  private double ty;
  private double dragX;
  private double dragY;
  private boolean dragged;
  private boolean redrawPending;
  private Consumer<String> onSelect = id -> {};
  private java.util.function.LongConsumer painted = nanos -> {};

  private static final Font TITLE = Font.font("System", FontWeight.BOLD, 12);
  private static final Font SUB = Font.font("System", 11);

  public GraphCanvas() {
    setId("graphCanvas");
    // the canvas follows this region's size, never the other way round
    canvas.setManaged(false);
    getChildren().add(canvas);
    setFocusTraversable(true);
    tip.setShowDelay(javafx.util.Duration.millis(250));
    setOnMousePressed(
        e -> {
          requestFocus();
          dragX = e.getX();
          dragY = e.getY();
          dragged = false;
        });
    setOnMouseDragged(
        e -> {
          tx += e.getX() - dragX;
          ty += e.getY() - dragY;
          dragged |= Math.abs(e.getX() - dragX) + Math.abs(e.getY() - dragY) > 0;
          dragX = e.getX();
          dragY = e.getY();
          redraw();
        });
    setOnMouseReleased(
        e -> {
          if (!dragged && e.getButton() == MouseButton.PRIMARY) {
            GraphLayout.Box b = boxAt(e.getX(), e.getY());
            onSelect.accept(b == null || b.kind() != GraphLayout.Kind.NODE ? null : b.id());
          }
        });
    setOnScroll(
        e -> {
          if (e.getDeltaY() != 0) {
            zoomAt(Math.pow(1.0015, e.getDeltaY()), e.getX(), e.getY());
          }
        });
    setOnMouseMoved(e -> hover(e.getX(), e.getY(), e.getScreenX(), e.getScreenY()));
    setOnMouseExited(e -> tip.hide());
  }

  /** Called with the id of a clicked node, or null for a click on empty space. */
  public void setOnSelect(Consumer<String> onSelect) {
    this.onSelect = onSelect;
  }

  public void setLayout(GraphLayout.Result layout) {
    this.layout = layout;
    this.edgePoints =
        layout == null
            ? new double[0][]
            : layout.edges().stream().map(GraphLayout.Edge::points).toArray(double[][]::new);
    this.edgeBounds = edgeBounds(edgePoints);
    this.overview = null;
    overview(); // starts making it
    home();
  }

  /**
   * The first view of a graph: all of it when it fits at a readable size, otherwise its top (where
   * the inputs are) at a readable zoom, as a reader starts at the top of a page.
   */
  public void home() {
    if (layout == null || getWidth() <= 0 || getHeight() <= 0) {
      redraw();
      return;
    }
    double fitScale =
        Math.min(
            (getWidth() - 40) / Math.max(1, layout.width()),
            (getHeight() - 40) / Math.max(1, layout.height()));
    if (fitScale >= 0.5) {
      fit();
      return;
    }
    scale = 0.8;
    double topX = layout.width() / 2;
    double topY = Double.MAX_VALUE;
    for (GraphLayout.Box b : layout.boxes()) {
      if (b.y() < topY) {
        topY = b.y();
        topX = b.x() + b.width() / 2;
      }
    }
    tx = getWidth() / 2 - topX * scale;
    ty = 20 - topY * scale;
    redraw();
  }

  public void setStatuses(Map<String, NodeStatus> statuses) {
    this.statuses = statuses;
    overview();
    redraw();
  }

  public void setSelected(String id) {
    this.selected = id;
    redraw();
  }

  public double scale() {
    return scale;
  }

  /** Scales and centres the whole graph into view (never larger than 1:1). */
  public void fit() {
    if (layout == null || getWidth() <= 0 || getHeight() <= 0) {
      redraw();
      return;
    }
    double s =
        Math.min(
            1.0,
            Math.min(
                (getWidth() - 40) / Math.max(1, layout.width()),
                (getHeight() - 40) / Math.max(1, layout.height())));
    scale = Math.max(MIN_SCALE, s);
    tx = (getWidth() - layout.width() * scale) / 2;
    ty = Math.max(20, (getHeight() - layout.height() * scale) / 2);
    redraw();
  }

  public void zoomBy(double factor) {
    zoomAt(factor, getWidth() / 2, getHeight() / 2);
  }

  private void zoomAt(double factor, double x, double y) {
    double s = Math.min(4, Math.max(MIN_SCALE, scale * factor));
    double f = s / scale;
    tx = x - (x - tx) * f;
    ty = y - (y - ty) * f;
    scale = s;
    redraw();
  }

  /** Brings a box to the centre of the view, at a readable zoom. */
  public void centerOn(String id) {
    if (layout == null) {
      return;
    }
    for (GraphLayout.Box b : layout.boxes()) {
      if (b.id().equals(id)) {
        scale = Math.max(scale, 0.8);
        tx = getWidth() / 2 - (b.x() + b.width() / 2) * scale;
        ty = getHeight() / 2 - (b.y() + b.height() / 2) * scale;
        redraw();
        return;
      }
    }
  }

  /** The box under a point of this region, or null. */
  public GraphLayout.Box boxAt(double x, double y) {
    if (layout == null) {
      return null;
    }
    double mx = (x - tx) / scale;
    double my = (y - ty) / scale;
    for (GraphLayout.Box b : layout.boxes()) {
      if (mx >= b.x() && mx <= b.x() + b.width() && my >= b.y() && my <= b.y() + b.height()) {
        return b;
      }
    }
    return null;
  }

  /** Where a box's centre is on screen, in this region's coordinates (for tests). */
  public double[] screenCentre(String id) {
    for (GraphLayout.Box b : layout.boxes()) {
      if (b.id().equals(id)) {
        return new double[] {
          tx + (b.x() + b.width() / 2) * scale, ty + (b.y() + b.height() / 2) * scale
        };
      }
    }
    return null;
  }

  private void hover(double x, double y, double sx, double sy) {
    GraphLayout.Box b = boxAt(x, y);
    if (b == null) {
      tip.hide();
      return;
    }
    NodeStatus st = statuses.getOrDefault(b.id(), NodeStatus.OTHER);
    String text = b.title() + (b.subtitle().isEmpty() ? "" : "  " + b.subtitle());
    if (!st.detail().isEmpty()) {
      text += "\n" + st.detail();
    }
    if (st.hasSqnr()) {
      text += String.format(java.util.Locale.ROOT, "\nweight SQNR %.1f dB", st.sqnrDb());
    }
    tip.setText(text);
    if (!tip.isShowing()) {
      tip.show(this, sx + 14, sy + 14);
    } else {
      tip.setAnchorX(sx + 14);
      tip.setAnchorY(sy + 14);
    }
  }

  @Override
  protected double computePrefWidth(double height) {
    return 400;
  }

  @Override
  protected double computePrefHeight(double width) {
    return 300;
  }

  @Override
  protected double computeMinWidth(double height) {
    return 100;
  }

  @Override
  protected double computeMinHeight(double width) {
    return 100;
  }

  @Override
  protected void layoutChildren() {
    boolean first = canvas.getWidth() == 0;
    canvas.setWidth(getWidth());
    canvas.setHeight(getHeight());
    if (first) {
      home();
    } else {
      redraw();
    }
  }

  /** Redraws once per pulse, however many changes asked for it. */
  public void redraw() {
    if (redrawPending) {
      return;
    }
    redrawPending = true;
    javafx.application.Platform.runLater(
        () -> {
          redrawPending = false;
          paint();
        });
  }

  /** Told how long each paint with a layout took, in nanoseconds: for the performance harness. */
  public void setOnPainted(java.util.function.LongConsumer listener) {
    this.painted = listener;
  }

  /** Moves the view by a distance in pixels, as a drag does. */
  public void panBy(double dx, double dy) {
    tx += dx;
    ty += dy;
    redraw();
  }

  /** Paints now: edges and boxes that intersect the view, labels when they are readable. */
  void paint() {
    long t0 = System.nanoTime();
    paintView();
    if (layout != null) {
      painted.accept(System.nanoTime() - t0);
    }
  }

  static final Color BACKGROUND = Color.web("#f7f8fa");
  static final Color EDGE = Color.web(org.quantscope.report.StatusColors.EDGE);
  private static final Color SELECTED = Color.web("#1f6feb");
  private static final Color TEXT = Color.web("#1d2430");
  private static final Color SUBTEXT = Color.web("#4b5563");
  private static final Color COARSE_NODE = Color.web("#c3cad4");

  /** Below this scale boxes are a few pixels and drawn without corners, strokes or arrows. */
  private static final double COARSE = 0.15;

  /** The farthest zoom out. */
  private static final double MIN_SCALE = 0.001;

  private void paintView() {
    GraphicsContext g = canvas.getGraphicsContext2D();
    double w = canvas.getWidth();
    double h = canvas.getHeight();
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.setFill(BACKGROUND);
    g.fillRect(0, 0, w, h);
    if (layout == null) {
      return;
    }
    double vx0 = -tx / scale;
    double vy0 = -ty / scale;
    double vx1 = vx0 + w / scale;
    double vy1 = vy0 + h / scale;
    GraphOverview o = overview();
    if (o != null && scale <= o.finestScale() * 1.25) {
      // far out: images of the whole graph, scaled; the selection drawn over them
      o.draw(g, scale, tx, ty, w, h);
      g.setTransform(scale, 0, 0, scale, tx, ty);
      for (GraphLayout.Box b : layout.boxes()) {
        if (b.id().equals(selected)) {
          g.setStroke(SELECTED);
          g.setLineWidth(3 / scale);
          g.strokeRect(
              b.x() - 4 / scale, b.y() - 4 / scale, b.width() + 8 / scale, b.height() + 8 / scale);
        }
      }
      return;
    }
    g.setTransform(scale, 0, 0, scale, tx, ty);
    draw(g, scale, vx0, vy0, vx1, vy1, true);
  }

  /** Draws the boxes and edges that intersect a region of the layout. */
  private void draw(
      GraphicsContext g,
      double scale,
      double vx0,
      double vy0,
      double vx1,
      double vy1,
      boolean selection) {
    boolean coarse = scale < COARSE;
    double[] eb = edgeBounds;
    double[][] edges = edgePoints;
    g.setStroke(EDGE);
    g.setFill(EDGE);
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
        arrow(g, p);
      }
    }
    boolean labels = scale >= 0.35;
    g.setTextAlign(TextAlignment.CENTER);
    g.setTextBaseline(VPos.CENTER);
    for (GraphLayout.Box b : layout.boxes()) {
      if (b.x() > vx1 || b.y() > vy1 || b.x() + b.width() < vx0 || b.y() + b.height() < vy0) {
        continue;
      }
      NodeStatus st = statuses.getOrDefault(b.id(), NodeStatus.OTHER);
      boolean sel = selection && b.id().equals(selected);
      if (coarse && !sel) {
        g.setFill(coarseFill(b.kind(), st));
        g.fillRect(b.x(), b.y(), b.width(), b.height());
        continue;
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
        if (b.subtitle().isEmpty()) {
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

  private GraphOverview overview;
  private boolean overviewPending;

  private static final java.util.concurrent.ExecutorService OVERVIEWS =
      java.util.concurrent.Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "quantscope-overview");
            t.setDaemon(true);
            return t;
          });

  /**
   * The overview of the current layout and statuses, or null while it is being made (on a worker)
   * and for graphs small enough to draw directly at any zoom.
   */
  private GraphOverview overview() {
    if (layout == null || layout.boxes().size() < GraphOverview.MIN_BOXES) {
      return null;
    }
    boolean current = overview != null && overview.layout == layout;
    if (current && overview.statuses == statuses) {
      return overview;
    }
    if (!overviewPending) {
      overviewPending = true;
      GraphLayout.Result l = layout;
      Map<String, NodeStatus> st = statuses;
      OVERVIEWS.execute(
          () ->
              GraphOverview.render(
                  l,
                  st,
                  COARSE,
                  MIN_SCALE,
                  (o, last) ->
                      javafx.application.Platform.runLater(
                          () -> {
                            if (o.layout == layout) {
                              overview = o;
                              redraw();
                            }
                            if (last) {
                              overviewPending = false;
                            }
                          })));
    }
    // new colours are on their way; until then the old ones will do
    return current ? overview : null;
  }

  /** Zoomed far out, plain nodes turn grey and candidates keep a stronger shade of their colour. */
  static Color coarseFill(GraphLayout.Kind kind, NodeStatus st) {
    if (kind == GraphLayout.Kind.NODE && st.kind() == NodeStatus.Kind.OTHER) {
      return COARSE_NODE;
    }
    return Palette.fill(kind, st).deriveColor(0, 1.8, 0.85, 1);
  }

  /** The bounding box of every edge, four numbers each, so culling costs four comparisons. */
  private double[] edgeBounds = new double[0];

  /** Every edge's polyline, copied out of the layout once. */
  private double[][] edgePoints = new double[0][];

  private static double[] edgeBounds(double[][] edges) {
    double[] eb = new double[4 * edges.length];
    for (int k = 0; k < edges.length; k++) {
      double[] p = edges[k];
      double minX = Double.MAX_VALUE;
      double minY = Double.MAX_VALUE;
      double maxX = -Double.MAX_VALUE;
      double maxY = -Double.MAX_VALUE;
      for (int i = 0; i + 1 < p.length; i += 2) {
        minX = Math.min(minX, p[i]);
        maxX = Math.max(maxX, p[i]);
        minY = Math.min(minY, p[i + 1]);
        maxY = Math.max(maxY, p[i + 1]);
      }
      if (p.length < 4) {
        // nothing to draw: bounds that no view intersects
        minX = minY = Double.MAX_VALUE;
        maxX = maxY = -Double.MAX_VALUE;
      }
      eb[4 * k] = minX;
      eb[4 * k + 1] = minY;
      eb[4 * k + 2] = maxX;
      eb[4 * k + 3] = maxY;
    }
    return eb;
  }

  private static void arrow(GraphicsContext g, double[] p) {
    int n = p.length;
    double x = p[n - 2];
    double y = p[n - 1];
    double dx = x - p[n - 4];
    double dy = y - p[n - 3];
    double len = Math.hypot(dx, dy);
    if (len == 0) {
      return;
    }
    dx /= len;
    dy /= len;
    double s = 6;
    g.fillPolygon(
        new double[] {x, x - dx * s - dy * s * 0.6, x - dx * s + dy * s * 0.6},
        new double[] {y, y - dy * s + dx * s * 0.6, y - dy * s - dx * s * 0.6},
        3);
  }

  /**
   * A box label as drawn: names come from the model, so control characters go and the length is
   * bounded (fillText squeezes text into the box; a megabyte name would be laid out every frame).
   */
  private static String label(String s) {
    return Texts.clean(s, GraphLayout.MAX_CHARS + 20);
  }
}
