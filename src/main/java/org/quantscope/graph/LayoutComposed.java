// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.quantscope.graph.GraphLayout.Box;
import org.quantscope.graph.GraphLayout.Edge;
import org.quantscope.graph.GraphLayout.Kind;
import org.quantscope.graph.GraphLayout.Result;
import org.quantscope.graph.LayoutSketch.Link;
import org.quantscope.graph.LayoutSketch.Shape;
import org.quantscope.progress.Cancellation;
import org.quantscope.progress.Progress;

/**
 * The drawing of a whole big graph put together from pieces, instead of one ELK run over all its
 * boxes (4-7 s for 10,000 nodes): ELK lays out one copy of each run of {@link RepeatedBlocks} (a
 * {@link LayoutPiece}) and the skeleton, the graph with each run one tall box as big as its copies
 * stacked top-down; then each copy is placed in its slot of that box by moving the one drawing, and
 * the values crossing between copies, or between the skeleton and a copy, are routed along
 * orthogonal lines that end on the boxes' borders (see {@link LayoutPiece} for where they run).
 *
 * <p>The result has the boxes and edges ELK would give the whole graph (same ids, same order), each
 * box of a copy at least as big as ELK would make it (as wide as its widest counterpart in any
 * copy). Nothing is composed, and the caller lays the graph out whole, when less than half of the
 * graph's nodes lie in repeated blocks, when the copies of a run do not have the same boxes and
 * links (a weight box in one copy only), or when a value flows backwards (from a later copy to an
 * earlier one, or into a run from a node after it: a graph not in topological order). Values read
 * by several copies (a mask, a weight shared by all layers) or skipping copies are routed, not a
 * reason to fall back. Blocks nested in a copy are laid out as part of it.
 */
final class LayoutComposed {
  /** Graphs from this many nodes up are composed when drawn whole (ELK alone is fast below). */
  static final int MIN_NODES = 1500;

  /**
   * Share of the nodes that must lie in repeated blocks: below it the rest is laid out by ELK at
   * nearly the cost of the whole, and the drawing would mix two styles for nothing.
   */
  static final double MIN_SHARE = 0.5;

  final LayoutSketch whole;
  private final List<RepeatedBlocks.Block> blocks;

  /** Per whole shape: the copy (unit) it belongs to, -1 for the skeleton. */
  final int[] unitOf;

  /** Per whole shape in a copy: its index among the copy's shapes. */
  final int[] local;

  /** Per whole link into a copy: the link of the piece's sketch drawing it (else -1). */
  final int[] pieceLink;

  /** Per whole link leaving a copy: the piece's link to the stand-in it leaves by (else -1). */
  final int[] sinkLink;

  private final int[] unitBlock;
  private final int[] unitCopy;
  private final List<List<Integer>> members = new ArrayList<>();
  private final List<List<Integer>> into = new ArrayList<>();
  private final List<List<Integer>> outOf = new ArrayList<>();
  private final List<LayoutPiece> pieces = new ArrayList<>();

  private LayoutComposed(LayoutSketch whole, List<RepeatedBlocks.Block> blocks) {
    this.whole = whole;
    this.blocks = blocks;
    int n = whole.shapes.size();
    unitOf = new int[n];
    local = new int[n];
    pieceLink = new int[whole.links.size()];
    sinkLink = new int[whole.links.size()];
    Arrays.fill(pieceLink, -1);
    Arrays.fill(sinkLink, -1);
    int units = blocks.stream().mapToInt(RepeatedBlocks.Block::count).sum();
    unitBlock = new int[units];
    unitCopy = new int[units];
    int u = 0;
    for (int b = 0; b < blocks.size(); b++) {
      for (int c = 0; c < blocks.get(b).count(); c++, u++) {
        unitBlock[u] = b;
        unitCopy[u] = c;
      }
    }
  }

  /**
   * Lays out the whole graph of {@code scope} ({@code whole} is its sketch) from pieces, or returns
   * null when it cannot (see the class comment): the caller then runs ELK on {@code whole}.
   */
  static Result layout(Scope scope, LayoutSketch whole, int fastAbove, Progress progress) {
    return layout(scope, whole, fastAbove, null, progress);
  }

