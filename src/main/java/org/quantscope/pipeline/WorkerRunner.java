// SPDX-License-Identifier: Apache-2.0
package org.quantscope.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.quantscope.bench.BenchReport;
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.deploy.DeployReport;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.ParityOptions;
import org.quantscope.parity.ParityReport;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.sensitivity.AutoExcludeResult;
import org.quantscope.sensitivity.SensitivityReport;
import org.quantscope.sensitivity.Study;
import org.quantscope.trace.TraceReport;
import org.quantscope.worker.WorkerJob;
import org.quantscope.worker.WorkerOutputs;
import org.quantscope.worker.WorkerProcess;
import org.quantscope.worker.WorkerResult;

/**
 * ONNX Runtime in a worker process, one kept ready between steps (see {@link WorkerProcess}): the
 * window's runner, closed with its window. Models are handed over as files, samples as a feed file;
 * the worker makes the same engine call {@link InProcessRunner} makes.
 */
public final class WorkerRunner implements Runner {
  private final WorkerProcess process;

  /** The int8 model of the last quantization, the file it was read from and that file's folder. */
  private OnnxModel lastInt8;

  private Path lastFile;
  private WorkerOutputs.Output lastOutput;

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

  /**
   * {@inheritDoc}
   *
   * <p>The worker saves the int8 model into a folder of the worker process's ({@link
   * WorkerProcess#output()}), and it is read back here into memory, as the in-process quantizer
   * leaves it. The file stays until the next quantization or until the runner closes: the steps
   * that follow hand the worker that file for this model instead of saving it again. An int8 model
   * too large for one protobuf (its weights in a data file beside it) is read from its files
   * instead, which stay until the runner closes.
   */
  @Override
  public DynamicQuantizer.Output quantize(
      OnnxModel model, QuantizeOptions options, Progress progress)
      throws IOException, NothingToQuantizeException {
    try (WorkerOutputs.Output output = process.output();
        WorkerProcess.Job job = process.prepare()) {
      Path target = output.dir().resolve(int8Name(model));
      WorkerJob.Quantize q =
          new WorkerJob.Quantize(
              job.handOver(ModelSource.of(model, model.displayName(), -1), "reference"),
              options,
              target.toString());
      QuantizationResult result = job.run(q, List.of(), progress).quantized();
      OnnxModel int8;
      try (Stream<Path> files = Files.list(output.dir())) {
        if (files.count() > 1) {
          int8 = ModelFiles.load(target);
          output.keep();
        } else {
          int8 = ModelFiles.parse(Files.readAllBytes(target), output.dir());
          remember(int8, target, output);
        }
      }
      return new DynamicQuantizer.Output(int8, result);
    }
  }

  /** Keeps the last int8 model's file (see {@link #quantize}); the one before goes. */
  private void remember(OnnxModel int8, Path file, WorkerOutputs.Output output) {
    WorkerOutputs.Output before;
    synchronized (this) {
      before = lastOutput;
      lastInt8 = int8;
      lastFile = file;
      lastOutput = output;
    }
    output.keep();
    if (before != null) {
      before.delete();
    }
  }

  /** The source as the worker gets it: the last int8 model as the file it was saved to. */
  private ModelSource saved(ModelSource m) {
    synchronized (this) {
      if (m != null
          && m.model() != null
          && m.model() == lastInt8
          && Files.isRegularFile(lastFile)) {
        return ModelSource.file(lastFile, m.name(), m.sizeBytes());
      }
    }
    return m;
  }

  /** {@code bert.onnx} -> {@code bert.int8.onnx}, as the window's <em>Save</em> suggests. */
  private static String int8Name(OnnxModel model) {
    String name = model.displayName();
    int dot = name.lastIndexOf('.');
    return (dot > 0 ? name.substring(0, dot) : name) + ".int8.onnx";
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
              job.handOver(saved(candidate), "candidate"),
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
              candidate == null ? null : job.handOver(saved(candidate), "candidate"),
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
              job.handOver(saved(candidate), "candidate"),
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
              job.handOver(saved(int8), "candidate"),
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
   * <p>The result's int8 model is made again by quantizing with the excluded nodes left in float,
   * which is how the search made it in the worker.
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
        quantize(
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
