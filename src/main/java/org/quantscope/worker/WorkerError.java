// SPDX-License-Identifier: Apache-2.0
package org.quantscope.worker;

import java.io.PrintStream;
import java.io.PrintWriter;

/**
 * An unexpected exception inside the worker (a bug), raised again in the window's process. Its
 * stack trace includes the worker's, so the error dialog's details show where it happened.
 */
public final class WorkerError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String workerTrace;

  WorkerError(String message, String workerTrace) {
    super(message);
    this.workerTrace = workerTrace == null ? "" : workerTrace;
  }

  /** The stack trace as the worker printed it. */
  public String workerTrace() {
    return workerTrace;
  }

  @Override
  public void printStackTrace(PrintWriter s) {
    super.printStackTrace(s);
    s.println("In the worker process:");
    s.print(workerTrace);
  }

  @Override
  public void printStackTrace(PrintStream s) {
    super.printStackTrace(s);
    s.println("In the worker process:");
    s.print(workerTrace);
  }
}
