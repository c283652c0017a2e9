// SPDX-License-Identifier: Apache-2.0
package org.quantscope.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The folders a worker writes files into for the window's process to keep after the job (the int8
 * model of a quantization), outside every job's folder: one private temporary folder per {@link
 * WorkerProcess}, made on first use, one subfolder per {@link Output}, all deleted when the process
 * closes.
 */
public final class WorkerOutputs implements AutoCloseable {
  private final Path tempRoot;
  private Path root;

  /** Outputs under {@code tempRoot}, or under {@code java.io.tmpdir} when it is null. */
  WorkerOutputs(Path tempRoot) {
    this.tempRoot = tempRoot;
  }

  /**
   * A fresh folder. Closing the output deletes it unless it was {@linkplain Output#keep kept}; kept
   * outputs go when this closes.
   */
  synchronized Output next() throws IOException {
    if (root == null || !Files.isDirectory(root)) {
      root =
          tempRoot == null
              ? Files.createTempDirectory("quantscope-int8-")
              : Files.createTempDirectory(tempRoot, "quantscope-int8-");
    }
    return new Output(Files.createTempDirectory(root, "run-"));
  }

  /** Deletes every output, kept or not. */
  @Override
  public void close() {
    Path r;
    synchronized (this) {
      r = root;
      root = null;
    }
    if (r != null) {
      WorkerProcess.deleteTree(r);
    }
  }

  /** A folder a worker writes into for the window's process. */
  public static final class Output implements AutoCloseable {
    private final Path dir;
    private boolean kept;

    private Output(Path dir) {
      this.dir = dir;
    }

    /** The folder. */
    public Path dir() {
      return dir;
    }

    /** Keeps the folder until it is {@linkplain #delete deleted} or its outputs close. */
    public void keep() {
      kept = true;
    }

    /** Deletes the folder, kept or not. */
    public void delete() {
      WorkerProcess.deleteTree(dir);
    }

    /** Deletes the folder unless it was kept. */
    @Override
    public void close() {
      if (!kept) {
        delete();
      }
    }
  }
}
