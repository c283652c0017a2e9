// SPDX-License-Identifier: Apache-2.0
package org.quantscope.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quantscope.bench.BenchReport;
import org.quantscope.bench.Environment;
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.bench.LatencyStats;
import org.quantscope.model.ModelFiles;
import org.quantscope.parity.ParityCheck;
import org.quantscope.parity.ParityReport;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.runtime.ModelRunner;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.sensitivity.AutoExclude;
import org.quantscope.sensitivity.Sensitivity;

/**
 * The worker process's side: reads the job from its folder, runs ONNX Runtime, writes {@code
 * result.json} and reports progress as lines {@code progress DONE TOTAL MESSAGE} on {@code out}.
 * Failures the user can act on (a model ORT refuses, a bad option) are written as results too; only
 * a crash leaves no result. The worker ends itself when its parent's end of {@code parentLink}
 * closes, so a killed window leaves no worker behind.
 *
 * <p>Two system properties make the worker misbehave on purpose, for tests and for trying the
 * window's error handling by hand: {@value #CRASH} ({@code segv}: a native crash, as ONNX Runtime's
 * would be; {@code halt}: exit code 134 at once) and {@value #STALL} ({@code true}: never return,
 * like a long {@code session.run}). Both strike at the run's first progress report.
 */
public final class WorkerMain {
  /** System property: crash at the first progress report ({@code segv} or {@code halt}). */
  public static final String CRASH = "quantscope.worker.crash";

  /** System property: hang at the first progress report ({@code true}). */
  public static final String STALL = "quantscope.worker.stall";

  /** Exit code when the parent went away before the run ended. */
  static final int ORPHANED = 4;

  static final String JOB = "job.json";
  static final String FEEDS = "feeds.bin";
  static final String RESULT = "result.json";

  private WorkerMain() {}

