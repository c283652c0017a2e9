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

  /**
   * This progress seen as step {@code index} of {@code parts} equal steps: each step's own {@code
   * done / total} fills its share, and its messages get {@code prefix}.
   */
  default Progress part(int index, int parts, String prefix) {
    long scale = 1000;
    return (done, total, message) -> {
      long within = total <= 0 ? 0 : Math.min(scale, done * scale / total);
      report(index * scale + within, Math.max(1, parts) * scale, prefix + message);
    };
  }
}
