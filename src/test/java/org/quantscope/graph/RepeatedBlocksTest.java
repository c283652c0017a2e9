// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quantscope.OrtRunner;
import org.quantscope.TestModels;
import org.quantscope.graph.RepeatedBlocks.Block;
import org.quantscope.onnx.GraphProto;

class RepeatedBlocksTest {

  @ParameterizedTest
  @ValueSource(ints = {2, 6, 12})
  void theLayersOfAnEncoderAreItsBlocks(int layers) {
    GraphProto g = TestModels.bertEncoder(layers, true).getGraph();

    List<Block> blocks = RepeatedBlocks.find(g);

    assertThat(blocks).hasSize(1);
    Block b = blocks.get(0);
    assertThat(b.name()).isEqualTo("encoder layer");
    assertThat(b.count()).isEqualTo(layers);
    assertThat(b.nodesPerBlock()).isEqualTo(62);
    assertThat(b.firstNodes())
        .containsExactlyElementsOf(
            IntStream.range(0, layers)
                .mapToObj(i -> "/encoder/layer." + i + "/attention/self/query/MatMul")
                .toList());
    assertThat(b.nested()).isEmpty();
    assertThat(b.label()).isEqualTo("encoder layer \u00d7" + layers);
    // every node of a copy carries its layer's prefix, and nothing else does
    for (int r = 0; r < layers; r++) {
      int start = b.firstIndexes().get(r);
      for (int i = start; i < start + b.nodesPerBlock(); i++) {
        assertThat(g.getNode(i).getName()).startsWith("/encoder/layer." + r + "/");
        assertThat(b.copyOf(i)).isEqualTo(r);
      }
    }
    long inLayers =
        g.getNodeList().stream().filter(n -> n.getName().startsWith("/encoder/")).count();
    assertThat(b.nodeCount()).isEqualTo((int) inLayers);
  }

  @Test
  void theEncoderFixtureIsAModelOnnxRuntimeRuns() throws Exception {
    // the fixtures stand for real exports: they must load and run, not only have the structure
    Map<String, float[]> out =
        OrtRunner.run(
            TestModels.bertEncoder(2, true),
            Map.of(
                "input_ids", OrtRunner.Input.longs(new long[] {1, 5, 7, 2}, 1, 4),
                "attention_mask", OrtRunner.Input.floats(new float[] {0, 0, 0, 0}, 1, 1, 1, 4)));
    assertThat(out).isNotEmpty();
    assertThat(out.values()).allSatisfy(v -> assertThat(v).isNotEmpty());
  }

  @Test
  void withoutNamesTheStructureStillGivesTheLayers() {
    GraphProto g = TestModels.bertEncoder(6, false).getGraph();

    List<Block> blocks = RepeatedBlocks.find(g);

    assertThat(blocks).hasSize(1);
    assertThat(blocks.get(0).count()).isEqualTo(6);
    assertThat(blocks.get(0).nodesPerBlock()).isEqualTo(62);
    assertThat(blocks.get(0).name()).contains("\u2026"); // op types, no names to read
  }

  @Test
  void theStagesOfACnnNestTheirResidualBlocks() {
    GraphProto g = TestModels.resNetLike().getGraph();

    List<Block> blocks = RepeatedBlocks.find(g);

    // stage 1: three residual blocks; stages 2 and 3 are one structure twice, with two
    // residual blocks repeated inside each
    assertThat(blocks).extracting(Block::count).containsExactly(3, 2);
    Block stage1 = blocks.get(0);
    assertThat(stage1.nodesPerBlock()).isEqualTo(5);
    assertThat(stage1.name()).isEqualTo("layer1");
    assertThat(stage1.firstNodes())
        .containsExactly(
            "/layer1/layer1.0/conv1/Conv",
            "/layer1/layer1.1/conv1/Conv",
            "/layer1/layer1.2/conv1/Conv");
    Block stages = blocks.get(1);
    assertThat(stages.name()).isEqualTo("layer");
    assertThat(stages.nodesPerBlock()).isEqualTo(6 + 5 + 5);
    assertThat(stages.firstNodes())
        .containsExactly("/layer2/layer2.0/conv1/Conv", "/layer3/layer3.0/conv1/Conv");
    assertThat(stages.nested()).hasSize(1);
    Block inner = stages.nested().get(0);
    assertThat(inner.count()).isEqualTo(2);
    assertThat(inner.nodesPerBlock()).isEqualTo(5);
    assertThat(inner.firstNodes())
        .containsExactly("/layer2/layer2.1/conv1/Conv", "/layer2/layer2.2/conv1/Conv");
    assertThat(RepeatedBlocks.flatten(blocks)).hasSize(3);
  }

  @Test
  void aModelWithoutRepeatsHasNoBlocks() {
    assertThat(RepeatedBlocks.find(TestModels.mlp().getGraph())).isEmpty();
    assertThat(RepeatedBlocks.find(TestModels.convNet().getGraph())).isEmpty();
    assertThat(RepeatedBlocks.find(TestModels.candidates().getGraph())).isEmpty();
    assertThat(RepeatedBlocks.find(TestModels.bertEncoder(1, true).getGraph())).isEmpty();
  }
}
