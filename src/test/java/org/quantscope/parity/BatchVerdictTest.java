// SPDX-License-Identifier: Apache-2.0
package org.quantscope.parity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quantscope.TestModels;
import org.quantscope.model.OnnxModel;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.Batches;
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;

/**
 * The batch is part of a verdict: one far row in a run widens the uint8 step of the first layer's
 * input for every row of that run. 7-bit weights keep ONNX Runtime's int8 kernels exact on every
 * CPU (no pair sum can saturate), so the figures do not depend on the machine. Measured here: 143
 * rows in one run max 0.066 / mean 0.0084; one row per run max 0.023 / mean 0.0026.
 */
class BatchVerdictTest {
  static final OrtRuntime.SessionConfig SESSIONS =
      new OrtRuntime.SessionConfig(1, OrtRuntime.OptLevel.ALL, false);

  private static ParityReport check(List<Map<String, NdArray>> feeds) throws Exception {
    return check(feeds, ParityOptions.DEFAULTS);
  }

  private static ParityReport check(List<Map<String, NdArray>> feeds, ParityOptions options)
      throws Exception {
    OnnxModel m = OnnxModel.of(TestModels.outlierMlp());
    OnnxModel q =
        DynamicQuantizer.quantize(
                m, QuantizeOptions.builder().reduceRange(true).build(), Progress.NONE)
            .model();
    return ParityCheck.check(
        ModelSource.of(m, "outlier.onnx", 0),
        ModelSource.of(q, "outlier.int8.onnx", 0),
        feeds,
        options,
        SESSIONS,
        List.of(),
        Progress.NONE);
  }

  @Test
  void oneFarRowFailsTheWholeBatchWhileEveryRowAloneStaysWithinTolerance() throws Exception {
    ParityReport whole = check(TestModels.outlierFeeds(143, 30f));
    assertThat(whole.passed()).isFalse();
    assertThat(whole.maxAbsDiff()).isGreaterThan(0.04);
    assertThat(whole.batch()).isEqualTo(143);
    assertThat(whole.runs()).isEqualTo(1);
    assertThat(whole.describeRuns()).isEqualTo("143 samples in one run (batch 143)");
    assertThat(whole.batchOne()).isNotNull();
    assertThat(whole.batchOne().passed()).isTrue();
    assertThat(whole.batchOne().maxAbsDiff()).isLessThan(0.04);
    assertThat(whole.warnings())
        .singleElement()
        .asString()
        .contains("holds for batch 143")
        .contains("one row per run, the model passes");

    ParityReport ones = check(Batches.regroup(TestModels.outlierFeeds(143, 30f), 1, List.of()));
    assertThat(ones.passed()).isTrue();
    assertThat(ones.batch()).isEqualTo(1);
    assertThat(ones.batchOne()).as("nothing to split").isNull();
    assertThat(ones.warnings()).isEmpty();
    assertThat(ones.describeRuns()).isEqualTo("143 samples, one per run (batch 1)");
    // the same figures as the one-row-per-run verdict beside the whole batch's
    assertThat(ones.maxAbsDiff()).isEqualTo(whole.batchOne().maxAbsDiff());
    assertThat(ones.meanAbsDiff()).isEqualTo(whole.batchOne().meanAbsDiff());
  }

  @Test
  void withoutTheFarRowBothBatchesAgreeAndNothingIsSaid() throws Exception {
    ParityReport whole = check(TestModels.outlierFeeds(143, 0f));
    assertThat(whole.passed()).isTrue();
    assertThat(whole.batchOne().passed()).isTrue();
    assertThat(whole.warnings()).isEmpty();
    ParityReport runs = check(Batches.regroup(TestModels.outlierFeeds(143, 0f), 50, List.of()));
    assertThat(runs.describeRuns()).isEqualTo("143 samples in 3 runs of up to 50 (batch 50)");
  }

  /** Outputs of one run: rows of a [N, 2] embedding. */
  private static ParityCheck.Outputs rows(long batch, float... values) {
    NdArray a = NdArray.of(values, values.length / 2, 2);
    return new ParityCheck.Outputs(Map.of("e", List.of(a)), values.length / 2, batch);
  }

  @Test
  void theBatchOneNoteQuotesTheMetricsOwnFigure() {
    ParityOptions cosine = ParityOptions.DEFAULTS.withMetric(Metric.COSINE, 0.99);
    // as given, the second row turns 90 degrees (cosine 0); one row per run, cos = 0.995037
    // for (1, 0.1) against (1, 0): 1 / sqrt(1.01)
    ParityReport given =
        ParityCheck.compare(rows(2, 1, 0, 0, 1), rows(2, 1, 0, 1, 0), cosine, "f", "q", List.of());
    ParityReport alone =
        ParityCheck.compare(
            rows(1, 1, 0, 0, 1), rows(1, 1, 0, 0.1f, 1), cosine, "f", "q", List.of());
    ParityReport r = ParityCheck.atBatchOne(given, alone);
    assertThat(r.passed()).isFalse();
    assertThat(r.batchOne().passed()).isTrue();
    assertThat(r.batchOne().rowCosineMin()).isCloseTo(1 / Math.sqrt(1.01), within(1e-6));
    assertThat(r.batchOne().top1Agreement()).isNull();
    assertThat(r.batchOne().describe()).isEqualTo("min row cosine 0.995037");
    assertThat(r.warnings())
        .singleElement()
        .asString()
        .contains("holds for batch 2: one row per run, the model passes (min row cosine 0.995037)")
        .doesNotContain("max_abs_diff");
    // with abs, the note keeps |d|
    ParityReport abs =
        ParityCheck.atBatchOne(
            ParityCheck.compare(
                rows(2, 1, 0, 0, 1),
                rows(2, 1, 0, 1, 0),
                ParityOptions.DEFAULTS,
                "f",
                "q",
                List.of()),
            ParityCheck.compare(
                rows(1, 1, 0, 0, 1),
                rows(1, 1, 0, 0, 1),
                ParityOptions.DEFAULTS,
                "f",
                "q",
                List.of()));
    assertThat(abs.batchOne().rowCosineMin()).isNull();
    assertThat(abs.warnings()).singleElement().asString().contains("(max_abs_diff 0.000000");
  }
}
