// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/**
 * The run toolbar under the menu: Run all, Quantize, Check parity, Benchmark, Trace error and Save
 * int8, and on the right a summary of the quantization options in force.
 */
final class RunToolbar extends ToolBar {
  private final OptionsViewModel options;

  /**
   * @param saveInt8 asks where to save the int8 model and saves it
   */
  RunToolbar(MainViewModel vm, Runnable saveInt8) {
    this.options = vm.options();
    RunViewModel runs = vm.runs();
    BooleanBinding disabled =
        vm.modelProperty().isNull().or(runs.runningProperty()).or(vm.busyProperty());
    Button quantize = button("Quantize", "quantizeButton", runs::quantize);
    Button parity = button("Check parity", "parityButton", runs::checkParity);
    Button bench = button("Benchmark", "benchButton", runs::benchmark);
    Button trace = button("Trace error", "traceButton", runs::traceError);
    Button all = button("Run all", "runAllButton", runs::runAll);
    all.getStyleClass().add("primary");
    for (Button b : List.of(quantize, parity, bench, trace, all)) {
      b.disableProperty().bind(disabled);
    }
    quantize.setTooltip(new Tooltip("Quantize the weights in memory (Ctrl+Shift+Q)"));
    parity.setTooltip(new Tooltip("Compare float and int8 outputs (Ctrl+Shift+P)"));
    bench.setTooltip(new Tooltip("Measure CPU latency of both models (Ctrl+Shift+B)"));
    all.setTooltip(new Tooltip("Quantize, check parity and benchmark (Ctrl+R)"));
    trace.setTooltip(
        new Tooltip("Find where the error enters: every tensor, float vs int8 (Ctrl+Shift+T)"));
    Button save = button("Save int8...", "saveButton", saveInt8);
    save.disableProperty().bind(runs.quantizedProperty().isNull().or(runs.runningProperty()));
    Label summary = new Label();
    summary.setId("optionsSummary");
    summary.getStyleClass().add("toolbar-note");
    summary
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                this::optionsSummary,
                vm.verdictsProperty(),
                options.reduceRangeProperty(),
                options.validProperty()));
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    getItems().addAll(all, quantize, parity, bench, trace, save, spacer, summary);
    setId("runToolbar");
  }

  /** The options in force, e.g. "QInt8, per-tensor, 2 excluded". */
  String optionsSummary() {
    if (!options.validProperty().get()) {
      return "Some options are not valid";
    }
    var q = options.quantizeOptions();
    return q.weightType()
        + (q.perChannel() ? ", per-channel" : ", per-tensor")
        + (q.reduceRange() ? ", reduce-range" : "")
        + (options.excluded().isEmpty() ? "" : ", " + options.excluded().size() + " excluded");
  }

  private static Button button(String text, String id, Runnable action) {
    Button b = new Button(text);
    b.setId(id);
    b.setOnAction(e -> action.run());
    return b;
  }
}
