// SPDX-License-Identifier: Apache-2.0
package org.quantscope.pipeline;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.quantscope.bench.BenchReport;
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.deploy.DeployReport;
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

/**
 * Where ONNX Runtime runs a pipeline's steps: in this process ({@link #inProcess()}, the command
 * line) or in a worker process ({@link #worker()}, the window, where a crash in native code must
 * not take the window down). Both give the same results for the same inputs: each step is one
 * engine call, made here or in the worker.
 *
 * <p>Every step reports progress, and stops with {@link java.util.concurrent.CancellationException}
 * when the calling thread is interrupted.
 */
public interface Runner extends AutoCloseable {

  /**
   * Gets ready for the first step while nothing waits for it (the worker runner starts its spare
   * worker); the in-process runner has nothing to do.
   */
  default void warmUp() {}

  /** Lets go of what the runner keeps between steps (the worker runner's spare worker). */
  @Override
  default void close() {}

  /**
   * {@code DynamicQuantizer.quantize}: the int8 model and what was done to make it. The worker
   * runner quantizes in its worker and reads the int8 model back from the file it saved, so that
   * the window's JVM never runs the weight loops (it runs without C2: {@code
   * ClassDataLaunch.WINDOW_JIT}).
   *
   * @throws NothingToQuantizeException if no node would be quantized
   */
  DynamicQuantizer.Output quantize(OnnxModel model, QuantizeOptions options, Progress progress)
      throws IOException, NothingToQuantizeException;

  /** {@code ParityCheck.check}: both models on the feeds, compared. */
  ParityReport parity(
      ModelSource reference,
      ModelSource candidate,
      List<Map<String, NdArray>> feeds,
      ParityOptions options,
      OrtRuntime.SessionConfig sessions,
      Progress progress)
      throws IOException;

  /** {@code LatencyBenchmark.compare}: both models timed, interleaved. */
  BenchReport bench(
      ModelSource reference,
      ModelSource candidate,
      List<Map<String, NdArray>> feeds,
      LatencyBenchmark.Options options,
      OrtRuntime.SessionConfig sessions,
      Progress progress)
      throws IOException;

  /** {@code Sensitivity.analyze} of the study. */
  SensitivityReport sensitivity(Study study, Progress progress)
      throws IOException, NothingToQuantizeException;

  /**
   * {@code AutoExclude.search} on the study; the result holds the int8 model (with the excluded
   * nodes left in float) when a subset passes.
   *
   * @param known a sensitivity report of the same study to rank by, or null to analyse
   */
  AutoExcludeResult autoExclude(Study study, SensitivityReport known, Progress progress)
      throws IOException, NothingToQuantizeException;

  /**
   * {@code ErrorTrace.trace}: both models run with their intermediate tensors exposed, and the
   * graph outputs compared as {@code parity} does.
   *
   * @param quantized what the quantizer did to make the candidate, or null for a given int8 model
   */
  TraceReport trace(
      ModelSource reference,
      ModelSource candidate,
      QuantizationResult quantized,
      List<Map<String, NdArray>> feeds,
      ParityOptions options,
      OrtRuntime.SessionConfig sessions,
      Progress progress)
      throws IOException;

  /**
   * {@code DeployCheck.check}: the int8 model's kernels emulated as CPUs without VNNI run them, the
   * reduce-range alternative emulated when it saturates and the float model is given, and what the
   * runtimes people ship to cannot run.
   *
   * @param fp32 the float model it was made from, or null
   */
  DeployReport deployCheck(
      ModelSource int8,
      ModelSource fp32,
      List<Map<String, NdArray>> feeds,
      OrtRuntime.SessionConfig sessions,
      Progress progress)
      throws IOException;

  /** ONNX Runtime in this process. */
  static Runner inProcess() {
    return new InProcessRunner();
  }

  /** ONNX Runtime in a worker process, one kept ready between steps; close it when done. */
  static Runner worker() {
    return new WorkerRunner(org.quantscope.worker.WorkerProcess.standard());
  }
}
