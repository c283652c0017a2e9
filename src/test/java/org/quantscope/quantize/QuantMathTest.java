// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** The arithmetic of ORT's weight quantization, on values computed by hand. */
class QuantMathTest {
  private static QuantizedWeight q(QuantType t, boolean sym, boolean rr, float... v) {
    return WeightQuantizer.quantize(
        FloatBuffer.wrap(v), new long[] {v.length}, -1, t, sym, rr, Double.NaN);
  }

  @Test
  void ranges() {
    assertThat(QuantMath.qRange(QuantType.QInt8, false, true)).containsExactly(-127, 127);
    assertThat(QuantMath.qRange(QuantType.QInt8, false, false)).containsExactly(-128, 127);
    assertThat(QuantMath.qRange(QuantType.QInt8, true, true)).containsExactly(-64, 64);
    assertThat(QuantMath.qRange(QuantType.QInt8, true, false)).containsExactly(-64, 64);
    assertThat(QuantMath.qRange(QuantType.QUInt8, false, true)).containsExactly(0, 255);
    assertThat(QuantMath.qRange(QuantType.QUInt8, true, false)).containsExactly(0, 127);
  }

  @Test
  void symmetricReducedInt8RoundsHalfToEven() {
    // absmax 1 -> scale 2/128 = 1/64 exactly, zero point 0
    QuantizedWeight w =
        q(QuantType.QInt8, true, true, -1f, 0.5f, 0.25f, 0.0234375f, 0.0078125f, -0.0234375f, 1f);
    assertThat(w.scales()).containsExactly(0.015625f);
    assertThat(w.zeroPoints()).containsExactly(0);
    // 1.5 -> 2, 0.5 -> 0, -1.5 -> -2 (half to even); the ends land on -64 and 64
    assertThat(w.data()).containsExactly(-64, 32, 16, 2, 0, -2, 64);
  }

  @Test
  void asymmetricUint8UsesTheDoubleScaleForTheZeroPoint() {
    // range [-1, 3]: scale = 4/255 (double, then float), zp = rint(0 - (-1) / (4/255)) = 64
    QuantizedWeight w = q(QuantType.QUInt8, false, false, -1f, 3f, 0f);
    assertThat(w.scales()).containsExactly((float) (4.0 / 255.0));
    assertThat(w.zeroPoints()).containsExactly(64);
    assertThat(w.data()[0] & 0xff).isEqualTo(0);
    assertThat(w.data()[1] & 0xff).isEqualTo(255);
    assertThat(w.data()[2] & 0xff).isEqualTo(64);
  }

  @Test
  void symmetricUint8CentresOn128() {
    QuantMath.Params p =
        QuantMath.params(-1f, 2f, QuantType.QUInt8, true, false, Double.NaN, false);
    assertThat(p.zeroPoint()).isEqualTo(128); // rint(127.5) = 128
    assertThat(p.scale()).isEqualTo((float) (4.0 / 255.0));
  }

  @Test
  void positiveOnlyDataGetsZeroPointZero() {
    QuantizedWeight w = q(QuantType.QUInt8, false, false, 0.5f, 2.55f);
    assertThat(w.zeroPoints()).containsExactly(0);
  }

  @Test
  void allZeroDenormalAndEmptyGiveScaleOne() {
    for (QuantizedWeight w :
        new QuantizedWeight[] {
          q(QuantType.QInt8, true, false, 0f, 0f, -0f),
          q(QuantType.QUInt8, false, false, 1e-40f, -1e-42f),
          q(QuantType.QInt8, true, false)
        }) {
      assertThat(w.scales()).containsExactly(1.0f);
      assertThat(w.zeroPoints()).containsExactly(0);
    }
    assertThat(q(QuantType.QInt8, true, false, 1e-40f).data()).containsExactly(0);
  }

  @Test
  void extremeValuesOverflowTheRangeToInfinityLikeFloat32Does() {
    QuantizedWeight w = q(QuantType.QInt8, true, false, -3.4e38f, 3.4e38f, 1f);
    // rmax - rmin overflows in float32, so the scale is +Inf and every value quantizes to 0
    assertThat(w.scales()[0]).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(w.data()).containsExactly(0, 0, 0);
  }

  @Test
  void clampIsToTheFullTypeRangeNotTheComputationRange() {
    // ORT >= 1.21 clamps to [-128, 127] even for symmetric int8, whose parameters use +-127
    assertThat(QuantMath.quantize(-3f, 0.015625f, 0, QuantType.QInt8)).isEqualTo(-128);
    assertThat(QuantMath.quantize(3f, 0.015625f, 0, QuantType.QInt8)).isEqualTo(127);
    assertThat(QuantMath.quantize(300f, 1f, 0, QuantType.QUInt8)).isEqualTo(255);
    assertThat(QuantMath.quantize(-1f, 1f, 0, QuantType.QUInt8)).isEqualTo(0);
    // float32 division decides near-halves: -1 / (2/255) is -127.49999 in float, so -127
    QuantizedWeight w = q(QuantType.QInt8, false, false, -1f, 1f);
    assertThat(w.zeroPoints()).containsExactly(0); // rint(-128 + 127.5) = rint(-0.5) = 0
    assertThat(w.data()).containsExactly(-127, 127);
  }

