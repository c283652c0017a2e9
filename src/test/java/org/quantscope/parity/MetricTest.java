// SPDX-License-Identifier: Apache-2.0
package org.quantscope.parity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quantscope.runtime.NdArray;

/** The cosine and top-1 verdicts on hand-made outputs, with the values worked out by hand. */
class MetricTest {
  private static final ParityOptions ABS = ParityOptions.DEFAULTS;

  private static ParityCheck.Outputs one(String name, NdArray a, NdArray mask) {
    return new ParityCheck.Outputs(
        Map.of(name, List.of(a)), a.shape()[0], a.shape()[0], mask == null ? null : List.of(mask));
  }

  @Test
  void rowCosinesOfAnEmbeddingTakeTheWorstRow() {
    // row 0: (1, 0) against (1, 1), cosine 1/sqrt(2); row 1: (0, 1) against itself, 1
    ParityCheck.Outputs ref = one("e", NdArray.of(new float[] {1, 0, 0, 1}, 2, 2), null);
    ParityCheck.Outputs cand = one("e", NdArray.of(new float[] {1, 1, 0, 1}, 2, 2), null);
    ParityReport abs = ParityCheck.compare(ref, cand, ABS, "f", "q", List.of());
    assertThat(abs.metric()).isEqualTo("abs");
    assertThat(abs.passed()).as("max |d| 1 is far beyond 0.04").isFalse();
    assertThat(abs.rowCosineMin()).isCloseTo(Math.sqrt(0.5), offset(1e-9));
    assertThat(abs.rowCosineMean()).isCloseTo((Math.sqrt(0.5) + 1) / 2, offset(1e-9));
    assertThat(abs.describeMetric()).isNull();
    ParityReport loose =
        ParityCheck.compare(ref, cand, ABS.withMetric(Metric.COSINE, 0.7), "f", "q", List.of());
    assertThat(loose.passed()).isTrue();
    assertThat(loose.metricTol()).isEqualTo(0.7);
    assertThat(loose.describeMetric()).startsWith("min row cosine 0.707107 (tolerance 0.7");
    assertThat(
            ParityCheck.compare(ref, cand, ABS.withMetric(Metric.COSINE, 0.75), "f", "q", List.of())
                .passed())
        .isFalse();
  }

  @Test
  void aHiddenStateIsMeanPooledUnderTheAttentionMask() {
    // one row, three tokens of two values; the third token is padding
    NdArray ref = NdArray.of(new float[] {1, 0, 1, 0, 5, 5}, 1, 3, 2);
    NdArray cand = NdArray.of(new float[] {1, 0, 0, 1, -9, 9}, 1, 3, 2);
    NdArray mask = NdArray.of(new long[] {1, 1, 0}, 1, 3);
    // pooled under the mask: (2, 0) against (1, 1)
    ParityReport masked =
        ParityCheck.compare(one("h", ref, mask), one("h", cand, mask), ABS, "f", "q", List.of());
    assertThat(masked.rowCosineMin()).isCloseTo(Math.sqrt(0.5), offset(1e-9));
    // without a mask every token counts: (7, 5) against (-8, 10)
    ParityReport plain =
        ParityCheck.compare(one("h", ref, null), one("h", cand, null), ABS, "f", "q", List.of());
    assertThat(plain.rowCosineMin())
        .isCloseTo(-6 / Math.sqrt(74.0 * 164.0), offset(1e-9))
        .isNegative();
  }

  @Test
  void theMaskIsTheIntegerAttentionMaskInput() {
    NdArray mask = NdArray.of(new long[] {1, 0}, 1, 2);
    assertThat(
            ParityCheck.mask(
                Map.of("input_ids", NdArray.of(new long[] {5, 6}, 1, 2), "attention_mask", mask)))
        .isSameAs(mask);
    assertThat(ParityCheck.mask(Map.of("input_mask", mask))).isSameAs(mask);
    assertThat(ParityCheck.mask(Map.of("x", NdArray.of(new float[] {1, 0}, 1, 2)))).isNull();
  }

  @Test
  void topOneIsTheShareOfDecisionsThatAgree() {
    // argmax per row: reference 0, 1, 2; candidate 0, 1, 0
    NdArray ref = NdArray.of(new float[] {.8f, .1f, .1f, .1f, .8f, .1f, .1f, .1f, .8f}, 3, 3);
    NdArray cand = NdArray.of(new float[] {.8f, .1f, .1f, .1f, .8f, .1f, .5f, .1f, .4f}, 3, 3);
    ParityCheck.Outputs a = one("p", ref, null);
    ParityCheck.Outputs b = one("p", cand, null);
    ParityReport r =
        ParityCheck.compare(a, b, ABS.withMetric(Metric.TOP1, 0.6), "f", "q", List.of());
    assertThat(r.top1Agreement()).isCloseTo(2.0 / 3, offset(1e-12));
    assertThat(r.passed()).isTrue();
    assertThat(r.describeMetric()).isEqualTo("top-1 agreement 0.666667 (tolerance 0.6)");
    assertThat(
            ParityCheck.compare(a, b, ABS.withMetric(Metric.TOP1, 0.7), "f", "q", List.of())
                .passed())
        .isFalse();
  }

  @Test
  void aMetricWithoutTheOutputItNeedsIsRefusedByName() {
    NdArray hidden = NdArray.of(new float[8], 1, 2, 4);
    ParityCheck.Outputs h = one("h", hidden, null);
    assertThatThrownBy(
            () -> ParityCheck.compare(h, h, ABS.withMetric(Metric.TOP1, 1), "f", "q", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--metric top1 needs a classifier output");
    ParityCheck.Outputs labels = one("label", NdArray.of(new long[] {1, 2}, 2), null);
    assertThatThrownBy(
            () ->
                ParityCheck.compare(
                    labels, labels, ABS.withMetric(Metric.COSINE, 0.9), "f", "q", List.of()))
        .hasMessageContaining("--metric cosine needs a float output");
    assertThatThrownBy(() -> Metric.parse("l2")).hasMessageContaining("abs, cosine or top1");
    assertThatThrownBy(() -> new ParityOptions(0, 0, 0.5, Set.of(), 40, Metric.TOP1, 2))
        .hasMessageContaining("--top1-tol");
  }
}
