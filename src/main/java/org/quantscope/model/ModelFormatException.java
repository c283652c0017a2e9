// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

import java.io.IOException;

/**
 * A model file, or a tensor or node inside it, is not what the ONNX format requires. The message is
 * meant for users: it names the file, the tensor or node, and what was expected, on one line.
 */
public class ModelFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Longest message kept; names inside it are shortened first, see {@link #tidy}. */
  static final int MAX_MESSAGE = 1500;

  /** Quoted names longer than this are shortened to their start and end. */
  static final int MAX_QUOTED = 120;

  public ModelFormatException(String message) {
    super(tidy(message));
  }

  public ModelFormatException(String message, Throwable cause) {
    super(tidy(message), cause);
  }

  /**
   * Makes a message safe to show: names come from the file, so control and bidirectional-override
   * characters are replaced, quoted names longer than {@link #MAX_QUOTED} characters keep only
   * their start and end, and the whole message is cut at {@link #MAX_MESSAGE} characters.
   */
  static String tidy(String message) {
    if (message == null) {
      return null;
    }
    StringBuilder b = new StringBuilder(Math.min(message.length(), MAX_MESSAGE + 64));
    boolean quoted = false;
    int quotedLength = 0;
    StringBuilder tail = new StringBuilder(); // the last characters of a name being shortened
    for (int i = 0; i < message.length() && b.length() <= MAX_MESSAGE; i++) {
      char c = message.charAt(i);
      if (Character.isISOControl(c) || isBidiControl(c)) {
        c = c == '\n' || c == '\t' ? ' ' : '?';
      }
      // a quote opens after a non-letter and closes before one; apostrophes (protobuf's) do neither
      boolean quoteMark =
          c == '\''
              && (quoted
                  ? i + 1 == message.length() || !Character.isLetterOrDigit(message.charAt(i + 1))
                  : i == 0 || !Character.isLetterOrDigit(message.charAt(i - 1)));
      if (quoteMark) {
        if (quoted && quotedLength > MAX_QUOTED) {
          b.append('\u2026').append(tail, 1, tail.length());
        } else {
          b.append(tail);
        }
        quoted = !quoted;
        quotedLength = 0;
        tail.setLength(0);
        b.append(c);
        continue;
      }
      if (quoted && ++quotedLength > MAX_QUOTED - 21) {
        tail.append(c);
        if (tail.length() > 21) {
          tail.deleteCharAt(0);
        }
        continue;
      }
      b.append(c);
    }
    if (quoted) {
      b.append(quotedLength > MAX_QUOTED ? "\u2026" : tail);
    }
    if (b.length() > MAX_MESSAGE) {
      b.setLength(MAX_MESSAGE - 1);
      b.append('\u2026');
    }
    return b.toString();
  }

  private static boolean isBidiControl(char c) {
    return (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069')
        || c == '\u200e'
        || c == '\u200f'
        || c == '\u061c';
  }
}
