// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.awt.BasicStroke;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.PixelBuffer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import org.quantscope.graph.GraphLayout;

/**
 * A big graph drawn once into images, for views too far out to draw box by box: a few levels of
 * detail, each cut into tiles no larger than a texture may be. Rendered with Java2D on a worker
 * thread, so that making it never holds up the FX thread; drawing it is a few image blits.
 */
final class GraphOverview {
  /** Graphs with fewer boxes are drawn directly at any zoom. */
  static final int MIN_BOXES = 400;

  private static final int TILE = 4096;
  private static final double MAX_PIXELS = 8e6;

  final GraphLayout.Result layout;
  final Map<String, NodeStatus> statuses;
  private final List<Level> levels;

  private record Tile(int x, int y, WritableImage image) {}

  private record Level(double scale, List<Tile> tiles) {}

  private GraphOverview(
      GraphLayout.Result layout, Map<String, NodeStatus> statuses, List<Level> levels) {
    this.layout = layout;
    this.statuses = statuses;
    this.levels = levels;
  }

  /** The finest scale this overview has; closer views are drawn directly. */
  double finestScale() {
    return levels.get(0).scale();
  }

  /**
   * Renders the overview coarsest level first, handing over each result as it grows (with true for
   * the last): the finest level at up to {@code coarse} scale within a pixel budget, and coarser
   * levels each a quarter of the previous, down to {@code minScale}.
   */
  static void render(
      GraphLayout.Result layout,
      Map<String, NodeStatus> statuses,
      double coarse,
      double minScale,
      java.util.function.BiConsumer<GraphOverview, Boolean> publish) {
    double area = Math.max(1, layout.width()) * Math.max(1, layout.height());
    List<Double> scales = new ArrayList<>();
    double s = Math.min(coarse, Math.sqrt(MAX_PIXELS / area));
    do {
      scales.add(s);
      s /= 4;
    } while (s >= minScale / 2 && scales.size() < 5);
    List<Level> levels = new ArrayList<>();
    for (int i = scales.size() - 1; i >= 0; i--) {
      levels.add(0, new Level(scales.get(i), tiles(layout, statuses, scales.get(i))));
      publish.accept(new GraphOverview(layout, statuses, List.copyOf(levels)), i == 0);
    }
  }

  /** Draws the level that suits the scale; the context must have the identity transform. */
  void draw(GraphicsContext g, double scale, double tx, double ty, double w, double h) {
    Level level = levels.get(0);
    for (Level l : levels) {
      if (l.scale() >= scale) {
        level = l;
      }
    }
    double f = scale / level.scale();
    g.setImageSmoothing(true);
    g.setTransform(f, 0, 0, f, tx, ty);
    for (Tile t : level.tiles()) {
      double x0 = tx + t.x() * f;
      double y0 = ty + t.y() * f;
      double x1 = x0 + t.image().getWidth() * f;
      double y1 = y0 + t.image().getHeight() * f;
      if (x1 >= 0 && y1 >= 0 && x0 <= w && y0 <= h) {
        g.drawImage(t.image(), t.x(), t.y());
      }
    }
  }

  private static List<Tile> tiles(
      GraphLayout.Result layout, Map<String, NodeStatus> statuses, double s) {
    int width = (int) Math.ceil(layout.width() * s) + 2;
    int height = (int) Math.ceil(layout.height() * s) + 2;
    List<Tile> tiles = new ArrayList<>();
    for (int y = 0; y < height; y += TILE) {
      for (int x = 0; x < width; x += TILE) {
        int tw = Math.min(TILE, width - x);
        int th = Math.min(TILE, height - y);
        tiles.add(new Tile(x, y, tile(layout, statuses, s, x, y, tw, th)));
      }
    }
    return tiles;
  }

  private static WritableImage tile(
      GraphLayout.Result layout,
      Map<String, NodeStatus> statuses,
      double s,
      int px,
      int py,
      int tw,
      int th) {
    BufferedImage img = new BufferedImage(tw, th, BufferedImage.TYPE_INT_ARGB_PRE);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(awt(Palette.BACKGROUND));
      g.fillRect(0, 0, tw, th);
      g.translate(-px, -py);
      g.scale(s, s);
      // the tile's region in layout coordinates
      double x0 = px / s;
      double y0 = py / s;
      double x1 = (px + tw) / s;
      double y1 = (py + th) / s;
      g.setColor(awt(Palette.EDGE));
      g.setStroke(new BasicStroke((float) (1.0 / s)));
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
      }
      for (GraphLayout.Box b : layout.boxes()) {
        if (b.x() > x1 || b.y() > y1 || b.x() + b.width() < x0 || b.y() + b.height() < y0) {
          continue;
        }
        g.setColor(
            awt(Palette.coarseFill(b.kind(), statuses.getOrDefault(b.id(), NodeStatus.OTHER))));
        g.fill(new java.awt.geom.Rectangle2D.Double(b.x(), b.y(), b.width(), b.height()));
      }
    } finally {
      g.dispose();
    }
    int[] pixels = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
    PixelBuffer<IntBuffer> buffer =
        new PixelBuffer<>(tw, th, IntBuffer.wrap(pixels), PixelFormat.getIntArgbPreInstance());
    return new WritableImage(buffer);
  }

  private static java.awt.Color awt(Color c) {
    return new java.awt.Color(
        (float) c.getRed(), (float) c.getGreen(), (float) c.getBlue(), (float) c.getOpacity());
  }
}
