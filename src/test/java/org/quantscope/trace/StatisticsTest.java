// SPDX-License-Identifier: Apache-2.0
package org.quantscope.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The trace's statistics against values computed by hand. */
class StatisticsTest {

  @Test
  void dynamicQuantizationFollowsTheOnnxSpecExample() {
    // the example of the ONNX operator documentation for DynamicQuantizeLinear
    float[] x = {0, 2, -3, -2.5f, 1.34f, 0.5f};
    DynamicQuantization.Params p = DynamicQuantization.params(x);
    assertThat(p.scale()).isCloseTo(5f / 255, within(1e-7f));
    assertThat(p.zeroPoint()).isEqualTo(153f);
    int[] want = {153, 255, 0, 26, 221, 179};
    for (int i = 0; i < x.length; i++) {
      float back = DynamicQuantization.roundTrip(x[i], p);
      assertThat(back).isCloseTo((want[i] - 153) * p.scale(), within(1e-6f));
    }
    // the range always holds 0: an all-positive tensor keeps zero point 0
    assertThat(DynamicQuantization.params(new float[] {1, 2, 3}).zeroPoint()).isZero();
    // an all-zero tensor is exact
    assertThat(DynamicQuantization.params(new float[] {0, 0}).scale()).isZero();
    assertThat(DynamicQuantization.roundTrip(0, DynamicQuantization.params(new float[2]))).isZero();
  }

  @Test
  void differenceStatisticsByHand() {
    DiffAccumulator d = new DiffAccumulator();
    d.add(new float[] {1, 2}, new float[] {1, 3}); // d = 0, 1
    d.add(new float[] {-2}, new float[] {-4}); // d = -2
    assertThat(d.elements()).isEqualTo(3);
    assertThat(d.maxAbsDiff()).isEqualTo(2);
    assertThat(d.meanAbsDiff()).isCloseTo(1.0, within(1e-12));
    assertThat(d.rmsReference()).isCloseTo(Math.sqrt(9 / 3.0), within(1e-12)); // 1 + 4 + 4
    assertThat(d.noiseToSignal()).isCloseTo(5 / 9.0, within(1e-12)); // 0 + 1 + 4 over 9
    assertThat(d.relativeError()).isCloseTo(Math.sqrt(5 / 9.0), within(1e-12));
    assertThat(d.sqnrDb()).isCloseTo(10 * Math.log10(9 / 5.0), within(1e-12));
    // cosine of (1, 2, -2) and (1, 3, -4): 15 / (3 * sqrt(26))
    assertThat(d.cosine()).isCloseTo(15 / (3 * Math.sqrt(26)), within(1e-12));

    DiffAccumulator same = new DiffAccumulator();
    same.add(new float[] {1, -1}, new float[] {1, -1});
    assertThat(same.sqnrDb()).isInfinite();
    assertThat(same.relativeError()).isZero();
    assertThat(same.cosine()).isEqualTo(1);
  }

  @Test
  void activationStatisticsByHand() {
    ActivationAccumulator a = new ActivationAccumulator();
    // two runs of 2 rows x 3: one row holds an outlier
    a.add(new float[] {1, -1, 0.5f, 2, 0, -2}, new long[] {2, 3});
    a.add(new float[] {0.25f, 40, -1, 1, 1, 1}, new long[] {2, 3});
    assertThat(a.elements()).isEqualTo(12);
    assertThat(a.runs()).isEqualTo(2);
    assertThat(a.min()).isEqualTo(-2);
    assertThat(a.max()).isEqualTo(40);
    assertThat(a.rowMaxAbs()).containsExactly(1, 2, 40, 1);
    assertThat(a.stepMin()).isCloseTo(4f / 255, within(1e-7f));
    assertThat(a.stepMax()).isCloseTo(41f / 255, within(1e-7f));
    assertThat(a.stepMean()).isCloseTo((4.0 / 255 + 41.0 / 255) / 2, within(1e-7));
    // the 99.9th percentile of 12 values is the largest; the median |x| is 1
    assertThat(a.quantileAbs(0.999)).isCloseTo(40f, within(40f * 0.011f));
    assertThat(a.quantileAbs(0.5)).isCloseTo(1f, within(0.011f));
    // the error of the uint8 round trip, by hand: run 1 has scale 4/255 and zero point 128
    double s1 = 4.0 / 255;
    double noise1 = 0;
    for (float v : new float[] {1, -1, 0.5f, 2, 0, -2}) {
      double q = Math.max(0, Math.min(255, Math.rint(v / (float) s1) + 128));
      noise1 += Math.pow(v - (q - 128) * (float) s1, 2);
    }
    assertThat(noise1).isPositive();
    assertThat(a.sqnrDb()).isLessThan(60).isGreaterThan(20);
    // the drawable histogram holds every value
    long total = 0;
    for (long c : a.histogram()) {
      total += c;
    }
    assertThat(total).isEqualTo(12);
    assertThat(a.histogramRange()).isEqualTo(64); // the power of two at or above 40
  }
}
