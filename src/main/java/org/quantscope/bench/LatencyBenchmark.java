// SPDX-License-Identifier: Apache-2.0
package org.quantscope.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.quantscope.progress.Cancellation;
import org.quantscope.progress.Progress;
import org.quantscope.runtime.ModelRunner;
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;

/**
 * Measures models in one process, interleaved (reference, candidate, reference, ...) so that drift
 * of the machine hits both alike: session load time, warm-up runs, then a fixed number of runs or a
 * time budget. Input tensors are made once, before timing; each timed interval is one {@code
 * session.run} and the release of its result.
 */
public final class LatencyBenchmark {
  private LatencyBenchmark() {}

  /**
   * @param warmup runs per model before timing (default 10)
   * @param runs timed runs per model; ignored when {@code seconds > 0}
   * @param seconds time budget for the timed runs of all models together, or 0
   */
  public record Options(int warmup, int runs, double seconds) {
    public static final Options DEFAULTS = new Options(10, 100, 0);

    public Options {
      if (warmup < 0 || runs < 1 || seconds < 0) {
        throw new IllegalArgumentException(
            "warm-up must be >= 0, runs >= 1 and seconds >= 0; got "
                + warmup
                + ", "
                + runs
                + ", "
                + seconds);
      }
    }
  }

  /** A model to measure. */
  public record Subject(ModelRunner runner, String path, String role, long sizeBytes) {}

  /**
   * Measures the subjects on the feeds (used in turn); progress per timed round, cancellation
   * between runs.
   */
  public static List<LatencyStats> measure(
      List<Subject> subjects, List<Map<String, NdArray>> feeds, Options options, Progress progress)
      throws IOException {
    int batch = (int) batch(feeds.get(0));
    List<List<Map<String, OnnxTensor>>> tensors = new ArrayList<>();
    try {
      for (Subject s : subjects) {
        List<Map<String, OnnxTensor>> perFeed = new ArrayList<>();
        for (Map<String, NdArray> f : feeds) {
          perFeed.add(s.runner().tensors(f));
        }
        tensors.add(perFeed);
      }
      for (int w = 0; w < options.warmup(); w++) {
        for (int s = 0; s < subjects.size(); s++) {
          Cancellation.check();
          time(subjects.get(s).runner().session(), tensors.get(s).get(w % feeds.size()));
        }
      }
      List<long[]> times = new ArrayList<>();
      boolean budget = options.seconds() > 0;
      // grown as runs complete: a huge --runs must not allocate its arrays up front
      int capacity = budget ? 1024 : Math.max(1, Math.min(options.runs(), 1024));
      for (int s = 0; s < subjects.size(); s++) {
        times.add(new long[capacity]);
      }
      long start = System.nanoTime();
      long budgetNanos = (long) (options.seconds() * 1e9);
      long deadline = start + budgetNanos;
      int done = 0;
      while (budget ? System.nanoTime() < deadline || done < 3 : done < options.runs()) {
        for (int s = 0; s < subjects.size(); s++) {
          Cancellation.check();
          long[] t = times.get(s);
          if (done == t.length) {
            t = java.util.Arrays.copyOf(t, t.length * 2);
            times.set(s, t);
          }
          t[done] =
              time(subjects.get(s).runner().session(), tensors.get(s).get(done % feeds.size()));
        }
        done++;
        if (budget) {
          progress.report(
              Math.min(
                      System.nanoTime() - (deadline - (long) (options.seconds() * 1e9)),
                      (long) (options.seconds() * 1e9))
                  / 1_000_000,
              (long) (options.seconds() * 1000),
              done + " runs");
        } else {
          progress.report(done, options.runs(), done + " of " + options.runs() + " runs");
        }
      }
      List<LatencyStats> out = new ArrayList<>();
      for (int s = 0; s < subjects.size(); s++) {
        Subject sub = subjects.get(s);
        out.add(
            LatencyStats.of(
                sub.path(),
                sub.role(),
                sub.sizeBytes(),
                sub.runner().loadNanos(),
                java.util.Arrays.copyOf(times.get(s), done),
                batch));
      }
      return out;
    } finally {
      for (List<Map<String, OnnxTensor>> perFeed : tensors) {
        for (Map<String, OnnxTensor> m : perFeed) {
          m.values().forEach(OnnxTensor::close);
        }
      }
    }
  }

  /**
   * The benchmark step of every run, in this process or in the worker: opens a session per model
   * (the reference first), measures them interleaved, and reports them with the machine and, when
   * an int8 candidate is measured, the note about CPUs whose int8 kernels may saturate.
   *
   * @param reference the float model
   * @param candidate the int8 model, or null to measure the reference alone
   */
  public static BenchReport compare(
      ModelSource reference,
      ModelSource candidate,
      List<Map<String, NdArray>> feeds,
      Options options,
      OrtRuntime.SessionConfig sessions,
      Progress progress)
      throws IOException {
    List<LatencyStats> stats;
    try (ModelRunner a = reference.open(sessions);
        ModelRunner b = candidate == null ? null : candidate.open(sessions)) {
      List<Subject> subjects = new ArrayList<>();
      subjects.add(new Subject(a, reference.name(), "reference", reference.sizeBytes()));
      if (b != null) {
        subjects.add(new Subject(b, candidate.name(), "candidate", candidate.sizeBytes()));
      }
      stats = measure(subjects, feeds, options, progress);
    }
    Environment env = Environment.detect(OrtRuntime.version(), sessions.intraOpThreads());
    return new BenchReport(
        stats,
        stats.size() == 2 ? speedup(stats.get(0), stats.get(1)) : null,
        env,
        candidate == null ? List.of() : env.int8Notes(sessions),
        null);
  }

  /** One timed run: the call and the release of its result. */
  private static long time(OrtSession session, Map<String, OnnxTensor> feed) throws IOException {
    long t0 = System.nanoTime();
    try (OrtSession.Result r = session.run(feed)) {
      return System.nanoTime() - t0;
    } catch (OrtException e) {
      throw new IOException("ONNX Runtime failed during the benchmark: " + e.getMessage(), e);
    }
  }

  /** Speedup of the candidate at the median: reference p50 / candidate p50. */
  public static double speedup(LatencyStats reference, LatencyStats candidate) {
    return candidate.p50Ms() > 0 ? reference.p50Ms() / candidate.p50Ms() : 0;
  }

  static long batch(Map<String, NdArray> feed) {
    for (NdArray a : feed.values()) {
      return a.shape().length == 0 ? 1 : a.shape()[0];
    }
    return 1;
  }
}
