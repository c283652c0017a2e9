// SPDX-License-Identifier: Apache-2.0
package org.quantscope.worker;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.parity.ParityOptions;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.sensitivity.SensitivityReport;

/**
 * What a worker is asked to do, as written to {@code job.json} in the job's folder: one of the runs
 * below. The samples are beside it in {@code feeds.bin}; the models are files ({@link
 * WorkerProcess.Job#handOver}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = WorkerJob.Parity.class, name = "parity"),
  @JsonSubTypes.Type(value = WorkerJob.Bench.class, name = "bench"),
  @JsonSubTypes.Type(value = WorkerJob.Sensitivity.class, name = "sensitivity"),
  @JsonSubTypes.Type(value = WorkerJob.AutoExclude.class, name = "auto_exclude"),
  @JsonSubTypes.Type(value = WorkerJob.Trace.class, name = "trace"),
  @JsonSubTypes.Type(value = WorkerJob.Deploy.class, name = "deploy"),
  @JsonSubTypes.Type(value = WorkerJob.Quantize.class, name = "quantize")
})
public sealed interface WorkerJob {

  /** What the worker is doing, for messages: "ONNX Runtime crashed while checking parity". */
  @JsonIgnore
  String doing();

  /**
   * A model handed to the worker.
   *
   * @param path its file
   * @param name its name in the reports
   * @param sizeBytes its size in the reports
   */
  record ModelFile(String path, String name, long sizeBytes) {}

  /** {@code ParityCheck.check} of the two models. */
  record Parity(
      ModelFile reference,
      ModelFile candidate,
      ParityOptions options,
      OrtRuntime.SessionConfig sessions)
      implements WorkerJob {
    @Override
    public String doing() {
      return "checking parity";
    }
  }

  /** {@code LatencyBenchmark.compare} of the two models. */
  record Bench(
      ModelFile reference,
      ModelFile candidate,
      LatencyBenchmark.Options options,
      OrtRuntime.SessionConfig sessions)
      implements WorkerJob {
    @Override
    public String doing() {
      return "benchmarking";
    }
  }

  /**
   * {@code ErrorTrace.trace} of the two models.
   *
   * @param quantized what the quantizer did to make the candidate, or null for a given model
   */
  record Trace(
      ModelFile reference,
      ModelFile candidate,
      QuantizationResult quantized,
      ParityOptions options,
      OrtRuntime.SessionConfig sessions)
      implements WorkerJob {
    @Override
    public String doing() {
      return "tracing the error";
    }
  }

  /**
   * {@code DynamicQuantizer.quantize} of the model, the int8 model saved to {@code output}: the
   * window's quantization, run here so that the window's JVM needs no optimising compiler (see
   * {@code ClassDataLaunch.WINDOW_JIT}).
   *
   * @param output where to save the int8 model, outside the job's folder (the window keeps it)
   */
  record Quantize(ModelFile model, QuantizeOptions options, String output) implements WorkerJob {
    @Override
    public String doing() {
      return "quantizing";
    }
  }

  /**
   * {@code DeployCheck.check} of the int8 model.
   *
   * @param fp32 the float model it was made from, or null
   */
  record Deploy(ModelFile int8, ModelFile fp32, OrtRuntime.SessionConfig sessions)
      implements WorkerJob {
    @Override
    public String doing() {
      return "checking where the int8 model will run";
    }
  }

  /**
   * The values of a {@code sensitivity.Study} but the model and the samples, which travel as files.
   */
  record StudyOptions(
      QuantizeOptions quantize,
      ParityOptions parity,
      OrtRuntime.SessionConfig sessions,
      int parallelism) {}

  /** {@code Sensitivity.analyze} of the model. */
  record Sensitivity(ModelFile model, StudyOptions study) implements WorkerJob {
    @Override
    public String doing() {
      return "analysing sensitivity";
    }
  }

  /**
   * {@code AutoExclude.search} on the model.
   *
   * @param known a sensitivity report to rank by, or null to analyse in the worker
   */
  record AutoExclude(ModelFile model, StudyOptions study, SensitivityReport known)
      implements WorkerJob {
    @Override
    public String doing() {
      return "searching for nodes to leave in float";
    }
  }
}
