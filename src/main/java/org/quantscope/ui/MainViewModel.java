// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.quantscope.graph.ModelDiff;
import org.quantscope.graph.ModelSummary;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.model.ExampleModel;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.quantize.Criteria;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.Quantizability;
import org.quantscope.quantize.QuantizationDetector;
import org.quantscope.quantize.Summaries;
import org.quantscope.report.DiffText;
import org.quantscope.sensitivity.NodeSensitivity;
import org.quantscope.sensitivity.SensitivityReport;

/**
 * State of the main window: the open model and its summary, what is happening, and the last error.
 * Opening runs in the background; a failed open keeps the previous model.
 */
public final class MainViewModel {
  private final JobRunner jobs;
  private final Settings settings;
  private final OptionsViewModel options;
  private final RunViewModel runs;
  private final GraphViewModel graph;
  private JobRunner.Handle pending;
  private JobRunner.Handle classifyJob;
  private long classifyGeneration;
  private long generation;
  private boolean traceNewer;

  // Properties

  private final ReadOnlyObjectWrapper<OnnxModel> model = new ReadOnlyObjectWrapper<>(this, "model");
  private final ReadOnlyObjectWrapper<ModelSummary> summary =
      new ReadOnlyObjectWrapper<>(this, "summary");
  private final ReadOnlyObjectWrapper<QuantizationDetector.Detection> detection =
      new ReadOnlyObjectWrapper<>(this, "detection");
  private final ReadOnlyObjectWrapper<Comparison> comparison =
      new ReadOnlyObjectWrapper<>(this, "comparison");
  private final ReadOnlyStringWrapper title =
      new ReadOnlyStringWrapper(this, "title", "QuantScope");
  private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
  private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper(this, "error", "");
  private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
  private final ReadOnlyObjectWrapper<List<QuantizableNode>> verdicts =
      new ReadOnlyObjectWrapper<>(this, "verdicts", List.of());
  private final ReadOnlyBooleanWrapper example = new ReadOnlyBooleanWrapper(this, "example");
  private final ObservableList<Path> recent = FXCollections.observableArrayList();

  /** A window's state with settings kept in memory only (tests, harnesses). */
  public MainViewModel(JobRunner jobs, Pipeline pipeline) {
    this(jobs, Settings.memory(), pipeline);
  }

  /**
   * @param jobs runs work off the FX thread
   * @param settings where options and recent files are kept
   * @param pipeline runs quantization, parity, benchmark and the studies
   */
  public MainViewModel(JobRunner jobs, Settings settings, Pipeline pipeline) {
    this.jobs = jobs;
    this.settings = settings;
    this.options = new OptionsViewModel(settings);
    this.runs = new RunViewModel(jobs, options, pipeline);
    this.graph = new GraphViewModel(jobs);
    for (String r : settings.getList("recent")) {
      try {
        recent.add(Path.of(r));
      } catch (java.nio.file.InvalidPathException e) {
        // a setting from another system: skip it
      }
    }
    // verdicts follow the options; statuses follow verdicts, exclusions and results
    Runnable reclassify = this::reclassify;
    options.weightTypeProperty().addListener((o, a, b) -> reclassify.run());
    options.perChannelProperty().addListener((o, a, b) -> reclassify.run());
    options.constantWeightsProperty().addListener((o, a, b) -> reclassify.run());
    options.gemmGeneralProperty().addListener((o, a, b) -> reclassify.run());
    options.enableSubgraphProperty().addListener((o, a, b) -> reclassify.run());
    options.recipeProperty().addListener((o, a, b) -> reclassify.run());
    options.opTypes().values().forEach(p -> p.addListener((o, a, b) -> reclassify.run()));
    options
        .excluded()
        .addListener((javafx.collections.SetChangeListener<String>) c -> updateStatuses());
    runs.quantizedProperty().addListener((o, a, b) -> updateStatuses());
    // the newer of a sensitivity analysis and an error trace colours the graph
    runs.sensitivityProperty()
        .addListener(
            (o, a, b) -> {
              traceNewer &= b == null;
              updateStatuses();
            });
    runs.traceProperty()
        .addListener(
            (o, a, b) -> {
              traceNewer = b != null;
              updateStatuses();
            });
    graph.propagatedProperty().addListener((o, a, b) -> updateStatuses());
  }

  public OptionsViewModel options() {
    return options;
  }

  public RunViewModel runs() {
    return runs;
  }

