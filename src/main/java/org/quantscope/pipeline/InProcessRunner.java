// SPDX-License-Identifier: Apache-2.0
package org.quantscope.pipeline;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.quantscope.bench.BenchReport;
import org.quantscope.bench.Environment;
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.deploy.DeployCheck;
import org.quantscope.deploy.DeployReport;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.ParityCheck;
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
import org.quantscope.sensitivity.AutoExclude;
import org.quantscope.sensitivity.AutoExcludeResult;
import org.quantscope.sensitivity.Sensitivity;
import org.quantscope.sensitivity.SensitivityReport;
import org.quantscope.sensitivity.Study;
import org.quantscope.trace.ErrorTrace;
import org.quantscope.trace.TraceReport;

/** ONNX Runtime in this process: each step is the engine call itself. */
final class InProcessRunner implements Runner {

  @Override
  public DynamicQuantizer.Output quantize(
      OnnxModel model, QuantizeOptions options, Progress progress)
      throws IOException, NothingToQuantizeException {
    return DynamicQuantizer.quantize(model, options, progress);
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
    return ParityCheck.check(
        reference,
        candidate,
        feeds,
        options,
        sessions,
        Environment.detectInt8Notes(sessions),
        progress);
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
    return LatencyBenchmark.compare(reference, candidate, feeds, options, sessions, progress);
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
    return ErrorTrace.trace(
        reference,
        candidate,
        quantized,
        feeds,
        options,
        sessions,
        Environment.detectInt8Notes(sessions),
        progress);
  }

  @Override
  public SensitivityReport sensitivity(Study study, Progress progress)
      throws IOException, NothingToQuantizeException {
    return Sensitivity.analyze(study, progress);
  }

  @Override
  public AutoExcludeResult autoExclude(Study study, SensitivityReport known, Progress progress)
      throws IOException, NothingToQuantizeException {
    return AutoExclude.search(study, known, progress);
  }

  @Override
  public DeployReport deployCheck(
      ModelSource int8,
      ModelSource fp32,
      List<Map<String, NdArray>> feeds,
      OrtRuntime.SessionConfig sessions,
      Progress progress)
      throws IOException {
    OnnxModel f =
        fp32 == null ? null : fp32.model() != null ? fp32.model() : ModelFiles.load(fp32.file());
    return DeployCheck.check(int8, f, feeds, sessions, progress);
  }
}
