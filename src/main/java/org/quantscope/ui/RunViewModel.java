// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.jfree.chart.JFreeChart;
import org.quantscope.bench.BenchReport;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.SaveOptions;
import org.quantscope.parity.ParityReport;
import org.quantscope.pipeline.Outcome;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.pipeline.Plan;
import org.quantscope.pipeline.ReportFiles;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.report.Images;
import org.quantscope.report.Report;
import org.quantscope.report.ReportPdf;
import org.quantscope.report.Texts;
import org.quantscope.sensitivity.AutoExcludeResult;
import org.quantscope.sensitivity.SensitivityReport;
import org.quantscope.trace.TraceReport;

/**
 * The runs on the open model: quantize (in memory), check parity, benchmark, or all three, one at a
 * time in the background, with their results. Every run is a {@link Plan} handed to the {@link
 * Pipeline} the window was given (its ONNX Runtime steps in a worker process; tests pass one that
 * runs in-process). Nothing is written to disk until the user saves the int8 model.
 */
public final class RunViewModel {
  private final JobRunner jobs;
  private final OptionsViewModel options;
  private final Pipeline pipeline;
  private JobRunner.Handle current;

  // Properties

  private final ReadOnlyObjectWrapper<OnnxModel> model = new ReadOnlyObjectWrapper<>(this, "model");
  private final ReadOnlyObjectWrapper<DynamicQuantizer.Output> quantized =
      new ReadOnlyObjectWrapper<>(this, "quantized");
  private final ReadOnlyObjectWrapper<ParityReport> parity =
      new ReadOnlyObjectWrapper<>(this, "parity");
  private final ReadOnlyObjectWrapper<BenchReport> bench =
      new ReadOnlyObjectWrapper<>(this, "bench");
  private final ReadOnlyObjectWrapper<TraceReport> trace =
      new ReadOnlyObjectWrapper<>(this, "trace");
  private final ReadOnlyObjectWrapper<Sizes> sizes = new ReadOnlyObjectWrapper<>(this, "sizes");
  private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");
  private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
  private final ReadOnlyObjectWrapper<RunFailure> failure =
      new ReadOnlyObjectWrapper<>(this, "failure");
  private final ReadOnlyObjectWrapper<Path> saved = new ReadOnlyObjectWrapper<>(this, "saved");
  private QuantizeOptions quantizedWith;
  private final ReadOnlyObjectWrapper<SensitivityReport> sensitivity =
      new ReadOnlyObjectWrapper<>(this, "sensitivity");
  private final ReadOnlyObjectWrapper<AutoExcludeResult> autoExcluded =
      new ReadOnlyObjectWrapper<>(this, "autoExcluded");
  private final ReadOnlyObjectWrapper<Comparison> comparison =
      new ReadOnlyObjectWrapper<>(this, "comparison");
  private final ReadOnlyObjectWrapper<org.quantscope.deploy.DeployReport> deploy =
      new ReadOnlyObjectWrapper<>(this, "deploy");

  /** Two configurations evaluated on the same samples: quantized, parity-checked, benchmarked. */
  public record Comparison(String labelA, String labelB, Report a, Report b) {}

  /**
   * @param jobs runs the work off the FX thread
   * @param options the options every run takes its settings from when it starts
   * @param pipeline runs the plans
   */
  public RunViewModel(JobRunner jobs, OptionsViewModel options, Pipeline pipeline) {
    this.jobs = jobs;
    this.options = options;
    this.pipeline = pipeline;
  }

