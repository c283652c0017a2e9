// SPDX-License-Identifier: Apache-2.0
package org.quantscope.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quantscope.TestModels;
import org.quantscope.model.ElementType;
import org.quantscope.model.OnnxModel;
import org.quantscope.progress.Progress;
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.NdArray;

/**
 * com.microsoft MatMulIntegerToFloat: the same u8 x s8 GEMM as MatMulInteger, scaled to float
 * inside the op.
 */
class MatMulIntegerToFloatSaturationTest {
  @Test
  void itsPairsSaturateAsComputedByHand() throws Exception {
    // B [4, 3] = i x 19 - 100 row by row: column 0 holds -100, -43 | 14, 71; column 1 -81, -24 |
    // 33, 90; column 2 -62, -5 | 52, 109. Row 0 of A is all 255: pairs (k 0, 1) and (2, 3).
    byte[] a = {(byte) 255, (byte) 255, (byte) 255, (byte) 255, 1, 2, 3, 4};
    Map<String, NdArray> feed = Map.of("xq", new NdArray(ElementType.UINT8, new long[] {2, 4}, a));
    OnnxModel m = OnnxModel.of(TestModels.contribInt8("MatMulIntegerToFloat"));
    SaturationReport r =
        SaturationCheck.check(
            ModelSource.of(m, "m", -1), List.of(feed), SaturationCheckTest.SESSIONS, Progress.NONE);

    assertThat(r.nodes()).hasSize(1);
    NodeSaturation n = r.nodes().get(0);
    assertThat(n.kernel()).isEqualTo("u8s8");
    assertThat(n.pairs()).isEqualTo(2L * 3 * 2);
    // row 0, pair sums per column: col 0 255 x (-143) = -36,465 (saturates) and 255 x 85 =
    // 21,675; col 1 -26,775 and 31,365; col 2 -17,085 and 255 x 161 = 41,055 (saturates). Row 1
    // is small. The zero points (128, 0) are applied after the clamp, exactly.
    assertThat(n.saturatedPairs()).isEqualTo(2);
    assertThat(n.largestOverflow()).isEqualTo(41_055 - 32_767);
    assertThat(n.outputsChanged()).isEqualTo(2);
    // the clamp's error in output units: (clamped - exact) x a_scale x b_scale
    double col0 = (-32_768 + 36_465) * 0.02 * 0.01;
    double col2 = (32_767 - 41_055) * 0.02 * 0.01;
    assertThat(n.maxAbsError()).isCloseTo(Math.abs(col2), within(1e-6));
    assertThat(n.rmsError()).isCloseTo(Math.sqrt((col0 * col0 + col2 * col2) / 6), within(1e-6));
    // ONNX Runtime here computes one of the two, to float rounding
    assertThat(n.ortEqualsExact() + n.ortEqualsClamped()).isGreaterThanOrEqualTo(n.outputs());
    assertThat(r.notes()).noneMatch(s -> s.contains("MatMulIntegerToFloat"));
  }
}
