// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.elk.alg.layered.options.GreedySwitchType;
import org.eclipse.elk.alg.layered.options.LayerConstraint;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.alg.layered.options.NodePlacementStrategy;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.math.ElkPadding;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.options.PortConstraints;
import org.eclipse.elk.core.options.PortSide;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.ElkPort;
import org.eclipse.elk.graph.util.ElkGraphUtil;
import org.quantscope.graph.GraphLayout.Box;
import org.quantscope.graph.GraphLayout.Edge;
import org.quantscope.graph.GraphLayout.Result;
import org.quantscope.graph.LayoutSketch.Link;
import org.quantscope.graph.LayoutSketch.Shape;
import org.quantscope.progress.Cancellation;
import org.quantscope.progress.Progress;

/**
 * Turns a {@link LayoutSketch} into an ELK graph, lays it out with ELK Layered and reads the
 * geometry back. The only class that knows ELK.
 *
 * <p>Every value gets one port at the bottom of its producer and every (reader, value) one port at
 * the top of the reader, both at fixed positions, so a value read by several boxes leaves its
 * producer at one point and the orthogonal router draws it as one branching line. Readers far below
 * are reached through zero-size junction nodes chained along the value's bus (see {@link
 * LayoutBuses}); the polyline of such a link is the concatenation of the edges along its path.
 */
final class LayoutElk {
  private LayoutElk() {}

  /** Progress units: the whole layout is {@link #TOTAL}; ELK's share lies between these two. */
  static final long TOTAL = 1000;

  static final long ELK_START = 100;
  static final long ELK_END = 900;

