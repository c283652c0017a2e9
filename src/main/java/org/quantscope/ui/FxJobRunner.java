// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.concurrent.Task;

/**
 * The one adapter from engine jobs to JavaFX {@link Task}s: progress reported through the engine's
 * {@code Progress} becomes the task's progress and message, {@code cancel} interrupts the worker,
 * and the outcome is delivered on the FX thread.
 */
public final class FxJobRunner implements JobRunner {
  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(null, r, "quantscope-worker", 64L << 20);
            t.setDaemon(true);
            return t;
          });
  private final ReadOnlyIntegerWrapper running = new ReadOnlyIntegerWrapper(this, "running");
  private final ReadOnlyObjectWrapper<Task<?>> current =
      new ReadOnlyObjectWrapper<>(this, "current");

  /** Number of jobs currently running. */
  public ReadOnlyIntegerProperty runningProperty() {
    return running.getReadOnlyProperty();
  }

  /** The most recently started job still running, for the status bar; null when idle. */
  public ReadOnlyObjectProperty<Task<?>> currentProperty() {
    return current.getReadOnlyProperty();
  }

  @Override
  public <T> Handle submit(
      String title, Job<T> job, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
    Task<T> task =
        new Task<>() {
          @Override
          protected T call() throws Exception {
            updateTitle(title);
            return job.run(
                (done, total, message) -> {
                  updateProgress(done, total);
                  updateMessage(message);
                });
          }
        };
    task.setOnSucceeded(e -> finish(task, () -> onSuccess.accept(task.getValue())));
    task.setOnFailed(e -> finish(task, () -> onFailure.accept(task.getException())));
    task.setOnCancelled(
        e ->
            finish(task, () -> onFailure.accept(new java.util.concurrent.CancellationException())));
    running.set(running.get() + 1);
    current.set(task);
    executor.execute(task);
    return () -> task.cancel(true);
  }

  private void finish(Task<?> task, Runnable r) {
    running.set(running.get() - 1);
    if (current.get() == task) {
      current.set(null);
    }
    r.run();
  }
}
