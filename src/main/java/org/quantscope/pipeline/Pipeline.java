// SPDX-License-Identifier: Apache-2.0
package org.quantscope.pipeline;

import java.io.IOException;
import org.quantscope.bench.BenchReport;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.ParityReport;
import org.quantscope.progress.Cancellation;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.runtime.ModelSource;
import org.quantscope.sensitivity.AutoExcludeResult;
import org.quantscope.sensitivity.SensitivityReport;
import org.quantscope.sensitivity.Study;
import org.quantscope.trace.TraceReport;

/**
 * The one place that composes the engine's steps, for the command line and the window alike: runs a
 * {@link Plan} (quantize -> parity -> bench, any subset) and the per-node studies, with ONNX
 * Runtime and the quantizer wherever its {@link Runner} puts them.
 *
 * <p>Progress runs over the steps that run; each step checks for cancellation.
 */
public final class Pipeline {
  private final Runner runner;

  public Pipeline(Runner runner) {
    this.runner = runner;
  }

  /**
   * The check-deploy step (see {@link Runner#deployCheck}) on an int8 model in memory.
   *
   * @param fp32 the float model it was made from (the source of the reduce-range alternative), or
   *     null for an int8 model given as it is
   */
  public org.quantscope.deploy.DeployReport deployCheck(
      OnnxModel int8,
      String name,
      OnnxModel fp32,
      java.util.List<java.util.Map<String, org.quantscope.runtime.NdArray>> feeds,
      org.quantscope.runtime.OrtRuntime.SessionConfig sessions,
      Progress progress)
      throws IOException {
    return runner.deployCheck(
        ModelSource.of(int8, name, ModelFiles.sizeBytes(int8)),
        fp32 == null ? null : ModelSource.of(fp32, fp32.displayName(), ModelFiles.sizeBytes(fp32)),
        feeds,
        sessions,
        progress);
  }

  /** A pipeline running ONNX Runtime in this process: the command line's. */
  public static Pipeline inProcess() {
    return new Pipeline(Runner.inProcess());
  }

  /** Runs the plan. */
  public Outcome run(Plan plan, Progress progress) throws IOException, NothingToQuantizeException {
    Steps steps =
        new Steps(
            progress,
            (plan.quantizes() ? 1 : 0)
                + (plan.parity() != null ? 1 : 0)
                + (plan.bench() != null ? 1 : 0));
    DynamicQuantizer.Output q = plan.quantized();
    if (plan.quantizes()) {
      q = runner.quantize(plan.reference(), plan.quantize(), steps.next("Quantize"));
    }
    OnnxModel int8 = plan.candidate() != null ? plan.candidate() : q.model();
    long fp32Bytes = ModelFiles.sizeBytes(plan.reference());
    long int8Bytes = ModelFiles.sizeBytes(int8);
    ModelSource ref = ModelSource.of(plan.reference(), plan.reference().displayName(), fp32Bytes);
    ModelSource cand = ModelSource.of(int8, plan.candidateName(), int8Bytes);
    ParityReport parity = null;
    TraceReport trace = null;
    if (plan.parity() != null && plan.trace()) {
      trace =
          runner.trace(
              ref,
              cand,
              plan.candidate() == null ? q.result() : null,
              plan.feeds(),
              plan.parity(),
              plan.sessions(),
              steps.next("Trace the error"));
      parity = trace.parity();
    } else if (plan.parity() != null) {
      parity =
          runner.parity(
              ref, cand, plan.feeds(), plan.parity(), plan.sessions(), steps.next("Check parity"));
    }
    BenchReport bench = null;
    if (plan.bench() != null) {
      bench =
          runner.bench(
              ref, cand, plan.benchFeeds(), plan.bench(), plan.sessions(), steps.next("Benchmark"));
    }
    return new Outcome(
        plan.reference(),
        plan.candidateName(),
        plan.candidate() == null ? plan.quantize() : null,
        plan.candidate() == null ? q : null,
        fp32Bytes,
        int8Bytes,
        parity,
        trace,
        bench,
        plan.sessions());
  }

  /**
   * Two configurations of one model on the same samples, one after the other: typically the same
   * plan {@linkplain Plan#withQuantize quantizing} with two sets of options.
   */
  public Comparison compare(Plan a, Plan b, Progress progress)
      throws IOException, NothingToQuantizeException {
    Outcome ra = run(a, progress.part(0, 2, "A: "));
    Cancellation.check();
    Outcome rb = run(b, progress.part(1, 2, "B: "));
    return new Comparison(ra, rb);
  }

  /** Two outcomes of one model, options and samples, but for one choice. */
  public record Comparison(Outcome a, Outcome b) {}

  /** Per-node sensitivity of the study (see {@code Sensitivity}). */
  public SensitivityReport sensitivity(Study study, Progress progress)
      throws IOException, NothingToQuantizeException {
    return runner.sensitivity(study, progress);
  }

  /** The least to leave in float so that parity passes (see {@code AutoExclude}). */
  public AutoExcludeResult autoExclude(Study study, SensitivityReport known, Progress progress)
      throws IOException, NothingToQuantizeException {
    return runner.autoExclude(study, known, progress);
  }

  /**
   * When {@code outcome}, the result of {@code plan}, failed parity, searches for the least to
   * leave in float so that it passes ({@link #autoExclude}) with the plan's model, quantize
   * options, samples, tolerances and sessions, and returns the outcome with the search; otherwise
   * returns the outcome as it is. The outcome's own int8 model and results are kept: the search is
   * advice, for the report's "what to do".
   *
   * @throws IllegalArgumentException if the plan was given its int8 model (there is nothing to
   *     quantize differently)
   */
  public Outcome autoExcludeIfFailed(Plan plan, Outcome outcome, Progress progress)
      throws IOException, NothingToQuantizeException {
    if (plan.quantize() == null || plan.candidate() != null) {
      throw new IllegalArgumentException(
          "auto-exclude quantizes the float model; it cannot search with a given int8 model");
    }
    if (plan.parity() == null) {
      throw new IllegalArgumentException("auto-exclude needs the plan's parity check");
    }
    if (outcome.parity() == null || outcome.parity().passed()) {
      return outcome;
    }
    Study study =
        Study.of(plan.reference(), plan.quantize(), plan.feeds(), plan.parity(), plan.sessions());
    return outcome.withAutoExclude(runner.autoExclude(study, null, progress));
  }

  /** Splits the progress evenly over the steps that run. */
  private static final class Steps {
    private final Progress progress;
    private final int count;
    private int index = -1;

    Steps(Progress progress, int count) {
      this.progress = progress;
      this.count = count;
    }

    Progress next(String step) {
      Cancellation.check();
      return progress.part(++index, count, step + ": ");
    }
  }
}
