// SPDX-License-Identifier: Apache-2.0
package org.quantscope.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pairing rule of the u8 x s8 kernel, on products small enough to work out by hand. */
class PairedKernelTest {
  private static PairedKernel.Product one(int[] a, byte[] b, int aZero, int bZero) {
    return PairedKernel.multiply(a, aZero, b, new int[] {bZero}, 1, a.length, 1);
  }

  @Test
  void adjacentRowsOfKArePairedAndOnlyTheirSumIsClamped() {
    byte[] b = {127, 127, 127, 127};
    // 255 x 127 + 255 x 127 = 64,770 in pair (0, 1): clamped to 32,767
    PairedKernel.Product p = one(new int[] {255, 255, 0, 0}, b, 0, 0);
    assertThat(p.exact()).containsExactly(64_770);
    assertThat(p.clamped()).containsExactly(32_767);
    assertThat(p.saturated()).isEqualTo(1);
    assertThat(p.largestOverflow()).isEqualTo(64_770 - 32_767);
    assertThat(p.pairs()).isEqualTo(2);
    // the same values in rows 0 and 2 fall in different pairs: each sum fits, nothing clamped
    PairedKernel.Product q = one(new int[] {255, 0, 255, 0}, b, 0, 0);
    assertThat(q.exact()).containsExactly(64_770);
    assertThat(q.clamped()).containsExactly(64_770);
    assertThat(q.saturated()).isZero();
  }

  @Test
  void negativeSumsClampAtMinus32768AndZeroPointsApplyAfterTheClamp() {
    byte[] b = {-128, -128};
    // raw pair 255 x -128 x 2 = -65,280 -> -32,768; the zero point is subtracted exactly after
    PairedKernel.Product p = one(new int[] {255, 255}, b, 10, 0);
    long exact = (255 - 10) * -128L * 2;
    assertThat(p.exact()).containsExactly((int) exact);
    assertThat(p.clamped()).containsExactly((int) (exact + (-32_768 + 65_280)));
    assertThat(p.largestOverflow()).isEqualTo(65_280 - 32_768);
  }

  @Test
  void anOddKPadsTheLastPairWithZeroAndSevenBitWeightsNeverSaturate() {
    PairedKernel.Product odd = one(new int[] {255, 255, 255}, new byte[] {127, 127, 127}, 0, 0);
    assertThat(odd.pairs()).isEqualTo(2);
    assertThat(odd.saturated()).isEqualTo(1); // rows 0 and 1; row 2 alone fits
    PairedKernel.Product seven =
        one(new int[] {255, 255, 255, 255}, new byte[] {64, 64, -64, -64}, 0, 0);
    assertThat(seven.saturated()).isZero();
    assertThat(seven.clamped()).isEqualTo(seven.exact());
  }

  @Test
  void onlyPairsOfOneSignWithLargeWeightsAreChecked() {
    byte[] b = {100, 29, 100, 28, -100, -29, 127, -128};
    PairedKernel.Weights w = PairedKernel.Weights.of(b, 8, 1);
    // (100, 29): 129 can leave 16 bits; (100, 28): 128 cannot; (-100, -29) can; mixed signs cannot
    assertThat(w.riskyColumns()).hasSize(2);
    assertThat(w.riskyStart()).containsExactly(0, 1, 1, 2, 2);
    PairedKernel.Product p =
        PairedKernel.multiply(
            new int[] {255, 255, 255, 255, 255, 255, 255, 255}, 0, w, new int[] {0}, 1);
    assertThat(p.saturated()).isEqualTo(2);
  }
}
