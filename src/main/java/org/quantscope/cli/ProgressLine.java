// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.PrintWriter;
import org.quantscope.progress.Progress;

/**
 * Progress on stderr for interactive use: one line rewritten in place at most every half second,
 * and nothing at all when stderr is not a terminal (CI logs stay clean).
 */
final class ProgressLine implements Progress {
  private final PrintWriter err;
  private final boolean enabled = System.console() != null;
  private long last;
  private boolean shown;

  ProgressLine(PrintWriter err) {
    this.err = err;
  }

  @Override
  public synchronized void report(long done, long total, String message) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (now - last < 500_000_000L && done < total) {
      return;
    }
    last = now;
    String text = String.format("  %d/%d %s", done, total, message);
    if (text.length() > 78) {
      text = text.substring(0, 77) + "…";
    }
    err.print("\r" + text + " ".repeat(Math.max(0, 79 - text.length())));
    err.flush();
    shown = true;
    if (done >= total && shown) {
      err.print("\r" + " ".repeat(79) + "\r");
      err.flush();
    }
  }
}
