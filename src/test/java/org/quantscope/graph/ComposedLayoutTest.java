// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quantscope.model.Protos.node;
import static org.quantscope.model.Protos.tensorValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quantscope.TestModels;
import org.quantscope.bench.LayoutHarness;
import org.quantscope.graph.GraphLayout.Box;
import org.quantscope.graph.GraphLayout.Edge;
import org.quantscope.graph.GraphLayout.Options;
import org.quantscope.graph.GraphLayout.Result;
import org.quantscope.model.ElementType;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.GraphProto;
import org.quantscope.progress.Progress;

/** The whole drawing of a graph with repeated blocks, put together from pieces. */
class ComposedLayoutTest {
  private static Scope main(GraphProto g) {
    return Scope.all(g).get(0);
  }

  private static Result composed(Scope scope) {
    Result r =
        LayoutComposed.layout(
            scope, LayoutSketch.of(scope, true), Options.DEFAULTS.fastAbove(), Progress.NONE);
    assertThat(r).as("composed").isNotNull();
    return r;
  }

  /**
   * Layers {@code /enc/layer.i/...} of MatMul, Add (reading the mask), Relu and Mul; each layer's
   * MatMul reads a weight of its own, or all the same one when {@code tied}; with {@code skip},
   * each layer's Mul also reads the output of the layer two before it.
   */
  static GraphProto layers(int n, boolean tied, boolean skip) {
    GraphProto.Builder g = GraphProto.newBuilder().setName("layers");
    g.addInput(tensorValue("x", ElementType.FLOAT, 1, 4));
    g.addInput(tensorValue("mask", ElementType.FLOAT, 1, 4));
    g.addNode(node("Relu", "/embed/Relu", List.of("x"), List.of("h")));
    List<String> outs = new ArrayList<>(List.of("h", "h"));
    for (int i = 0; i < n; i++) {
      String p = "/enc/layer." + i + "/";
      String w = tied ? "w" : "w" + i;
      if (!tied || i == 0) {
        g.addInitializer(Tensors.rawFloats(w, new long[] {4, 4}, new float[16]));
      }
      String in = outs.get(outs.size() - 1);
      g.addNode(node("MatMul", p + "MatMul", List.of(in, w), List.of(p + "mm")));
      g.addNode(node("Add", p + "Add", List.of(p + "mm", "mask"), List.of(p + "add")));
      g.addNode(node("Relu", p + "Relu", List.of(p + "add"), List.of(p + "relu")));
      String other = skip ? outs.get(outs.size() - 2) : p + "relu";
      g.addNode(node("Mul", p + "Mul", List.of(p + "relu", other), List.of(p + "out")));
      outs.add(p + "out");
    }
    String last = outs.get(outs.size() - 1);
    g.addNode(node("Sigmoid", "/head/Sigmoid", List.of(last), List.of("y")));
    g.addOutput(tensorValue("y", ElementType.FLOAT, 1, 4));
    g.addOutput(tensorValue(last, ElementType.FLOAT, 1, 4));
    return g.build();
  }

  /** Boxes, edge ends, orthogonal segments (GraphLayoutTest's checks), and no edge across a box. */
  private static void assertSound(Scope scope, Result r) {
    GraphLayoutTest.assertSound(scope, r, true);
    List<Box> boxes = new ArrayList<>(r.boxes());
    boxes.sort((a, b) -> Double.compare(a.y(), b.y()));
    double[] tops = boxes.stream().mapToDouble(Box::y).toArray();
    double tallest = boxes.stream().mapToDouble(Box::height).max().orElse(0);
    for (Edge e : r.edges()) {
      for (int k = 1; k < e.pointCount(); k++) {
        double x0 = Math.min(e.x(k - 1), e.x(k));
        double x1 = Math.max(e.x(k - 1), e.x(k));
        double y0 = Math.min(e.y(k - 1), e.y(k));
        double y1 = Math.max(e.y(k - 1), e.y(k));
        int from = lowerBound(tops, y0 - tallest);
        for (int j = from; j < boxes.size() && boxes.get(j).y() <= y1; j++) {
          Box b = boxes.get(j);
          // strictly inside the box, 1 px in from its border
          boolean across =
              x1 > b.x() + 1
                  && x0 < b.x() + b.width() - 1
                  && y1 > b.y() + 1
                  && y0 < b.y() + b.height() - 1;
          assertThat(across).as("segment %d of %s crosses %s", k, e, b.id()).isFalse();
        }
      }
    }
  }

  private static int lowerBound(double[] sorted, double value) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Every copy of every block: its boxes are those of the first copy, moved by one offset. */
  private static void assertCopiesAlike(GraphProto g, Result r) {
    Map<Integer, Box> byNode = new HashMap<>();
    for (Box b : r.boxes()) {
      if (b.nodeIndex() >= 0) {
        byNode.put(b.nodeIndex(), b);
      }
    }
    for (RepeatedBlocks.Block block : RepeatedBlocks.find(g)) {
      int first = block.firstIndexes().get(0);
      for (int c = 1; c < block.count(); c++) {
        int start = block.firstIndexes().get(c);
        double dx = byNode.get(start).x() - byNode.get(first).x();
        double dy = byNode.get(start).y() - byNode.get(first).y();
        assertThat(dy).as("copy %d lies below copy %d", c, c - 1).isPositive();
        for (int k = 0; k < block.nodesPerBlock(); k++) {
          Box a = byNode.get(first + k);
          Box b = byNode.get(start + k);
          assertThat(b.x() - a.x()).as("x of node %d of copy %d", k, c).isCloseTo(dx, within(1e-6));
          assertThat(b.y() - a.y()).as("y of node %d of copy %d", k, c).isCloseTo(dy, within(1e-6));
          assertThat(b.width()).isEqualTo(a.width());
          assertThat(b.height()).isEqualTo(a.height());
        }
      }
    }
  }

