// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.quantscope.progress.Cancellation;
import org.quantscope.progress.Progress;

/**
 * Geometry for drawing one graph (one {@link Scope}) top-down: a box per operator node, graph
 * input, graph output and (optionally) weight, and an orthogonal polyline per connection. Computed
 * with ELK Layered; the result is plain records, so a renderer needs to know neither ONNX nor ELK.
 *
 * <p>Coordinates are in pixels with the origin at the top-left corner of the drawing and y growing
 * downwards. Box sizes are estimated for a 12 px sans-serif font at {@value #CHAR_WIDTH} px per
 * character: the longer of title and subtitle, up to {@value #MAX_CHARS} characters (the renderer
 * elides longer text), plus {@value #TEXT_PADDING} px on each side; at least 80 px wide (48 px for
 * weights), and wider when a box has many inputs or outputs; 36 px high with a subtitle, 22 px
 * without.
 *
 * <p>A box's inputs arrive on its top edge, spread out in input-slot order (left to right); its
 * outputs leave from its bottom edge in output order. A value read by several boxes leaves its
 * source at one point; readers far below are reached along a shared vertical line (a bus) that
 * branches off to each of them, so the polylines of one value overlap for part of their way.
 *
 * <p>Speed, measured by {@code org.quantscope.bench.LayoutHarness}: a few hundred ms for 1,500
 * boxes, a few seconds for 10,000 in one ELK run. So a whole main graph of {@value #COMPOSED_FROM}
 * nodes or more that has {@link RepeatedBlocks} is put together from pieces instead: ELK lays out
 * one copy of each block and the rest of the graph, and the copies are stacked top-down (0.1-0.3 s
 * for 10,000 nodes); without repeated blocks it is one ELK run as below that size.
 */
public final class GraphLayout {
  private GraphLayout() {}

  /** Pixels per character of the text width estimate. */
  public static final double CHAR_WIDTH = LayoutSketch.CHAR_WIDTH;

  /** Characters beyond which a line no longer widens its box. */
  public static final int MAX_CHARS = LayoutSketch.MAX_CHARS;

  /** Pixels between the text and the left and right edges of a box. */
  public static final double TEXT_PADDING = LayoutSketch.PADDING;

  /**
   * Node count from which a whole main graph with repeated blocks is laid out from pieces (one copy
   * of each block, stacked) rather than in one ELK run.
   */
  public static final int COMPOSED_FROM = LayoutComposed.MIN_NODES;

  /** Stack of the layout thread: ELK recurses along long paths and overflows 8 MB at 10k nodes. */
  static final long STACK_BYTES = 64L << 20;

  /** What a box stands for. */
  public enum Kind {
    /** An operator node. */
    NODE,
    /** A graph input (that is not an initializer). */
    INPUT,
    /** A graph output. */
    OUTPUT,
    /** An initializer feeding a weight-bearing operator, shown with its shape. */
    WEIGHT,
    /** A run of nodes drawn as one box: repeated blocks collapsed ({@link Collapsed}). */
    BLOCK
  }

  /**
   * A run of consecutive nodes drawn as one box of kind {@link Kind#BLOCK}: typically copies of a
   * {@link RepeatedBlocks.Block}. Connections between its nodes are not drawn; connections from and
   * to them are drawn from and to the box; weights read only inside it get no box.
   *
   * @param id the box's id
   * @param title what the box says ("encoder layer ×12")
   * @param subtitle its second line ("62 nodes each")
   * @param firstNode index of the first node in the graph's node list
   * @param endNode index after the last node
   */
  public record Collapsed(String id, String title, String subtitle, int firstNode, int endNode) {
    public Collapsed {
      if (firstNode < 0 || endNode <= firstNode) {
        throw new IllegalArgumentException(
            "collapsed run "
                + id
                + ": expected nodes [first, end), got ["
                + firstNode
                + ", "
                + endNode
                + ")");
      }
    }
  }

