// SPDX-License-Identifier: Apache-2.0
package org.quantscope.pipeline;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.quantscope.AppInfo;
import org.quantscope.bench.BenchReport;
import org.quantscope.bench.Environment;
import org.quantscope.deploy.RuntimeSupport;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.ParityReport;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.quantize.Summaries;
import org.quantscope.report.Report;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.sensitivity.AutoExcludeResult;
import org.quantscope.trace.TraceReport;

/**
 * What a run produced: the int8 model (when it was quantized here), the sizes, and the parity,
 * trace and benchmark results of the steps that ran (and the auto-exclude search, when one
 * followed). {@link #report()} makes the {@link Report} of it, the one value the PDF, PNG and JSON
 * are written from.
 *
 * @param reference the float model
 * @param candidateName how the int8 model is named in the reports
 * @param quantizedWith the options the int8 model was quantized with; null for a given model
 * @param quantized the int8 model made in this process; null for a given model
 * @param fp32Bytes the float model's size (see {@code ModelFiles.sizeBytes})
 * @param int8Bytes the int8 model's size
 * @param parity the parity check, or null when it did not run
 * @param trace the error trace, or null when it did not run (its parity is {@code parity})
 * @param bench the benchmark, or null when it did not run
 * @param sessions the session settings the steps ran with
 * @param autoExclude the search for the least to leave in float after parity failed (see {@link
 *     Pipeline#autoExcludeIfFailed}), or null when it did not run
 */
public record Outcome(
    OnnxModel reference,
    String candidateName,
    QuantizeOptions quantizedWith,
    DynamicQuantizer.Output quantized,
    long fp32Bytes,
    long int8Bytes,
    ParityReport parity,
    TraceReport trace,
    BenchReport bench,
    OrtRuntime.SessionConfig sessions,
    AutoExcludeResult autoExclude) {

  /** An outcome without an auto-exclude search. */
  public Outcome(
      OnnxModel reference,
      String candidateName,
      QuantizeOptions quantizedWith,
      DynamicQuantizer.Output quantized,
      long fp32Bytes,
      long int8Bytes,
      ParityReport parity,
      TraceReport trace,
      BenchReport bench,
      OrtRuntime.SessionConfig sessions) {
    this(
        reference,
        candidateName,
        quantizedWith,
        quantized,
        fp32Bytes,
        int8Bytes,
        parity,
        trace,
        bench,
        sessions,
        null);
  }

  /** The same outcome with another parity check (null to drop it). */
  public Outcome withParity(ParityReport p) {
    return new Outcome(
        reference,
        candidateName,
        quantizedWith,
        quantized,
        fp32Bytes,
        int8Bytes,
        p,
        trace,
        bench,
        sessions,
        autoExclude);
  }

  /** The same outcome with another benchmark (null to drop it). */
  public Outcome withBench(BenchReport b) {
    return new Outcome(
        reference,
        candidateName,
        quantizedWith,
        quantized,
        fp32Bytes,
        int8Bytes,
        parity,
        trace,
        b,
        sessions,
        autoExclude);
  }

  /** The same outcome with an auto-exclude search (null to drop it). */
  public Outcome withAutoExclude(AutoExcludeResult a) {
    return new Outcome(
        reference,
        candidateName,
        quantizedWith,
        quantized,
        fp32Bytes,
        int8Bytes,
        parity,
        trace,
        bench,
        sessions,
        a);
  }

  /**
   * The report of this outcome, made now: titled after the float model, with its summary, the
   * machine the figures were measured on (the benchmark's, else this one), and the quantization
   * result told the sizes.
   */
  public Report report() throws IOException {
    Environment env =
        bench != null
            ? bench.environment()
            : Environment.detect(OrtRuntime.version(), sessions.intraOpThreads());
    return Report.assemble(
        "INT8 quantization of " + reference.displayName(),
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
        AppInfo.version(),
        env,
        Summaries.summarize(reference),
        fp32Bytes,
        candidateName,
        int8Bytes,
        quantized == null ? null : quantizedWith,
        quantized == null ? null : quantized.result().withFileSizes(fp32Bytes, int8Bytes),
        parity,
        trace,
        bench,
        autoExclude,
        quantized == null ? null : RuntimeSupport.problems(quantized.model()));
  }
}
