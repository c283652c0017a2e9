// SPDX-License-Identifier: Apache-2.0
package org.quantscope.sensitivity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quantscope.TestModels;
import org.quantscope.model.OnnxModel;
import org.quantscope.progress.Progress;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.Synthesizer;

/**
 * Sensitivity that stops early (screens every variant on a first slice of the samples, then runs
 * all samples only for the nodes that can reach the top) against the same analysis on every sample,
 * on {@link TestModels#fragileMlp} with 64 runs: the slice is 16 runs.
 */
class EarlyStopTest {
  static final int RUNS = 64;

  record Run(SensitivityReport report, long variantRuns) {}

  static Run analyze(OnnxModel m, List<Map<String, NdArray>> feeds, Sensitivity.Screen screen)
      throws Exception {
    Study study =
        Study.of(m, SensitivityTest.DEFAULTS, feeds, SensitivityTest.TOL, SensitivityTest.SESSIONS)
            .resolved();
    Variants.Steps steps = new Variants.Steps(Progress.NONE, 0);
    try (Variants v = Variants.open(study, steps)) {
      SensitivityReport r = Sensitivity.analyze(v, steps, System.nanoTime(), screen);
      return new Run(r, v.variantRuns());
    }
  }

  @Test
  void theConfirmedTopIsRankedAndMeasuredAsOnAllSamplesWithFewerRuns() throws Exception {
    OnnxModel m = OnnxModel.of(TestModels.fragileMlp("fc2"));
    List<Map<String, NdArray>> feeds = Synthesizer.synthesize(m, Synthesizer.Options.of(RUNS, 7));
    Run all = analyze(m, feeds, Sensitivity.Screen.NONE);
    for (int top = 1; top <= 2; top++) {
      Run early = analyze(m, feeds, new Sensitivity.Screen(16, top, 0.5));
      SensitivityReport e = early.report();
      SensitivityReport a = all.report();
      assertThat(e.nodes())
          .as("top %d: the same ranking", top)
          .extracting(NodeSensitivity::node)
          .containsExactlyElementsOf(a.nodes().stream().map(NodeSensitivity::node).toList());
      assertThat(e.nodes()).extracting(NodeSensitivity::rank).containsExactly(1, 2, 3);
      List<NodeSensitivity> confirmed =
          e.nodes().stream().filter(n -> n.samples() == a.samples()).toList();
      List<NodeSensitivity> screened =
          e.nodes().stream().filter(n -> n.samples() < a.samples()).toList();
      // fc2 is 100 times as harmful as the others: with top 1 only fc2 is confirmed; with top 2
      // the third is within the margin of the second and confirmed too
      assertThat(confirmed).as("top %d", top).hasSize(top == 1 ? 1 : 3);
      assertThat(confirmed.get(0).node()).isEqualTo("fc2");
      for (NodeSensitivity c : confirmed) {
        // on every sample: the very figures of the full run
        assertThat(c).isEqualTo(a.node(c.node()).orElseThrow());
      }
      for (NodeSensitivity s : screened) {
        assertThat(s.samples()).isEqualTo(16);
        NodeSensitivity f = a.node(s.node()).orElseThrow();
        // a max over the first 16 runs cannot exceed the max over all 64
        assertThat(s.onlyThis().maxAbsDiff()).isLessThanOrEqualTo(f.onlyThis().maxAbsDiff());
        assertThat(s.allButThis().maxAbsDiff()).isLessThanOrEqualTo(f.allButThis().maxAbsDiff());
        assertThat(s.onlyThis().passed()).isEqualTo(f.onlyThis().passed());
        assertThat(s.allButThis().passed()).isEqualTo(f.allButThis().passed());
        assertThat(s.impact()).isLessThan(confirmed.get(0).impact() / 10);
      }
      assertThat(e.full()).isEqualTo(a.full());
      // all samples: float + full int8 + 2 x 3 variants, 64 runs each
      assertThat(all.variantRuns()).isEqualTo(8L * RUNS);
      // early: float and full int8 on 64, full int8 and 2 x 3 variants on 16, 2 x confirmed on 64
      assertThat(early.variantRuns()).isEqualTo(2L * RUNS + 7 * 16 + 2L * confirmed.size() * RUNS);
      if (top == 1) {
        assertThat(early.variantRuns()).isLessThan(all.variantRuns());
      }
    }
  }

  @Test
  void tooFewRunsOrAllSamplesMeansNoScreening() throws Exception {
    OnnxModel m = OnnxModel.of(TestModels.fragileMlp("fc2"));
    List<Map<String, NdArray>> few = Synthesizer.synthesize(m, Synthesizer.Options.of(31, 7));
    Run r = analyze(m, few, Sensitivity.Screen.DEFAULT);
    assertThat(r.report().nodes()).allSatisfy(n -> assertThat(n.samples()).isEqualTo(31));
    assertThat(r.variantRuns()).isEqualTo(8L * 31);

    List<Map<String, NdArray>> many = Synthesizer.synthesize(m, Synthesizer.Options.of(RUNS, 7));
    Study study =
        Study.of(m, SensitivityTest.DEFAULTS, many, SensitivityTest.TOL, SensitivityTest.SESSIONS);
    SensitivityReport all = Sensitivity.analyze(study.withAllSamples(true), Progress.NONE);
    assertThat(all.nodes()).allSatisfy(n -> assertThat(n.samples()).isEqualTo(RUNS));
    // by default 64 runs are screened on 16, but 3 nodes are fewer than the top 20 confirmed:
    // every node is confirmed, the report is the one on all samples
    SensitivityReport early = Sensitivity.analyze(study, Progress.NONE);
    assertThat(early.nodes()).containsExactlyElementsOf(all.nodes());
  }

  @Test
  void theSliceOfAfewRunsIsAQuarterAndAtLeastTheMinimum() {
    Sensitivity.Screen s = Sensitivity.Screen.DEFAULT;
    assertThat(s.sliceRuns(31)).isZero();
    assertThat(s.sliceRuns(32)).isEqualTo(16);
    assertThat(s.sliceRuns(100)).isEqualTo(25);
    assertThat(s.sliceRuns(101)).isEqualTo(26);
    assertThat(Sensitivity.Screen.NONE.sliceRuns(1000)).isZero();
  }
}
