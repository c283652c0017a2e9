// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.quantscope.model.Protos.node;
import static org.quantscope.model.Protos.tensorValue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quantscope.TestModels;
import org.quantscope.graph.GraphLayout.Box;
import org.quantscope.graph.GraphLayout.Edge;
import org.quantscope.graph.GraphLayout.Kind;
import org.quantscope.graph.GraphLayout.Options;
import org.quantscope.graph.GraphLayout.Result;
import org.quantscope.model.ElementType;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.progress.Progress;

class GraphLayoutTest {
  /** How far, in px, an edge end may lie from the box it belongs to. */
  private static final double TOLERANCE = 2;

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  private static Scope main(GraphProto g) {
    return Scope.all(g).get(0);
  }

  private static Result layout(Scope scope) {
    return GraphLayout.layout(scope, Options.DEFAULTS, Progress.NONE);
  }

  // Fixtures

  /** x -> Relu -> Relu -> ... -> y, {@code n} unnamed nodes. */
  static GraphProto chain(int n) {
    GraphProto.Builder g = GraphProto.newBuilder().setName("chain");
    g.addInput(tensorValue("x", ElementType.FLOAT, 1, 4));
    String prev = "x";
    for (int i = 0; i < n; i++) {
      String out = i == n - 1 ? "y" : "v" + i;
      g.addNode(node(i % 2 == 0 ? "Relu" : "Sigmoid", "", List.of(prev), List.of(out)));
      prev = out;
    }
    g.addOutput(tensorValue("y", ElementType.FLOAT, 1, 4));
    return g.build();
  }

