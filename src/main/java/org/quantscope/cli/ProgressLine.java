// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.PrintWriter;
import org.quantscope.progress.Progress;

/**
 * Progress on stderr for interactive use: one line rewritten in place with {@code \r} at most every
 * half second, and nothing at all when the command line does not run in a terminal (see {@link
 * Terminal}: CI logs and redirected output stay clean).
 */
final class ProgressLine implements Progress {
  private final PrintWriter err;
  private final boolean enabled;
  private long last;
  private boolean shown;

  ProgressLine(PrintWriter err) {
    this(err, Terminal.isInteractive());
  }

  /** Progress on {@code err}, shown only when {@code interactive}. */
  ProgressLine(PrintWriter err, boolean interactive) {
    this.err = err;
    this.enabled = interactive;
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
