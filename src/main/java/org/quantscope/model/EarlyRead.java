// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * One read started ahead of the code that needs it, in a daemon thread of its own, and handed once
 * to the first who asks for the same file: the window's first model ({@code ui.EarlyOpen}) and the
 * model a verb names first ({@code cli.EarlyModel}) are read while JavaFX or picocli start.
 *
 * @param <T> what the read makes
 */
public final class EarlyRead<T> {
  private final String threadName;
  private CompletableFuture<T> pending;
  private Path pendingFile;

  /**
   * @param threadName the name of the reading thread (thread dumps and profiles show it)
   */
  public EarlyRead(String threadName) {
    this.threadName = threadName;
  }

  /**
   * Starts {@code read} in the background, replacing any read not taken.
   *
   * @param file what is read, the key {@link #take} matches; null for a read of no file
   * @return the read, which completes with its result or with what it threw
   */
  public synchronized CompletableFuture<T> start(Path file, Callable<T> read) {
    CompletableFuture<T> f = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                f.complete(read.call());
              } catch (Throwable e) { // the taker decides what to say of it
                f.completeExceptionally(e);
              }
            },
            threadName);
    t.setDaemon(true);
    t.start();
    pending = f;
    pendingFile = file;
    return f;
  }

  /** The read of {@code file}, once; null when none was started for it (or it was taken). */
  public synchronized CompletableFuture<T> take(Path file) {
    if (pending == null || !Objects.equals(pendingFile, file)) {
      return null;
    }
    CompletableFuture<T> f = pending;
    forget();
    return f;
  }

  /** Drops a read nobody took. */
  public synchronized void forget() {
    pending = null;
    pendingFile = null;
  }
}