  /**
   * A box, positioned by its top-left corner.
   *
   * @param id {@link NodeId#of(Scope, org.quantscope.onnx.NodeProto, int)} for operator nodes,
   *     {@code input:<name>}, {@code output:<name>} or {@code weight:<name>} for the others
   * @param title op type for nodes, the value or initializer name for the others
   * @param subtitle node name ("" if unnamed), the type and shape of an input or output ({@code
   *     float [batch, 4]}, "" if undeclared), the dims of a weight ({@code [768, 3072]})
   * @param nodeIndex index in the graph's node list, -1 for boxes that are not operator nodes
   */
  public record Box(
      String id,
      Kind kind,
      String title,
      String subtitle,
      double x,
      double y,
      double width,
      double height,
      int nodeIndex) {

    public double centerX() {
      return x + width / 2;
    }

    public double centerY() {
      return y + height / 2;
    }

    /** True if the point lies in the box or within {@code tolerance} px of it. */
    public boolean contains(double px, double py, double tolerance) {
      return px >= x - tolerance
          && px <= x + width + tolerance
          && py >= y - tolerance
          && py <= y + height + tolerance;
    }
  }

  /**
   * A connection from the box that produces a value to a box that reads it, drawn as an orthogonal
   * polyline that starts on the bottom edge of the source box and ends on the top edge of the
   * target (a back edge of a cycle is routed around). A value read twice by one node gives one
   * edge.
   *
   * @param points x0, y0, x1, y1, ...: at least two points; copied, never shared
   */
  public record Edge(String fromId, String toId, String value, double[] points) {
    public Edge {
      if (points.length < 4 || points.length % 2 != 0) {
        throw new IllegalArgumentException(
            "edge "
                + fromId
                + " -> "
                + toId
                + ": expected x,y pairs of at least two points, got "
                + points.length
                + " coordinates");
      }
      points = points.clone();
    }

    /** A copy of the coordinates; use {@link #x(int)} and {@link #y(int)} in drawing loops. */
    @Override
    public double[] points() {
      return points.clone();
    }

    public int pointCount() {
      return points.length / 2;
    }

    public double x(int i) {
      return points[2 * i];
    }

    public double y(int i) {
      return points[2 * i + 1];
    }

    /**
     * The arrow head at the target: three points (x, y pairs, the tip first) of a triangle {@code
     * size} long along the last segment; null when that segment has no length.
     */
    public double[] arrowHead(double size) {
      int n = points.length;
      double x = points[n - 2];
      double y = points[n - 1];
      double dx = x - points[n - 4];
      double dy = y - points[n - 3];
      double len = Math.hypot(dx, dy);
      if (len == 0) {
        return null;
      }
      dx /= len;
      dy /= len;
      double w = size * 0.6;
      return new double[] {
        x,
        y,
        x - dx * size - dy * w,
        y - dy * size + dx * w,
        x - dx * size + dy * w,
        y - dy * size - dx * w
      };
    }

    /** The smallest rectangle holding every point of the polyline, for culling when drawing. */
    public Bounds bounds() {
      double minX = Double.MAX_VALUE;
      double minY = Double.MAX_VALUE;
      double maxX = -Double.MAX_VALUE;
      double maxY = -Double.MAX_VALUE;
      for (int i = 0; i < points.length; i += 2) {
        minX = Math.min(minX, points[i]);
        maxX = Math.max(maxX, points[i]);
        minY = Math.min(minY, points[i + 1]);
        maxY = Math.max(maxY, points[i + 1]);
      }
      return new Bounds(minX, minY, maxX, maxY);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Edge e
          && fromId.equals(e.fromId)
          && toId.equals(e.toId)
          && value.equals(e.value)
          && Arrays.equals(points, e.points);
    }

    @Override
    public int hashCode() {
      return Objects.hash(fromId, toId, value, Arrays.hashCode(points));
    }

    @Override
    public String toString() {
      return "Edge[" + fromId + " -> " + toId + " (" + value + "), " + pointCount() + " points]";
    }
  }

  /**
   * An axis-aligned rectangle in layout coordinates (px, y growing downwards), given by its
   * corners; its border belongs to it.
   */
  public record Bounds(double minX, double minY, double maxX, double maxY) {
    /**
     * True if this rectangle and the one from ({@code x0}, {@code y0}) to ({@code x1}, {@code y1})
     * share at least one point; touching borders count, so a line on the edge of a view is drawn.
     */
    public boolean intersects(double x0, double y0, double x1, double y1) {
      return maxX >= x0 && minX <= x1 && maxY >= y0 && minY <= y1;
    }
  }

