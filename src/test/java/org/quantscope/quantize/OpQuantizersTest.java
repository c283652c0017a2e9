// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quantscope.TestModels;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.Protos;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.TensorProto;
import org.quantscope.progress.Progress;

/** The registry of op facts, and the places that read it. */
class OpQuantizersTest {

  @Test
  void theRegistryIsOrtsDynamicIntegerOpsRegistry() {
    assertThat(OpQuantizers.opTypes())
        .containsExactlyInAnyOrder(
            "Conv",
            "MatMul",
            "Attention",
            "LSTM",
            "Gather",
            "Transpose",
            "EmbedLayerNormalization");
    for (String op : OpQuantizers.opTypes()) {
      assertThat(OpQuantizers.forOp(op).opType()).isEqualTo(op);
    }
    assertThatThrownBy(() -> OpQuantizers.forOp("Gemm"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no quantizer for Gemm");
  }

  @Test
  void gemmIsACandidateJudgedAsTheMatMulItBecomes() {
    assertThat(OpQuantizers.forCandidate("Gemm")).isSameAs(OpQuantizers.forOp("MatMul"));
    assertThat(OpQuantizers.forCandidate("Relu")).isNull();
    assertThat(OpQuantizers.forCandidate("MatMulInteger")).isNull();
  }

  @Test
  void eachOpNamesItsWeightInputsAndTheirRules() {
    assertThat(OpQuantizers.forOp("MatMul").weights())
        .containsExactly(new OpQuantizer.WeightInput(1, "B", WeightRule.WEIGHT));
    assertThat(OpQuantizers.forOp("Attention").weights())
        .extracting(OpQuantizer.WeightInput::index, OpQuantizer.WeightInput::rule)
        .containsExactly(tuple(1, WeightRule.WEIGHT));
    assertThat(OpQuantizers.forOp("Conv").weights())
        .containsExactly(new OpQuantizer.WeightInput(1, "W", WeightRule.CONV));
    assertThat(OpQuantizers.forOp("Gather").weights())
        .containsExactly(new OpQuantizer.WeightInput(0, "data", WeightRule.TABLE));
    assertThat(OpQuantizers.forOp("LSTM").weights())
        .containsExactly(
            new OpQuantizer.WeightInput(1, "W", WeightRule.LSTM),
            new OpQuantizer.WeightInput(2, "R", WeightRule.LSTM));
    assertThat(OpQuantizers.forOp("EmbedLayerNormalization").weights())
        .extracting(OpQuantizer.WeightInput::index)
        .containsExactly(2, 3, 4, 5, 6);
    assertThat(OpQuantizers.forOp("EmbedLayerNormalization").weights())
        .allSatisfy(w -> assertThat(w.rule()).isEqualTo(WeightRule.TABLE));
    assertThat(OpQuantizers.forOp("Transpose").direct8Bit()).isTrue();
    assertThat(OpQuantizers.forOp("MatMul").direct8Bit()).isFalse();
  }

  @Test
  void theWeightInputOfANodeComesFromItsOp() {
    assertThat(weightOf("MatMul", "a", "b")).isEqualTo("b");
    assertThat(weightOf("Gemm", "a", "b", "c")).isEqualTo("b");
    assertThat(weightOf("Gather", "table", "ids")).isEqualTo("table");
    assertThat(weightOf("EmbedLayerNormalization", "ids", "seg", "word", "pos")).isEqualTo("word");
    assertThat(weightOf("MatMul", "a")).as("missing input").isNull();
    assertThat(weightOf("Relu", "a")).isNull();
  }

  private static String weightOf(String op, String... inputs) {
    return Quantizability.weightInput(Protos.node(op, "n", List.of(inputs), List.of("y")));
  }

  @Test
  void rulesGiveTheTypesRangesAndAxesOrtUses() throws Exception {
    TensorProto w = Tensors.rawFloats("w", new long[] {2, 3, 4}, new float[24]);
    QuantizeOptions uint8 =
        QuantizeOptions.builder()
            .weightType(QuantType.QUInt8)
            .perChannel(true)
            .reduceRange(true)
            .build();
    WeightJob weight = WeightRule.WEIGHT.plan(w, uint8);
    assertThat(weight.type()).isEqualTo(QuantType.QUInt8);
    assertThat(weight.axis()).isEqualTo(2);
    assertThat(weight.paramDims()).containsExactly(4);
    assertThat(weight.reduceRange()).isTrue();
    assertThat(weight.symmetric()).isFalse();

    WeightJob table = WeightRule.TABLE.plan(w, uint8);
    assertThat(table.type()).isEqualTo(QuantType.QUInt8);
    assertThat(table.axis()).isEqualTo(-1);
    assertThat(table.reduceRange()).isFalse();

    WeightJob lstm = WeightRule.LSTM.plan(w, uint8);
    assertThat(lstm.type()).isEqualTo(QuantType.QInt8);
    assertThat(lstm.symmetric()).isTrue();
    assertThat(lstm.quantDims()).containsExactly(6, 4);
    assertThat(lstm.lstmTranspose()).isTrue();

    assertThat(WeightRule.CONV.plan(w, uint8).axis()).as("per tensor, as ORT").isEqualTo(-1);
    QuantizeOptions ext =
        uint8.toBuilder().extensions(new QuantizeOptions.Extensions(false, true, false)).build();
    WeightJob conv = WeightRule.CONV.plan(w, ext);
    assertThat(conv.axis()).isZero();
    assertThat(conv.symmetric()).isTrue();
    assertThat(conv.scaleDims()).containsExactly(2, 1);
  }

  @Test
  void theOptionsAndTheNothingToQuantizeMessageReadTheRegistry() {
    assertThatThrownBy(() -> QuantizeOptions.builder().opTypes(Set.of("Gemm")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unknown op type 'Gemm' to quantize, expected some of [Attention, Conv,"
                + " EmbedLayerNormalization, Gather, LSTM, MatMul, Transpose]");
    assertThatThrownBy(
            () ->
                DynamicQuantizer.quantize(
                    OnnxModel.of(TestModels.treeOnly()), QuantizeOptions.DEFAULTS, Progress.NONE))
        .isInstanceOf(NothingToQuantizeException.class)
        .hasMessage(
            "nothing to quantize: the model has no MatMul, Gemm, Conv, Gather, LSTM, Attention or"
                + " EmbedLayerNormalization node");
    assertThat(Criteria.DEFAULTS.effectiveOpTypes()).isEqualTo(OpQuantizers.opTypes());
  }
}
