// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

/**
 * How a node is shown: its verdict before a run (will be quantized, excluded by the user, cannot be
 * quantized, or not a candidate at all), after a run the SQNR of its weights, after a sensitivity
 * analysis its impact on parity, and after an error trace the error it introduces (or carries at
 * its output).
 *
 * @param kind the verdict
 * @param detail the action or the reason, for the tooltip
 * @param sqnrDb the lowest SQNR of its quantized weights after a run, or NaN
 * @param impact its sensitivity impact in units of the tolerance (see {@code NodeSensitivity}), or
 *     NaN
 * @param errorDb after an error trace, the SQNR the graph is coloured by: the error the node
 *     introduces, or the error at its output (see {@code NodeError}), in dB; Infinity when exact,
 *     NaN when not traced
 */
public record NodeStatus(Kind kind, String detail, double sqnrDb, double impact, double errorDb) {
  public enum Kind {
    WILL_QUANTIZE,
    EXCLUDED,
    CANNOT,
    OTHER
  }

  public static final NodeStatus OTHER =
      new NodeStatus(Kind.OTHER, "", Double.NaN, Double.NaN, Double.NaN);

  public boolean hasImpact() {
    return !Double.isNaN(impact);
  }

  public boolean hasSqnr() {
    return !Double.isNaN(sqnrDb);
  }

  public boolean hasError() {
    return !Double.isNaN(errorDb);
  }
}
