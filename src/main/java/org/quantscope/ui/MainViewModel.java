// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.quantscope.graph.ModelSummary;
import org.quantscope.graph.Summaries;
import org.quantscope.model.ExampleModel;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;

/**
 * State of the main window: the open model and its summary, what is happening, and the last error.
 * Opening runs in the background; a failed open keeps the previous model.
 */
public final class MainViewModel {
  private final JobRunner jobs;
  private JobRunner.Handle pending;
  private long generation;

  // Properties

  private final ReadOnlyObjectWrapper<OnnxModel> model = new ReadOnlyObjectWrapper<>(this, "model");
  private final ReadOnlyObjectWrapper<ModelSummary> summary =
      new ReadOnlyObjectWrapper<>(this, "summary");
  private final ReadOnlyStringWrapper title =
      new ReadOnlyStringWrapper(this, "title", "QuantScope");
  private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
  private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper(this, "error", "");
  private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");

  public MainViewModel(JobRunner jobs) {
    this.jobs = jobs;
  }

  public ReadOnlyObjectProperty<OnnxModel> modelProperty() {
    return model.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<ModelSummary> summaryProperty() {
    return summary.getReadOnlyProperty();
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
    load(name, () -> ModelFiles.load(file));
  }

  /** Opens the built-in example classifier. */
  public void openExample() {
    load(ExampleModel.NAME, () -> OnnxModel.of(ExampleModel.build()));
  }

  public void dismissError() {
    error.set("");
  }

  private interface Loader {
    OnnxModel load() throws IOException;
  }

  private record Loaded(OnnxModel model, ModelSummary summary) {}

  /** Opens in the background; a newer open cancels an older one still running. */
  private void load(String name, Loader loader) {
    if (pending != null) {
      pending.cancel();
    }
    long mine = ++generation;
    busy.set(true);
    status.set("Opening " + name + " ...");
    pending =
        jobs.submit(
            "Open " + name,
            progress -> {
              OnnxModel m = loader.load();
              return new Loaded(m, Summaries.summarize(m));
            },
            loaded -> {
              if (mine != generation) {
                return;
              }
              busy.set(false);
              model.set(loaded.model());
              summary.set(loaded.summary());
              error.set("");
              title.set(name + " - QuantScope");
              ModelSummary s = loaded.summary();
              status.set(
                  String.format(
                      "%s: %d nodes, %d of %d quantizable nodes will be quantized",
                      name, s.nodeCount(), s.willQuantizeCount(), s.quantizable().size()));
            },
            failure -> {
              if (mine != generation) {
                return;
              }
              busy.set(false);
              status.set(
                  model.get() == null ? "" : "Kept " + title.get().replace(" - QuantScope", ""));
              error.set(describe(name, failure));
            });
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