  /**
   * As {@link #layout(Scope, LayoutSketch, int, Progress)}, with the graph's repeated blocks given.
   *
   * @param known {@link RepeatedBlocks#find} of the scope's graph, or null to find them here
   */
  static Result layout(
      Scope scope,
      LayoutSketch whole,
      int fastAbove,
      List<RepeatedBlocks.Block> known,
      Progress progress) {
    if (!scope.isMain()) {
      return null;
    }
    progress.report(LayoutElk.ELK_START / 2, LayoutElk.TOTAL, "Finding repeated blocks");
    List<RepeatedBlocks.Block> blocks = known != null ? known : RepeatedBlocks.find(scope.graph());
    Cancellation.check();
    int inBlocks = blocks.stream().mapToInt(RepeatedBlocks.Block::nodeCount).sum();
    if (inBlocks < MIN_SHARE * scope.graph().getNodeCount()) {
      return null;
    }
    LayoutComposed c = new LayoutComposed(whole, blocks);
    if (!c.partition()) {
      return null;
    }
    for (int b = 0, u = 0; b < blocks.size(); u += blocks.get(b).count(), b++) {
      LayoutPiece p = new LayoutPiece(c, u, blocks.get(b).count());
      if (!p.sketch(scope.graph())) {
        return null;
      }
      c.pieces.add(p);
    }
    c.routeAcross();
    for (int b = 0; b < c.pieces.size(); b++) {
      progress.report(
          LayoutElk.ELK_START + (LayoutElk.ELK_END - LayoutElk.ELK_START) * b / (blocks.size() + 1),
          LayoutElk.TOTAL,
          "Laying out one " + blocks.get(b).name());
      c.pieces.get(b).layOut(fastAbove);
      Cancellation.check();
    }
    for (LayoutPiece p : c.pieces) {
      p.sizeBands();
    }
    progress.report(
        LayoutElk.ELK_START
            + (LayoutElk.ELK_END - LayoutElk.ELK_START) * blocks.size() / (blocks.size() + 1),
        LayoutElk.TOTAL,
        "Laying out the rest");
    return c.assemble(fastAbove);
  }

  List<Integer> members(int unit) {
    return members.get(unit);
  }

  List<Integer> linksInto(int unit) {
    return into.get(unit);
  }

  List<Integer> linksOutOf(int unit) {
    return outOf.get(unit);
  }

  /**
   * Puts every node of a copy in its copy, and every weight read by one copy only in that copy; the
   * rest is skeleton. Groups the links by the copies they enter and leave. False when a value flows
   * backwards.
   */
  private boolean partition() {
    Arrays.fill(unitOf, -1);
    int[] firstUnit = new int[blocks.size()];
    for (int b = 1; b < blocks.size(); b++) {
      firstUnit[b] = firstUnit[b - 1] + blocks.get(b - 1).count();
    }
    for (int i = 0; i < whole.shapes.size(); i++) {
      int node = whole.shapes.get(i).nodeIndex();
      for (int b = 0; node >= 0 && b < blocks.size(); b++) {
        int c = blocks.get(b).copyOf(node);
        if (c >= 0) {
          unitOf[i] = firstUnit[b] + c;
        }
      }
    }
    int[] weightUnit = new int[whole.shapes.size()];
    Arrays.fill(weightUnit, -2);
    for (Link l : whole.links) {
      if (whole.shapes.get(l.from()).kind() == Kind.WEIGHT) {
        int u = unitOf[l.to()];
        weightUnit[l.from()] = weightUnit[l.from()] == -2 || weightUnit[l.from()] == u ? u : -1;
      }
    }
    for (int i = 0; i < whole.shapes.size(); i++) {
      if (whole.shapes.get(i).kind() == Kind.WEIGHT && weightUnit[i] >= 0) {
        unitOf[i] = weightUnit[i];
      }
    }
    for (int u = 0; u < unitBlock.length; u++) {
      members.add(new ArrayList<>());
      into.add(new ArrayList<>());
      outOf.add(new ArrayList<>());
    }
    for (int i = 0; i < whole.shapes.size(); i++) {
      if (unitOf[i] >= 0) {
        local[i] = members.get(unitOf[i]).size();
        members.get(unitOf[i]).add(i);
      }
    }
    for (int i = 0; i < whole.links.size(); i++) {
      Link l = whole.links.get(i);
      int from = unitOf[l.from()];
      int to = unitOf[l.to()];
      if (to >= 0) {
        into.get(to).add(i);
      }
      if (from >= 0 && from != to) {
        outOf.get(from).add(i);
      }
      if (from != to && !forwards(l, from, to)) {
        return false;
      }
    }
    return true;
  }

  /** True when a link between different parts goes down the graph's node order. */
  private boolean forwards(Link l, int from, int to) {
    int fromNode = whole.shapes.get(l.from()).nodeIndex();
    int toNode = whole.shapes.get(l.to()).nodeIndex();
    if (from >= 0 && to >= 0 && unitBlock[from] == unitBlock[to]) {
      return unitCopy[from] < unitCopy[to];
    }
    int fromEnd = from >= 0 ? blocks.get(unitBlock[from]).end() : fromNode + 1;
    int toStart = to >= 0 ? blocks.get(unitBlock[to]).firstIndexes().get(0) : toNode;
    // inputs, weights and outputs (node index -1) sit at either end of the flow
    return fromNode < 0 && from < 0 || toNode < 0 && to < 0 || fromEnd <= toStart;
  }

