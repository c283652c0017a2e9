// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import org.quantscope.report.Texts;

/**
 * What the CLI prints passes through here, because it quotes names from the model: a node named
 * with the escape sequence ESC [ 2 J must not clear the user's terminal, nor a bidirectional
 * override reorder the line. Control and format characters (see {@link Texts#isControl}) other than
 * newline and tab are printed as {@code ?}; JSON output is not affected, since its writer escapes
 * them first.
 */
final class TerminalWriter extends FilterWriter {
  private char high; // a high surrogate waiting for its pair

  private TerminalWriter(Writer out) {
    super(out);
  }

  /** {@code out} with control characters made visible; the same writer if already wrapped. */
  static PrintWriter wrap(PrintWriter out) {
    return new PrintWriter(new TerminalWriter(out), true);
  }

  @Override
  public void write(int c) throws IOException {
    char ch = (char) c;
    if (high != 0) {
      char h = high;
      high = 0;
      if (Character.isLowSurrogate(ch)) {
        int cp = Character.toCodePoint(h, ch);
        if (Texts.isControl(cp)) {
          out.write('?');
        } else {
          out.write(h);
          out.write(ch);
        }
        return;
      }
      out.write('?');
    }
    if (Character.isHighSurrogate(ch)) {
      high = ch;
      return;
    }
    out.write(ch == '\n' || ch == '\t' || !Texts.isControl(ch) ? ch : '?');
  }

  @Override
  public void write(char[] cbuf, int off, int len) throws IOException {
    for (int i = 0; i < len; i++) {
      write(cbuf[off + i]);
    }
  }

  @Override
  public void write(String str, int off, int len) throws IOException {
    for (int i = 0; i < len; i++) {
      write(str.charAt(off + i));
    }
  }
}
