// SPDX-License-Identifier: Apache-2.0
package org.quantscope.sensitivity;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.quantscope.parity.ParityOptions;
import org.quantscope.parity.ParityReport;

/**
 * The parity figures of one variant of the model (some of its quantizable nodes in int8, the others
 * in float) against the float model, on the analysis samples: the headline numbers of a {@link
 * ParityReport}, small enough to keep for every node.
 *
 * @param quantizedNodes nodes the variant actually quantized (0: the float model itself)
 * @param maxAbsDiff max |float - variant| over all float elements of the compared outputs
 * @param meanAbsDiff mean |float - variant| over the same elements
 * @param decisionFlips classifier-like outputs: rows whose decision changed
 * @param labelMismatches integer outputs: elements that differ
 * @param passed within both tolerances
 * @param toleranceRatio {@code max(max_abs_diff / abs_tol, mean_abs_diff / mean_tol)}: the error in
 *     units of the tolerance, at most 1 when the variant passes
 */
public record VariantError(
    @JsonProperty("quantized_nodes") int quantizedNodes,
    @JsonProperty("max_abs_diff") double maxAbsDiff,
    @JsonProperty("mean_abs_diff") double meanAbsDiff,
    @JsonProperty("decision_flips") long decisionFlips,
    @JsonProperty("label_mismatches") long labelMismatches,
    boolean passed,
    @JsonProperty("tolerance_ratio") double toleranceRatio) {

  /** The figures of a parity report of a variant that quantized {@code quantizedNodes} nodes. */
  public static VariantError of(ParityReport r, int quantizedNodes) {
    return new VariantError(
        quantizedNodes,
        r.maxAbsDiff(),
        r.meanAbsDiff(),
        r.decisionFlips(),
        r.labelMismatches(),
        r.passed(),
        ratio(r.maxAbsDiff(), r.meanAbsDiff(), r.absTol(), r.meanTol()));
  }

  /**
   * The error in units of the tolerances. A tolerance of 0 counts any difference as 1e9 times the
   * tolerance, so that rankings stay finite.
   */
  static double ratio(double max, double mean, double absTol, double meanTol) {
    return Math.max(part(max, absTol), part(mean, meanTol));
  }

  private static double part(double diff, double tol) {
    if (tol > 0) {
      return diff / tol;
    }
    return diff > 0 ? 1e9 : 0;
  }

  /** The tolerance ratio of a report made with {@code options}. */
  static double ratio(ParityReport r, ParityOptions options) {
    return ratio(r.maxAbsDiff(), r.meanAbsDiff(), options.absTol(), options.meanTol());
  }
}
