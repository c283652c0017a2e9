// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.Map;
import java.util.function.Consumer;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.Region;
import org.quantscope.graph.GraphLayout;

/**
 * Shows a laid-out graph on one Canvas, only what is in view: pan by dragging, zoom with the wheel
 * around the pointer, click to select, hover for the node's verdict. Knows boxes and polylines, not
 * ONNX. This class owns the view (scale and offset) and the input; {@link GraphPainter} draws the
 * boxes and edges, and far out a {@link GraphOverview} from the {@link OverviewCache} stands in for
 * them.
 */
public final class GraphCanvas extends Region {
  private final Canvas canvas = new Canvas();
  private final Tooltip tip = new Tooltip();
  private final OverviewCache overviews = new OverviewCache(this::redraw);
  private GraphLayout.Result layout;
  private GraphPainter painter;
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
  private Consumer<String> onOpenBlock = id -> {};
  private java.util.function.LongConsumer painted = nanos -> {};
  private Runnable onViewChanged = () -> {};

  /** The farthest zoom out. */
  static final double MIN_SCALE = 0.001;

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
          onViewChanged.run();
        });
    setOnMouseReleased(
        e -> {
          if (!dragged && e.getButton() == MouseButton.PRIMARY) {
            GraphLayout.Box b = boxAt(e.getX(), e.getY());
            if (b != null && b.kind() == GraphLayout.Kind.BLOCK) {
              onOpenBlock.accept(b.id());
              return;
            }
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

  /** Called with the id of a clicked box of collapsed blocks. */
  public void setOnOpenBlock(Consumer<String> onOpenBlock) {
    this.onOpenBlock = onOpenBlock;
  }

  /** Called with the id of a clicked node, or null for a click on empty space. */
  public void setOnSelect(Consumer<String> onSelect) {
    this.onSelect = onSelect;
  }

  public void setLayout(GraphLayout.Result layout) {
    this.layout = layout;
    this.painter = layout == null ? null : new GraphPainter(layout);
    overviews.clear();
    overviews.get(layout, statuses); // starts making it
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
    overviews.get(layout, statuses);
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
    onViewChanged.run();
  }

  /** Called when the user pans or zooms (not when the view is set in code). */
  public void setOnViewChanged(Runnable onViewChanged) {
    this.onViewChanged = onViewChanged;
  }

  /**
   * The view as scale and centre, the centre as a fraction of the drawing's width and height, to
   * show another drawing the same way ({@link #showLike}); null without a layout.
   */
  public double[] view() {
    if (layout == null) {
      return null;
    }
    double cx = (getWidth() / 2 - tx) / scale;
    double cy = (getHeight() / 2 - ty) / scale;
    return new double[] {
      scale, cx / Math.max(1, layout.width()), cy / Math.max(1, layout.height())
    };
  }

  /**
   * Shows this drawing at another canvas's {@link #view}: the same zoom, the same relative spot.
   */
  public void showLike(double[] view) {
    if (view == null || layout == null) {
      return;
    }
    scale = view[0];
    tx = getWidth() / 2 - view[1] * layout.width() * scale;
    ty = getHeight() / 2 - view[2] * layout.height() * scale;
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

  /**
   * Brings a box into view ({@link #centerOn}) unless all of it is on screen already: a node
   * selected in a table is shown, one clicked in the graph stays where it is.
   */
  public void reveal(String id) {
    if (layout == null || id == null || getWidth() <= 0 || getHeight() <= 0) {
      return;
    }
    for (GraphLayout.Box b : layout.boxes()) {
      if (b.id().equals(id)) {
        double x0 = tx + b.x() * scale;
        double y0 = ty + b.y() * scale;
        if (x0 < 0
            || y0 < 0
            || x0 + b.width() * scale > getWidth()
            || y0 + b.height() * scale > getHeight()) {
          centerOn(id);
        }
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
    onViewChanged.run();
  }

  /** Paints now: edges and boxes that intersect the view, labels when they are readable. */
  void paint() {
    long t0 = System.nanoTime();
    paintView();
    if (layout != null) {
      painted.accept(System.nanoTime() - t0);
    }
  }

  private void paintView() {
    GraphicsContext g = canvas.getGraphicsContext2D();
    double w = canvas.getWidth();
    double h = canvas.getHeight();
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.setFill(Palette.BACKGROUND);
    g.fillRect(0, 0, w, h);
    if (layout == null) {
      return;
    }
    double vx0 = -tx / scale;
    double vy0 = -ty / scale;
    double vx1 = vx0 + w / scale;
    double vy1 = vy0 + h / scale;
    GraphOverview o = overviews.get(layout, statuses);
    if (o != null && scale <= o.finestScale() * 1.25) {
      // far out: images of the whole graph, scaled; the selection drawn over them
      o.draw(g, scale, tx, ty, w, h);
      g.setTransform(scale, 0, 0, scale, tx, ty);
      painter.outlineSelected(g, selected, scale);
      return;
    }
    g.setTransform(scale, 0, 0, scale, tx, ty);
    painter.draw(g, statuses, selected, scale, vx0, vy0, vx1, vy1);
  }
}
