// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.SaveOptions;
import org.quantscope.parity.ParityOptions;
import org.quantscope.parity.ParityReport;
import org.quantscope.pipeline.Outcome;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.pipeline.Plan;
import org.quantscope.pipeline.ReportFiles;
import org.quantscope.pipeline.SampleSource;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.quantize.QuantType;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.report.Charts;
import org.quantscope.report.Report;
import org.quantscope.report.ReportPdf;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.runtime.Synthesizer;
import org.quantscope.sensitivity.AutoExcludeResult;
import org.quantscope.sensitivity.SensitivityReport;
import org.quantscope.sensitivity.Study;

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

  /** A failure for the error dialog: one line for the user, the details behind a click. */
  public record Failure(String title, String message, String details) {}

  // Properties

  private final ReadOnlyObjectWrapper<OnnxModel> model = new ReadOnlyObjectWrapper<>(this, "model");
  private final ReadOnlyObjectWrapper<DynamicQuantizer.Output> quantized =
      new ReadOnlyObjectWrapper<>(this, "quantized");
  private final ReadOnlyObjectWrapper<ParityReport> parity =
      new ReadOnlyObjectWrapper<>(this, "parity");
  private final ReadOnlyObjectWrapper<BenchReport> bench =
      new ReadOnlyObjectWrapper<>(this, "bench");
  private final ReadOnlyObjectWrapper<Sizes> sizes = new ReadOnlyObjectWrapper<>(this, "sizes");
  private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");
  private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
  private final ReadOnlyObjectWrapper<Failure> failure =
      new ReadOnlyObjectWrapper<>(this, "failure");
  private final ReadOnlyObjectWrapper<Path> saved = new ReadOnlyObjectWrapper<>(this, "saved");
  private QuantizeOptions quantizedWith;
  private final ReadOnlyObjectWrapper<SensitivityReport> sensitivity =
      new ReadOnlyObjectWrapper<>(this, "sensitivity");
  private final ReadOnlyObjectWrapper<AutoExcludeResult> autoExcluded =
      new ReadOnlyObjectWrapper<>(this, "autoExcluded");
  private final ReadOnlyObjectWrapper<Comparison> comparison =
      new ReadOnlyObjectWrapper<>(this, "comparison");

  /** What the current options are compared with: the same options with one choice flipped. */
  public enum CompareWith {
    PER_CHANNEL("per-channel vs per-tensor"),
    WEIGHT_TYPE("QInt8 vs QUInt8"),
    REDUCE_RANGE("reduce-range on vs off");

    private final String label;

    CompareWith(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }

    /** The options with this choice flipped. */
    public QuantizeOptions flip(QuantizeOptions o) {
      return switch (this) {
        case PER_CHANNEL -> o.toBuilder().perChannel(!o.perChannel()).build();
        case WEIGHT_TYPE ->
            o.toBuilder()
                .weightType(o.weightType() == QuantType.QInt8 ? QuantType.QUInt8 : QuantType.QInt8)
                .build();
        case REDUCE_RANGE -> o.toBuilder().reduceRange(!o.reduceRange()).build();
      };
    }

    /** A short name of the options for a column header, e.g. "QInt8, per tensor". */
    public static String describe(QuantizeOptions o) {
      return o.weightType()
          + (o.perChannel() ? ", per channel" : ", per tensor")
          + (o.reduceRange() ? ", reduce range" : "");
    }
  }

  /** Two configurations evaluated on the same samples: quantized, parity-checked, benchmarked. */
  public record Comparison(String labelA, String labelB, Report a, Report b) {}

  /** What File > Export report writes. */
  public enum ReportFormat {
    /** The whole report as a PDF document. */
    PDF,
    /** The four charts as one PNG image. */
    CHARTS_PNG,
    /** The graph, quantized nodes coloured, as a PNG image. */
    GRAPH_PNG,
    /** Everything, machine-readable. */
    JSON;

    /** The format a file name asks for by its extension, or null. */
    public static ReportFormat byName(Path file) {
      String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
      return n.endsWith(".pdf")
          ? PDF
          : n.endsWith(".json") ? JSON : n.endsWith(".png") ? CHARTS_PNG : null;
    }
  }

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

  /** Model sizes, known once the model is quantized. */
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
  public ReadOnlyObjectProperty<Failure> failureProperty() {
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
    bench.set(null);
  }

  public void dismissFailure() {
    failure.set(null);
  }

  /** Quantizes the open model in memory. */
  public void quantize() {
    start("Quantize", (r, p) -> Results.of(pipeline.run(r.fresh(), p)));
  }

  /** Checks parity of the int8 model (quantizing first if needed). */
  public void checkParity() {
    start("Check parity", (r, p) -> Results.of(pipeline.run(r.checked(r.reused()), p)));
  }

  /** Benchmarks fp32 against int8 (quantizing first if needed). */
  public void benchmark() {
    start("Benchmark", (r, p) -> Results.of(pipeline.run(r.timed(r.reused()), p)));
  }

  /** Quantize, check parity, benchmark. */
  public void runAll() {
    start("Run all", (r, p) -> Results.of(pipeline.run(r.timed(r.checked(r.fresh())), p)));
  }

  /** Leaves one node in float and checks parity again (quantizing afresh). */
  public void excludeAndRecheck(String node) {
    if (node == null || running.get()) {
      return;
    }
    options.excluded().add(node);
    start("Exclude and check", (r, p) -> Results.of(pipeline.run(r.checked(r.fresh()), p)));
  }

  /**
   * Measures every quantizable node's cost in parity: only it quantized, and all but it (see {@link
   * org.quantscope.sensitivity.Sensitivity}); the nodes table, the graph and the Sensitivity tab
   * show the ranking.
   */
  public void analyzeSensitivity() {
    start("Sensitivity", (r, p) -> Results.of(pipeline.sensitivity(r.study(), p)));
  }

  /**
   * Finds the fewest nodes to leave in float so that parity passes; when found, those nodes become
   * the user's exclusions and the result becomes the int8 model.
   */
  public void autoExclude() {
    start(
        "Auto-exclude",
        (r, p) -> Results.of(pipeline.autoExclude(r.study(), null, p), r.sessions()));
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
          return Results.of(
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
   * Exports the results so far as a report (PDF, PNG or JSON) in the background; the file is
   * written atomically. Needs a quantized model; parity and latency are included when they ran.
   */
  public void exportReport(Path target, ReportFormat format, ReportPdf.Paper paper) {
    DynamicQuantizer.Output q = quantized.get();
    OnnxModel m = model.get();
    Sizes z = sizes.get();
    if (q == null || m == null || z == null || running.get()) {
      return;
    }
    Outcome outcome =
        new Outcome(
            m,
            Plan.QUANTIZED_IN_MEMORY,
            quantizedWith,
            q,
            z.fp32Bytes(),
            z.int8Bytes(),
            parity.get(),
            bench.get(),
            Request.sessions(options.benchThreadCount()));
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
            progress -> files.write(outcome.report(), m, progress).get(0),
            t -> {
              running.set(false);
              status.set("Exported " + t.getFileName());
            },
            this::failed);
  }

  /**
   * Saves one chart as a PNG image in the background. The chart is built afresh on the worker from
   * {@code chart} (a {@link Charts} builder over immutable results), so the one on screen is never
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
              Charts.writePng(chart.get(), target, width, height);
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

  /** What a run changed; null fields leave the window's state as it is. */
  private record Results(
      Outcome outcome,
      SensitivityReport sensitivity,
      AutoExcludeResult autoExcluded,
      Comparison comparison) {
    static Results of(Outcome o) {
      return new Results(o, null, null, null);
    }

    static Results of(SensitivityReport s) {
      return new Results(null, s, null, null);
    }

    static Results of(Comparison c) {
      return new Results(null, null, null, c);
    }

    /** The search, and when it passed, its int8 model and parity as the window's outcome. */
    static Results of(AutoExcludeResult a, OrtRuntime.SessionConfig sessions) {
      Outcome o =
          a.passed() && a.output() != null
              ? new Outcome(
                  a.output().model(),
                  Plan.QUANTIZED_IN_MEMORY,
                  null,
                  a.output(),
                  a.fp32Bytes(),
                  a.int8Bytes(),
                  a.after(),
                  null,
                  sessions)
              : null;
      return new Results(o, a.sensitivity(), a, null);
    }
  }

  /**
   * Everything a run needs, taken on the FX thread when it starts (options can change later); the
   * samples are read on the worker thread, once per run.
   */
  private static final class Request {
    private final OnnxModel model;
    private final DynamicQuantizer.Output previous;
    private final QuantizeOptions previousOptions;
    private final QuantizeOptions quantize;
    private final ParityOptions parity;
    private final SampleSource samples;
    private final int benchRuns;
    private final int threads;
    private List<Map<String, NdArray>> feeds;

    Request(RunViewModel vm) {
      OptionsViewModel o = vm.options;
      this.model = vm.model.get();
      this.previous = vm.quantized.get();
      this.previousOptions = vm.quantizedWith;
      this.quantize = o.quantizeOptions();
      this.parity = o.parityOptions();
      this.samples = samples(o);
      this.benchRuns = o.benchRunCount();
      this.threads = o.benchThreadCount();
    }

    private static SampleSource samples(OptionsViewModel o) {
      return switch (o.sampleSourceProperty().get()) {
        case FILE -> new SampleSource.File(o.sampleFileProperty().get());
        case EXAMPLE -> new SampleSource.Example();
        case SYNTHETIC ->
            new SampleSource.Synthetic(Synthesizer.Options.of(o.sampleCount(), o.seedValue()));
      };
    }

    static OrtRuntime.SessionConfig sessions(int threads) {
      return new OrtRuntime.SessionConfig(threads, OrtRuntime.OptLevel.ALL, false);
    }

    OrtRuntime.SessionConfig sessions() {
      return sessions(threads);
    }

    QuantizeOptions quantize() {
      return quantize;
    }

    private List<Map<String, NdArray>> feeds() throws IOException {
      if (feeds == null) {
        feeds = samples.read(model);
      }
      return feeds;
    }

    /** Quantize afresh with the current options. */
    Plan fresh() {
      return Plan.quantize(model, quantize).withSessions(sessions());
    }

    /** Reuse the int8 model of the last run, or quantize when there is none. */
    Plan reused() {
      return previous == null
          ? fresh()
          : Plan.reuse(model, previous, previousOptions).withSessions(sessions());
    }

    /** The plan with a parity check on the samples. */
    Plan checked(Plan p) throws IOException {
      return p.withParity(parity, feeds());
    }

    /** The plan with a benchmark on the first few samples. */
    Plan timed(Plan p) throws IOException {
      return p.withBench(
          new LatencyBenchmark.Options(Math.min(10, benchRuns), benchRuns, 0),
          Plan.benchSamples(feeds()));
    }

    Study study() throws IOException {
      return Study.of(model, quantize, feeds(), parity, sessions());
    }
  }

  /** A run on the worker thread. */
  private interface Step {
    Results run(Request request, Progress p) throws Exception;
  }

  private void start(String title, Step step) {
    OnnxModel m = model.get();
    if (m == null || running.get()) {
      return;
    }
    if (!options.validProperty().get()) {
      failure.set(
          new Failure(
              "Check the options", "Some options are not valid; see the Options panel.", ""));
      return;
    }
    Request request = new Request(this);
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

  private void apply(Results r, Request request) {
    Outcome o = r.outcome();
    if (o != null) {
      if (o.quantized() != null && quantized.get() != o.quantized()) {
        parity.set(null);
        bench.set(null);
        quantizedWith = o.quantizedWith();
        quantized.set(o.quantized());
        sizes.set(new Sizes(o.fp32Bytes(), o.int8Bytes()));
      }
      if (o.parity() != null) {
        parity.set(o.parity());
      }
      if (o.bench() != null) {
        bench.set(o.bench());
      }
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
    failure.set(describe(t));
  }

  static Failure describe(Throwable t) {
    boolean userError =
        t instanceof IOException
            || t instanceof IllegalArgumentException
            || t instanceof NothingToQuantizeException;
    String details = "";
    if (!userError) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      details = trace.toString();
    }
    String message =
        t instanceof NothingToQuantizeException
            ? "Nothing to quantize: " + t.getMessage().replaceFirst("^nothing to quantize: ", "")
            : t instanceof IOException || t instanceof IllegalArgumentException
                ? t.getMessage()
                : t.getClass().getSimpleName()
                    + (t.getMessage() == null ? "" : ": " + t.getMessage());
    return new Failure("The run failed", message, details);
  }
}
