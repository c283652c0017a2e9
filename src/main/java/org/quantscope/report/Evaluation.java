// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.quantscope.AppInfo;
import org.quantscope.bench.BenchReport;
import org.quantscope.bench.Environment;
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.bench.LatencyStats;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.ParityCheck;
import org.quantscope.parity.ParityOptions;
import org.quantscope.parity.ParityReport;
import org.quantscope.progress.Cancellation;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.quantize.Summaries;
import org.quantscope.runtime.ModelRunner;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;

/**
 * Runs whatever a report still needs: quantizes when no int8 model is given, checks parity, and
 * benchmarks, then puts the {@link Report} together. Progress runs over the three steps; each
 * checks for cancellation.
 */
public final class Evaluation {
  private Evaluation() {}

  /**
   * What to evaluate.
   *
   * @param reference the float model
   * @param candidate an existing int8 model, or null to quantize {@code reference}
   * @param candidateName how the int8 model is named in the report
   * @param quantize the options to quantize with (ignored with a candidate)
   * @param parity tolerances and outputs; null skips the parity check
   * @param feeds samples for the parity check
   * @param bench benchmark runs; null skips the benchmark
   * @param benchFeeds samples for the benchmark (a few are enough; they are reused)
   * @param session how sessions are made
   */
  public record Plan(
      OnnxModel reference,
      OnnxModel candidate,
      String candidateName,
      QuantizeOptions quantize,
      ParityOptions parity,
      List<Map<String, NdArray>> feeds,
      LatencyBenchmark.Options bench,
      List<Map<String, NdArray>> benchFeeds,
      OrtRuntime.SessionConfig session) {}

  /** The report and, when the model was quantized here, the int8 model. */
  public record Outcome(Report report, DynamicQuantizer.Output quantized) {}

  /** Runs the plan. */
  public static Outcome run(Plan plan, Progress progress) throws Exception {
    Steps steps = new Steps(progress, plan);
    DynamicQuantizer.Output q = null;
    OnnxModel candidate = plan.candidate();
    if (candidate == null) {
      q = DynamicQuantizer.quantize(plan.reference(), plan.quantize(), steps.next("Quantize"));
      candidate = q.model();
    }
    Environment env = Environment.detect(OrtRuntime.version(), plan.session().intraOpThreads());
    List<String> warnings = new ArrayList<>();
    if (env.int8Warning() != null && !plan.session().x64QuantPrecision()) {
      warnings.add(env.int8Warning());
    }
    long fp32Bytes = ModelFiles.sizeBytes(plan.reference());
    long int8Bytes = ModelFiles.sizeBytes(candidate);
    ParityReport parity = null;
    if (plan.parity() != null) {
      Progress p = steps.next("Check parity");
      ParityCheck.Outputs a;
      ParityCheck.Outputs b;
      try (ModelRunner r = ModelRunner.open(plan.reference(), plan.session())) {
        a = ParityCheck.run(r, plan.feeds(), p.part(0, 2, "fp32 "));
      }
      Cancellation.check();
      try (ModelRunner r = ModelRunner.open(candidate, plan.session())) {
        b = ParityCheck.run(r, plan.feeds(), p.part(1, 2, "int8 "));
      }
      parity =
          ParityCheck.compare(
              a, b, plan.parity(), plan.reference().displayName(), plan.candidateName(), warnings);
    }
    BenchReport bench = null;
    if (plan.bench() != null) {
      Progress p = steps.next("Benchmark");
      List<LatencyStats> stats;
      try (ModelRunner a = ModelRunner.open(plan.reference(), plan.session());
          ModelRunner b = ModelRunner.open(candidate, plan.session())) {
        stats =
            LatencyBenchmark.measure(
                List.of(
                    new LatencyBenchmark.Subject(
                        a, plan.reference().displayName(), "reference", fp32Bytes),
                    new LatencyBenchmark.Subject(b, plan.candidateName(), "candidate", int8Bytes)),
                plan.benchFeeds(),
                plan.bench(),
                p);
      }
      bench =
          new BenchReport(
              stats, LatencyBenchmark.speedup(stats.get(0), stats.get(1)), env, warnings);
    }
    Report report =
        report(
            plan.reference(),
            plan.candidateName(),
            fp32Bytes,
            int8Bytes,
            plan.candidate() == null ? plan.quantize() : null,
            q == null ? null : q.result(),
            parity,
            bench,
            env);
    return new Outcome(report, q);
  }

  /**
   * A report made now of results at hand: titled after the float model, with its summary, and the
   * quantization result (if any) told the sizes.
   *
   * @param options the options the int8 model was quantized with, or null for a given model
   * @param quantized what the quantizer did, or null
   */
  public static Report report(
      OnnxModel reference,
      String candidateName,
      long fp32Bytes,
      long int8Bytes,
      QuantizeOptions options,
      QuantizationResult quantized,
      ParityReport parity,
      BenchReport bench,
      Environment env)
      throws IOException {
    return Report.assemble(
        "INT8 quantization of " + reference.displayName(),
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
        AppInfo.version(),
        env,
        Summaries.summarize(reference),
        fp32Bytes,
        candidateName,
        int8Bytes,
        options,
        quantized == null ? null : quantized.withFileSizes(fp32Bytes, int8Bytes),
        parity,
        bench);
  }

  /** Splits the progress evenly over the steps that run. */
  private static final class Steps {
    private final Progress progress;
    private final int count;
    private int index = -1;

    Steps(Progress progress, Plan plan) {
      this.progress = progress;
      this.count =
          (plan.candidate() == null ? 1 : 0)
              + (plan.parity() != null ? 1 : 0)
              + (plan.bench() != null ? 1 : 0);
    }

    Progress next(String step) {
      Cancellation.check();
      return progress.part(++index, count, step + ": ");
    }
  }
}
