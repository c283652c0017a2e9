// SPDX-License-Identifier: Apache-2.0
package org.quantscope.parity;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.quantscope.runtime.SampleOrigin;

/**
 * Did the candidate (int8) model stay close to the reference (fp32) model, or to expected outputs?
 * The top-level keys keep the seed workflow's {@code parity_report.json}: {@code max_abs_diff},
 * {@code mean_abs_diff}, {@code passed}.
 *
 * @param maxAbsDiff max |d| over all float elements of the compared outputs
 * @param meanAbsDiff mean |d| over the same elements
 * @param passed {@code max_abs_diff <= abs_tol} and {@code mean_abs_diff <= mean_tol}
 * @param absTol the tolerance for the maximum
 * @param meanTol the tolerance for the mean
 * @param threshold the decision threshold
 * @param samples number of samples (rows of the batch dimension over all runs)
 * @param runs number of model runs
 * @param elements number of compared float elements
 * @param decisionFlips total over classifier-like outputs
 * @param nearThreshold total over classifier-like outputs
 * @param labelMismatches total over integer outputs
 * @param reference the reference model (or null when comparing against expected outputs)
 * @param candidate the candidate model
 * @param expected the file of expected outputs, or null
 * @param outputs per output
 * @param warnings things the reader should know (e.g. a CPU that may saturate int8 kernels)
 * @param batch the most rows of any run: dynamic quantization takes one activation scale per run,
 *     so the verdict holds for this batch
 * @param batchOne the same samples one row per run, when the runs had several rows (else null)
 * @param metric what {@code passed} judges: abs (the seed's), cosine or top1
 * @param metricTol the cosine or top-1 tolerance (null for abs)
 * @param rowCosineMin smallest cosine over the rows of the float outputs (see {@link Metric})
 * @param rowCosineMean mean cosine over the same rows
 * @param top1Agreement share of classifier decisions that agree (null without a classifier output)
 * @param samplesFrom where the samples came from (null when the caller did not say)
 */
@JsonPropertyOrder({"max_abs_diff", "mean_abs_diff", "passed"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ParityReport(
    @JsonProperty("max_abs_diff") double maxAbsDiff,
    @JsonProperty("mean_abs_diff") double meanAbsDiff,
    boolean passed,
    @JsonProperty("abs_tol") double absTol,
    @JsonProperty("mean_tol") double meanTol,
    double threshold,
    long samples,
    long runs,
    long elements,
    @JsonProperty("decision_flips") long decisionFlips,
    @JsonProperty("near_threshold") long nearThreshold,
    @JsonProperty("label_mismatches") long labelMismatches,
    String reference,
    String candidate,
    String expected,
    List<OutputParity> outputs,
    List<String> warnings,
    long batch,
    @JsonProperty("batch_1") AtBatchOne batchOne,
    String metric,
    @JsonProperty("metric_tol") Double metricTol,
    @JsonProperty("row_cosine_min") Double rowCosineMin,
    @JsonProperty("row_cosine_mean") Double rowCosineMean,
    @JsonProperty("top1_agreement") Double top1Agreement,
    @JsonProperty("samples_from") SampleOrigin samplesFrom) {

  /**
   * The verdict with every sample in a run of its own.
   *
   * @param maxAbsDiff max |d| one row per run
   * @param meanAbsDiff mean |d| one row per run
   * @param passed by the same metric, within the same tolerances
   * @param rowCosineMin the smallest row cosine one row per run, when the metric is cosine
   * @param top1Agreement the top-1 agreement one row per run, when the metric is top1
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record AtBatchOne(
      @JsonProperty("max_abs_diff") double maxAbsDiff,
      @JsonProperty("mean_abs_diff") double meanAbsDiff,
      boolean passed,
      @JsonProperty("row_cosine_min") Double rowCosineMin,
      @JsonProperty("top1_agreement") Double top1Agreement) {

    /**
     * The figure the verdict's metric judges, e.g. "min row cosine 0.998712" or "max_abs_diff
     * 0.004100, mean_abs_diff 0.000800" for abs.
     */
    public String describe() {
      if (rowCosineMin != null) {
        return String.format(java.util.Locale.ROOT, "min row cosine %.6f", rowCosineMin);
      }
      if (top1Agreement != null) {
        return String.format(java.util.Locale.ROOT, "top-1 agreement %.6f", top1Agreement);
      }
      return String.format(
          java.util.Locale.ROOT, "max_abs_diff %.6f, mean_abs_diff %.6f", maxAbsDiff, meanAbsDiff);
    }
  }

  /**
   * The samples, how they ran and where they came from, e.g. "143 samples in one run (batch 143);
   * from breast.csv" or "100 samples, one per run (batch 1); made up, seed 0": two verdicts compare
   * only at the same batch, on the same samples.
   */
  public String describeRuns() {
    return samplesFrom == null ? runsText() : runsText() + "; " + samplesFrom.describe();
  }

  private String runsText() {
    String n = samples == 1 ? "1 sample" : samples + " samples";
    if (batch <= 1) {
      return n + (samples == 1 ? "" : ", one per run") + " (batch 1)";
    }
    if (runs <= 1) {
      return n + " in one run (batch " + batch + ")";
    }
    return n + " in " + runs + " runs of up to " + batch + " (batch " + batch + ")";
  }

  /** This report with the one-row-per-run verdict and the warnings given. */
  public ParityReport with(AtBatchOne one, List<String> newWarnings) {
    return new ParityReport(
        maxAbsDiff,
        meanAbsDiff,
        passed,
        absTol,
        meanTol,
        threshold,
        samples,
        runs,
        elements,
        decisionFlips,
        nearThreshold,
        labelMismatches,
        reference,
        candidate,
        expected,
        outputs,
        List.copyOf(newWarnings),
        batch,
        one,
        metric,
        metricTol,
        rowCosineMin,
        rowCosineMean,
        top1Agreement,
        samplesFrom);
  }

  /** This report saying where its samples came from. */
  public ParityReport withSamplesFrom(SampleOrigin origin) {
    return new ParityReport(
        maxAbsDiff,
        meanAbsDiff,
        passed,
        absTol,
        meanTol,
        threshold,
        samples,
        runs,
        elements,
        decisionFlips,
        nearThreshold,
        labelMismatches,
        reference,
        candidate,
        expected,
        outputs,
        warnings,
        batch,
        batchOne,
        metric,
        metricTol,
        rowCosineMin,
        rowCosineMean,
        top1Agreement,
        origin);
  }

  /**
   * The verdict's figure when it is not the seed's |d|, e.g. "min row cosine 0.998712 (tolerance
   * 0.99, mean 0.999501)"; null for abs.
   */
  public String describeMetric() {
    if ("cosine".equals(metric)) {
      return String.format(
          java.util.Locale.ROOT,
          "min row cosine %.6f (tolerance %s, mean %.6f)",
          rowCosineMin,
          metricTol,
          rowCosineMean);
    }
    if ("top1".equals(metric)) {
      return String.format(
          java.util.Locale.ROOT, "top-1 agreement %.6f (tolerance %s)", top1Agreement, metricTol);
    }
    return null;
  }
}