  public GraphViewModel graph() {
    return graph;
  }

  /** The verdict on every quantizable node under the current options. */
  public ReadOnlyObjectProperty<List<QuantizableNode>> verdictsProperty() {
    return verdicts.getReadOnlyProperty();
  }

  /** True when the built-in example is open (its sample rows are available). */
  public ReadOnlyBooleanProperty exampleProperty() {
    return example.getReadOnlyProperty();
  }

  /** Recently opened files, most recent first. */
  public ObservableList<Path> recentFiles() {
    return recent;
  }

  /** Classifies the nodes again under the current options, in the background. */
  private void reclassify() {
    OnnxModel m = model.get();
    long mine = ++classifyGeneration;
    if (classifyJob != null) {
      classifyJob.cancel();
    }
    if (m == null) {
      verdicts.set(List.of());
      updateStatuses();
      return;
    }
    Criteria c = options.quantizeOptions().criteria();
    // exclusions are shown as such, not as ORT's "excluded" reason, so classify without them
    Criteria unexcluded =
        new Criteria(
            c.opTypes(),
            c.nodesToQuantize(),
            java.util.Set.of(),
            c.matMulConstBOnly(),
            c.enableSubgraph(),
            c.forceQuantizeNoInputCheck(),
            c.constantWeights(),
            c.gemmGeneral());
    classifyJob =
        jobs.submit(
            "Classify nodes",
            p -> Quantizability.classify(m.graph(), unexcluded),
            v -> {
              if (mine == classifyGeneration) {
                verdicts.set(v);
                updateStatuses();
              }
            },
            t -> {
              if (mine == classifyGeneration && !(t instanceof CancellationException)) {
                error.set("Cannot classify the nodes: " + t.getMessage());
              }
            });
  }

  private void updateStatuses() {
    DynamicQuantizer.Output q = runs.quantizedProperty().get();
    Map<String, Double> impacts = new HashMap<>();
    SensitivityReport s = runs.sensitivityProperty().get();
    if (s != null) {
      for (NodeSensitivity n : s.nodes()) {
        impacts.put(n.node(), n.impact());
      }
    }
    graph.updateStatuses(
        verdicts.get(),
        options.excluded(),
        q == null ? null : q.result(),
        impacts,
        traceNewer ? runs.traceProperty().get() : null);
  }

