// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.quantscope.bench.Environment;
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.graph.GraphLayout;
import org.quantscope.graph.Scope;
import org.quantscope.model.ExampleModel;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.SaveOptions;
import org.quantscope.parity.ParityReport;
import org.quantscope.progress.Cancellation;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.report.Evaluation;
import org.quantscope.report.Images;
import org.quantscope.report.Report;
import org.quantscope.report.ReportJson;
import org.quantscope.report.ReportPdf;
import org.quantscope.report.ReportPng;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.runtime.SampleFiles;
import org.quantscope.runtime.Synthesizer;
import org.quantscope.sensitivity.AutoExcludeResult;
import org.quantscope.sensitivity.Sensitivity;
import org.quantscope.sensitivity.SensitivityReport;
import org.quantscope.worker.WorkerClient;

/**
 * The runs on the open model: quantize (in memory), check parity, benchmark, or all three, one at a
 * time in the background, with their results. Nothing is written to disk until the user saves the
 * int8 model.
 */
public final class RunViewModel {
  private final JobRunner jobs;
  private final OptionsViewModel options;
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
  private final ReadOnlyObjectWrapper<Path> exported =
      new ReadOnlyObjectWrapper<>(this, "exported");
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
                .weightType(
                    o.weightType() == org.quantscope.quantize.QuantType.QInt8
                        ? org.quantscope.quantize.QuantType.QUInt8
                        : org.quantscope.quantize.QuantType.QInt8)
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
      String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
      return n.endsWith(".pdf")
          ? PDF
          : n.endsWith(".json") ? JSON : n.endsWith(".png") ? CHARTS_PNG : null;
    }
  }

  public RunViewModel(JobRunner jobs, OptionsViewModel options) {
    this.jobs = jobs;
    this.options = options;
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

  /** The file a report was last exported to. */
  public ReadOnlyObjectProperty<Path> exportedProperty() {
    return exported.getReadOnlyProperty();
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
    start(
        "Quantize",
        (plan, p) -> {
          DynamicQuantizer.Output q = quantizeNow(plan, p);
          return new Results(q, sizes(plan, q), null, null);
        });
  }

  /** Checks parity of the int8 model (quantizing first if needed). */
  public void checkParity() {
    start(
        "Check parity",
        (plan, p) -> {
          DynamicQuantizer.Output q = quantizedOrNew(plan, p);
          return new Results(q, sizes(plan, q), parityNow(plan, q, p), null);
        });
  }

  /** Benchmarks fp32 against int8 (quantizing first if needed). */
  public void benchmark() {
    start(
        "Benchmark",
        (plan, p) -> {
          DynamicQuantizer.Output q = quantizedOrNew(plan, p);
          return new Results(q, sizes(plan, q), null, benchNow(plan, q, p));
        });
  }

  /**
   * Measures every quantizable node's cost in parity: only it quantized, and all but it (see {@link
   * Sensitivity}); the nodes table, the graph and the Sensitivity tab show the ranking.
   */
  public void analyzeSensitivity() {
    start(
        "Sensitivity",
        (plan, p) -> {
          SensitivityReport r =
              WORKER.sensitivity(
                  plan.model(),
                  plan.quantize(),
                  feeds(plan, false),
                  plan.parity(),
                  sessions(plan),
                  0,
                  p);
          return new Results(null, null, null, null, r, null, null);
        });
  }

  /**
   * Finds the fewest nodes to leave in float so that parity passes, using the last sensitivity
   * analysis when it is current; when found, those nodes become the user's exclusions and the
   * result becomes the int8 model.
   */
  public void autoExclude() {
    start(
        "Auto-exclude",
        (plan, p) -> {
          AutoExcludeResult r =
              WORKER.autoExclude(
                  plan.model(),
                  plan.quantize(),
                  feeds(plan, false),
                  plan.parity(),
                  sessions(plan),
                  0,
                  p);
          if (!r.passed()) {
            return new Results(null, null, null, null, r.sensitivity(), r, null);
          }
          DynamicQuantizer.Output out = r.output();
          return new Results(
              out,
              new Sizes(r.fp32Bytes(), r.int8Bytes()),
              r.after(),
              null,
              r.sensitivity(),
              r,
              null);
        });
  }

  /** Leaves one node in float and checks parity again (quantizing afresh). */
  public void excludeAndRecheck(String node) {
    if (node == null || running.get()) {
      return;
    }
    options.excluded().add(node);
    start(
        "Exclude and check",
        (plan, p) -> {
          DynamicQuantizer.Output q = quantizeNow(plan, p);
          return new Results(q, sizes(plan, q), parityNow(plan, q, p), null);
        });
  }

  /**
   * Evaluates the current options and the same options with one choice flipped on the same samples:
   * size, parity, latency and every node's weight error, side by side.
   */
  public void compare(CompareWith with) {
    start(
        "Compare",
        (plan, p) -> {
          QuantizeOptions a = plan.quantize();
          QuantizeOptions b = with.flip(a);
          List<Map<String, NdArray>> feeds = feeds(plan, false);
          List<Map<String, NdArray>> benchFeeds = feeds(plan, true);
          Report ra = evaluate(plan, a, feeds, benchFeeds, p.part(0, 2, "A: "));
          Cancellation.check();
          Report rb = evaluate(plan, b, feeds, benchFeeds, p.part(1, 2, "B: "));
          return new Results(
              null,
              null,
              null,
              null,
              null,
              null,
              new Comparison(CompareWith.describe(a), CompareWith.describe(b), ra, rb));
        });
  }

  /** One configuration quantized here, checked and benchmarked in the worker. */
  private static Report evaluate(
      Plan plan,
      QuantizeOptions o,
      List<Map<String, NdArray>> feeds,
      List<Map<String, NdArray>> benchFeeds,
      Progress p)
      throws Exception {
    OnnxModel fp32 = plan.model();
    String name = CompareWith.describe(o);
    DynamicQuantizer.Output q = DynamicQuantizer.quantize(fp32, o, p.part(0, 3, ""));
    long fp32Bytes = ModelFiles.sizeBytes(fp32);
    long int8Bytes = ModelFiles.sizeBytes(q.model());
    Cancellation.check();
    ParityReport parity =
        WORKER.parity(
            fp32, q.model(), name, feeds, plan.parity(), sessions(plan), p.part(1, 3, ""));
    Cancellation.check();
    BenchReport bench =
        WORKER.bench(
            new WorkerClient.Subject(fp32, fp32.displayName(), fp32Bytes),
            new WorkerClient.Subject(q.model(), name, int8Bytes),
            benchFeeds,
            new LatencyBenchmark.Options(Math.min(10, plan.benchRuns()), plan.benchRuns(), 0),
            sessions(plan),
            p.part(2, 3, ""));
    return Evaluation.report(
        fp32, name, fp32Bytes, int8Bytes, o, q.result(), parity, bench, bench.environment());
  }

  /** Quantize, check parity, benchmark. */
  public void runAll() {
    start(
        "Run all",
        (plan, p) -> {
          DynamicQuantizer.Output q = quantizeNow(plan, p);
          Sizes z = sizes(plan, q);
          ParityReport r = parityNow(plan, q, p);
          return new Results(q, z, r, benchNow(plan, q, p));
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
    if (q == null || m == null || running.get()) {
      return;
    }
    ParityReport p = parity.get();
    BenchReport b = bench.get();
    QuantizeOptions o = quantizedWith;
    Sizes z = sizes.get();
    int threads = options.benchThreadCount();
    running.set(true);
    status.set("Exporting " + target.getFileName() + " ...");
    failure.set(null);
    current =
        jobs.submit(
            "Export report",
            progress -> {
              progress.report(0, 3, "Assembling the report");
              long fp32Bytes = z != null ? z.fp32Bytes() : ModelFiles.sizeBytes(m);
              long int8Bytes = z != null ? z.int8Bytes() : ModelFiles.sizeBytes(q.model());
              Environment env =
                  b != null ? b.environment() : Environment.detect(OrtRuntime.version(), threads);
              Report report =
                  Evaluation.report(
                      m, "int8 (in memory)", fp32Bytes, int8Bytes, o, q.result(), p, b, env);
              Cancellation.check();
              GraphLayout.Result layout = null;
              if (format == ReportFormat.PDF || format == ReportFormat.GRAPH_PNG) {
                progress.report(1, 3, "Laying out the graph");
                layout =
                    GraphLayout.layout(
                        Scope.all(m.graph()).get(0), GraphLayout.Options.DEFAULTS, Progress.NONE);
              }
              Cancellation.check();
              progress.report(2, 3, "Writing " + target.getFileName());
              switch (format) {
                case PDF -> ReportPdf.write(report, layout, paper, target);
                case CHARTS_PNG -> ReportPng.writeCharts(report, target);
                case GRAPH_PNG -> ReportPng.writeGraph(report, layout, target);
                case JSON -> ReportJson.write(report, target);
              }
              progress.report(3, 3, "Done");
              return target;
            },
            t -> {
              running.set(false);
              exported.set(t);
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
              exported.set(t);
              status.set("Saved " + t.getFileName());
            },
            this::failed);
  }

  private record Results(
      DynamicQuantizer.Output q,
      Sizes sizes,
      ParityReport parity,
      BenchReport bench,
      SensitivityReport sensitivity,
      AutoExcludeResult autoExcluded,
      Comparison comparison) {
    Results(DynamicQuantizer.Output q, Sizes sizes, ParityReport parity, BenchReport bench) {
      this(q, sizes, parity, bench, null, null, null);
    }
  }

  /** Bytes of the float model and of the int8 model (as it would be saved). */
  public record Sizes(long fp32Bytes, long int8Bytes) {}

  /** Everything a run needs, taken on the FX thread when it starts: options can change later. */
  private record Plan(
      OnnxModel model,
      DynamicQuantizer.Output previous,
      org.quantscope.quantize.QuantizeOptions quantize,
      org.quantscope.parity.ParityOptions parity,
      OptionsViewModel.SampleSource source,
      Path sampleFile,
      int samples,
      long seed,
      int benchRuns,
      int threads) {}

  private interface Step {
    Results run(Plan plan, Progress p) throws Exception;
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
    Plan plan =
        new Plan(
            m,
            quantized.get(),
            options.quantizeOptions(),
            options.parityOptions(),
            options.sampleSourceProperty().get(),
            options.sampleFileProperty().get(),
            options.sampleCount(),
            options.seedValue(),
            options.benchRunCount(),
            options.benchThreadCount());
    running.set(true);
    status.set(title + " ...");
    failure.set(null);
    current =
        jobs.submit(
            title,
            p -> step.run(plan, p),
            r -> {
              running.set(false);
              if (r.q() != null) {
                if (quantized.get() != r.q()) {
                  parity.set(null);
                  bench.set(null);
                  quantizedWith = plan.quantize();
                }
                quantized.set(r.q());
              }
              if (r.sizes() != null) {
                sizes.set(r.sizes());
              }
              if (r.parity() != null) {
                parity.set(r.parity());
              }
              if (r.bench() != null) {
                bench.set(r.bench());
              }
              if (r.sensitivity() != null) {
                sensitivity.set(r.sensitivity());
              }
              if (r.comparison() != null) {
                comparison.set(r.comparison());
              }
              if (r.autoExcluded() != null) {
                AutoExcludeResult a = r.autoExcluded();
                if (a.passed()) {
                  // the user's own exclusions stay; the search adds to them
                  options.excluded().addAll(a.excluded());
                  java.util.Set<String> all =
                      new java.util.LinkedHashSet<>(plan.quantize().nodesToExclude());
                  all.addAll(a.excluded());
                  quantizedWith = plan.quantize().toBuilder().nodesToExclude(all).build();
                }
                autoExcluded.set(a);
              }
              status.set(summary());
            },
            this::failed);
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
              java.util.Locale.ROOT,
              "parity %s (max |d| %.4f, mean %.4f)",
              r.passed() ? "PASSED" : "FAILED",
              r.maxAbsDiff(),
              r.meanAbsDiff()));
    }
    BenchReport b = bench.get();
    if (b != null && b.speedupP50() != null) {
      parts.add(String.format(java.util.Locale.ROOT, "speedup %.2fx", b.speedupP50()));
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

  // The steps, run on a worker thread

  private static DynamicQuantizer.Output quantizedOrNew(Plan plan, Progress p) throws Exception {
    return plan.previous() != null ? plan.previous() : quantizeNow(plan, p);
  }

  private static DynamicQuantizer.Output quantizeNow(Plan plan, Progress p) throws Exception {
    return DynamicQuantizer.quantize(plan.model(), plan.quantize(), p);
  }

  private static List<Map<String, NdArray>> feeds(Plan plan, boolean forBench) throws IOException {
    OnnxModel m = plan.model();
    return switch (plan.source()) {
      case FILE -> SampleFiles.read(plan.sampleFile(), OrtRuntime.inputs(m));
      case EXAMPLE ->
          List.of(
              Map.of(
                  "features", NdArray.of(ExampleModel.sampleRows(64), 64, ExampleModel.FEATURES)));
      case SYNTHETIC ->
          Synthesizer.synthesize(
              m,
              new Synthesizer.Options(
                  forBench ? 4 : plan.samples(),
                  plan.seed(),
                  Map.of(),
                  Synthesizer.Distribution.NORMAL));
    };
  }

  private static OrtRuntime.SessionConfig sessions(Plan plan) {
    return new OrtRuntime.SessionConfig(plan.threads(), OrtRuntime.OptLevel.ALL, false);
  }

  private static Sizes sizes(Plan plan, DynamicQuantizer.Output q) throws IOException {
    if (plan.previous() == q && plan.previous() != null) {
      return null; // unchanged
    }
    return new Sizes(ModelFiles.sizeBytes(plan.model()), ModelFiles.sizeBytes(q.model()));
  }

  /** ONNX Runtime runs in a worker process: a crash in its native code cannot close the window. */
  private static final WorkerClient WORKER = WorkerClient.standard();

  private static ParityReport parityNow(Plan plan, DynamicQuantizer.Output q, Progress p)
      throws Exception {
    return WORKER.parity(
        plan.model(),
        q.model(),
        "int8 (in memory)",
        feeds(plan, false),
        plan.parity(),
        sessions(plan),
        p);
  }

  private static BenchReport benchNow(Plan plan, DynamicQuantizer.Output q, Progress p)
      throws Exception {
    OnnxModel fp32 = plan.model();
    return WORKER.bench(
        new WorkerClient.Subject(fp32, fp32.displayName(), ModelFiles.sizeBytes(fp32)),
        new WorkerClient.Subject(q.model(), "int8 (in memory)", ModelFiles.sizeBytes(q.model())),
        feeds(plan, true),
        new LatencyBenchmark.Options(Math.min(10, plan.benchRuns()), plan.benchRuns(), 0),
        sessions(plan),
        p);
  }
}