  /**
   * The drawing.
   *
   * @param boxes graph inputs, operator nodes (in graph order), weights, graph outputs
   * @param edges by reader: operator nodes in graph order, each in input-slot order, then outputs
   * @param width width of the whole drawing, margins included, in px
   * @param height height of the whole drawing, margins included, in px
   * @param inside the ids of the nodes drawn inside each {@link Kind#BLOCK} box, in graph order, by
   *     box id; empty when nothing is collapsed
   */
  public record Result(
      List<Box> boxes,
      List<Edge> edges,
      double width,
      double height,
      java.util.Map<String, List<String>> inside) {
    public Result {
      boxes = List.copyOf(boxes);
      edges = List.copyOf(edges);
      java.util.Map<String, List<String>> copy = new java.util.LinkedHashMap<>();
      inside.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      inside = java.util.Collections.unmodifiableMap(copy);
    }

    /** A drawing with nothing collapsed. */
    public Result(List<Box> boxes, List<Edge> edges, double width, double height) {
      this(boxes, edges, width, height, java.util.Map.of());
    }
  }

  /**
   * What to draw and how hard to try.
   *
   * @param showWeights draw a box per initializer of rank >= 1 that feeds a weight-bearing operator
   *     (MatMul, Gemm, Conv, Gather, LSTM, Attention and their quantized forms)
   * @param fastAbove box count above which ELK runs with fast settings (one crossing-minimization
   *     pass, no greedy switch, simple node placement): zigzagging chains and more crossings,
   *     several times sooner. At or below it, chains are drawn straight (linear-segments
   *     placement).
   */
  public record Options(boolean showWeights, int fastAbove) {
    public static final Options DEFAULTS = new Options(true, 800);

    public Options {
      if (fastAbove < 0) {
        throw new IllegalArgumentException("fastAbove must be >= 0, got " + fastAbove);
      }
    }
  }

  /**
   * Lays out one graph. Progress is reported in thousandths of the whole job. The ELK part runs on
   * a thread of its own with a 64 MB stack (deep graphs overflow a default stack); this method
   * waits for it and, if the calling thread is interrupted, interrupts it and returns at once.
   * Values read from an enclosing graph and initializers without a box have no source in this scope
   * and get no edge. Cycles are allowed.
   *
   * @throws CancellationException if the calling thread is interrupted before or during the work
   *     (the interrupt flag stays set)
   */
  public static Result layout(Scope scope, Options options, Progress progress) {
    return layout(scope, options, List.of(), progress);
  }

  /**
   * Lays out one graph with some runs of nodes drawn as one box each. With none collapsed, a main
   * graph of {@value #COMPOSED_FROM} nodes or more is put together from one layout per repeated
   * block and one of the rest, when it has repeated blocks wired alike in every copy.
   *
   * @param collapsed disjoint runs of nodes, each drawn as one {@link Kind#BLOCK} box
   * @see #layout(Scope, Options, Progress)
   */
  public static Result layout(
      Scope scope, Options options, List<Collapsed> collapsed, Progress progress) {
    return layout(scope, options, collapsed, null, progress);
  }

  /**
   * As {@link #layout(Scope, Options, List, Progress)}, with the scope's repeated blocks already
   * found ({@link RepeatedBlocks#find} of its graph, which the window keeps per graph).
   *
   * @param blocks the scope's repeated blocks, or null to find them here
   */
  public static Result layout(
      Scope scope,
      Options options,
      List<Collapsed> collapsed,
      List<RepeatedBlocks.Block> blocks,
      Progress progress) {
    Cancellation.check();
    int nodes = scope.graph().getNodeCount();
    progress.report(0, LayoutElk.TOTAL, "Collecting " + nodes + " nodes of " + scope.label());
    LayoutSketch sketch = LayoutSketch.of(scope, options.showWeights(), collapsed);
    boolean fast = sketch.shapes.size() > options.fastAbove();
    boolean compose = collapsed.isEmpty() && nodes >= LayoutComposed.MIN_NODES;
    Cancellation.check();
    Result result =
        onLayoutThread(
            untilCancelled -> {
              Result composed =
                  compose ? composed(scope, sketch, options, blocks, untilCancelled) : null;
              return composed != null ? composed : LayoutElk.run(sketch, fast, untilCancelled);
            },
            progress);
    progress.report(LayoutElk.TOTAL, LayoutElk.TOTAL, "Laid out " + nodes + " nodes");
    return result;
  }

