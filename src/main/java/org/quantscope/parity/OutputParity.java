// SPDX-License-Identifier: Apache-2.0
package org.quantscope.parity;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The comparison of one output over all samples. Float outputs get the difference statistics (null
 * for integer outputs); integer outputs (labels) get the count of mismatches.
 *
 * @param name the output
 * @param type its element type, e.g. float32
 * @param shape its shape in the first sample
 * @param elements number of compared elements over all samples
 * @param maxAbsDiff max |reference - candidate|
 * @param meanAbsDiff mean |reference - candidate|
 * @param p50AbsDiff median of |d| (linear interpolation, as numpy.percentile)
 * @param p90AbsDiff 90th percentile of |d|
 * @param p99AbsDiff 99th percentile of |d|
 * @param rmse root mean square of d
 * @param maxRelDiff max |d| / max(|reference|, 1e-6)
 * @param cosineSimilarity cosine of the angle between reference and candidate, flattened
 * @param histogram counts of |d| in equal-width bins from 0
 * @param rows for classifier-like outputs ([N, C] or [N]): number of rows (samples) compared
 * @param decisionFlips rows whose decision differs: argmax for C > 2, {@code score >= threshold}
 *     for one score or the positive class of two
 * @param nearThreshold rows whose reference score lies within abs_tol of the threshold ({@code C <=
 *     2})
 * @param labelMismatches integer outputs: elements that differ
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OutputParity(
    String name,
    String type,
    List<Long> shape,
    long elements,
    @JsonProperty("max_abs_diff") Double maxAbsDiff,
    @JsonProperty("mean_abs_diff") Double meanAbsDiff,
    @JsonProperty("p50_abs_diff") Double p50AbsDiff,
    @JsonProperty("p90_abs_diff") Double p90AbsDiff,
    @JsonProperty("p99_abs_diff") Double p99AbsDiff,
    Double rmse,
    @JsonProperty("max_rel_diff") Double maxRelDiff,
    @JsonProperty("cosine_similarity") Double cosineSimilarity,
    Histogram histogram,
    Long rows,
    @JsonProperty("decision_flips") Long decisionFlips,
    @JsonProperty("near_threshold") Long nearThreshold,
    @JsonProperty("label_mismatches") Long labelMismatches) {

  /**
   * Counts of absolute differences per bin.
   *
   * @param edges bins + 1 edges, from 0
   * @param counts one per bin; the last bin includes its upper edge
   */
  public record Histogram(List<Double> edges, List<Long> counts) {}

  /** True for outputs compared as floats. */
  public boolean isFloat() {
    return maxAbsDiff != null;
  }
}
