// SPDX-License-Identifier: Apache-2.0
package org.quantscope.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.OnnxModel;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.quantize.Summaries;
import org.quantscope.report.Texts;

/**
 * What {@code inspect} and {@code quantize} do with a file, run on one input: load it from disk
 * (the real loader, with its own scan for inline weights), summarise it, quantize it in memory per
 * tensor and per channel, and serialise the result. The contract: every input ends in a result or a
 * clean {@link ModelFormatException} (or "nothing to quantize") within a time bound.
 */
public final class FuzzTarget implements AutoCloseable {
  /** How one input ended. */
  public enum Verdict {
    /** Loaded, summarised and quantized (or nothing to quantize). */
    OK,
    /** Refused with a ModelFormatException. */
    REFUSED,
    /** Anything else: another exception, an error, a hang. A bug. */
    BROKEN
  }

  /** The outcome of one input; {@code problem} says what broke. */
  public record Outcome(Verdict verdict, String problem, Throwable error) {}

  private final Path dir;
  private final long timeoutMs;
  private ExecutorService worker = newWorker();

  public FuzzTarget(Path dir, long timeoutMs) {
    this.dir = dir;
    this.timeoutMs = timeoutMs;
  }

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, "fuzz-target");
          t.setDaemon(true);
          return t;
        });
  }

  /** Runs one input, written to {@code model.onnx} in the target's folder. */
  public Outcome run(byte[] bytes) throws IOException {
    Path file = dir.resolve("model.onnx");
    Files.write(file, bytes);
    Future<Verdict> f = worker.submit(() -> exercise(file));
    try {
      return new Outcome(f.get(timeoutMs, TimeUnit.MILLISECONDS), null, null);
    } catch (TimeoutException e) {
      f.cancel(true);
      worker.shutdownNow();
      worker = newWorker(); // the stuck thread is abandoned (daemon)
      return new Outcome(Verdict.BROKEN, "no result within " + timeoutMs + " ms", null);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      return new Outcome(
          Verdict.BROKEN,
          c.getClass().getName() + ": " + Texts.clean(String.valueOf(c.getMessage())),
          c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static Verdict exercise(Path file) throws Exception {
    OnnxModel model;
    try {
      model = ModelFiles.load(file);
    } catch (ModelFormatException e) {
      check(e);
      return Verdict.REFUSED;
    }
    try {
      Summaries.summarize(model);
      for (QuantizeOptions o :
          new QuantizeOptions[] {
            QuantizeOptions.DEFAULTS, QuantizeOptions.DEFAULTS.toBuilder().perChannel(true).build()
          }) {
        try {
          DynamicQuantizer.Output out = DynamicQuantizer.quantize(model, o, Progress.NONE);
          ModelFiles.inline(out.model()).toByteArray();
        } catch (NothingToQuantizeException e) {
          // a result: the model has nothing ORT would quantize
        }
      }
    } catch (ModelFormatException e) {
      check(e);
      return Verdict.REFUSED;
    }
    return Verdict.OK;
  }

  /** A refusal must say something a user can read. */
  private static void check(ModelFormatException e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      throw new IllegalStateException("a ModelFormatException without a message", e);
    }
    if (m.length() > 2000) {
      throw new IllegalStateException(
          "a ModelFormatException message of " + m.length() + " chars", e);
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
