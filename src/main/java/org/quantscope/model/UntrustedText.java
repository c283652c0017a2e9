// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

/**
 * Text read from a model file is untrusted: node, tensor and producer names and doc strings may
 * hold terminal escape sequences, bidirectional overrides, line breaks or megabytes. This class is
 * the one rule for which characters are not text to show and for cutting such text to a length. The
 * report, the window and the command line use it (through {@code report.Texts}), and so do the
 * messages of {@link ModelFormatException}; it lives in {@code model}, where the names are read, so
 * that every package above can use it.
 */
public final class UntrustedText {
  private UntrustedText() {}

  /** The longest text a report or the window shows from a model, in characters. */
  public static final int MAX_CHARS = 300;

  /** What ends a cut text. */
  static final char ELLIPSIS = '\u2026';

  /**
   * True for characters that are not text to show: C0 and C1 controls (the escape character of
   * terminal sequences among them), format characters (bidirectional overrides and isolates,
   * zero-width joiners, the byte order mark), unpaired surrogates, unassigned code points and line
   * or paragraph separators.
   */
  public static boolean isControl(int cp) {
    int type = Character.getType(cp);
    return Character.isISOControl(cp)
        || type == Character.FORMAT
        || type == Character.SURROGATE
        || type == Character.UNASSIGNED
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }

  /**
   * {@code s} with every {@link #isControl control character} replaced by a space and cut to {@code
   * max} characters (UTF-16 units) with an ellipsis; null becomes "".
   *
   * @param max at least 1
   */
  public static String clean(String s, int max) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(Math.min(s.length(), max + 1));
    for (int i = 0; i < s.length() && sb.length() <= max; ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      sb.appendCodePoint(isControl(cp) ? ' ' : cp);
    }
    if (sb.length() > max) {
      cut(sb, max);
    }
    return sb.toString();
  }

  /** {@link #clean(String, int)} at {@link #MAX_CHARS}. */
  public static String clean(String s) {
    return clean(s, MAX_CHARS);
  }

  /**
   * Cuts {@code sb} to at most {@code max} characters, the last one an ellipsis, and never between
   * the two halves of a surrogate pair (that would leave an unpaired surrogate behind).
   */
  static void cut(StringBuilder sb, int max) {
    int end = max - 1;
    if (end > 0 && Character.isHighSurrogate(sb.charAt(end - 1))) {
      end--;
    }
    sb.setLength(end);
    sb.append(ELLIPSIS);
  }
}
