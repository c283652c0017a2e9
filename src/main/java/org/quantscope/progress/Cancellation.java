// SPDX-License-Identifier: Apache-2.0
package org.quantscope.progress;

import java.util.concurrent.CancellationException;

/**
 * Cancellation points for engine loops. Work is cancelled by interrupting the thread that runs it;
 * engine code calls {@link #check()} between units of work (a node, a sample, a run).
 */
public final class Cancellation {
  private Cancellation() {}

  /**
   * Throws {@link CancellationException} if the current thread was interrupted. The interrupt flag
   * stays set, so callers further up can see it too.
   */
  public static void check() {
    if (Thread.currentThread().isInterrupted()) {
      throw new CancellationException("cancelled");
    }
  }
}