  /** x -> split -> (left, right) -> join -> y, the join reading both branches. */
  static GraphProto diamond() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("diamond");
    g.addInput(tensorValue("x", ElementType.FLOAT, 1, 4));
    g.addOutput(tensorValue("y", ElementType.FLOAT, 1, 4));
    g.addNode(node("Relu", "split", List.of("x"), List.of("s")));
    g.addNode(node("Neg", "left", List.of("s"), List.of("l")));
    g.addNode(node("Abs", "right", List.of("s"), List.of("r")));
    g.addNode(node("Add", "join", List.of("l", "r"), List.of("y")));
    return g.build();
  }

  /** a -> b -> c -> a: no node can go first. */
  static GraphProto cycle() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("cycle");
    g.addInput(tensorValue("x", ElementType.FLOAT, 1, 4));
    g.addOutput(tensorValue("c_out", ElementType.FLOAT, 1, 4));
    g.addNode(node("Add", "a", List.of("x", "c_out"), List.of("a_out")));
    g.addNode(node("Relu", "b", List.of("a_out"), List.of("b_out")));
    g.addNode(node("Neg", "c", List.of("b_out"), List.of("c_out")));
    return g.build();
  }

  /** A chain of {@code n} Adds, each also reading the graph input "mask", as layers read masks. */
  static GraphProto sharedMask(int n) {
    GraphProto.Builder g = GraphProto.newBuilder().setName("shared");
    g.addInput(tensorValue("x", ElementType.FLOAT, 1, 4));
    g.addInput(tensorValue("mask", ElementType.FLOAT, 1, 4));
    String prev = "x";
    for (int i = 0; i < n; i++) {
      g.addNode(node("Add", "add" + i, List.of(prev, "mask"), List.of("a" + i)));
      g.addNode(node("Relu", "relu" + i, List.of("a" + i), List.of("r" + i)));
      prev = "r" + i;
    }
    g.addOutput(tensorValue(prev, ElementType.FLOAT, 1, 4));
    return g.build();
  }

  /**
   * A seeded random DAG of {@code n} nodes: each node reads one or two recent values (or a weight),
   * about a third of the nodes are unnamed, unread values become graph outputs.
   */
  static GraphProto randomDag(int n, long seed) {
    Random r = new Random(seed);
    GraphProto.Builder g = GraphProto.newBuilder().setName("random");
    g.addInput(tensorValue("x", ElementType.FLOAT, 1, 16));
    g.addInput(tensorValue("mask", ElementType.FLOAT, 1, 16));
    List<String> values = new ArrayList<>(List.of("x", "mask"));
    Map<String, Integer> reads = new HashMap<>();
    String[] ops = {"MatMul", "Add", "Relu", "Mul", "Concat", "Softmax", "Transpose"};
    for (int i = 0; i < n; i++) {
      String op = ops[r.nextInt(ops.length)];
      List<String> inputs = new ArrayList<>();
      int arity = op.equals("Relu") || op.equals("Softmax") || op.equals("Transpose") ? 1 : 2;
      for (int k = 0; k < arity; k++) {
        if (op.equals("MatMul") && k == 1) {
          String w = "W" + i;
          g.addInitializer(Tensors.rawFloats(w, new long[] {16, 16}, new float[256]));
          inputs.add(w);
        } else {
          String v = values.get(Math.max(0, values.size() - 1 - r.nextInt(12)));
          inputs.add(v);
          reads.merge(v, 1, Integer::sum);
        }
      }
      String out = "v" + i;
      String name = r.nextInt(3) == 0 ? "" : "n" + i;
      g.addNode(node(op, name, inputs, List.of(out)));
      values.add(out);
    }
    for (String v : values) {
      if (!reads.containsKey(v) && v.startsWith("v")) {
        g.addOutput(tensorValue(v, ElementType.FLOAT, 1, 16));
      }
    }
    return g.build();
  }

  // Checks

  private static Map<String, Box> byId(Result r) {
    return r.boxes().stream().collect(Collectors.toMap(Box::id, Function.identity()));
  }

  /** Every property that holds for any graph; {@code dag} adds the top-down checks. */
  static void assertSound(Scope scope, Result r, boolean dag) {
    // Exactly one box per operator node, under its stable id; ids unique overall.
    Map<String, Box> boxes = byId(r);
    assertThat(boxes).hasSameSizeAs(r.boxes());
    List<NodeProto> nodes = scope.graph().getNodeList();
    assertThat(r.boxes().stream().filter(b -> b.kind() == Kind.NODE)).hasSameSizeAs(nodes);
    for (int i = 0; i < nodes.size(); i++) {
      Box b = boxes.get(NodeId.of(scope, nodes.get(i), i));
      assertThat(b).as("box of node %d", i).isNotNull();
      assertThat(b.kind()).isEqualTo(Kind.NODE);
      assertThat(b.nodeIndex()).isEqualTo(i);
      assertThat(b.title()).isEqualTo(nodes.get(i).getOpType());
      assertThat(b.subtitle()).isEqualTo(nodes.get(i).getName());
    }

    // Inside the drawing, sized for the text, and not overlapping.
    for (Box b : r.boxes()) {
      assertThat(b.width()).as(b.id()).isGreaterThanOrEqualTo(48);
      assertThat(b.height()).as(b.id()).isGreaterThanOrEqualTo(22);
      assertThat(b.x()).as(b.id()).isGreaterThanOrEqualTo(0);
      assertThat(b.y()).as(b.id()).isGreaterThanOrEqualTo(0);
      assertThat(b.x() + b.width()).as(b.id()).isLessThanOrEqualTo(r.width());
      assertThat(b.y() + b.height()).as(b.id()).isLessThanOrEqualTo(r.height());
    }
    List<Box> sorted = new ArrayList<>(r.boxes());
    sorted.sort((a, b) -> Double.compare(a.x(), b.x()));
    for (int i = 0; i < sorted.size(); i++) {
      Box a = sorted.get(i);
      for (int k = i + 1; k < sorted.size() && sorted.get(k).x() < a.x() + a.width(); k++) {
        Box b = sorted.get(k);
        boolean overlap =
            b.x() < a.x() + a.width() - 0.5
                && a.x() < b.x() + b.width() - 0.5
                && b.y() < a.y() + a.height() - 0.5
                && a.y() < b.y() + b.height() - 0.5;
        assertThat(overlap).as("%s overlaps %s", a, b).isFalse();
      }
    }

    // Edges run from box to box, inside the drawing; in a DAG from bottom edge down to top edge.
    for (Edge e : r.edges()) {
      Box from = boxes.get(e.fromId());
      Box to = boxes.get(e.toId());
      assertThat(from).as("source of %s", e).isNotNull();
      assertThat(to).as("target of %s", e).isNotNull();
      int last = e.pointCount() - 1;
      assertThat(from.contains(e.x(0), e.y(0), TOLERANCE)).as("start of %s", e).isTrue();
      assertThat(to.contains(e.x(last), e.y(last), TOLERANCE)).as("end of %s", e).isTrue();
      for (int k = 0; k <= last; k++) {
        assertThat(e.x(k)).isBetween(0.0, r.width());
        assertThat(e.y(k)).isBetween(0.0, r.height());
        if (k > 0) {
          boolean axisParallel =
              Math.abs(e.x(k) - e.x(k - 1)) < 0.01 || Math.abs(e.y(k) - e.y(k - 1)) < 0.01;
          assertThat(axisParallel).as("segment %d of %s is orthogonal", k, e).isTrue();
        }
      }
      if (dag) {
        assertThat(from.y()).as("%s above %s", from.id(), to.id()).isLessThan(to.y());
        assertThat(e.y(0)).isCloseTo(from.y() + from.height(), within(TOLERANCE));
        assertThat(e.y(last)).isCloseTo(to.y(), within(TOLERANCE));
      }
    }
  }

  /** "from -> to" for every edge, sorted. */
  private static List<String> connections(Result r) {
    return r.edges().stream()
        .map(e -> e.fromId() + " -> " + e.toId() + " (" + e.value() + ")")
        .sorted()
        .toList();
  }

  // Tests

  @Test
  void mlpGetsABoxPerNodeInputOutputAndWeightAndAnEdgePerValue() {
    Scope scope = main(TestModels.mlp().getGraph());
    Result r = layout(scope);
    assertSound(scope, r, true);

    Map<String, Box> boxes = byId(r);
    assertThat(r.boxes().stream().map(Box::id))
        .containsExactly(
            "input:x",
            "fc1",
            "fc1_bias",
            "relu",
            "fc2",
            "softmax",
            "weight:W1",
            "weight:W2",
            "weight:b2",
            "output:y");
    assertThat(boxes.get("input:x").subtitle()).isEqualTo("float [batch, 4]");
    assertThat(boxes.get("weight:W2").subtitle()).isEqualTo("[3, 8]");
    assertThat(boxes.get("weight:W2").kind()).isEqualTo(Kind.WEIGHT);
    assertThat(boxes.get("output:y").kind()).isEqualTo(Kind.OUTPUT);
    // b1 feeds an Add, not a weight-bearing op: no box and no edge.
    assertThat(connections(r))
        .containsExactly(
            "fc1 -> fc1_bias (h)",
            "fc1_bias -> relu (hb)",
            "fc2 -> softmax (logits)",
            "input:x -> fc1 (x)",
            "relu -> fc2 (r)",
            "softmax -> output:y (y)",
            "weight:W1 -> fc1 (W1)",
            "weight:W2 -> fc2 (W2)",
            "weight:b2 -> fc2 (b2)");
  }

  @Test
  void withoutWeightsThereAreNoWeightBoxesNorEdgesFromThem() {
    Scope scope = main(TestModels.mlp().getGraph());
    Result r =
        GraphLayout.layout(scope, new Options(false, Options.DEFAULTS.fastAbove()), Progress.NONE);
    assertSound(scope, r, true);
    assertThat(r.boxes()).noneMatch(b -> b.kind() == Kind.WEIGHT);
    assertThat(r.edges()).noneMatch(e -> e.fromId().startsWith("weight:"));
    assertThat(r.boxes()).hasSize(7);
  }

  @Test
  void candidatesShareOneBoxPerWeightAndDrawADoubleReadOnce() {
    Scope scope = main(TestModels.candidates().getGraph());
    Result r = layout(scope);
    assertSound(scope, r, true);
    assertThat(r.boxes().stream().filter(b -> b.kind() == Kind.WEIGHT).map(Box::id))
        .containsExactlyInAnyOrder(
            "weight:W", "weight:Wi", "weight:K", "weight:E", "weight:LW", "weight:LR");
    assertThat(connections(r)).filteredOn(c -> c.startsWith("weight:W ->")).hasSize(4);
    // MatMul(m1, m1): one edge.
    assertThat(connections(r)).containsOnlyOnce("yes_matmul -> no_matmul_activation (m1)");
  }

  @Test
  void mainGraphAndBranchesOfAnIf() {
    List<Scope> scopes = Scope.all(TestModels.withIf().getGraph());
    assertThat(scopes).hasSize(3);
    for (Scope scope : scopes) {
      assertSound(scope, layout(scope), true);
    }

    Result main = layout(scopes.get(0));
    assertThat(connections(main))
        .containsExactly("branch -> output:y (y)", "input:flag -> branch (flag)");

    // The else branch reads x and W from the main graph: no boxes, no edges for them.
    Scope elseBranch = scopes.get(2);
    assertThat(elseBranch.path()).isEqualTo("branch.else_branch");
    Result r = layout(elseBranch);
    assertThat(r.boxes().stream().map(Box::id))
        .containsExactly(
            "branch.else_branch/MatMul#0", "branch.else_branch/Relu#1", "output:e_out");
    assertThat(r.boxes().get(0).subtitle()).isEmpty();
    assertThat(r.boxes().get(0).height()).isLessThan(r.boxes().get(2).height());
    assertThat(connections(r))
        .containsExactly(
            "branch.else_branch/MatMul#0 -> branch.else_branch/Relu#1 (e_mm)",
            "branch.else_branch/Relu#1 -> output:e_out (e_out)");
  }

  @Test
  void chainRunsStraightDown() {
    Scope scope = main(chain(30));
    Result r = layout(scope);
    assertSound(scope, r, true);
    assertThat(r.edges()).hasSize(31);
    assertThat(r.height()).isGreaterThan(r.width());
    // Linear-segments placement keeps a chain in one column, give or take a few px.
    double x = r.boxes().get(0).centerX();
    assertThat(r.boxes()).allSatisfy(b -> assertThat(b.centerX()).isCloseTo(x, within(5.0)));
  }

  @Test
  void diamondPutsBothBranchesBetweenSplitAndJoin() {
    Scope scope = main(diamond());
    Result r = layout(scope);
    assertSound(scope, r, true);
    Map<String, Box> b = byId(r);
    assertThat(b.get("left").y()).isEqualTo(b.get("right").y());
    assertThat(Math.abs(b.get("left").centerX() - b.get("right").centerX()))
        .isGreaterThanOrEqualTo(b.get("left").width());
  }

  @Test
  void fiveHundredNodesWithDefaultAndFastSettings() {
    Scope scope = main(randomDag(500, 7));
    assertSound(scope, layout(scope), true);
    assertSound(scope, GraphLayout.layout(scope, new Options(true, 0), Progress.NONE), true);
  }

  @Test
  void sameGraphSameDrawing() {
    Scope scope = main(randomDag(120, 3));
    assertThat(layout(scope)).isEqualTo(layout(scope));
  }

  @Test
  void aValueReadAllTheWayDownLeavesItsSourceAtOnePoint() {
    for (Options options : List.of(Options.DEFAULTS, new Options(true, 0))) {
      Scope scope = main(sharedMask(40));
      Result r = GraphLayout.layout(scope, options, Progress.NONE);
      assertSound(scope, r, true);
      List<Edge> fromMask =
          r.edges().stream().filter(e -> e.fromId().equals("input:mask")).toList();
      assertThat(fromMask).hasSize(40);
      for (Edge e : fromMask) {
        assertThat(e.x(0)).isEqualTo(fromMask.get(0).x(0));
        assertThat(e.y(0)).isEqualTo(fromMask.get(0).y(0));
        // Reaches the right input: the second slot, on the right half of the box.
        Box to = byId(r).get(e.toId());
        assertThat(e.x(e.pointCount() - 1)).isGreaterThan(to.centerX());
      }
    }
  }

  @Test
  void inputsArriveInSlotOrderAndManyInputsWidenTheBox() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("concat");
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      g.addInput(tensorValue("in" + i, ElementType.FLOAT, 1, 4));
      parts.add("in" + i);
    }
    g.addNode(node("Concat", "", parts, List.of("y")));
    g.addOutput(tensorValue("y", ElementType.FLOAT, 30, 4));
    Scope scope = main(g.build());
    Result r = layout(scope);
    assertSound(scope, r, true);

    Box concat = byId(r).get("Concat#0");
    assertThat(concat.width()).isGreaterThanOrEqualTo(31 * 12.0);
    List<Double> arrivals =
        r.edges().stream()
            .filter(e -> e.toId().equals("Concat#0"))
            .map(e -> e.x(e.pointCount() - 1))
            .toList();
    assertThat(arrivals).hasSize(30).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void cycleAndSelfLoopStillGetALayout() {
    Scope scope = main(cycle());
    Result r = layout(scope);
    assertSound(scope, r, false);
    assertThat(connections(r))
        .containsExactly(
            "a -> b (a_out)",
            "b -> c (b_out)",
            "c -> a (c_out)",
            "c -> output:c_out (c_out)",
            "input:x -> a (x)");

    GraphProto selfLoop =
        GraphProto.newBuilder()
            .addInput(tensorValue("x", ElementType.FLOAT, 1))
            .addNode(node("Add", "acc", List.of("x", "s"), List.of("s")))
            .addOutput(tensorValue("s", ElementType.FLOAT, 1))
            .build();
    Scope loopScope = main(selfLoop);
    Result loop = layout(loopScope);
    assertSound(loopScope, loop, false);
    assertThat(connections(loop)).contains("acc -> acc (s)");
  }

  @Test
  void emptyGraph() {
    Scope scope = main(GraphProto.newBuilder().setName("empty").build());
    Result r = layout(scope);
    assertThat(r.boxes()).isEmpty();
    assertThat(r.edges()).isEmpty();
  }

  @Test
  void progressEndsAtTheTotal() {
    List<long[]> reports = Collections.synchronizedList(new ArrayList<>());
    GraphLayout.layout(
        main(randomDag(200, 5)),
        Options.DEFAULTS,
        (done, total, message) -> reports.add(new long[] {done, total}));
    assertThat(reports.size()).isGreaterThan(3);
    for (int i = 1; i < reports.size(); i++) {
      assertThat(reports.get(i)[0]).isGreaterThanOrEqualTo(reports.get(i - 1)[0]);
    }
    long[] last = reports.get(reports.size() - 1);
    assertThat(last[0]).isEqualTo(last[1]);
  }

  @Test
  void interruptedBeforeTheCallThrowsAtOnce() {
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> layout(main(randomDag(500, 7))))
        .isInstanceOf(CancellationException.class);
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
  }

  @Test
  void interruptingTheCallerWhileElkRunsCancels() {
    Thread caller = Thread.currentThread();
    AtomicBoolean once = new AtomicBoolean();
    Progress interruptCaller =
        (done, total, message) -> {
          if (message.startsWith("Laying out") && once.compareAndSet(false, true)) {
            caller.interrupt();
          }
        };
    assertThatThrownBy(
            () -> GraphLayout.layout(main(randomDag(500, 7)), Options.DEFAULTS, interruptCaller))
        .isInstanceOf(CancellationException.class);
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
  }

  @Test
  void elkStopsWhenItsThreadIsInterrupted() {
    // Interrupts the layout thread itself, from inside ELK's progress monitor.
    Progress interruptSelf =
        (done, total, message) -> {
          if (message.equals("Laying out")) {
            Thread.currentThread().interrupt();
          }
        };
    assertThatThrownBy(
            () -> GraphLayout.layout(main(randomDag(500, 7)), Options.DEFAULTS, interruptSelf))
        .isInstanceOf(CancellationException.class);
  }

  @Test
  void optionsAreChecked() {
    assertThatThrownBy(() -> new Options(true, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fastAbove must be >= 0, got -1");
  }

  @Test
  void warmingUpChangesNoLaterDrawing() {
    Scope scope = main(TestModels.mlp().getGraph());
    Result before = layout(scope);
    GraphLayout.warmUp();
    GraphLayout.warmUp();
    assertThat(layout(scope)).isEqualTo(before);
  }
}
