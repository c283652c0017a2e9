// SPDX-License-Identifier: Apache-2.0
package org.quantscope.parity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quantscope.model.ElementType;
import org.quantscope.runtime.NdArray;

/** The statistics on hand-made arrays, with values worked out by hand. */
class ParityStatsTest {
  private static ParityCheck.Outputs outputs(String name, NdArray... runs) {
    return new ParityCheck.Outputs(Map.of(name, List.of(runs)), runs.length, 1);
  }

  @Test
  void differenceStatistics() {
    // reference [1, 2, 3, 4], candidate [1, 2.5, 2, 4]: |d| = [0, 0.5, 1, 0]
    NdArray ref = NdArray.of(new float[] {1, 2, 3, 4}, 4);
    NdArray cand = NdArray.of(new float[] {1, 2.5f, 2, 4}, 4);
    OutputParity p = DiffStats.compare("y", List.of(ref), List.of(cand), ParityOptions.DEFAULTS);
    assertThat(p.elements()).isEqualTo(4);
    assertThat(p.maxAbsDiff()).isEqualTo(1.0);
    assertThat(p.meanAbsDiff()).isEqualTo(0.375);
    // sorted |d| = [0, 0, 0.5, 1]: p50 at rank 1.5 -> 0.25; p90 at 2.7 -> 0.5 + 0.7 * 0.5 = 0.85
    assertThat(p.p50AbsDiff()).isEqualTo(0.25);
    assertThat(p.p90AbsDiff()).isCloseTo(0.85, offset(1e-12));
    assertThat(p.p99AbsDiff()).isCloseTo(0.985, offset(1e-12));
    assertThat(p.rmse()).isCloseTo(Math.sqrt(1.25 / 4), offset(1e-12));
    // relative: 0.5 / 2 = 0.25, 1 / 3 = 0.333
    assertThat(p.maxRelDiff()).isCloseTo(1.0 / 3, offset(1e-12));
    double dot = 1 + 5 + 6 + 16;
    double cos = dot / Math.sqrt(30 * (1 + 6.25 + 4 + 16));
    assertThat(p.cosineSimilarity()).isCloseTo(cos, offset(1e-12));
    assertThat(p.histogram().counts().stream().mapToLong(Long::longValue).sum()).isEqualTo(4);
    assertThat(p.histogram().edges()).hasSize(41);
    assertThat(p.histogram().edges().get(40)).isEqualTo(1.0);
    assertThat(p.histogram().counts().get(0)).isEqualTo(2); // the two zeros
    assertThat(p.histogram().counts().get(39)).isEqualTo(1); // 1.0 falls in the last bin
    // rank-1 output: one score per sample against the threshold 0.5 -> 1, 2, 2, 4 all >= 0.5
    assertThat(p.decisionFlips()).isZero();
  }

  @Test
  void decisionFlipsArgmaxAndThreshold() {
    // three classes: row 0 argmax 0 -> 0, row 1 argmax 2 -> 1 (flip)
    NdArray ref = NdArray.of(new float[] {0.7f, 0.2f, 0.1f, 0.1f, 0.3f, 0.6f}, 2, 3);
    NdArray cand = NdArray.of(new float[] {0.6f, 0.3f, 0.1f, 0.1f, 0.5f, 0.4f}, 2, 3);
    OutputParity p =
        DiffStats.compare("proba", List.of(ref), List.of(cand), ParityOptions.DEFAULTS);
    assertThat(p.rows()).isEqualTo(2);
    assertThat(p.decisionFlips()).isEqualTo(1);
    assertThat(p.nearThreshold()).isZero(); // not counted for multi-class

    // binary [p0, p1]: the positive class against 0.5; near = |p1 - 0.5| <= 0.04
    NdArray bref = NdArray.of(new float[] {0.48f, 0.52f, 0.9f, 0.1f, 0.3f, 0.7f}, 3, 2);
    NdArray bcand = NdArray.of(new float[] {0.51f, 0.49f, 0.9f, 0.1f, 0.35f, 0.65f}, 3, 2);
    OutputParity b = DiffStats.compare("p", List.of(bref), List.of(bcand), ParityOptions.DEFAULTS);
    assertThat(b.decisionFlips()).isEqualTo(1);
    assertThat(b.nearThreshold()).isEqualTo(1);

    // one score per row, threshold 0.3
    ParityOptions t = new ParityOptions(0.04, 0.01, 0.3, java.util.Set.of(), 10);
    NdArray s1 = NdArray.of(new float[] {0.29f, 0.31f, 0.9f}, 3, 1);
    NdArray s2 = NdArray.of(new float[] {0.31f, 0.31f, 0.2f}, 3, 1);
    assertThat(DiffStats.compare("s", List.of(s1), List.of(s2), t).decisionFlips()).isEqualTo(2);
  }

