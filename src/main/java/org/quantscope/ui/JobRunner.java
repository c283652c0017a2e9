// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.function.Consumer;
import org.quantscope.progress.Progress;

/**
 * Runs engine work off the FX thread and delivers the outcome on it. View models depend on this
 * interface only; tests pass {@link #synchronous()}, the application {@link FxJobRunner}.
 */
public interface JobRunner {

  /** A unit of engine work that reports progress and may be cancelled by interruption. */
  @FunctionalInterface
  interface Job<T> {
    T run(Progress progress) throws Exception;
  }

  /** A running job that can be cancelled. */
  interface Handle {
    void cancel();
  }

  <T> Handle submit(String title, Job<T> job, Consumer<T> onSuccess, Consumer<Throwable> onFailure);

  /** Runs jobs on the calling thread: for tests of view models. */
  static JobRunner synchronous() {
    return new JobRunner() {
      @Override
      public <T> Handle submit(
          String title, Job<T> job, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        try {
          onSuccess.accept(job.run(Progress.NONE));
        } catch (Exception e) {
          onFailure.accept(e);
        }
        return () -> {};
      }
    };
  }
}
