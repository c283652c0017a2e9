// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

/**
 * How a node is shown: its verdict before a run (will be quantized, excluded by the user, cannot be
 * quantized, or not a candidate at all), after a run the SQNR of its weights, and after a
 * sensitivity analysis its impact on parity.
 *
 * @param kind the verdict
 * @param detail the action or the reason, for the tooltip
 * @param sqnrDb the lowest SQNR of its quantized weights after a run, or NaN
 * @param impact its sensitivity impact in units of the tolerance (see {@code NodeSensitivity}), or
 *     NaN
 */
public record NodeStatus(Kind kind, String detail, double sqnrDb, double impact) {
  public enum Kind {
    WILL_QUANTIZE,
    EXCLUDED,
    CANNOT,
    OTHER
  }

  public static final NodeStatus OTHER = new NodeStatus(Kind.OTHER, "", Double.NaN, Double.NaN);

  public boolean hasImpact() {
    return !Double.isNaN(impact);
  }

  public boolean hasSqnr() {
    return !Double.isNaN(sqnrDb);
  }
}
