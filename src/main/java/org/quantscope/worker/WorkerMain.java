// SPDX-License-Identifier: Apache-2.0
package org.quantscope.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.quantscope.bench.Environment;
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.deploy.DeployCheck;
import org.quantscope.model.ModelFiles;
import org.quantscope.parity.ParityCheck;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.NdArray;
import org.quantscope.sensitivity.AutoExclude;
import org.quantscope.sensitivity.Sensitivity;
import org.quantscope.sensitivity.Study;
import org.quantscope.trace.ErrorTrace;

/**
 * The worker process's side: reads the job from its folder, runs ONNX Runtime, writes {@code
 * result.json} and reports progress as lines {@code progress DONE TOTAL MESSAGE} on {@code out}.
 * Failures the user can act on (a model ORT refuses, a bad option) are written as results too; only
 * a crash leaves no result. The worker ends itself when its parent's end of {@code parentLink}
 * closes, so a killed window leaves no worker behind.
 *
 * <p>Each job is one engine call ({@link ParityCheck#check}, {@link LatencyBenchmark#compare},
 * {@link ErrorTrace#trace}, {@link Sensitivity#analyze}, {@link AutoExclude#search}): the same
 * calls the in-process runs make, so both give the same results.
 */
public final class WorkerMain {
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
    return run(dir, parentLink, out, UnaryOperator.identity());
  }

  /**
   * Runs the job in {@code dir} with its progress passed through {@code decorate} first: the hook a
   * test's own entry point uses to make a worker crash or hang on purpose.
   */
  public static int run(
      Path dir, InputStream parentLink, PrintWriter out, UnaryOperator<Progress> decorate) {
    watch(parentLink);
    int[] code = {3};
    // the deep stack the window's job threads have too (graph walks recurse)
    Thread job =
        new Thread(
            null,
            () -> code[0] = runJob(dir, decorate.apply(lines(out))),
            "quantscope-job",
            64L << 20);
    job.start();
    try {
      job.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return code[0];
  }

  private static int runJob(Path dir, Progress progress) {
    WorkerResult result;
    try {
      WorkerJob job = WorkerJson.read(dir.resolve(JOB), WorkerJob.class);
      List<Map<String, NdArray>> feeds = FeedFiles.read(dir.resolve(FEEDS));
      result = run(job, feeds, progress);
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
    if (job instanceof WorkerJob.Parity j) {
      return WorkerResult.of(
          ParityCheck.check(
              source(j.reference()),
              source(j.candidate()),
              feeds,
              j.options(),
              j.sessions(),
              Environment.detectInt8Notes(j.sessions()),
              p));
    }
    if (job instanceof WorkerJob.Bench j) {
      return WorkerResult.of(
          LatencyBenchmark.compare(
              source(j.reference()), source(j.candidate()), feeds, j.options(), j.sessions(), p));
    }
    if (job instanceof WorkerJob.Trace j) {
      return WorkerResult.of(
          ErrorTrace.trace(
              source(j.reference()),
              source(j.candidate()),
              j.quantized(),
              feeds,
              j.options(),
              j.sessions(),
              Environment.detectInt8Notes(j.sessions()),
              p));
    }
    if (job instanceof WorkerJob.Sensitivity j) {
      return WorkerResult.of(Sensitivity.analyze(study(j.model(), j.study(), feeds), p));
    }
    if (job instanceof WorkerJob.AutoExclude j) {
      return WorkerResult.of(AutoExclude.search(study(j.model(), j.study(), feeds), j.known(), p));
    }
    if (job instanceof WorkerJob.Deploy j) {
      WorkerJob.ModelFile f = j.fp32();
      return WorkerResult.of(
          DeployCheck.check(
              source(j.int8()),
              f == null ? null : ModelFiles.load(Path.of(f.path())),
              feeds,
              j.sessions(),
              p));
    }
    throw new IllegalArgumentException("unknown job " + job);
  }

  /** Parity and benchmark give ORT the files as they are: no need to parse them here too. */
  private static ModelSource source(WorkerJob.ModelFile f) {
    return ModelSource.file(Path.of(f.path()), f.name(), f.sizeBytes());
  }

  private static Study study(
      WorkerJob.ModelFile model, WorkerJob.StudyOptions o, List<Map<String, NdArray>> feeds)
      throws IOException {
    return new Study(
        ModelFiles.load(Path.of(model.path())),
        o.quantize(),
        feeds,
        o.parity(),
        o.sessions(),
        o.parallelism());
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