  @Test
  void minimumRealRangeWidensTheRange() {
    QuantMath.Params p = QuantMath.params(0f, 0.001f, QuantType.QUInt8, false, false, 1.0, false);
    assertThat(p.scale()).isEqualTo((float) (1.0 / 255.0));
  }

  @Test
  void perChannelTakesOneScalePerSliceAlongTheAxis() {
    // [2, 3]: column j holds (j+1) and -(j+1)/2
    float[] v = {1f, 2f, 3f, -0.5f, -1f, -1.5f};
    QuantizedWeight w =
        WeightQuantizer.quantize(
            FloatBuffer.wrap(v), new long[] {2, 3}, 1, QuantType.QInt8, true, false, Double.NaN);
    assertThat(w.scales())
        .containsExactly((float) (2.0 / 254), (float) (4.0 / 254), (float) (6.0 / 254));
    assertThat(w.data()).containsExactly(127, 127, 127, -64, -64, -64); // -63.5 -> -64
    QuantizedWeight rows =
        WeightQuantizer.quantize(
            FloatBuffer.wrap(v), new long[] {2, 3}, 0, QuantType.QInt8, true, false, Double.NaN);
    assertThat(rows.scales()).containsExactly((float) (6.0 / 254), (float) (3.0 / 254));
  }

  @Test
  void errorStatisticsDescribeTheRoundTrip() {
    QuantizedWeight exact = q(QuantType.QInt8, true, true, -1f, 0.5f, 0.25f);
    assertThat(exact.maxAbsError()).isZero();
    assertThat(exact.sqnrDb()).isInfinite();
    QuantizedWeight lossy = q(QuantType.QInt8, true, true, -1f, 0.0078125f);
    assertThat(lossy.maxAbsError()).isEqualTo(0.0078125, org.assertj.core.data.Offset.offset(1e-9));
    // signal 1 + 0.0078125^2, noise 0.0078125^2
    double expected = 10 * Math.log10((1 + 0.0078125 * 0.0078125) / (0.0078125 * 0.0078125));
    assertThat(lossy.sqnrDb()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-3));
  }

  @Test
  void slicedParallelQuantizationMatchesOneThread() {
    int n = WeightQuantizer.SLICE * 2 + 12345;
    float[] v = new float[n];
    java.util.Random r = new java.util.Random(4);
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    long[] dims = {n / 5, 5};
    for (int axis : new int[] {-1, 1}) {
      QuantizedWeight one =
          WeightQuantizer.quantize(
              FloatBuffer.wrap(v, 0, (n / 5) * 5),
              dims,
              axis,
              QuantType.QUInt8,
              false,
              false,
              Double.NaN);
      QuantizedWeight par =
          WeightQuantizer.quantizeAll(
                  java.util.List.of(
                      new WeightQuantizer.Spec(
                          FloatBuffer.wrap(v, 0, (n / 5) * 5),
                          dims,
                          axis,
                          QuantType.QUInt8,
                          false,
                          false,
                          Double.NaN)),
                  true)
              .get(0);
      assertThat(par.data()).isEqualTo(one.data());
      assertThat(par.scales()).isEqualTo(one.scales());
      // brute force check of a few elements against the formula
      for (int i = 0; i < 50; i++) {
        int k = r.nextInt((n / 5) * 5);
        int c = axis < 0 ? 0 : k % 5;
        assertThat(par.data()[k] & 0xff)
            .isEqualTo(
                QuantMath.quantize(v[k], par.scales()[c], par.zeroPoints()[c], QuantType.QUInt8));
      }
    }
  }

  /** {@code QuantMath.rint} against {@code Math.rint}, bit for bit (signed zeros included). */
  private static void sameAsMathRint(float v) {
    float want = (float) Math.rint(v);
    float got = QuantMath.rint(v);
    // bit for bit but NaN payloads (a NaN quantizes to 0 whatever its payload)
    assertThat(Float.floatToIntBits(got))
        .as("rint(%s) = %s, Math.rint gives %s", v, got, want)
        .isEqualTo(Float.floatToIntBits(want));
  }

  @Test
  void rintIsMathRintBitForBit() {
    float[] special = {
      0f,
      -0f,
      0.5f,
      -0.5f,
      1.5f,
      -1.5f,
      2.5f,
      -2.5f,
      0.49999997f,
      -0.49999997f,
      127.5f,
      -127.5f,
      128.5f,
      254.5f,
      255.5f,
      0x1.0p23f,
      -0x1.0p23f,
      0x1.0p23f - 0.5f,
      -(0x1.0p23f - 0.5f),
      0x1.0p23f - 1.5f,
      0x1.0p24f,
      0x1.0p24f + 2,
      Float.MIN_VALUE,
      -Float.MIN_VALUE,
      Float.MIN_NORMAL,
      Float.MAX_VALUE,
      -Float.MAX_VALUE,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      Float.NaN
    };
    for (float v : special) {
      sameAsMathRint(v);
    }
    // every float whose bits are a multiple of 97 (44 million values over the whole range, both
    // signs, with NaNs), and every half-integer and its neighbours up to 2^16
    for (long bits = 0; bits <= 0xFFFF_FFFFL; bits += 97) {
      sameAsMathRint(Float.intBitsToFloat((int) bits));
    }
    for (int k = -(1 << 17); k <= 1 << 17; k++) {
      float h = k + 0.5f;
      sameAsMathRint(h);
      sameAsMathRint(Math.nextUp(h));
      sameAsMathRint(Math.nextDown(h));
    }
  }
}
