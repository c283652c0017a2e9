// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quantscope.OrtRunner;
import org.quantscope.TestModels;
import org.quantscope.onnx.ModelProto;

/**
 * QuantScope's opt-in rewrites for models ORT skips: each is off by default (ORT's output stays
 * untouched) and, when on, gives a model ONNX Runtime runs within quantization error.
 */
class ExtensionsTest {
  private static QuantizeOptions with(QuantizeOptions.Extensions e) {
    return QuantizeOptions.builder().extensions(e).build();
  }

  private static void assertClose(
      ModelProto f, ModelProto q, Map<String, OrtRunner.Input> in, double tol) throws Exception {
    Map<String, float[]> want = OrtRunner.run(f, in);
    Map<String, float[]> got = OrtRunner.run(q, in);
    for (String k : want.keySet()) {
      double scale = Math.max(1, OrtRunner.maxAbs(want.get(k)));
      // stated tolerance: a few percent of the output's magnitude
      assertThat(OrtRunner.maxAbsDiff(want.get(k), got.get(k)) / scale)
          .as(k)
          .isLessThanOrEqualTo(tol);
    }
  }

  @Test
  void constantNodeWeights() throws Exception {
    ModelProto m = TestModels.constantWeight();
    assertThatThrownBy(() -> DynamicQuantizerTest.q(m))
        .isInstanceOf(NothingToQuantizeException.class)
        .hasMessageContaining("--constant-weights");
    ModelProto out =
        DynamicQuantizerTest.quantize(m, with(new QuantizeOptions.Extensions(true, false, false)))
            .model()
            .proto();
    assertThat(DynamicQuantizerTest.ops(out))
        .containsEntry("MatMulInteger", 1)
        .doesNotContainKey("Constant");
    assertThat(DynamicQuantizerTest.initNames(out))
        .containsExactly("w_scale", "w_zero_point", "w_quantized");
    assertClose(m, out, Map.of("x", OrtRunner.Input.floats(TestModels.values(4, 1), 1, 4)), 0.05);
  }

  @Test
  void identityCopiesOfInitializers() throws Exception {
    ModelProto m = TestModels.identityWeights();
    QuantizationResult ort = DynamicQuantizerTest.quantize(m, QuantizeOptions.DEFAULTS).result();
    assertThat(ort.quantized())
        .extracting(QuantizationResult.NodeReport::node)
        .containsExactly("mm1");
    assertThat(ort.skipped().get(0).reason())
        .contains("Identity copy of a constant")
        .contains("--constant-weights");

    DynamicQuantizer.Output o =
        DynamicQuantizerTest.quantize(m, with(new QuantizeOptions.Extensions(true, false, false)));
    assertThat(o.result().quantized())
        .extracting(QuantizationResult.NodeReport::node)
        .containsExactly("mm1", "mm2");
    ModelProto out = o.model().proto();
    assertThat(DynamicQuantizerTest.ops(out))
        .doesNotContainKey("Identity")
        .doesNotContainKey("MatMul");
    assertClose(m, out, Map.of("x", OrtRunner.Input.floats(TestModels.values(4, 2), 1, 4)), 0.05);
  }

  @Test
  void gemmGeneralIsOffByDefaultAndRunsWhenOn() throws Exception {
    ModelProto m = TestModels.gemmGeneral();
    assertThatThrownBy(() -> DynamicQuantizerTest.q(m))
        .isInstanceOf(NothingToQuantizeException.class)
        .hasMessageContaining("--gemm-general");
    DynamicQuantizer.Output o =
        DynamicQuantizerTest.quantize(m, with(new QuantizeOptions.Extensions(false, false, true)));
    ModelProto out = o.model().proto();
    assertThat(o.result().quantizedCount()).isEqualTo(2);
    assertThat(DynamicQuantizerTest.ops(out))
        .doesNotContainKey("Gemm")
        .containsEntry("MatMulInteger", 2);
    assertThat(DynamicQuantizerTest.node(out, "g1_TransposeA").getOpType()).isEqualTo("Transpose");
    assertClose(m, out, Map.of("xt", OrtRunner.Input.floats(TestModels.values(8, 3), 4, 2)), 0.05);
  }

  @Test
  void convPerChannel() throws Exception {
    ModelProto m = TestModels.convNet();
    QuantizeOptions pc =
        QuantizeOptions.builder()
            .perChannel(true)
            .extensions(new QuantizeOptions.Extensions(false, true, false))
            .build();
    ModelProto out = DynamicQuantizerTest.quantize(m, pc).model().proto();
    assertThat(DynamicQuantizerTest.init(out, "K1_scale").getDimsList())
        .containsExactly(4L, 1L, 1L);
    // ORT's ConvInteger takes one weight zero point: symmetric channels share it
    assertThat(DynamicQuantizerTest.init(out, "K1_zero_point").getDimsCount()).isZero();
    for (QuantType t : QuantType.values()) {
      ModelProto q =
          DynamicQuantizerTest.quantize(m, pc.toBuilder().weightType(t).build()).model().proto();
      assertClose(
          m, q, Map.of("img", OrtRunner.Input.floats(TestModels.values(128, 5), 1, 2, 8, 8)), 0.05);
    }
    // without per_channel the extension changes nothing
    ModelProto pt =
        DynamicQuantizerTest.quantize(m, with(new QuantizeOptions.Extensions(false, true, false)))
            .model()
            .proto();
    assertThat(DynamicQuantizerTest.init(pt, "K1_scale").getDimsCount()).isZero();
  }

  @Test
  void staleValueInfoDoesNotMatter() throws Exception {
    ModelProto m = TestModels.staleValueInfo();
    ModelProto out = DynamicQuantizerTest.q(m);
    assertThat(DynamicQuantizerTest.ops(out)).containsEntry("MatMulInteger", 2);
    assertThat(out.getGraph().getValueInfoList()).noneMatch(v -> v.getName().equals("W2"));
    assertClose(
        TestModels.mlp(),
        out,
        Map.of("x", OrtRunner.Input.floats(TestModels.values(8, 9), 2, 4)),
        0.05);
  }

  @Test
  void subgraphsWithEnableSubgraph() throws Exception {
    ModelProto m = TestModels.withIf();
    assertThatThrownBy(() -> DynamicQuantizerTest.q(m))
        .isInstanceOf(NothingToQuantizeException.class)
        .hasMessageContaining("EnableSubgraph");
    DynamicQuantizer.Output o =
        DynamicQuantizerTest.quantize(m, QuantizeOptions.builder().enableSubgraph(true).build());
    assertThat(o.result().quantized())
        .extracting(QuantizationResult.NodeReport::node)
        .containsExactly("then_mm", "branch.else_branch/MatMul#0");
    ModelProto out = o.model().proto();
    // the outer weight is quantized once, in the main graph, and both branches read it
    assertThat(DynamicQuantizerTest.initNames(out))
        .containsExactly("W_scale", "W_zero_point", "W_quantized");
    var ifNode = out.getGraph().getNode(0);
    for (var a : ifNode.getAttributeList()) {
      assertThat(a.getG().getNodeList())
          .anySatisfy(
              n -> {
                assertThat(n.getOpType()).isEqualTo("MatMulInteger");
                assertThat(n.getInputList()).contains("W_quantized");
              });
    }
    for (boolean flag : new boolean[] {true, false}) {
      Map<String, OrtRunner.Input> in =
          Map.of(
              "x", OrtRunner.Input.floats(TestModels.values(4, 8), 1, 4),
              "flag", OrtRunner.Input.bools(flag));
      assertClose(m, out, in, 0.05);
    }
  }
}