  /**
   * The whole graph put together from pieces, or null when it cannot be (no repeated blocks, copies
   * not wired alike) or when putting it together fails (logged): one ELK run over the whole graph
   * is slower but has always drawn any graph.
   */
  private static Result composed(
      Scope scope,
      LayoutSketch sketch,
      Options options,
      List<RepeatedBlocks.Block> blocks,
      Progress progress) {
    try {
      return LayoutComposed.layout(scope, sketch, options.fastAbove(), blocks, progress);
    } catch (CancellationException e) {
      throw e;
    } catch (RuntimeException e) {
      // a bug, not the user's: said in the log (Help > Show log), and the graph is drawn all the
      // same
      System.getLogger(GraphLayout.class.getName())
          .log(
              System.Logger.Level.WARNING,
              "composing the layout of " + scope.label() + " failed; laid out whole by ELK",
              e);
      return null;
    }
  }

  /**
   * Lays out one graph whole or, when that drawing is not {@code legible} and the graph has {@link
   * RepeatedBlocks}, with each run of repeated blocks collapsed into one box (what a printed page
   * of a 12-layer encoder can hold).
   */
  public static Result layoutLegible(
      Scope scope,
      Options options,
      java.util.function.Predicate<Result> legible,
      Progress progress) {
    Result whole = layout(scope, options, progress);
    if (legible.test(whole) || !scope.isMain()) {
      return whole;
    }
    List<RepeatedBlocks.Block> blocks = RepeatedBlocks.find(scope.graph());
    if (blocks.isEmpty()) {
      return whole;
    }
    return layout(scope, options, RepeatedBlocks.collapsed(blocks, java.util.Map.of()), progress);
  }

  private static final java.util.concurrent.atomic.AtomicBoolean WARM =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Lays out a small made-up graph, once per process, so that the first real layout does not pay
   * for loading and initialising ELK's classes: the first ELK layout of a process takes about two
   * seconds more on a busy two-core machine, whatever the size of the graph. Meant to run in the
   * background while a model loads; later calls return at once.
   */
  public static void warmUp() {
    if (!WARM.compareAndSet(false, true)) {
      return;
    }
    org.quantscope.onnx.GraphProto.Builder g =
        org.quantscope.onnx.GraphProto.newBuilder().setName("warm-up");
    g.addInputBuilder().setName("x");
    String last = "x";
    for (int i = 0; i < 8; i++) {
      String w = "w" + i;
      g.addInitializerBuilder()
          .setName(w)
          .addDims(4)
          .addDims(4)
          .setDataType(org.quantscope.onnx.TensorProto.DataType.FLOAT_VALUE);
      String[] outs = {"m" + i, "a" + i, "r" + i, "s" + i};
      g.addNodeBuilder()
          .setName("mm" + i)
          .setOpType("MatMul")
          .addInput(last)
          .addInput(w)
          .addOutput(outs[0]);
      g.addNodeBuilder()
          .setName("add" + i)
          .setOpType("Add")
          .addInput(outs[0])
          .addInput(last)
          .addOutput(outs[1]);
      g.addNodeBuilder().setName("relu" + i).setOpType("Relu").addInput(outs[1]).addOutput(outs[2]);
      // a skip over the block: edges to route and crossings to count
      g.addNodeBuilder()
          .setName("skip" + i)
          .setOpType("Add")
          .addInput(outs[2])
          .addInput(i < 2 ? "x" : "s" + (i - 2))
          .addOutput(outs[3]);
      last = outs[3];
    }
    g.addOutputBuilder().setName(last);
    Scope scope = Scope.all(g.build()).get(0);
    layout(scope, Options.DEFAULTS, Progress.NONE);
  }

  private static Result onLayoutThread(
      java.util.function.Function<Progress, Result> work, Progress progress) {
    // A cancelled worker runs on until ELK's next phase boundary: it reports nothing more.
    Progress untilCancelled =
        (done, total, message) -> {
          if (!Thread.currentThread().isInterrupted()) {
            progress.report(done, total, message);
          }
        };
    FutureTask<Result> task = new FutureTask<>(() -> work.apply(untilCancelled));
    Thread worker = new Thread(null, task, "graph-layout", STACK_BYTES);
    worker.setDaemon(true);
    worker.start();
    try {
      Result result = task.get();
      // An interrupt that came as the work finished still cancels, as the caller expects.
      Cancellation.check();
      return result;
    } catch (InterruptedException e) {
      // ELK notices at its next phase boundary and the thread ends; nobody waits for it.
      worker.interrupt();
      Thread.currentThread().interrupt();
      throw new CancellationException("graph layout cancelled");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("graph layout failed: " + cause, cause);
    }
  }
}
