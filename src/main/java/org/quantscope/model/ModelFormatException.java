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

  /** How many characters of a shortened name's end are kept. */
  private static final int TAIL = 21;

  public ModelFormatException(String message) {
    super(tidy(message));
  }

  public ModelFormatException(String message, Throwable cause) {
    super(tidy(message), cause);
  }

  /**
   * Makes a message safe to show: names come from the file, so the characters {@link
   * UntrustedText#isControl} rejects are replaced (line breaks and tabs by a space, to keep the
   * message on one line; the others by "?", to show that something was there), quoted names longer
   * than {@link #MAX_QUOTED} characters keep only their start and end, and the whole message is cut
   * at {@link #MAX_MESSAGE} characters.
   */
  static String tidy(String message) {
    if (message == null) {
      return null;
    }
    StringBuilder b = new StringBuilder(Math.min(message.length(), MAX_MESSAGE + 64));
    boolean quoted = false;
    int quotedLength = 0;
    StringBuilder tail = new StringBuilder(); // the last characters of a name being shortened
    for (int i = 0; i < message.length() && b.length() <= MAX_MESSAGE; ) {
      int cp = message.codePointAt(i);
      int next = i + Character.charCount(cp);
      if (UntrustedText.isControl(cp)) {
        cp = cp == '\n' || cp == '\t' ? ' ' : '?';
      }
      // a quote opens after a non-letter and closes before one; apostrophes (protobuf's) do neither
      boolean quoteMark =
          cp == '\''
              && (quoted
                  ? next == message.length()
                      || !Character.isLetterOrDigit(message.codePointAt(next))
                  : i == 0 || !Character.isLetterOrDigit(message.codePointBefore(i)));
      i = next;
      if (quoteMark) {
        if (quoted && quotedLength > MAX_QUOTED) {
          b.append(UntrustedText.ELLIPSIS)
              .append(tail, tail.offsetByCodePoints(0, 1), tail.length());
        } else {
          b.append(tail);
        }
        quoted = !quoted;
        quotedLength = 0;
        tail.setLength(0);
        b.appendCodePoint(cp);
        continue;
      }
      if (quoted && ++quotedLength > MAX_QUOTED - TAIL) {
        tail.appendCodePoint(cp);
        if (tail.codePointCount(0, tail.length()) > TAIL) {
          tail.delete(0, Character.charCount(tail.codePointAt(0)));
        }
        continue;
      }
      b.appendCodePoint(cp);
    }
    if (quoted) {
      b.append(quotedLength > MAX_QUOTED ? String.valueOf(UntrustedText.ELLIPSIS) : tail);
    }
    if (b.length() > MAX_MESSAGE) {
      UntrustedText.cut(b, MAX_MESSAGE);
    }
    return b.toString();
  }
}
