// SPDX-License-Identifier: Apache-2.0
package org.quantscope.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.UnaryOperator;
import org.quantscope.bench.Environment;
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.deploy.DeployCheck;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.SaveOptions;
import org.quantscope.parity.ParityCheck;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.runtime.SessionCache;
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
 * {@link ErrorTrace#trace}, {@link Sensitivity#analyze}, {@link AutoExclude#search}, {@link
 * DynamicQuantizer#quantize} and the save of its model): the same calls the in-process runs make,
 * so both give the same results.
 */
public final class WorkerMain {
  /** Exit code when the parent went away before the run ended. */
  static final int ORPHANED = 4;

  static final String JOB = "job.json";
  static final String FEEDS = "feeds.bin";
  static final String RESULT = "result.json";

  /** A served job, parent to worker: {@code job FOLDER}. */
  static final String JOB_LINE = "job ";

  /** A served job's end, worker to parent: {@code done CODE}, the code {@link #run} returns. */
  static final String DONE_LINE = "done ";

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
    return runOnDeepStack(dir, decorate.apply(lines(out)));
  }

  /**
   * Serves jobs until the parent goes away: the warm worker. Loads ONNX Runtime and the JSON mapper
   * first, then reads lines {@code job FOLDER} from {@code parentLink}, runs each job as {@link
   * #run} does (its result in the job's folder) and answers {@code done CODE} on {@code out}. Model
   * files that live outside the job's folder (the user's own files) keep their sessions from one
   * job to the next ({@link SessionCache}). The end of {@code parentLink} ends the process, at once
   * even in the middle of a job.
   *
   * @param decorate what {@link #run}'s does, for every job
   * @return never returns normally: the process halts when the parent goes away
   */
  public static int serve(
      InputStream parentLink, PrintWriter out, UnaryOperator<Progress> decorate) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(parentLink, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // a broken pipe means the parent is gone too
              }
              Runtime.getRuntime().halt(ORPHANED);
            },
            "quantscope-worker-parent-link");
    reader.setDaemon(true);
    reader.start();
    SessionCache.install();
    warmUp();
    Progress progress = decorate.apply(lines(out));
    while (true) {
      String line;
      try {
        line = lines.take();
      } catch (InterruptedException e) {
        return 3;
      }
      if (line.startsWith(JOB_LINE)) {
        int code = runOnDeepStack(Path.of(line.substring(JOB_LINE.length())), progress);
        synchronized (out) {
          out.println(DONE_LINE + code);
          out.flush();
        }
      }
    }
  }

  /**
   * What every job needs, done while the worker waits: ORT's native library, and the JSON of jobs
   * and results ({@link WorkerJson#warmUp}, which quantizes the built-in example for it).
   */
  private static void warmUp() {
    try {
      OrtRuntime.env();
      WorkerJson.warmUp();
    } catch (RuntimeException | LinkageError e) {
      // the first job meets the same problem and reports it
    }
  }

  private static int runOnDeepStack(Path dir, Progress progress) {
    int[] code = {3};
    // the deep stack the window's job threads have too (graph walks recurse)
    Thread job =
        new Thread(null, () -> code[0] = runJob(dir, progress), "quantscope-job", 64L << 20);
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
      if (!(job instanceof WorkerJob.Quantize)) {
        // quantizing runs no session: the next parity check finds the float model's still open
        SessionCache.keepOnly(filesOutside(job, dir));
      }
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
    if (job instanceof WorkerJob.Quantize j) {
      DynamicQuantizer.Output out =
          DynamicQuantizer.quantize(ModelFiles.load(Path.of(j.model().path())), j.options(), p);
      ModelFiles.save(out.model(), Path.of(j.output()), SaveOptions.DEFAULT);
      return WorkerResult.of(out.result());
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

  /**
   * The job's model files outside its folder: the user's own files, which stay as they are between
   * jobs, unlike the copies saved into each job's folder.
   */
  private static Set<Path> filesOutside(WorkerJob job, Path dir) {
    List<WorkerJob.ModelFile> files = new ArrayList<>();
    if (job instanceof WorkerJob.Parity j) {
      files.add(j.reference());
      files.add(j.candidate());
    } else if (job instanceof WorkerJob.Bench j) {
      files.add(j.reference());
      files.add(j.candidate());
    }
    Path folder = dir.toAbsolutePath().normalize();
    Set<Path> out = new HashSet<>();
    for (WorkerJob.ModelFile f : files) {
      if (f != null) {
        Path p = Path.of(f.path()).toAbsolutePath().normalize();
        if (!p.startsWith(folder)) {
          out.add(p);
        }
      }
    }
    return out;
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
