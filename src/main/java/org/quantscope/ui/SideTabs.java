// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.List;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;

/**
 * The tabs on the right of the window: the model, the selected node, the options, the results, the
 * error trace, the sensitivity analysis and the comparison. A tab comes to the front when it has
 * something new: the results after a run, the error trace after a trace, the sensitivity tab after
 * an analysis, the node after a click in the graph while the model's facts are shown.
 *
 * <p>When the window starts, only the model's tab (the one in front) is built before the window is
 * shown; the others are built in one go on the FX thread just after (see {@link #SideTabs(
 * MainViewModel, FxJobRunner, ResultsPanel.ChartSaver, Runnable, boolean)}), before any job's
 * result can arrive, so that they see every change of the view models.
 */
final class SideTabs extends TabPane {
  /**
   * @param compareWith File > Compare with...: asks for a file to compare the open model with
   */
  SideTabs(
      MainViewModel vm,
      FxJobRunner jobs,
      ResultsPanel.ChartSaver chartSaver,
      Runnable compareWith) {
    this(vm, jobs, chartSaver, compareWith, false);
  }

  /**
   * @param compareWith File > Compare with...: asks for a file to compare the open model with
   * @param deferHidden build every tab but the model's later, with {@link Platform#runLater} (on
   *     the FX thread, so that the window can be shown first); call this before opening a model, so
   *     that the tabs are built before its result arrives
   */
  SideTabs(
      MainViewModel vm,
      FxJobRunner jobs,
      ResultsPanel.ChartSaver chartSaver,
      Runnable compareWith,
      boolean deferHidden) {
    RunViewModel runs = vm.runs();
    Tab modelTab = tab("Model", "modelTab", new ModelFactsPanel(vm, compareWith));
    // the panels that the first frame does not show: their charts (JFreeChart), check lists
    // (ControlsFX) and tables are the bulk of the window's classes and CSS
    List<Supplier<Node>> hidden =
        List.of(
            () -> new DetailsPanel(vm, jobs),
            () -> new OptionsPanel(vm),
            () -> new ResultsPanel(runs, chartSaver),
            () -> new TracePanel(vm, chartSaver),
            () -> new SensitivityPanel(vm),
            () -> new ComparePanel(vm));
    Tab nodeTab = tab("Node", "nodeTab", null);
    Tab optionsTab = tab("Options", "optionsTab", null);
    Tab resultsTab = tab("Results", "resultsTab", null);
    Tab traceTab = tab("Error trace", "traceTab", null);
    Tab sensitivityTab = tab("Sensitivity", "sensitivityTab", null);
    Tab compareTab = tab("Compare", "compareTab", null);
    List<Tab> later =
        List.of(nodeTab, optionsTab, resultsTab, traceTab, sensitivityTab, compareTab);
    Runnable build =
        () -> {
          for (int i = 0; i < later.size(); i++) {
            later.get(i).setContent(hidden.get(i).get());
          }
        };
    if (deferHidden) {
      Platform.runLater(build);
    } else {
      build.run();
    }
    getTabs()
        .setAll(
            List.of(
                modelTab, nodeTab, optionsTab, resultsTab, traceTab, sensitivityTab, compareTab));
    runs.sensitivityProperty().addListener((o, a, b) -> showTab(b, sensitivityTab));
    runs.autoExcludedProperty().addListener((o, a, b) -> showTab(b, sensitivityTab));
    runs.comparisonProperty().addListener((o, a, b) -> showTab(b, compareTab));
    runs.parityProperty().addListener((o, a, b) -> showTab(b, resultsTab));
    runs.benchProperty().addListener((o, a, b) -> showTab(b, resultsTab));
    // after the parity it includes (see RunViewModel), so a trace brings its own tab forward
    runs.traceProperty().addListener((o, a, b) -> showTab(b, traceTab));
    vm.graph()
        .selectedProperty()
        .addListener(
            (o, a, b) -> {
              if (b != null && getSelectionModel().getSelectedItem() == modelTab) {
                getSelectionModel().select(nodeTab);
              }
            });
    setId("sideTabs");
    setMinWidth(340);
  }

  private static Tab tab(String title, String id, Node content) {
    Tab t = new Tab(title, content);
    t.setId(id);
    t.setClosable(false);
    return t;
  }

  /** Brings a tab to the front when its result arrives (not when it is cleared). */
  private void showTab(Object result, Tab t) {
    if (result != null) {
      getSelectionModel().select(t);
    }
  }
}
