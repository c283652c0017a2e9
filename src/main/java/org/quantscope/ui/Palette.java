// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import javafx.scene.paint.Color;
import org.quantscope.graph.GraphLayout;

/**
 * The colours of the graph: verdicts before a run, weight SQNR after one. The legend reads the same
 * entries.
 */
final class Palette {
  private Palette() {}

  static final Color WILL = Color.web("#cfe9d3");
  static final Color EXCLUDED = Color.web("#d9dde3");
  static final Color CANNOT = Color.web("#f8dcc4");
  static final Color OTHER = Color.web("#ffffff");
  static final Color INPUT = Color.web("#dbe8f6");
  static final Color WEIGHT = Color.web("#fbf3d5");
  static final Color GOOD = Color.web("#a8dab5");
  static final Color FAIR = Color.web("#f6e3a1");
  static final Color POOR = Color.web("#f3a6a0");

  /** SQNR at or above this is shown as good, below {@link #FAIR_DB} as poor. */
  static final double GOOD_DB = 40;

  static final double FAIR_DB = 30;

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

  static Color sqnr(double db) {
    return db >= GOOD_DB ? GOOD : db >= FAIR_DB ? FAIR : POOR;
  }

  private static final Color STRONG = Color.web("#6b7280");
  private static final Color LIGHT = Color.web("#b6bcc6");

  static Color stroke(GraphLayout.Kind kind, NodeStatus st) {
    return kind == GraphLayout.Kind.NODE && st.kind() != NodeStatus.Kind.OTHER ? STRONG : LIGHT;
  }
}
