// SPDX-License-Identifier: Apache-2.0
package org.quantscope.parity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The percentiles without a sort are those of the sorted values, bit for bit. */
class RankedTest {
  private static final double[] PERCENTILES = {0, 1, 50, 90, 99, 99.9, 100};

  private static void assertSameAsSorted(float[] v, String what) {
    float[] sorted = v.clone();
    Arrays.sort(sorted);
    DiffStats.Ranked ranked = new DiffStats.Ranked(v, PERCENTILES);
    for (double p : PERCENTILES) {
      double want = DiffStats.percentile(sorted, p);
      double got = ranked.percentile(p);
      assertThat(Double.doubleToLongBits(got))
          .as("%s, %d values, p%s: %s vs %s", what, v.length, p, got, want)
          .isEqualTo(Double.doubleToLongBits(want));
    }
  }

  @Test
  void absoluteDifferencesOfEveryKindAndSize() {
    Random r = new Random(5);
    for (int n : new int[] {0, 1, 2, 3, 4095, 4096, 4097, 50_000, 300_001}) {
      float[] gaussian = new float[n];
      float[] ties = new float[n];
      float[] edges = new float[n];
      float[] wide = new float[n];
      for (int i = 0; i < n; i++) {
        gaussian[i] = (float) Math.abs(r.nextGaussian() * 1e-3);
        ties[i] = r.nextInt(5) * 0.25f; // many equal values, zeros among them
        float[] special = {
          0f,
          Float.MIN_VALUE,
          Float.MIN_NORMAL,
          1f,
          Float.MAX_VALUE,
          Float.POSITIVE_INFINITY,
          Float.NaN,
          Float.intBitsToFloat(0xffc00001) // a NaN with its sign bit set
        };
        edges[i] = r.nextInt(4) == 0 ? special[r.nextInt(special.length)] : r.nextFloat();
        wide[i] = Float.intBitsToFloat(r.nextInt(0x7f800000)); // any finite value >= 0
      }
      assertSameAsSorted(gaussian, "gaussian");
      assertSameAsSorted(ties, "ties");
      assertSameAsSorted(edges, "edges");
      assertSameAsSorted(wide, "wide");
    }
  }

  @Test
  void ranksInTheSameAndInNeighbouringBucketsAreEachFound() {
    // all values in one bucket of the high 16 bits, then every value in its own bucket
    float[] one = new float[10_000];
    float[] own = new float[10_000];
    for (int i = 0; i < one.length; i++) {
      one[i] = Float.intBitsToFloat(0x3f800000 | (one.length - i));
      own[i] = Float.intBitsToFloat(0x3f800000 + ((one.length - i) << 16));
    }
    assertSameAsSorted(one, "one bucket");
    assertSameAsSorted(own, "a bucket each");
  }
}