  /**
   * Lays the sketch out on the calling thread (which needs a deep stack for big graphs; see {@link
   * GraphLayout}).
   */
  static Result run(LayoutSketch sketch, boolean fast, Progress progress) {
    ElkNode root = ElkGraphUtil.createGraph();
    configure(root, fast);

    List<ElkNode> nodes = new ArrayList<>(sketch.shapes.size());
    for (Shape s : sketch.shapes) {
      nodes.add(node(root, s.width(), s.height()));
    }
    // Ports sit where the renderer expects them: a reader's inputs along its top edge in slot
    // order, a producer's outputs along its bottom edge in output order.
    Map<String, ElkPort> inPorts = new HashMap<>();
    for (Link l : sketch.links) {
      inPorts.computeIfAbsent(
          l.to() + "\u0000" + l.value(), k -> port(nodes.get(l.to()), PortSide.NORTH));
    }
    List<LayoutBuses.Bus> buses = new ArrayList<>(LayoutBuses.of(sketch));
    buses.sort(Comparator.comparingInt(b -> sketch.outputSlots.getOrDefault(b.value(), 0)));
    List<ElkPort> outPorts = new ArrayList<>(buses.size());
    for (LayoutBuses.Bus bus : buses) {
      outPorts.add(port(nodes.get(bus.from()), PortSide.SOUTH));
    }
    for (ElkNode n : nodes) {
      placePorts(n);
    }
    pinPorts(sketch, inPorts, buses, outPorts);
    for (int i : sketch.firstLayer) {
      nodes.get(i).setProperty(LayeredOptions.LAYERING_LAYER_CONSTRAINT, LayerConstraint.FIRST);
    }
    for (int i : sketch.lastLayer) {
      nodes.get(i).setProperty(LayeredOptions.LAYERING_LAYER_CONSTRAINT, LayerConstraint.LAST);
    }

    // Every link becomes a path of ELK edges: straight from the source's port, or along the
    // value's bus through one junction per group of deeper readers.
    List<List<ElkEdge>> paths = new ArrayList<>(Collections.nCopies(sketch.links.size(), null));
    for (int b = 0; b < buses.size(); b++) {
      LayoutBuses.Bus bus = buses.get(b);
      ElkPort tap = outPorts.get(b);
      List<ElkEdge> trunk = List.of();
      for (int g = 0; g < bus.groups().size(); g++) {
        if (g > 0) {
          ElkNode junction = node(root, 0, 0);
          List<ElkEdge> longer = new ArrayList<>(trunk);
          longer.add(ElkGraphUtil.createSimpleEdge(tap, port(junction, PortSide.NORTH)));
          trunk = longer;
          tap = port(junction, PortSide.SOUTH);
        }
        for (int i : bus.groups().get(g)) {
          Link l = sketch.links.get(i);
          List<ElkEdge> path = new ArrayList<>(trunk);
          path.add(ElkGraphUtil.createSimpleEdge(tap, inPorts.get(l.to() + "\u0000" + l.value())));
          paths.set(i, path);
        }
      }
    }
    Cancellation.check();

    progress.report(ELK_START, TOTAL, "Laying out " + sketch.shapes.size() + " boxes");
    new RecursiveGraphLayoutEngine().layout(root, new Monitor(progress));
    // ELK stops between its phases when the monitor says so and returns a partial layout.
    Cancellation.check();
    progress.report(ELK_END, TOTAL, "Reading geometry");

    List<Box> boxes = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      Shape s = sketch.shapes.get(i);
      ElkNode n = nodes.get(i);
      boxes.add(s.at(n.getX(), n.getY(), n.getWidth(), n.getHeight()));
    }
    List<Edge> edges = new ArrayList<>(paths.size());
    for (int i = 0; i < paths.size(); i++) {
      Link l = sketch.links.get(i);
      edges.add(
          new Edge(
              sketch.shapes.get(l.from()).id(),
              sketch.shapes.get(l.to()).id(),
              l.value(),
              points(paths.get(i))));
    }
    return new Result(boxes, edges, root.getWidth(), root.getHeight(), sketch.inside);
  }

  /** A node whose ports stay where they are put (at its top-left corner unless placed). */
  private static ElkNode node(ElkNode root, double width, double height) {
    ElkNode n = ElkGraphUtil.createNode(root);
    n.setDimensions(width, height);
    n.setProperty(CoreOptions.PORT_CONSTRAINTS, PortConstraints.FIXED_POS);
    return n;
  }

  /** Spreads the ports of each side evenly along it, in the order they were created. */
  private static void placePorts(ElkNode n) {
    List<ElkPort> top = new ArrayList<>();
    List<ElkPort> bottom = new ArrayList<>();
    for (ElkPort p : n.getPorts()) {
      (p.getProperty(CoreOptions.PORT_SIDE) == PortSide.NORTH ? top : bottom).add(p);
    }
    for (int i = 0; i < top.size(); i++) {
      top.get(i).setLocation(n.getWidth() * (i + 1) / (top.size() + 1), 0);
    }
    for (int i = 0; i < bottom.size(); i++) {
      bottom.get(i).setLocation(n.getWidth() * (i + 1) / (bottom.size() + 1), n.getHeight());
    }
  }

  /** Moves the ports the sketch places itself ({@link LayoutSketch#portX}) along their edge. */
  private static void pinPorts(
      LayoutSketch sketch,
      Map<String, ElkPort> inPorts,
      List<LayoutBuses.Bus> buses,
      List<ElkPort> outPorts) {
    if (sketch.portX.isEmpty()) {
      return;
    }
    for (Link l : sketch.links) {
      Double x = sketch.portX.get(LayoutSketch.inPort(l.to(), l.value()));
      if (x != null) {
        inPorts.get(l.to() + "\u0000" + l.value()).setX(x);
      }
    }
    for (int b = 0; b < buses.size(); b++) {
      Double x = sketch.portX.get(LayoutSketch.outPort(buses.get(b).from(), buses.get(b).value()));
      if (x != null) {
        outPorts.get(b).setX(x);
      }
    }
  }

  private static ElkPort port(ElkNode node, PortSide side) {
    ElkPort p = ElkGraphUtil.createPort(node);
    p.setDimensions(0, 0);
    p.setProperty(CoreOptions.PORT_SIDE, side);
    return p;
  }

  /**
   * ELK Layered, top-down, orthogonal edges. The fast settings trade some crossings and
   * straightness for speed on big graphs.
   */
  static void configure(ElkNode root, boolean fast) {
    root.setProperty(CoreOptions.ALGORITHM, LayeredOptions.ALGORITHM_ID);
    root.setProperty(CoreOptions.DIRECTION, Direction.DOWN);
    root.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.ORTHOGONAL);
    root.setProperty(CoreOptions.PADDING, new ElkPadding(20));
    root.setProperty(LayeredOptions.SPACING_NODE_NODE, 24.0);
    root.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 32.0);
    root.setProperty(LayeredOptions.SPACING_EDGE_NODE, 12.0);
    root.setProperty(LayeredOptions.SPACING_EDGE_NODE_BETWEEN_LAYERS, 12.0);
    root.setProperty(LayeredOptions.SPACING_EDGE_EDGE, 8.0);
    root.setProperty(LayeredOptions.SPACING_EDGE_EDGE_BETWEEN_LAYERS, 8.0);
    root.setProperty(LayeredOptions.SPACING_COMPONENT_COMPONENT, 40.0);
    // Brandes-Koepf, ELK's default, straightens long edges at any cost: transformer graphs come
    // out four times as wide as with linear segments.
    root.setProperty(LayeredOptions.NODE_PLACEMENT_STRATEGY, NodePlacementStrategy.LINEAR_SEGMENTS);
    // A fixed seed: the same graph always gets the same drawing.
    root.setProperty(CoreOptions.RANDOM_SEED, 1);
    if (fast) {
      root.setProperty(LayeredOptions.THOROUGHNESS, 1);
      root.setProperty(
          LayeredOptions.CROSSING_MINIMIZATION_GREEDY_SWITCH_TYPE, GreedySwitchType.OFF);
      root.setProperty(LayeredOptions.NODE_PLACEMENT_STRATEGY, NodePlacementStrategy.SIMPLE);
    }
  }

  /** The polyline of a path of edges, each joining the next at a junction. */
  private static double[] points(List<ElkEdge> path) {
    if (path.size() == 1) {
      return points(path.get(0));
    }
    double[] xy = new double[0];
    int size = 0;
    for (ElkEdge edge : path) {
      double[] p = points(edge);
      // The next edge starts where this one ended, at the junction: keep that point once.
      int skip =
          size >= 2 && Math.abs(xy[size - 2] - p[0]) < 0.5 && Math.abs(xy[size - 1] - p[1]) < 0.5
              ? 2
              : 0;
      xy = Arrays.copyOf(xy, size + p.length - skip);
      System.arraycopy(p, skip, xy, size, p.length - skip);
      size = xy.length;
    }
    return xy;
  }

  private static double[] points(ElkEdge edge) {
    if (edge.getSections().isEmpty()) {
      // Not expected after a finished layout; fall back to a straight line between the ports.
      ElkPort from = (ElkPort) edge.getSources().get(0);
      ElkPort to = (ElkPort) edge.getTargets().get(0);
      return new double[] {
        from.getParent().getX() + from.getX(), from.getParent().getY() + from.getY(),
        to.getParent().getX() + to.getX(), to.getParent().getY() + to.getY()
      };
    }
    ElkEdgeSection s = edge.getSections().get(0);
    double[] p = new double[4 + 2 * s.getBendPoints().size()];
    int k = 0;
    p[k++] = s.getStartX();
    p[k++] = s.getStartY();
    for (ElkBendPoint b : s.getBendPoints()) {
      p[k++] = b.getX();
      p[k++] = b.getY();
    }
    p[k++] = s.getEndX();
    p[k] = s.getEndY();
    return p;
  }

  /**
   * ELK's progress monitor: cancelled when the layout thread is interrupted; forwards the progress
   * of the top task to {@link Progress}, in thousandths.
   */
  private static final class Monitor extends BasicProgressMonitor {
    private final Progress progress;
    private long lastReported = -1;

    Monitor(Progress progress) {
      this.progress = progress;
    }

    @Override
    public boolean isCanceled() {
      return Thread.currentThread().isInterrupted();
    }

    @Override
    protected void doWorked(float completed, float total, boolean topInstance) {
      if (!topInstance || total <= 0) {
        return;
      }
      long done = ELK_START + Math.round((ELK_END - ELK_START) * Math.min(1.0, completed / total));
      if (done != lastReported) {
        lastReported = done;
        progress.report(done, TOTAL, "Laying out");
      }
    }

    @Override
    protected BasicProgressMonitor doSubTask(float work, int maxHierarchyLevels) {
      return new Monitor(Progress.NONE);
    }
  }
}