  public ReadOnlyObjectProperty<DynamicQuantizer.Output> quantizedProperty() {
    return quantized.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<ParityReport> parityProperty() {
    return parity.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<BenchReport> benchProperty() {
    return bench.getReadOnlyProperty();
  }

  /**
   * The last error trace of the int8 model (see {@code ErrorTrace}); cleared, like parity, when the
   * model or the int8 model changes.
   */
  public ReadOnlyObjectProperty<TraceReport> traceProperty() {
    return trace.getReadOnlyProperty();
  }

  /** Model sizes, known once the model is quantized. */
  /** The last check-deploy of the int8 model, or null. */
  public ReadOnlyObjectProperty<org.quantscope.deploy.DeployReport> deployProperty() {
    return deploy.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<Sizes> sizesProperty() {
    return sizes.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty runningProperty() {
    return running.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty statusProperty() {
    return status.getReadOnlyProperty();
  }

  /** The last failure; the window shows it in the error dialog. */
  public ReadOnlyObjectProperty<RunFailure> failureProperty() {
    return failure.getReadOnlyProperty();
  }

  /** The file the int8 model was last saved to. */
  public ReadOnlyObjectProperty<Path> savedProperty() {
    return saved.getReadOnlyProperty();
  }

  /** The last sensitivity analysis of the open model. */
  public ReadOnlyObjectProperty<SensitivityReport> sensitivityProperty() {
    return sensitivity.getReadOnlyProperty();
  }

  /** The last automatic exclusion: what it left in float, parity before and after. */
  public ReadOnlyObjectProperty<AutoExcludeResult> autoExcludedProperty() {
    return autoExcluded.getReadOnlyProperty();
  }

  /** The last comparison of two configurations. */
  public ReadOnlyObjectProperty<Comparison> comparisonProperty() {
    return comparison.getReadOnlyProperty();
  }

  // Commands

  /** The model the runs work on; results of the previous model are dropped. */
  public void setModel(OnnxModel m) {
    cancel();
    model.set(m);
    clearResults();
  }

  public void clearResults() {
    quantized.set(null);
    quantizedWith = null;
    sensitivity.set(null);
    autoExcluded.set(null);
    comparison.set(null);
    sizes.set(null);
    parity.set(null);
    trace.set(null);
    bench.set(null);
    deploy.set(null);
  }

  public void dismissFailure() {
    failure.set(null);
  }

  /** Quantizes the open model in memory. */
  public void quantize() {
    start("Quantize", (r, p) -> RunResults.of(pipeline.run(r.fresh(), p)));
  }

  /** Checks parity of the int8 model (quantizing first if needed). */
  public void checkParity() {
    start("Check parity", (r, p) -> RunResults.of(pipeline.run(r.checked(r.reused()), p)));
  }

  /** Benchmarks fp32 against int8 (quantizing first if needed). */
  public void benchmark() {
    start("Benchmark", (r, p) -> RunResults.of(pipeline.run(r.timed(r.reused()), p)));
  }

  /** Quantize, check parity, benchmark. */
  public void runAll() {
    start("Run all", (r, p) -> RunResults.of(pipeline.run(r.timed(r.checked(r.fresh())), p)));
  }

  /**
   * Traces the error of the int8 model through every tensor (quantizing first if needed) on the
   * samples and tolerances of the options: where it enters, node by node. The trace includes the
   * parity check of the graph outputs, which becomes the window's parity.
   */
  public void traceError() {
    start("Trace the error", (r, p) -> RunResults.of(pipeline.run(r.traced(r.reused()), p)));
  }

  /**
   * Emulates the int8 model's kernels as CPUs without VNNI run them (quantizing first if needed) on
   * the samples of the options, checks the reduce-range alternative when it saturates, and lists
   * what ONNX Runtime's targets cannot run: the Results tab's "Where it will run".
   */
  public void checkDeploy() {
    start(
        "Check deploy",
        (r, p) -> {
          Outcome o = pipeline.run(r.reused(), p.part(0, 2, ""));
          org.quantscope.deploy.DeployReport d =
              pipeline.deployCheck(
                  o.quantized().model(),
                  o.candidateName(),
                  o.reference(),
                  r.samples(),
                  o.sessions(),
                  p.part(1, 2, "Check deploy: "));
          return RunResults.of(o, d.withSamplesFrom(r.samplesFrom()));
        });
  }

  /** Leaves one node in float and checks parity again (quantizing afresh). */
  public void excludeAndRecheck(String node) {
    excludeAndRecheck(node == null ? List.of() : List.of(node));
  }

  /** Leaves these nodes in float and checks parity again (quantizing afresh). */
  public void excludeAndRecheck(Collection<String> nodes) {
    if (nodes.isEmpty() || running.get() || model.get() == null) {
      return;
    }
    options.excluded().addAll(nodes);
    start("Exclude and check", (r, p) -> RunResults.of(pipeline.run(r.checked(r.fresh()), p)));
  }

  /** The nodes the last trace blames (see {@link Culprits}); empty without a trace. */
  public List<String> culprits() {
    return Culprits.of(trace.get());
  }

  /**
   * Measures every quantizable node's cost in parity: only it quantized, and all but it (see {@link
   * org.quantscope.sensitivity.Sensitivity}); the nodes table, the graph and the Sensitivity tab
   * show the ranking.
   */
  public void analyzeSensitivity() {
    start("Sensitivity", (r, p) -> RunResults.of(pipeline.sensitivity(r.study(), p)));
  }

  /**
   * Finds the nodes to leave in float so that parity passes with the most weight bytes in int8;
   * when found, those nodes become the user's exclusions and the result becomes the int8 model.
   */
  public void autoExclude() {
    start(
        "Auto-exclude",
        (r, p) -> RunResults.of(pipeline.autoExclude(r.study(), null, p), r.sessions()));
  }

  /**
   * Evaluates the current options and the same options with one choice flipped on the same samples:
   * size, parity, latency and every node's weight error, side by side.
   */
  public void compare(CompareWith with) {
    start(
        "Compare",
        (r, p) -> {
          QuantizeOptions a = r.quantize();
          QuantizeOptions b = with.flip(a);
          Plan base = r.timed(r.checked(r.fresh()));
          Pipeline.Comparison c =
              pipeline.compare(
                  base.withQuantize(a).withCandidateName(CompareWith.describe(a)),
                  base.withQuantize(b).withCandidateName(CompareWith.describe(b)),
                  p);
          return RunResults.of(
              new Comparison(
                  CompareWith.describe(a),
                  CompareWith.describe(b),
                  c.a().report(),
                  c.b().report()));
        });
  }

  public void cancel() {
    if (current != null) {
      current.cancel();
    }
  }

  /** Writes the int8 model atomically; the float model is never touched. */
  public void saveInt8(Path target) {
    DynamicQuantizer.Output q = quantized.get();
    if (q == null) {
      return;
    }
    running.set(true);
    status.set("Saving " + target.getFileName() + " ...");
    current =
        jobs.submit(
            "Save",
            p -> ModelFiles.save(q.model(), target, SaveOptions.DEFAULT),
            s -> {
              running.set(false);
              saved.set(s.model());
              status.set("Saved " + s.model().getFileName());
            },
            this::failed);
  }

  /**
   * The results so far as one outcome, what an export writes: the int8 model of the last run with
   * the parity check, error trace and latency when they ran; null before a model was quantized.
   */
  Outcome outcome() {
    DynamicQuantizer.Output q = quantized.get();
    OnnxModel m = model.get();
    Sizes z = sizes.get();
    if (q == null || m == null || z == null) {
      return null;
    }
    return new Outcome(
        m,
        Plan.QUANTIZED_IN_MEMORY,
        quantizedWith,
        q,
        z.fp32Bytes(),
        z.int8Bytes(),
        parity.get(),
        trace.get(),
        bench.get(),
        RunRequest.sessions(options.benchThreadCount()));
  }

  /**
   * Exports the results so far as a report (PDF, PNG or JSON) in the background; the file is
   * written atomically. Needs a quantized model; parity, the error trace, latency and the
   * check-deploy are included when they ran.
   */
  public void exportReport(Path target, ReportFormat format, ReportPdf.Paper paper) {
    OnnxModel m = model.get();
    Outcome outcome = outcome();
    if (outcome == null || running.get()) {
      return;
    }
    org.quantscope.deploy.DeployReport d = deploy.get();
    ReportFiles files =
        new ReportFiles(
            format == ReportFormat.JSON ? target : null,
            format == ReportFormat.PDF ? target : null,
            format == ReportFormat.CHARTS_PNG ? target : null,
            format == ReportFormat.GRAPH_PNG ? target : null,
            paper);
    running.set(true);
    status.set("Exporting " + target.getFileName() + " ...");
    failure.set(null);
    current =
        jobs.submit(
            "Export report",
            progress -> files.write(outcome.report().withDeployCheck(d), m, progress).get(0),
            t -> {
              running.set(false);
              status.set("Exported " + t.getFileName());
            },
            this::failed);
  }

  /**
   * Saves one chart as a PNG image in the background. The chart is built afresh on the worker from
   * {@code chart} (a report chart builder over immutable results), so the one on screen is never
   * drawn from two threads.
   */
  public void saveChart(Supplier<JFreeChart> chart, int width, int height, Path target) {
    if (chart == null || running.get()) {
      return;
    }
    running.set(true);
    status.set("Saving " + target.getFileName() + " ...");
    current =
        jobs.submit(
            "Save chart",
            progress -> {
              Images.writePng(chart.get(), target, width, height);
              return target;
            },
            t -> {
              running.set(false);
              status.set("Saved " + t.getFileName());
            },
            this::failed);
  }

  /** Bytes of the float model and of the int8 model (as it would be saved). */
  public record Sizes(long fp32Bytes, long int8Bytes) {}

  /** A run on the worker thread. */
  private interface Step {
    RunResults run(RunRequest request, Progress p) throws Exception;
  }

  private void start(String title, Step step) {
    OnnxModel m = model.get();
    if (m == null || running.get()) {
      return;
    }
    if (!options.validProperty().get()) {
      failure.set(
          new RunFailure(
              "Check the options", "Some options are not valid; see the Options panel.", ""));
      return;
    }
    RunRequest request = new RunRequest(m, quantized.get(), quantizedWith, options);
    running.set(true);
    status.set(title + " ...");
    failure.set(null);
    current =
        jobs.submit(
            title,
            p -> step.run(request, p),
            r -> {
              running.set(false);
              apply(r, request);
              status.set(summary());
            },
            this::failed);
  }

  private void apply(RunResults r, RunRequest request) {
    Outcome o = r.outcome();
    if (o != null) {
      if (o.quantized() != null && quantized.get() != o.quantized()) {
        parity.set(null);
        trace.set(null);
        bench.set(null);
        deploy.set(null);
        quantizedWith = o.quantizedWith();
        quantized.set(o.quantized());
        sizes.set(new Sizes(o.fp32Bytes(), o.int8Bytes()));
      }
      if (o.parity() != null) {
        parity.set(o.parity());
      }
      if (o.trace() != null) {
        trace.set(o.trace());
      }
      if (o.bench() != null) {
        bench.set(o.bench());
      }
    }
    if (r.deploy() != null) {
      deploy.set(r.deploy());
    }
    if (r.sensitivity() != null) {
      sensitivity.set(r.sensitivity());
    }
    if (r.comparison() != null) {
      comparison.set(r.comparison());
    }
    AutoExcludeResult a = r.autoExcluded();
    if (a != null) {
      if (a.passed()) {
        // the user's own exclusions stay; the search adds to them
        options.excluded().addAll(a.excluded());
        Set<String> all = new LinkedHashSet<>(request.quantize().nodesToExclude());
        all.addAll(a.excluded());
        quantizedWith = request.quantize().toBuilder().nodesToExclude(all).build();
      }
      autoExcluded.set(a);
    }
  }

  private String summary() {
    List<String> parts = new ArrayList<>();
    DynamicQuantizer.Output q = quantized.get();
    if (q != null) {
      parts.add(
          q.result().quantizedCount() + " of " + q.result().candidateCount() + " nodes quantized");
    }
    ParityReport r = parity.get();
    if (r != null) {
      parts.add(
          String.format(
              Locale.ROOT,
              "parity %s (max |d| %.4f, mean %.4f)",
              r.passed() ? "PASSED" : "FAILED",
              r.maxAbsDiff(),
              r.meanAbsDiff()));
    }
    List<String> blamed = culprits();
    if (!blamed.isEmpty()) {
      parts.add("most output error from " + Texts.clean(blamed.get(0), 60));
    }
    org.quantscope.deploy.DeployReport d = deploy.get();
    if (d != null) {
      parts.add(d.atRisk() ? "at risk without VNNI" : "safe without VNNI");
    }
    BenchReport b = bench.get();
    if (b != null && b.speedupP50() != null) {
      parts.add(String.format(Locale.ROOT, "speedup %.2fx", b.speedupP50()));
    }
    return String.join(" · ", parts);
  }

  private void failed(Throwable t) {
    running.set(false);
    if (t instanceof CancellationException) {
      status.set("Cancelled; nothing was written.");
      return;
    }
    status.set("Failed.");
    RunFailure f = RunFailure.of(t);
    // the log keeps every failure with its stack trace (Help > Show log)
    System.getLogger(RunViewModel.class.getName())
        .log(
            System.Logger.Level.WARNING,
            "run failed: " + f.message(),
            f.details().isEmpty() ? null : t); // the trace of unexpected failures only
    failure.set(f);
  }
}
