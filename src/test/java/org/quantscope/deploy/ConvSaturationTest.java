// SPDX-License-Identifier: Apache-2.0
package org.quantscope.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quantscope.TestModels;
import org.quantscope.model.OnnxModel;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantType;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.NdArray;

/** ConvInteger recomputed as ONNX Runtime does it (im2col, the weight as MLAS's matrix A). */
class ConvSaturationTest {
  static List<Map<String, NdArray>> feeds(int runs) {
    Random r = new Random(6);
    List<Map<String, NdArray>> out = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      float[] x = new float[2 * 4 * 9 * 9];
      for (int j = 0; j < x.length; j++) {
        x[j] = r.nextFloat();
      }
      out.add(Map.of("x", NdArray.of(x, 2, 4, 9, 9)));
    }
    return out;
  }

  static SaturationReport emulate(QuantizeOptions o) throws Exception {
    OnnxModel int8 =
        DynamicQuantizer.quantize(OnnxModel.of(TestModels.saturatingConv()), o, Progress.NONE)
            .model();
    assertThat(int8.graph().getNodeList()).anyMatch(n -> n.getOpType().equals("ConvInteger"));
    return SaturationCheck.check(
        ModelSource.of(int8, "int8", -1), feeds(2), SaturationCheckTest.SESSIONS, Progress.NONE);
  }

  static NodeSaturation node(SaturationReport r, String name) {
    return r.nodes().stream().filter(n -> n.node().startsWith(name)).findFirst().orElseThrow();
  }

  @Test
  void int8WeightsTakeThePortableKernelAndTheRecomputationIsWhatOnnxRuntimeComputes()
      throws Exception {
    SaturationReport r = emulate(QuantizeOptions.DEFAULTS);
    assertThat(r.nodes()).hasSize(2);
    NodeSaturation grouped = node(r, "conv1");
    assertThat(grouped.kernel()).isEqualTo("s8u8");
    // K: 2 channels per group x 3 x 3; n: output channels
    assertThat(grouped.k()).isEqualTo(18);
    assertThat(grouped.n()).isEqualTo(6);
    // 2 runs x batch 2 x 6 channels x 5 x 5 positions (stride 2, pad 1 on 9 x 9)
    assertThat(grouped.outputs()).isEqualTo(2L * 2 * 6 * 25);
    NodeSaturation pointwise = node(r, "conv2");
    assertThat(pointwise.k()).isEqualTo(6);
    assertThat(pointwise.outputs()).isEqualTo(2L * 2 * 5 * 25);
    for (NodeSaturation n : r.nodes()) {
      // the weight is MLAS's A operand: the u8 x s8 pair sums never happen, whatever the CPU
      assertThat(n.saturatedPairs()).isZero();
      assertThat(n.outputsChanged()).isZero();
      // im2col with padding, stride and groups, checked element by element against ONNX Runtime
      assertThat(n.ortEqualsExact()).as(n.node()).isEqualTo(n.outputs());
    }
    assertThat(r.atRisk()).isFalse();
    assertThat(r.thisCpu()).isEqualTo("exact");
    assertThat(r.notes()).noneMatch(s -> s.contains("ConvInteger"));
  }

  @Test
  void uint8WeightsTakeTheWideningKernel() throws Exception {
    SaturationReport r = emulate(QuantizeOptions.builder().weightType(QuantType.QUInt8).build());
    assertThat(r.nodes()).hasSize(2).allMatch(n -> n.kernel().equals("u8u8"));
    for (NodeSaturation n : r.nodes()) {
      assertThat(n.saturatedPairs()).isZero();
      assertThat(n.ortEqualsExact()).as(n.node()).isEqualTo(n.outputs()).isPositive();
    }
  }

  @Test
  void thePaddedBorderHoldsTheInputZeroPoint() {
    // the padded border holds the input zero point, which contributes nothing; were it 0, the
    // border outputs would differ: the comparison with ONNX Runtime can fail
    ConvKernel.Geometry g =
        new ConvKernel.Geometry(
            new byte[] {1, 1, 1, 1, 1, 1, 1, 1, 1},
            true,
            0,
            1,
            1,
            3,
            3,
            1,
            new int[] {1, 1, 1, 1},
            new int[] {1, 1},
            new int[] {1, 1});
    int[] x = {10, 10, 10, 10};
    int[] y = ConvKernel.exact(x, 10, new long[] {1, 1, 2, 2}, g, 2, 2);
    assertThat(y).containsExactly(0, 0, 0, 0);
    int[] x2 = {11, 12, 13, 14};
    // every output sees all four inputs (2 x 2 input, 3 x 3 kernel, pad 1): (1 + 2 + 3 + 4)
    assertThat(ConvKernel.exact(x2, 10, new long[] {1, 1, 2, 2}, g, 2, 2))
        .containsExactly(10, 10, 10, 10);
  }
}
