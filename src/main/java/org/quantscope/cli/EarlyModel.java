// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.quantscope.model.EarlyRead;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;

/**
 * The model a verb names first ({@code quantscope quantize model.onnx ...}), read in a thread of
 * its own while picocli reads the command line: on a cold start the two take about as long
 * (0.15-0.2 s each for a 438 MB BERT-base), and on two cores they overlap. A verb reads its models
 * with {@link #load}, which takes the early read when it is of the same path, once; anything else
 * is read as before. A read that failed is done again, so that the message is the one a plain read
 * gives.
 */
final class EarlyModel {
  private static final EarlyRead<OnnxModel> READ = new EarlyRead<>("quantscope-early-model");

  private EarlyModel() {}

  /**
   * Starts reading the file a verb's arguments name first, when they look like a model path.
   *
   * @param args the verb's arguments, after the verb
   */
  static void startFor(String[] args) {
    if (args.length == 0 || !args[0].endsWith(".onnx") || args[0].startsWith("-")) {
      return;
    }
    Path file;
    try {
      file = Path.of(args[0]);
    } catch (java.nio.file.InvalidPathException e) {
      return; // picocli says why
    }
    start(file);
  }

  /** Starts reading {@code file} in the background; the last start wins. */
  static CompletableFuture<OnnxModel> start(Path file) {
    return READ.start(file, () -> ModelFiles.load(file));
  }

  /**
   * The model at {@code file}: the early read when it was of this path and succeeded, else read.
   */
  static OnnxModel load(Path file) throws IOException {
    CompletableFuture<OnnxModel> early = READ.take(file);
    if (early != null) {
      try {
        return early.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading " + file);
      } catch (ExecutionException e) {
        // read again below: the same failure, reported as a plain read reports it
      }
    }
    return ModelFiles.load(file);
  }

  /** Drops an early read nobody took. */
  static void forget() {
    READ.forget();
  }
}