  private static List<String> ids(Result r) {
    return r.boxes().stream().map(Box::id).toList();
  }

  private static List<String> connections(Result r) {
    return r.edges().stream().map(e -> e.fromId() + " -> " + e.toId() + " " + e.value()).toList();
  }

  @Test
  void aBertEncoderGetsTheBoxesAndEdgesOfItsElkDrawing() {
    Scope scope = main(TestModels.bertEncoder(4, true).getGraph());
    Result elk = LayoutElk.run(LayoutSketch.of(scope, true), false, Progress.NONE);
    Result r = composed(scope);

    assertThat(ids(r)).containsExactlyElementsOf(ids(elk));
    assertThat(connections(r)).containsExactlyElementsOf(connections(elk));
    for (int i = 0; i < r.boxes().size(); i++) {
      Box a = elk.boxes().get(i);
      Box b = r.boxes().get(i);
      assertThat(List.of(b.kind(), b.title(), b.subtitle(), b.nodeIndex()))
          .isEqualTo(List.of(a.kind(), a.title(), a.subtitle(), a.nodeIndex()));
      assertThat(b.width()).isGreaterThanOrEqualTo(a.width());
      assertThat(b.height()).isGreaterThanOrEqualTo(a.height());
    }
    assertThat(r.inside()).isEmpty();
    assertSound(scope, r);
    assertCopiesAlike(scope.graph(), r);
  }

  @Test
  void aBigSyntheticBertIsComposedWhenLaidOutWhole() {
    GraphProto g = LayoutHarness.bertLike(LayoutComposed.MIN_NODES + 100);
    Scope scope = main(g);
    Result r = GraphLayout.layout(scope, Options.DEFAULTS, Progress.NONE);

    assertThat(r).isEqualTo(composed(scope));
    // the blocks the window already found give the same drawing; none found, ELK's
    assertThat(
            GraphLayout.layout(
                scope,
                Options.DEFAULTS,
                java.util.List.of(),
                RepeatedBlocks.find(scope.graph()),
                Progress.NONE))
        .isEqualTo(r);
    LayoutSketch sketch = LayoutSketch.of(scope, true);
    assertThat(
            GraphLayout.layout(
                scope, Options.DEFAULTS, java.util.List.of(), java.util.List.of(), Progress.NONE))
        .isEqualTo(
            LayoutElk.run(
                sketch, sketch.shapes.size() > Options.DEFAULTS.fastAbove(), Progress.NONE));
    assertThat(ids(r))
        .containsExactlyElementsOf(
            LayoutSketch.of(scope, true).shapes.stream().map(LayoutSketch.Shape::id).toList());
    assertSound(scope, r);
    assertCopiesAlike(g, r);
    // the mask, read by every layer, comes down one line and reaches each layer's Add
    List<Edge> mask = r.edges().stream().filter(e -> e.fromId().equals("/bert/Mul")).toList();
    assertThat(mask).hasSize(RepeatedBlocks.find(g).get(0).count());
  }

  @Test
  void aWeightSharedByAllLayersAndValuesSkippingALayerAreRoutedAlongTheStack() {
    for (boolean tied : new boolean[] {false, true}) {
      for (boolean skip : new boolean[] {false, true}) {
        GraphProto g = layers(8, tied, skip);
        Scope scope = main(g);
        Result r = composed(scope);
        assertSound(scope, r);
        assertCopiesAlike(g, r);
        assertThat(connections(r))
            .containsExactlyElementsOf(
                connections(LayoutElk.run(LayoutSketch.of(scope, true), false, Progress.NONE)));
      }
    }
  }

  @Test
  void aBigGraphWithoutRepeatedBlocksIsLaidOutByElkWhole() {
    Scope scope = main(GraphLayoutTest.randomDag(LayoutComposed.MIN_NODES, 11));
    // a few tiny blocks repeat by chance: too few nodes in them to compose
    assertThat(RepeatedBlocks.find(scope.graph()).stream().mapToInt(b -> b.nodeCount()).sum())
        .isLessThan(LayoutComposed.MIN_NODES / 2);
    LayoutSketch sketch = LayoutSketch.of(scope, true);
    assertThat(GraphLayout.layout(scope, Options.DEFAULTS, Progress.NONE))
        .isEqualTo(
            LayoutElk.run(
                sketch, sketch.shapes.size() > Options.DEFAULTS.fastAbove(), Progress.NONE));
  }

  @Test
  void aGraphWithoutRepeatedBlocksIsLeftToElk() {
    Scope mlp = main(TestModels.mlp().getGraph());
    assertThat(LayoutComposed.layout(mlp, LayoutSketch.of(mlp, true), 800, Progress.NONE)).isNull();
    Scope random = main(GraphLayoutTest.randomDag(300, 5));
    assertThat(LayoutComposed.layout(random, LayoutSketch.of(random, true), 800, Progress.NONE))
        .isNull();
  }
}
