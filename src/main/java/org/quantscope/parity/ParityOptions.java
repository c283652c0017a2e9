// SPDX-License-Identifier: Apache-2.0
package org.quantscope.parity;

import java.util.Set;

/**
 * What counts as parity.
 *
 * @param absTol largest allowed absolute difference (seed default 0.04)
 * @param meanTol largest allowed mean absolute difference (seed default 0.01)
 * @param threshold decision threshold for single-score or binary outputs (default 0.5)
 * @param outputs outputs to compare; empty means all float and integer outputs
 * @param bins bins of the absolute-difference histogram
 */
public record ParityOptions(
    double absTol, double meanTol, double threshold, Set<String> outputs, int bins) {

  public static final ParityOptions DEFAULTS = new ParityOptions(0.04, 0.01, 0.5, Set.of(), 40);

  public ParityOptions {
    if (!(absTol >= 0) || !(meanTol >= 0)) {
      throw new IllegalArgumentException(
          "tolerances must be numbers >= 0, got abs " + absTol + " and mean " + meanTol);
    }
    if (!Double.isFinite(threshold)) {
      throw new IllegalArgumentException("threshold must be a number, got " + threshold);
    }
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be >= 1, got " + bins);
    }
    outputs = Set.copyOf(outputs);
  }
}