  public ReadOnlyObjectProperty<OnnxModel> modelProperty() {
    return model.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<ModelSummary> summaryProperty() {
    return summary.getReadOnlyProperty();
  }

  /** How the open model was quantized, if it is already an int8 model (facts and recipe). */
  public ReadOnlyObjectProperty<QuantizationDetector.Detection> detectionProperty() {
    return detection.getReadOnlyProperty();
  }

  /**
   * The open model compared with another file (File > Compare with...).
   *
   * @param other the file compared with
   * @param report what differs
   * @param lines the diff as {@code quantscope diff} prints it, the open model as A
   */
  public record Comparison(Path other, ModelDiff.Report report, List<String> lines) {}

  /** The last comparison made; null until one is, and again when another model is opened. */
  public ReadOnlyObjectProperty<Comparison> comparisonProperty() {
    return comparison.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty titleProperty() {
    return title.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty statusProperty() {
    return status.getReadOnlyProperty();
  }

  /** The last error as one line for users; empty when there is none. */
  public ReadOnlyStringProperty errorProperty() {
    return error.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty busyProperty() {
    return busy.getReadOnlyProperty();
  }

  // Commands

  /** Opens a model file in the background. */
  public void open(Path file) {
    String name = String.valueOf(file.getFileName());
    load(name, () -> ModelFiles.load(file), file);
  }

  /**
   * Compares the open model with another file in the background, as {@code quantscope diff OPEN
   * OTHER} does; the result lands in {@link #comparisonProperty()}, a file that cannot be read in
   * the error banner.
   */
  public void compareWith(Path other) {
    OnnxModel a = model.get();
    if (a == null) {
      return;
    }
    String nameA = title.get().replace(" - QuantScope", "");
    String nameB = String.valueOf(other.getFileName());
    busy.set(true);
    status.set("Comparing with " + nameB + " ...");
    jobs.submit(
        "Compare with " + nameB,
        progress -> {
          ModelDiff.Report r = ModelDiff.compare(a, ModelFiles.load(other));
          return new Comparison(other, r, DiffText.lines(r, nameA, other.toString()));
        },
        c -> {
          busy.set(false);
          if (model.get() != a) {
            status.set("");
            return;
          }
          comparison.set(c);
          status.set(
              c.report().identical()
                  ? nameA + " and " + nameB + " are identical"
                  : nameA + " differs from " + nameB);
        },
        failure -> {
          busy.set(false);
          status.set("");
          error.set(describe(nameB, failure).replaceFirst("^Cannot open ", "Cannot compare with "));
        });
  }

  /** Opens the built-in example classifier with its sample rows. */
  public void openExample() {
    load(ExampleModel.NAME, () -> OnnxModel.of(ExampleModel.build()), null);
  }

  private void remember(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    recent.remove(abs);
    recent.add(0, abs);
    while (recent.size() > 8) {
      recent.remove(recent.size() - 1);
    }
    settings.putList("recent", recent.stream().map(Path::toString).toList());
    if (abs.getParent() != null) {
      settings.put("lastFolder", abs.getParent().toString());
    }
  }

  /** The folder of the last opened file, for file choosers. */
  public Path lastFolder() {
    String f = settings.get("lastFolder", "");
    return f.isEmpty() ? null : Path.of(f);
  }

  public void dismissError() {
    error.set("");
  }

  private interface Loader {
    OnnxModel load() throws IOException;
  }

  /** A model read and summarised, ready for the window. */
  record Loaded(OnnxModel model, ModelSummary summary, QuantizationDetector.Detection detection) {
    static Loaded of(OnnxModel m) throws IOException {
      return new Loaded(m, Summaries.summarize(m), QuantizationDetector.detect(m));
    }
  }

  /**
   * Opens in the background; a newer open cancels an older one still running. The first window's
   * model may already be read ({@link EarlyOpen}): then it is shown at once, before the window's
   * first frame when the window opens it before showing itself.
   */
  private void load(String name, Loader loader, Path file) {
    if (pending != null) {
      pending.cancel();
      pending = null;
    }
    long mine = ++generation;
    graph.warmUp();
    CompletableFuture<Loaded> early = EarlyOpen.take(file);
    if (early != null && early.isDone()) {
      try {
        loaded(mine, name, file, early.join());
      } catch (CompletionException e) {
        failed(mine, name, e.getCause());
      }
      return;
    }
    busy.set(true);
    status.set("Opening " + name + " ...");
    pending =
        jobs.submit(
            "Open " + name,
            progress -> {
              if (early == null) {
                return Loaded.of(loader.load());
              }
              try {
                return early.get();
              } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception ex ? ex : e;
              }
            },
            loaded -> loaded(mine, name, file, loaded),
            failure -> failed(mine, name, failure));
  }

  private void loaded(long mine, String name, Path file, Loaded loaded) {
    if (mine != generation) {
      return;
    }
    busy.set(false);
    boolean isExample = file == null;
    if (file != null) {
      remember(file);
    }
    example.set(isExample);
    options.modelChanged(isExample, loaded.model().proto());
    comparison.set(null);
    detection.set(loaded.detection());
    model.set(loaded.model());
    runs.setModel(loaded.model());
    graph.setModel(loaded.model());
    summary.set(loaded.summary());
    reclassify();
    error.set("");
    title.set(name + " - QuantScope");
    ModelSummary s = loaded.summary();
    status.set(
        String.format(
            "%s: %d nodes, %d of %d quantizable nodes will be quantized",
            name, s.nodeCount(), s.willQuantizeCount(), s.quantizable().size()));
  }

  private void failed(long mine, String name, Throwable failure) {
    if (mine != generation) {
      return;
    }
    busy.set(false);
    status.set(model.get() == null ? "" : "Kept " + title.get().replace(" - QuantScope", ""));
    error.set(describe(name, failure));
    // a file that is not a model is the user's business: its message is enough
    boolean userError =
        failure instanceof IOException || failure instanceof IllegalArgumentException;
    System.getLogger(MainViewModel.class.getName())
        .log(System.Logger.Level.WARNING, error.get(), userError ? null : failure);
  }

  static String describe(String name, Throwable t) {
    if (t instanceof CancellationException) {
      return "Opening " + name + " was cancelled.";
    }
    if (t instanceof IOException || t instanceof IllegalArgumentException) {
      return "Cannot open " + name + ": " + t.getMessage();
    }
    return "Cannot open "
        + name
        + ": unexpected "
        + t.getClass().getSimpleName()
        + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