  /**
   * Runs the job in {@code dir}.
   *
   * @param parentLink the parent's pipe (stdin); end of stream means the parent is gone
   * @param out where progress lines go (stdout)
   * @return the exit code: 0 when {@code result.json} was written
   */
  public static int run(Path dir, InputStream parentLink, PrintWriter out) {
    watch(parentLink);
    int[] code = {3};
    // the deep stack the window's job threads have too (graph walks recurse)
    Thread job = new Thread(null, () -> code[0] = runJob(dir, out), "quantscope-job", 64L << 20);
    job.start();
    try {
      job.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return code[0];
  }

  private static int runJob(Path dir, PrintWriter out) {
    WorkerResult result;
    try {
      WorkerJob job = WorkerJson.read(dir.resolve(JOB), WorkerJob.class);
      List<Map<String, NdArray>> feeds = FeedFiles.read(dir.resolve(FEEDS));
      result = run(job, feeds, misbehaving(lines(out)));
    } catch (IOException e) {
      result = WorkerResult.failed("io", e.getMessage(), null);
    } catch (IllegalArgumentException e) {
      result = WorkerResult.failed("argument", e.getMessage(), null);
    } catch (NothingToQuantizeException e) {
      result = WorkerResult.failed("nothing_to_quantize", e.getMessage(), null);
    } catch (OutOfMemoryError e) {
      result =
          WorkerResult.failed(
              "io",
              "the worker ran out of Java memory ("
                  + (Runtime.getRuntime().maxMemory() >> 20)
                  + " MB); start QuantScope with a larger -Xmx",
              null);
    } catch (Exception | StackOverflowError e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      String what =
          e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      result = WorkerResult.failed("internal", what, trace.toString());
    }
    try {
      WorkerJson.write(dir.resolve(RESULT), result);
      return 0;
    } catch (IOException e) {
      return 2;
    }
  }

  static WorkerResult run(WorkerJob job, List<Map<String, NdArray>> feeds, Progress p)
      throws IOException, NothingToQuantizeException {
    return switch (job.kind()) {
      case PARITY -> WorkerResult.of(parity(job, feeds, p));
      case BENCH -> WorkerResult.of(bench(job, feeds, p));
      case SENSITIVITY ->
          WorkerResult.of(
              Sensitivity.analyze(
                  ModelFiles.load(Path.of(job.reference())),
                  job.quantize(),
                  feeds,
                  job.parity(),
                  job.sessions(),
                  job.parallelism(),
                  p));
      case AUTO_EXCLUDE ->
          WorkerResult.of(
              AutoExclude.search(
                  ModelFiles.load(Path.of(job.reference())),
                  job.quantize(),
                  feeds,
                  job.parity(),
                  job.sessions(),
                  job.parallelism(),
                  null,
                  p));
    };
  }

  // Parity and benchmark give ORT the files as they are: no need to parse them here too.

  private static ParityReport parity(WorkerJob job, List<Map<String, NdArray>> feeds, Progress p)
      throws IOException {
    ParityCheck.Outputs a;
    ParityCheck.Outputs b;
    try (ModelRunner r = ModelRunner.open(Path.of(job.reference()), job.sessions())) {
      a = ParityCheck.run(r, feeds, p);
    }
    try (ModelRunner r = ModelRunner.open(Path.of(job.candidate()), job.sessions())) {
      b = ParityCheck.run(r, feeds, p);
    }
    return ParityCheck.compare(
        a, b, job.parity(), job.referenceName(), job.candidateName(), warnings(job));
  }

  private static BenchReport bench(WorkerJob job, List<Map<String, NdArray>> feeds, Progress p)
      throws IOException {
    List<LatencyStats> stats;
    try (ModelRunner a = ModelRunner.open(Path.of(job.reference()), job.sessions());
        ModelRunner b = ModelRunner.open(Path.of(job.candidate()), job.sessions())) {
      stats =
          LatencyBenchmark.measure(
              List.of(
                  new LatencyBenchmark.Subject(
                      a, job.referenceName(), "reference", job.referenceBytes()),
                  new LatencyBenchmark.Subject(
                      b, job.candidateName(), "candidate", job.candidateBytes())),
              feeds,
              job.bench(),
              p);
    }
    Environment env = Environment.detect(OrtRuntime.version(), job.sessions().intraOpThreads());
    return new BenchReport(
        stats, LatencyBenchmark.speedup(stats.get(0), stats.get(1)), env, warnings(job));
  }

  /** The note about CPUs whose int8 kernels may saturate, as the in-process runs add it. */
  private static List<String> warnings(WorkerJob job) {
    List<String> warnings = new ArrayList<>();
    String w =
        Environment.detect(OrtRuntime.version(), job.sessions().intraOpThreads()).int8Warning();
    if (w != null && !job.sessions().x64QuantPrecision()) {
      warnings.add(w);
    }
    return warnings;
  }

  /** Progress as lines the parent parses; messages kept to one line. */
  private static Progress lines(PrintWriter out) {
    return (done, total, message) -> {
      String m = message == null ? "" : message.replaceAll("[\\r\\n]+", " ");
      synchronized (out) {
        out.println("progress " + done + " " + total + " " + m);
        out.flush();
      }
    };
  }

  /** The progress, with the test hooks of {@value #CRASH} and {@value #STALL} in front. */
  private static Progress misbehaving(Progress p) {
    String crash = System.getProperty(CRASH, "");
    boolean stall = Boolean.getBoolean(STALL);
    if (crash.isEmpty() && !stall) {
      return p;
    }
    AtomicBoolean struck = new AtomicBoolean();
    return (done, total, message) -> {
      p.report(done, total, message);
      if (struck.getAndSet(true)) {
        return;
      }
      if (stall) {
        while (true) {
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            // a stuck native call does not answer interrupts either
          }
        }
      }
      if (crash.equals("segv")) {
        crashNatively();
      }
      Runtime.getRuntime().halt(134);
    };
  }

  /** Writes to address 0 through {@code sun.misc.Unsafe}: a real SIGSEGV, with hs_err. */
  private static void crashNatively() {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      java.lang.reflect.Field f = unsafeClass.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      Object unsafe = f.get(null);
      unsafeClass.getMethod("putAddress", long.class, long.class).invoke(unsafe, 0L, 0L);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // no Unsafe in this runtime: the caller halts instead
    }
  }

  /** Ends the process when the parent closes its end of the pipe (or dies). */
  private static void watch(InputStream parentLink) {
    Thread t =
        new Thread(
            () -> {
              try {
                while (parentLink.read() >= 0) {
                  // the parent never writes; reading only waits for the end
                }
              } catch (IOException e) {
                // a broken pipe means the same
              }
              Runtime.getRuntime().halt(ORPHANED);
            },
            "quantscope-worker-parent-link");
    t.setDaemon(true);
    t.start();
  }
}
