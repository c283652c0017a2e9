// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * A setting typed as text (a tolerance, a sample count, a seed) with its validation problem: the
 * text is checked as it changes, and the problem is empty while the value is fine, so the Options
 * panel can show it next to the field and runs can be blocked until it is fixed.
 */
public final class OptionField {
  /** What the text must be. */
  enum Kind {
    /** Any finite number. */
    NUMBER,
    /** A finite number >= 0. */
    NON_NEGATIVE,
    /** Any whole number (a long). */
    INTEGER,
    /** A whole number >= 1. */
    POSITIVE_INT,
    /** A whole number >= 0, where 0 means automatic. */
    NON_NEGATIVE_INT,
    /** Rows per run: empty (the samples' own grouping), "all", or a whole number >= 1. */
    BATCH,
    /** A number from 0 to 1 (a cosine or a share). */
    UNIT
  }

  private final String key;
  private final Kind kind;
  private final StringProperty text;
  private final StringProperty problem = new SimpleStringProperty("");

  /**
   * @param key the name it is stored under in the settings
   * @param dflt the text it starts with
   */
  OptionField(String key, String dflt, Kind kind) {
    this.key = key;
    this.kind = kind;
    this.text = new SimpleStringProperty(dflt);
    text.addListener((o, a, b) -> problem.set(check(b)));
  }

  public StringProperty textProperty() {
    return text;
  }

  /** Empty when the text is valid, else what is wrong with it. */
  public ReadOnlyStringProperty problemProperty() {
    return problem;
  }

  String key() {
    return key;
  }

  boolean isValid() {
    return problem.get().isEmpty();
  }

  private String check(String s) {
    String t = s == null ? "" : s.trim();
    try {
      switch (kind) {
        case NUMBER -> {
          double d = Double.parseDouble(t);
          return Double.isFinite(d) ? "" : "must be a finite number";
        }
        case NON_NEGATIVE -> {
          double d = Double.parseDouble(t);
          return d >= 0 && Double.isFinite(d) ? "" : "must be a number >= 0";
        }
        case INTEGER -> {
          Long.parseLong(t);
          return "";
        }
        case POSITIVE_INT -> {
          return Integer.parseInt(t) >= 1 ? "" : "must be a whole number >= 1";
        }
        case NON_NEGATIVE_INT -> {
          return Integer.parseInt(t) >= 0 ? "" : "must be a whole number >= 0 (0: automatic)";
        }
        case UNIT -> {
          double d = Double.parseDouble(t);
          return d >= 0 && d <= 1 ? "" : "must be a number from 0 to 1";
        }
        case BATCH -> {
          return t.isEmpty() || t.equalsIgnoreCase("all") || Integer.parseInt(t) >= 1
              ? ""
              : "must be empty, all, or a whole number >= 1";
        }
        default -> throw new IllegalStateException();
      }
    } catch (NumberFormatException e) {
      return kind == Kind.NUMBER || kind == Kind.NON_NEGATIVE || kind == Kind.UNIT
          ? "'" + t + "' is not a number"
          : "'" + t + "' is not a whole number";
    }
  }

  double asDouble() {
    return Double.parseDouble(text.get().trim());
  }

  long asLong() {
    return Long.parseLong(text.get().trim());
  }

  /** A {@link Kind#BATCH} field's rows per run: null when empty, 0 for all. */
  Integer asBatch() {
    String t = text.get() == null ? "" : text.get().trim();
    if (t.isEmpty()) {
      return null;
    }
    return t.equalsIgnoreCase("all") ? 0 : Integer.parseInt(t);
  }
}
