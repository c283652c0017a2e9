// SPDX-License-Identifier: Apache-2.0
package org.quantscope.progress;

/**
 * Receives progress of long engine work: {@code done} of {@code total} units (nodes, samples,
 * runs), with a short human-readable message. Implementations must be cheap and thread-safe; the
 * engine may call them from worker threads.
 */
@FunctionalInterface
public interface Progress {
  /** Ignores all reports. */
  Progress NONE = (done, total, message) -> {};

  void report(long done, long total, String message);
}