  @Test
  void integerOutputsAreComparedForEquality() {
    NdArray ref = NdArray.of(new long[] {0, 1, 2, 1}, 4);
    NdArray cand = NdArray.of(new long[] {0, 1, 1, 1}, 4);
    OutputParity p =
        DiffStats.compare("label", List.of(ref), List.of(cand), ParityOptions.DEFAULTS);
    assertThat(p.isFloat()).isFalse();
    assertThat(p.labelMismatches()).isEqualTo(1);
  }

  @Test
  void overallFiguresAreOverAllFloatElementsAndDecidePassed() {
    ParityCheck.Outputs ref =
        new ParityCheck.Outputs(
            Map.of(
                "a", List.of(NdArray.of(new float[] {0, 0}, 2)),
                "b", List.of(NdArray.of(new float[] {1, 1, 1, 1}, 4)),
                "label", List.of(NdArray.of(new long[] {3}, 1))),
            2,
            2);
    ParityCheck.Outputs cand =
        new ParityCheck.Outputs(
            Map.of(
                "a", List.of(NdArray.of(new float[] {0.03f, 0}, 2)),
                "b", List.of(NdArray.of(new float[] {1, 1, 1, 1.003f}, 4)),
                "label", List.of(NdArray.of(new long[] {3}, 1))),
            2,
            2);
    ParityReport r = ParityCheck.compare(ref, cand, ParityOptions.DEFAULTS, "f", "q", List.of());
    assertThat(r.maxAbsDiff()).isCloseTo(0.03, offset(1e-6));
    // mean over 6 float elements: (0.03 + 0.003) / 6
    assertThat(r.meanAbsDiff()).isCloseTo(0.033 / 6, offset(1e-6));
    assertThat(r.elements()).isEqualTo(6);
    assertThat(r.passed()).isTrue();
    assertThat(r.labelMismatches()).isZero();

    ParityReport strict =
        ParityCheck.compare(
            ref,
            cand,
            new ParityOptions(0.02, 0.01, 0.5, java.util.Set.of(), 40),
            "f",
            "q",
            List.of());
    assertThat(strict.passed()).isFalse();
    ParityReport onlyB =
        ParityCheck.compare(
            ref,
            cand,
            new ParityOptions(0.02, 0.01, 0.5, java.util.Set.of("b"), 40),
            "f",
            "q",
            List.of());
    assertThat(onlyB.passed()).isTrue();
    assertThat(onlyB.outputs()).extracting(OutputParity::name).containsExactly("b");
  }

  @Test
  void expectedOutputsAreComparedOverAllRuns() {
    ParityCheck.Outputs cand =
        new ParityCheck.Outputs(
            Map.of(
                "proba",
                List.of(
                    NdArray.of(new float[] {0.9f, 0.1f}, 1, 2),
                    NdArray.of(new float[] {0.2f, 0.8f}, 1, 2))),
            2,
            1);
    NdArray expected =
        new NdArray(ElementType.DOUBLE, new long[] {2, 2}, new double[] {0.9, 0.1, 0.25, 0.75});
    ParityReport r =
        ParityCheck.compareExpected(
            cand, expected, "proba", ParityOptions.DEFAULTS, "q.onnx", "e.csv", List.of());
    assertThat(r.maxAbsDiff()).isCloseTo(0.05, offset(1e-6));
    assertThat(r.expected()).isEqualTo("e.csv");
    assertThat(r.reference()).isNull();
    assertThat(r.outputs().get(0).rows()).isEqualTo(2);
  }
}
