// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.quantscope.TestModels;
import org.quantscope.graph.ModelSummary;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.OnnxModel;

class SummariesTest {

  @Test
  void countsNodesOfSubgraphsAndListsOnlyRealInputs() throws ModelFormatException {
    ModelSummary s = Summaries.summarize(OnnxModel.of(TestModels.withIf()));
    assertThat(s.nodeCount()).isEqualTo(4);
    assertThat(s.opCounts())
        .containsEntry("If", 1)
        .containsEntry("MatMul", 2)
        .containsEntry("Relu", 1);
    assertThat(s.subgraphCount()).isEqualTo(2);
    assertThat(s.inputs()).extracting(ModelSummary.ValueSummary::name).containsExactly("x", "flag");
    assertThat(s.inputs().get(1).shape()).isEmpty();
    assertThat(s.opsets()).containsExactly(java.util.Map.entry("ai.onnx", 17L));
  }

  @Test
  void describesTypesShapesAndWeights() throws ModelFormatException {
    ModelSummary s = Summaries.summarize(OnnxModel.of(TestModels.mlp()));
    assertThat(s.inputs())
        .containsExactly(
            new ModelSummary.ValueSummary("x", "tensor(float)", Arrays.asList("batch", 4L)));
    assertThat(s.initializerCount()).isEqualTo(4);
    assertThat(s.initializerBytes()).isEqualTo((32 + 8 + 24 + 3) * 4);
    assertThat(s.willQuantizeCount()).isEqualTo(2);
    assertThat(s.irVersion()).isEqualTo(8);
    assertThat(s.producer()).isEqualTo("quantscope");
  }

  @Test
  void graphInputsThatAreInitializersAreNotInputs() throws ModelFormatException {
    var m = TestModels.mlp();
    var g =
        m.getGraph().toBuilder()
            .addInput(
                org.quantscope.model.Protos.tensorValue(
                    "W1", org.quantscope.model.ElementType.FLOAT, 4, 8))
            .build();
    ModelSummary s = Summaries.summarize(OnnxModel.of(m.toBuilder().setGraph(g).build()));
    assertThat(s.inputs()).extracting(ModelSummary.ValueSummary::name).containsExactly("x");
  }

  @Test
  void typeStringsCoverNonTensorTypes() {
    var seq =
        org.quantscope.onnx.TypeProto.newBuilder()
            .setSequenceType(
                org.quantscope.onnx.TypeProto.Sequence.newBuilder()
                    .setElemType(
                        org.quantscope.onnx.TypeProto.newBuilder()
                            .setMapType(
                                org.quantscope.onnx.TypeProto.Map.newBuilder()
                                    .setKeyType(7)
                                    .setValueType(
                                        org.quantscope.onnx.TypeProto.newBuilder()
                                            .setTensorType(
                                                org.quantscope.onnx.TypeProto.Tensor.newBuilder()
                                                    .setElemType(1))))))
            .build();
    assertThat(Summaries.typeString(seq)).isEqualTo("seq(map(int64,tensor(float)))");
  }
}
