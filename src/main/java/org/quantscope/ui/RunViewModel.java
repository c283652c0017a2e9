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
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.quantscope.bench.BenchReport;
import org.quantscope.bench.Environment;
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.bench.LatencyStats;
import org.quantscope.model.ExampleModel;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.SaveOptions;
import org.quantscope.parity.ParityCheck;
import org.quantscope.parity.ParityReport;
import org.quantscope.progress.Cancellation;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.runtime.ModelRunner;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.runtime.SampleFiles;
import org.quantscope.runtime.Synthesizer;

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

  // Commands

  /** The model the runs work on; results of the previous model are dropped. */
  public void setModel(OnnxModel m) {
    cancel();
    model.set(m);
    clearResults();
  }

  public void clearResults() {
    quantized.set(null);
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

  private record Results(
      DynamicQuantizer.Output q, Sizes sizes, ParityReport parity, BenchReport bench) {}

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
    return new Sizes(sizeBytes(plan.model()), sizeBytes(q.model()));
  }

  /** Bytes of a model: its files on disk, or its serialized size when it lives in memory. */
  static long sizeBytes(OnnxModel m) throws IOException {
    long onDisk = DynamicQuantizer.sizeOnDisk(m);
    return onDisk >= 0 ? onDisk : ModelFiles.inline(m).getSerializedSize();
  }

  private static ParityReport parityNow(Plan plan, DynamicQuantizer.Output q, Progress p)
      throws Exception {
    OnnxModel fp32 = plan.model();
    List<Map<String, NdArray>> feeds = feeds(plan, false);
    ParityCheck.Outputs a;
    ParityCheck.Outputs b;
    try (ModelRunner r = ModelRunner.open(fp32, sessions(plan))) {
      a = ParityCheck.run(r, feeds, p);
    }
    Cancellation.check();
    try (ModelRunner r = ModelRunner.open(q.model(), sessions(plan))) {
      b = ParityCheck.run(r, feeds, p);
    }
    List<String> warnings = new ArrayList<>();
    String w = Environment.detect(OrtRuntime.version(), plan.threads()).int8Warning();
    if (w != null) {
      warnings.add(w);
    }
    return ParityCheck.compare(
        a, b, plan.parity(), fp32.displayName(), "int8 (in memory)", warnings);
  }

  private static BenchReport benchNow(Plan plan, DynamicQuantizer.Output q, Progress p)
      throws Exception {
    OnnxModel fp32 = plan.model();
    List<Map<String, NdArray>> feeds = feeds(plan, true);
    Environment env = Environment.detect(OrtRuntime.version(), plan.threads());
    List<LatencyStats> stats;
    try (ModelRunner a = ModelRunner.open(fp32, sessions(plan));
        ModelRunner b = ModelRunner.open(q.model(), sessions(plan))) {
      stats =
          LatencyBenchmark.measure(
              List.of(
                  new LatencyBenchmark.Subject(a, fp32.displayName(), "reference", sizeBytes(fp32)),
                  new LatencyBenchmark.Subject(
                      b, "int8 (in memory)", "candidate", sizeBytes(q.model()))),
              feeds,
              new LatencyBenchmark.Options(Math.min(10, plan.benchRuns()), plan.benchRuns(), 0),
              p);
    }
    List<String> warnings = env.int8Warning() == null ? List.of() : List.of(env.int8Warning());
    return new BenchReport(
        stats, LatencyBenchmark.speedup(stats.get(0), stats.get(1)), env, warnings);
  }
}
