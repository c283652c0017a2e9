// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

/**
 * The colours of node statuses, as hex strings, shared by the window's graph and the report's
 * picture so that both read the same: verdicts before a run, the SQNR of the weights after one.
 */
public final class StatusColors {
  private StatusColors() {}

  /** Will be quantized (before a run). */
  public static final String WILL = "#cfe9d3";

  /** Excluded by the user. */
  public static final String EXCLUDED = "#d9dde3";

  /** Cannot be quantized. */
  public static final String CANNOT = "#f8dcc4";

  /** Any other node. */
  public static final String OTHER = "#ffffff";

  /** Graph inputs and outputs. */
  public static final String INPUT = "#dbe8f6";

  /** Weights. */
  public static final String WEIGHT = "#fbf3d5";

  /** Quantized, SQNR at or above {@link #GOOD_DB}. */
  public static final String GOOD = "#a8dab5";

  /** Quantized, SQNR from {@link #FAIR_DB} to {@link #GOOD_DB}. */
  public static final String FAIR = "#f6e3a1";

  /** Quantized, SQNR below {@link #FAIR_DB}. */
  public static final String POOR = "#f3a6a0";

  /** Outline of candidate nodes. */
  public static final String STRONG_OUTLINE = "#6b7280";

  /** Outline of other boxes. */
  public static final String LIGHT_OUTLINE = "#b6bcc6";

  /** Edges. */
  public static final String EDGE = "#9aa4b1";

  public static final double GOOD_DB = 40;

  public static final double FAIR_DB = 30;

  /** The colour of a quantized node whose worst weight has this SQNR. */
  public static String sqnr(double db) {
    return db >= GOOD_DB ? GOOD : db >= FAIR_DB ? FAIR : POOR;
  }
}
