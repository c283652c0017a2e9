// SPDX-License-Identifier: Apache-2.0
package org.quantscope.worker;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.quantscope.bench.BenchReport;
import org.quantscope.deploy.DeployReport;
import org.quantscope.parity.ParityReport;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.sensitivity.AutoExcludeResult;
import org.quantscope.sensitivity.SensitivityReport;
import org.quantscope.trace.TraceReport;

/**
 * What the worker writes to {@code result.json}: one result, or the failure that stopped the run
 * (the check-deploy report and the quantizer's result last, added after the others). A worker that
 * dies writes nothing; the window's process tells that apart by the missing file.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkerResult(
    ParityReport parity,
    BenchReport bench,
    SensitivityReport sensitivity,
    AutoExcludeResult autoExclude,
    TraceReport trace,
    Failure failure,
    DeployReport deploy,
    QuantizationResult quantized) {

  /**
   * A failure inside the worker, to be raised again in the window's process.
   *
   * @param kind {@code io}, {@code argument}, {@code nothing_to_quantize} or {@code internal}
   * @param message the exception's message
   * @param trace the stack trace, for internal errors only
   */
  public record Failure(String kind, String message, String trace) {}

  static WorkerResult of(ParityReport r) {
    return new WorkerResult(r, null, null, null, null, null, null, null);
  }

  static WorkerResult of(BenchReport r) {
    return new WorkerResult(null, r, null, null, null, null, null, null);
  }

  static WorkerResult of(SensitivityReport r) {
    return new WorkerResult(null, null, r, null, null, null, null, null);
  }

  static WorkerResult of(AutoExcludeResult r) {
    return new WorkerResult(null, null, null, r, null, null, null, null);
  }

  static WorkerResult of(TraceReport r) {
    return new WorkerResult(null, null, null, null, r, null, null, null);
  }

  static WorkerResult of(DeployReport r) {
    return new WorkerResult(null, null, null, null, null, null, r, null);
  }

  static WorkerResult of(QuantizationResult r) {
    return new WorkerResult(null, null, null, null, null, null, null, r);
  }

  static WorkerResult failed(String kind, String message, String trace) {
    return new WorkerResult(
        null, null, null, null, null, new Failure(kind, message, trace), null, null);
  }
}
