// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quantscope.TestModels;
import org.quantscope.graph.GraphLayout.Box;
import org.quantscope.graph.GraphLayout.Kind;
import org.quantscope.graph.GraphLayout.Options;
import org.quantscope.graph.GraphLayout.Result;
import org.quantscope.onnx.GraphProto;
import org.quantscope.progress.Progress;

/** Layouts with runs of repeated blocks drawn as one box. */
class CollapsedLayoutTest {
  private final GraphProto g = TestModels.bertEncoder(4, true).getGraph();
  private final Scope main = Scope.all(g).get(0);
  private final RepeatedBlocks.Block layers = RepeatedBlocks.find(g).get(0);

  private Result layout(Map<Integer, Integer> open) {
    return GraphLayout.layout(
        main, Options.DEFAULTS, RepeatedBlocks.collapsed(List.of(layers), open), Progress.NONE);
  }

  @Test
  void aCollapsedRunIsOneBoxWiredToItsNeighbours() {
    Result r = layout(Map.of());

    List<Box> blocks = r.boxes().stream().filter(b -> b.kind() == Kind.BLOCK).toList();
    assertThat(blocks).hasSize(1);
    Box box = blocks.get(0);
    assertThat(box.title()).isEqualTo("encoder layer \u00d74");
    assertThat(box.subtitle()).isEqualTo("62 nodes each");
    assertThat(box.nodeIndex()).isEqualTo(layers.firstIndexes().get(0));
    long nodes = r.boxes().stream().filter(b -> b.kind() == Kind.NODE).count();
    assertThat(nodes).isEqualTo(g.getNodeCount() - 4 * 62);
    assertThat(r.boxes())
        .noneMatch(b -> b.kind() == Kind.NODE && b.subtitle().startsWith("/encoder/"))
        // weights read only inside the layers have no box
        .noneMatch(b -> b.kind() == Kind.WEIGHT && b.title().startsWith("l0."));
    assertThat(r.edges()).noneMatch(e -> e.fromId().equals(e.toId()));
    // the embeddings' LayerNorm and the mask feed the layers; the layers feed the pooler
    assertThat(r.edges().stream().filter(e -> e.toId().equals(box.id())).map(e -> e.fromId()))
        .contains("/embeddings/LayerNorm/Add_1", "/Mul");
    assertThat(r.edges().stream().filter(e -> e.fromId().equals(box.id())).map(e -> e.toId()))
        .containsExactly("/pooler/Gather");
    // a handful of boxes: far smaller than the whole graph
    assertThat(r.height()).isLessThan(layout(Map.of(layers.firstIndexes().get(0), 0)).height());
  }

  @Test
  void anOpenCopyIsDrawnNodeByNodeBetweenTheOthers() {
    Result r = layout(Map.of(layers.firstIndexes().get(0), 1));

    assertThat(r.boxes().stream().filter(b -> b.kind() == Kind.BLOCK).map(Box::subtitle))
        .containsExactly("copy 1 of 4, 62 nodes each", "copies 3-4 of 4, 62 nodes each");
    assertThat(r.boxes().stream().filter(b -> b.kind() == Kind.BLOCK).map(Box::title))
        .containsExactly("encoder layer \u00d71", "encoder layer \u00d72");
    long open =
        r.boxes().stream()
            .filter(b -> b.kind() == Kind.NODE && b.subtitle().startsWith("/encoder/layer.1/"))
            .count();
    assertThat(open).isEqualTo(62);
    assertThat(r.boxes().stream().map(Box::id))
        .contains("/encoder/layer.1/attention/self/query/MatMul")
        .doesNotContain("/encoder/layer.0/attention/self/query/MatMul");
  }

  @Test
  void blocksNestedInAnOpenCopyAreCollapsedInTurn() {
    GraphProto cnn = TestModels.resNetLike().getGraph();
    List<RepeatedBlocks.Block> blocks = RepeatedBlocks.find(cnn);
    RepeatedBlocks.Block stages = blocks.get(1);
    int stagesKey = stages.firstIndexes().get(0);
    // the last node of stage 3: in stage copy 1, residual block copy 1 of the two inside it
    int node = stages.end() - 1;
    Map<Integer, Integer> holding = RepeatedBlocks.copiesHolding(blocks, node);
    int innerKey = stages.nested().get(0).firstIndexes().get(0) + stages.nodesPerBlock();
    assertThat(holding).containsExactly(Map.entry(stagesKey, 1), Map.entry(innerKey, 1));

    List<GraphLayout.Collapsed> one = RepeatedBlocks.collapsed(blocks, Map.of(stagesKey, 1));
    assertThat(one)
        .extracting(GraphLayout.Collapsed::title)
        .containsExactly("layer1 \u00d73", "layer \u00d71", "layer2 \u00d72");
    GraphLayout.Collapsed inner = one.get(2);
    assertThat(inner.firstNode()).isEqualTo(innerKey);
    assertThat(inner.endNode()).isEqualTo(stages.end());
    assertThat(cnn.getNode(inner.firstNode()).getName()).isEqualTo("/layer3/layer3.1/conv1/Conv");

    List<GraphLayout.Collapsed> both = RepeatedBlocks.collapsed(blocks, holding);
    assertThat(both)
        .extracting(GraphLayout.Collapsed::subtitle)
        .containsExactly("5 nodes each", "copy 1 of 2, 16 nodes each", "copy 1 of 2, 5 nodes each");
    Result r = GraphLayout.layout(Scope.all(cnn).get(0), Options.DEFAULTS, both, Progress.NONE);
    assertThat(r.boxes().stream().map(Box::id)).contains(cnn.getNode(node).getName());
  }

  @Test
  void overlappingRunsAreRefused() {
    var a = new GraphLayout.Collapsed("a", "a", "", 20, 40);
    var b = new GraphLayout.Collapsed("b", "b", "", 30, 50);
    assertThatThrownBy(
            () -> GraphLayout.layout(main, Options.DEFAULTS, List.of(a, b), Progress.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overlap at node 30");
    assertThatThrownBy(() -> new GraphLayout.Collapsed("c", "c", "", 5, 5))
        .hasMessageContaining("[5, 5)");
  }
}