  /** Gives out the lanes, then the tracks, of the values crossing between copies. */
  private void routeAcross() {
    // a value entering the first copy by two stand-ins comes down a lane too
    Map<String, Integer> firstStandIn = new HashMap<>();
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < whole.links.size(); i++) {
        Link l = whole.links.get(i);
        int from = unitOf[l.from()];
        int to = unitOf[l.to()];
        if (from == to) {
          continue;
        }
        String v = l.value();
        if (from >= 0) {
          LayoutPiece p = pieces.get(unitBlock[from]);
          int c = unitCopy[from];
          boolean inRun = to >= 0 && unitBlock[to] == unitBlock[from];
          int skip = inRun ? unitCopy[to] - c : 0;
          if (pass == 0 && (skip > 1 || !inRun && c < p.count - 1)) {
            p.lane(v);
          }
          if (pass == 1 && (skip == 1 || p.hasLane(v))) {
            p.track(c + 1, v);
          }
          if (pass == 1 && skip > 1) {
            p.track(unitCopy[to], v);
          }
          if (inRun) {
            continue;
          }
        }
        if (to >= 0) {
          LayoutPiece p = pieces.get(unitBlock[to]);
          int standIn = p.standIn(pieceLink[i]);
          if (pass == 0
              && (unitCopy[to] > 0
                  || firstStandIn.computeIfAbsent(unitBlock[to] + "\u0000" + v, k -> standIn)
                      != standIn)) {
            p.lane(v);
          }
          if (pass == 1 && p.hasLane(v)) {
            p.track(unitCopy[to], v);
          }
        }
      }
    }
  }

  /** Lays out the skeleton, then places the copies and routes every link. */
  private Result assemble(int fastAbove) {
    // the skeleton: shapes outside the runs, in their order, one box per run where it starts
    List<Shape> shapes = new ArrayList<>();
    int[] skeletonOf = new int[whole.shapes.size()];
    int[] stackOf = new int[pieces.size()];
    for (int i = 0; i < whole.shapes.size(); i++) {
      int u = unitOf[i];
      if (u < 0) {
        skeletonOf[i] = shapes.size();
        shapes.add(whole.shapes.get(i));
        continue;
      }
      int b = unitBlock[u];
      if (unitCopy[u] == 0 && local[i] == 0) {
        RepeatedBlocks.Block block = blocks.get(b);
        stackOf[b] = shapes.size();
        shapes.add(
            pieces
                .get(b)
                .stand(
                    "stack:" + block.firstIndexes().get(0),
                    block.label(),
                    block.nodesPerBlock() + " nodes each",
                    block.firstIndexes().get(0)));
      }
    }
    for (int i = 0; i < whole.shapes.size(); i++) {
      if (unitOf[i] >= 0) {
        skeletonOf[i] = stackOf[unitBlock[unitOf[i]]];
      }
    }
    List<Link> links = new ArrayList<>();
    Map<Link, Integer> linkIndex = new HashMap<>();
    int[] skeletonLink = new int[whole.links.size()];
    Arrays.fill(skeletonLink, -1);
    Map<String, Double> pins = new HashMap<>();
    for (int i = 0; i < whole.links.size(); i++) {
      Link l = whole.links.get(i);
      int from = unitOf[l.from()];
      int to = unitOf[l.to()];
      if (from >= 0 && to >= 0 && unitBlock[from] == unitBlock[to]) {
        continue;
      }
      Link s = new Link(skeletonOf[l.from()], skeletonOf[l.to()], l.value());
      skeletonLink[i] =
          linkIndex.computeIfAbsent(
              s,
              k -> {
                links.add(k);
                return links.size() - 1;
              });
      if (from >= 0) {
        LayoutPiece p = pieces.get(unitBlock[from]);
        double x =
            p.hasLane(l.value()) ? p.laneX(l.value()) : p.dx() + last(p.edge(sinkLink[i]))[0];
        pins.put(LayoutSketch.outPort(s.from(), l.value()), x);
      }
      if (to >= 0) {
        LayoutPiece p = pieces.get(unitBlock[to]);
        double x = p.hasLane(l.value()) ? p.laneX(l.value()) : p.dx() + p.edge(pieceLink[i]).x(0);
        pins.put(LayoutSketch.inPort(s.to(), l.value()), x);
      }
    }
    LayoutSketch skeleton = LayoutSketch.of(shapes, links, whole.outputSlots);
    skeleton.portX.putAll(pins);
    Result laid = LayoutElk.run(skeleton, shapes.size() > fastAbove, Progress.NONE);
    Cancellation.check();

    List<Box> boxes = new ArrayList<>(whole.shapes.size());
    for (int i = 0; i < whole.shapes.size(); i++) {
      Shape s = whole.shapes.get(i);
      int u = unitOf[i];
      if (u < 0) {
        boxes.add(laid.boxes().get(skeletonOf[i]));
        continue;
      }
      Box stack = laid.boxes().get(skeletonOf[i]);
      LayoutPiece p = pieces.get(unitBlock[u]);
      Box b = p.box(local[i]);
      boxes.add(
          s.at(
              stack.x() + p.dx() + b.x(),
              stack.y() + p.dy(unitCopy[u]) + b.y(),
              b.width(),
              b.height()));
    }
    List<Edge> edges = new ArrayList<>(whole.links.size());
    for (int i = 0; i < whole.links.size(); i++) {
      Link l = whole.links.get(i);
      double[] points = route(i, laid, skeletonOf, skeletonLink);
      edges.add(
          new Edge(
              whole.shapes.get(l.from()).id(), whole.shapes.get(l.to()).id(), l.value(), points));
    }
    return new Result(boxes, edges, laid.width(), laid.height());
  }

  /** The polyline of whole link {@code i}, from the pieces it passes through. */
  private double[] route(int i, Result laid, int[] skeletonOf, int[] skeletonLink) {
    Link l = whole.links.get(i);
    String v = l.value();
    int from = unitOf[l.from()];
    int to = unitOf[l.to()];
    Polyline line = new Polyline();
    if (from >= 0 && from == to) {
      LayoutPiece p = pieces.get(unitBlock[from]);
      Box stack = laid.boxes().get(skeletonOf[l.from()]);
      line.add(p.edge(pieceLink[i]), stack.x() + p.dx(), stack.y() + p.dy(unitCopy[from]));
      return line.points();
    }
    if (from >= 0) {
      LayoutPiece p = pieces.get(unitBlock[from]);
      Box stack = laid.boxes().get(skeletonOf[l.from()]);
      int c = unitCopy[from];
      line.add(p.edge(sinkLink[i]), stack.x() + p.dx(), stack.y() + p.dy(c));
      double ex = line.lastX();
      if (to >= 0 && unitBlock[to] == unitBlock[from]) {
        int target = unitCopy[to];
        double y = stack.y() + p.trackY(c + 1, v);
        line.add(ex, y);
        if (target > c + 1) {
          double lane = stack.x() + p.laneX(v);
          line.add(lane, y);
          y = stack.y() + p.trackY(target, v);
          line.add(lane, y);
        }
        enter(line, p, stack, target, i, y);
        return line.points();
      }
      if (p.hasLane(v)) {
        double y = stack.y() + p.trackY(c + 1, v);
        double lane = stack.x() + p.laneX(v);
        line.add(ex, y);
        line.add(lane, y);
        line.add(lane, stack.y() + stack.height());
      } else {
        line.add(ex, stack.y() + stack.height());
      }
    }
    line.add(laid.edges().get(skeletonLink[i]), 0, 0);
    if (to >= 0) {
      LayoutPiece p = pieces.get(unitBlock[to]);
      Box stack = laid.boxes().get(skeletonOf[l.to()]);
      double y = p.hasLane(v) ? stack.y() + p.trackY(unitCopy[to], v) : Double.NaN;
      enter(line, p, stack, unitCopy[to], i, y);
    }
    return line.points();
  }

  /** Goes along the track at {@code y} (none if NaN) and down into copy {@code c} to the reader. */
  private void enter(Polyline line, LayoutPiece p, Box stack, int c, int i, double y) {
    Edge in = p.edge(pieceLink[i]);
    double dx = stack.x() + p.dx();
    if (!Double.isNaN(y)) {
      line.add(line.lastX(), y);
      line.add(dx + in.x(0), y);
    }
    line.add(in, dx, stack.y() + p.dy(c));
  }

  private static double[] last(Edge e) {
    int k = e.pointCount() - 1;
    return new double[] {e.x(k), e.y(k)};
  }

  /** A polyline being put together; a point equal to the last one is dropped. */
  private static final class Polyline {
    private double[] xy = new double[16];
    private int size;

    void add(double x, double y) {
      if (size >= 2 && Math.abs(xy[size - 2] - x) < 0.01 && Math.abs(xy[size - 1] - y) < 0.01) {
        return;
      }
      if (size == xy.length) {
        xy = Arrays.copyOf(xy, size * 2);
      }
      xy[size++] = x;
      xy[size++] = y;
    }

    void add(Edge e, double dx, double dy) {
      for (int k = 0; k < e.pointCount(); k++) {
        add(e.x(k) + dx, e.y(k) + dy);
      }
    }

    double lastX() {
      return xy[size - 2];
    }

    double[] points() {
      return Arrays.copyOf(xy, size);
    }
  }
}
