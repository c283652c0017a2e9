// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import javafx.scene.paint.Color;
import org.quantscope.graph.GraphLayout;
import org.quantscope.report.StatusColors;

/**
 * The colours of the graph: verdicts before a run, weight SQNR after one (and the traced error, on
 * the same dB scale), sensitivity impact, the background and the edges, and the shades used when
 * zoomed far out. The legend, the canvas and the overview read the same entries.
 */
final class Palette {
  private Palette() {}

  static final Color WILL = Color.web(StatusColors.WILL);
  static final Color EXCLUDED = Color.web(StatusColors.EXCLUDED);
  static final Color CANNOT = Color.web(StatusColors.CANNOT);
  static final Color OTHER = Color.web(StatusColors.OTHER);
  static final Color INPUT = Color.web(StatusColors.INPUT);
  static final Color WEIGHT = Color.web(StatusColors.WEIGHT);
  static final Color GOOD = Color.web(StatusColors.GOOD);
  static final Color FAIR = Color.web(StatusColors.FAIR);
  static final Color POOR = Color.web(StatusColors.POOR);
  static final Color BACKGROUND = Color.web("#f7f8fa");
  static final Color EDGE = Color.web(StatusColors.EDGE);
  private static final Color COARSE_NODE = Color.web("#c3cad4");

  /** SQNR at or above this is shown as good, below {@link #FAIR_DB} as poor. */
  static final double GOOD_DB = StatusColors.GOOD_DB;

  static final double FAIR_DB = StatusColors.FAIR_DB;

  static Color fill(GraphLayout.Kind kind, NodeStatus st) {
    switch (kind) {
      case INPUT, OUTPUT -> {
        return INPUT;
      }
      case WEIGHT -> {
        return WEIGHT;
      }
      default -> {}
    }
    if (st.hasError()) {
      return sqnr(st.errorDb());
    }
    if (st.hasImpact()) {
      return impact(st.impact());
    }
    if (st.hasSqnr()) {
      return sqnr(st.sqnrDb());
    }
    return switch (st.kind()) {
      case WILL_QUANTIZE -> WILL;
      case EXCLUDED -> EXCLUDED;
      case CANNOT -> CANNOT;
      case OTHER -> OTHER;
    };
  }

  /** Impact at or above this many tolerances is red: the node alone nearly breaks parity. */
  static final double HIGH_IMPACT = 0.5;

  /** Impact below this is green. */
  static final double LOW_IMPACT = 0.1;

  static Color impact(double impact) {
    return impact >= HIGH_IMPACT ? POOR : impact >= LOW_IMPACT ? FAIR : GOOD;
  }

  static Color sqnr(double db) {
    return db >= GOOD_DB ? GOOD : db >= FAIR_DB ? FAIR : POOR;
  }

  private static final Color STRONG = Color.web(StatusColors.STRONG_OUTLINE);
  private static final Color LIGHT = Color.web(StatusColors.LIGHT_OUTLINE);

  static Color stroke(GraphLayout.Kind kind, NodeStatus st) {
    return kind == GraphLayout.Kind.BLOCK
            || kind == GraphLayout.Kind.NODE && st.kind() != NodeStatus.Kind.OTHER
        ? STRONG
        : LIGHT;
  }

  /** Zoomed far out, plain nodes turn grey and candidates keep a stronger shade of their colour. */
  static Color coarseFill(GraphLayout.Kind kind, NodeStatus st) {
    if (kind == GraphLayout.Kind.NODE && st.kind() == NodeStatus.Kind.OTHER) {
      return COARSE_NODE;
    }
    return fill(kind, st).deriveColor(0, 1.8, 0.85, 1);
  }
}
