// SPDX-License-Identifier: Apache-2.0
package org.quantscope.pipeline;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.quantscope.bench.BenchReport;
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.deploy.DeployReport;
import org.quantscope.parity.ParityOptions;
import org.quantscope.parity.ParityReport;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.sensitivity.AutoExcludeResult;
import org.quantscope.sensitivity.SensitivityReport;
import org.quantscope.sensitivity.Study;
import org.quantscope.trace.TraceReport;
import org.quantscope.worker.WorkerJob;
import org.quantscope.worker.WorkerProcess;
import org.quantscope.worker.WorkerResult;

/**
 * ONNX Runtime in a worker process, one kept ready between steps (see {@link WorkerProcess}): the
 * window's runner, closed with its window. Models are handed over as files, samples as a feed file;
 * the worker makes the same engine call {@link InProcessRunner} makes.
 */
public final class WorkerRunner implements Runner {
  private final WorkerProcess process;

  /** A runner starting its workers with {@code process}; closing the runner closes it. */
  public WorkerRunner(WorkerProcess process) {
    this.process = process;
  }

  @Override
  public void warmUp() {
    process.warmUp();
  }

  @Override
  public void close() {
    process.close();
  }

  /** The spare worker's process id, if one is ready: for tests and harnesses. */
  public OptionalLong spareProcessId() {
    return process.spareProcessId();
  }

  @Override
  public ParityReport parity(
      ModelSource reference,
      ModelSource candidate,
      List<Map<String, NdArray>> feeds,
      ParityOptions options,
      OrtRuntime.SessionConfig sessions,
      Progress progress)
      throws IOException {
    try (WorkerProcess.Job job = process.prepare()) {
      WorkerJob.Parity parity =
          new WorkerJob.Parity(
              job.handOver(reference, "reference"),
              job.handOver(candidate, "candidate"),
              options,
              sessions);
      return orFail(() -> job.run(parity, feeds, progress)).parity();
    }
  }

  @Override
  public BenchReport bench(
      ModelSource reference,
      ModelSource candidate,
      List<Map<String, NdArray>> feeds,
      LatencyBenchmark.Options options,
      OrtRuntime.SessionConfig sessions,
      Progress progress)
      throws IOException {
    try (WorkerProcess.Job job = process.prepare()) {
      WorkerJob.Bench bench =
          new WorkerJob.Bench(
              job.handOver(reference, "reference"),
              candidate == null ? null : job.handOver(candidate, "candidate"),
              options,
              sessions);
      return orFail(() -> job.run(bench, feeds, progress)).bench();
    }
  }

  @Override
  public TraceReport trace(
      ModelSource reference,
      ModelSource candidate,
      QuantizationResult quantized,
      List<Map<String, NdArray>> feeds,
      ParityOptions options,
      OrtRuntime.SessionConfig sessions,
      Progress progress)
      throws IOException {
    try (WorkerProcess.Job job = process.prepare()) {
      WorkerJob.Trace trace =
          new WorkerJob.Trace(
              job.handOver(reference, "reference"),
              job.handOver(candidate, "candidate"),
              quantized,
              options,
              sessions);
      return orFail(() -> job.run(trace, feeds, progress)).trace();
    }
  }

  @Override
  public DeployReport deployCheck(
      ModelSource int8,
      ModelSource fp32,
      List<Map<String, NdArray>> feeds,
      OrtRuntime.SessionConfig sessions,
      Progress progress)
      throws IOException {
    try (WorkerProcess.Job job = process.prepare()) {
      WorkerJob.Deploy deploy =
          new WorkerJob.Deploy(
              job.handOver(int8, "candidate"),
              fp32 == null ? null : job.handOver(fp32, "reference"),
              sessions);
      return orFail(() -> job.run(deploy, feeds, progress)).deploy();
    }
  }

  @Override
  public SensitivityReport sensitivity(Study study, Progress progress)
      throws IOException, NothingToQuantizeException {
    try (WorkerProcess.Job job = process.prepare()) {
      WorkerJob.Sensitivity s = new WorkerJob.Sensitivity(model(job, study), options(study));
      return job.run(s, study.feeds(), progress).sensitivity();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The result's int8 model is made again here by quantizing with the excluded nodes left in
   * float, which is how the search made it in the worker.
   */
  @Override
  public AutoExcludeResult autoExclude(Study study, SensitivityReport known, Progress progress)
      throws IOException, NothingToQuantizeException {
    AutoExcludeResult r;
    try (WorkerProcess.Job job = process.prepare()) {
      WorkerJob.AutoExclude a = new WorkerJob.AutoExclude(model(job, study), options(study), known);
      r = job.run(a, study.feeds(), progress).autoExclude();
    }
    if (!r.passed() || r.quantizedNodes() == 0) {
      return r;
    }
    Set<String> excluded = new LinkedHashSet<>(study.options().nodesToExclude());
    excluded.addAll(r.excluded());
    DynamicQuantizer.Output out =
        DynamicQuantizer.quantize(
            study.model(),
            study.options().toBuilder().nodesToExclude(excluded).build(),
            Progress.NONE);
    return r.withOutput(out);
  }

  private static WorkerJob.ModelFile model(WorkerProcess.Job job, Study study) throws IOException {
    return job.handOver(
        ModelSource.of(study.model(), study.model().displayName(), -1), "reference");
  }

  private static WorkerJob.StudyOptions options(Study s) {
    return new WorkerJob.StudyOptions(s.options(), s.parity(), s.sessions(), s.parallelism());
  }

  @FunctionalInterface
  private interface Call {
    WorkerResult run() throws IOException, NothingToQuantizeException;
  }

  /** For runs that cannot refuse for want of nodes: such a refusal would be a bug. */
  private static WorkerResult orFail(Call call) throws IOException {
    try {
      return call.run();
    } catch (NothingToQuantizeException e) {
      throw new IllegalStateException("unexpected: " + e.getMessage(), e);
    }
  }
}
