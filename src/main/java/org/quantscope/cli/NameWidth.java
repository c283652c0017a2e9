// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import org.quantscope.report.Texts;
import picocli.CommandLine.Option;

/**
 * {@code --name-width N}: node names in tables are printed whole by default, so that they can be
 * copied into {@code --nodes-to-exclude}; this cuts them to N characters (with an ellipsis) for a
 * narrow terminal. Names are cleaned of control characters either way.
 */
final class NameWidth {
  /** Whole names (up to the longest text QuantScope shows from a model). */
  static final int WHOLE = Texts.MAX_CHARS;

  @Option(
      names = "--name-width",
      paramLabel = "N",
      description = "Cut node names in tables to N characters (default: print them whole).")
  Integer width;

  int width() {
    if (width == null) {
      return WHOLE;
    }
    if (width < 8) {
      throw new IllegalArgumentException("--name-width must be at least 8, got " + width);
    }
    return width;
  }
}
