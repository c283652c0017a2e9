// SPDX-License-Identifier: Apache-2.0
package org.quantscope.worker;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The worker process ended without a result: ONNX Runtime's native code crashed (or the process was
 * killed). The window's process and the user's files are unaffected; the message says so in one
 * line.
 */
public final class WorkerCrashedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;
  private final String workerLog;
  private final transient Path keptLog;

  WorkerCrashedException(String message, int exitCode, String workerLog, Path keptLog) {
    super(message + (keptLog == null ? "" : " (the worker's log is kept in " + keptLog + ")"));
    this.exitCode = exitCode;
    this.workerLog = workerLog;
    this.keptLog = keptLog;
  }

  /** Where the crashed worker's log was kept (in the log folder), or null. */
  public Path keptLog() {
    return keptLog;
  }

  /** The last few kilobytes the worker wrote to stderr (e.g. the JVM's crash notice). */
  public String workerLog() {
    return workerLog;
  }

  /** The worker's exit code (128 + signal number when a signal ended it, as on Linux). */
  public int exitCode() {
    return exitCode;
  }
}
