// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.List;
import java.util.function.Supplier;
import javafx.scene.Node;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;

/**
 * The tabs on the right of the window: the model, the selected node, the options, the results, the
 * error trace, the sensitivity analysis and the comparison. A tab comes to the front when it has
 * something new: the results after a run, the error trace after a trace, the sensitivity tab after
 * an analysis, the node after a click in the graph while the model's facts are shown.
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
    RunViewModel runs = vm.runs();
    Tab modelTab = tab("Model", "modelTab", new ModelFactsPanel(vm, compareWith));
    Tab nodeTab = later("Node", "nodeTab", () -> new DetailsPanel(vm, jobs));
    Tab optionsTab = later("Options", "optionsTab", () -> new OptionsPanel(vm));
    Tab resultsTab = later("Results", "resultsTab", () -> new ResultsPanel(runs, chartSaver));
    Tab traceTab = later("Error trace", "traceTab", () -> new TracePanel(vm, chartSaver));
    Tab sensitivityTab = later("Sensitivity", "sensitivityTab", () -> new SensitivityPanel(vm));
    Tab compareTab = later("Compare", "compareTab", () -> new ComparePanel(vm));
    getTabs()
        .setAll(
            List.of(
                modelTab, nodeTab, optionsTab, resultsTab, traceTab, sensitivityTab, compareTab));
    // a tab's content is built when the tab is first selected, if the rest has not been yet
    getSelectionModel().selectedItemProperty().addListener((o, a, t) -> build(t));
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

  /**
   * Builds the content of every tab not built yet. Until then the hidden tabs are empty: their
   * panels (charts, tables, option fields) are most of the window's controls, and building them and
   * styling them before the window's first frame took about a quarter of a second of a cold start.
   * The window calls this after its first frame ({@link MainView#finishAfterFirstFrame}); a view
   * that never does builds each tab as it is selected.
   */
  void buildAll() {
    getTabs().forEach(SideTabs::build);
  }

  /** Whether every tab has its content (tests). */
  boolean allBuilt() {
    return getTabs().stream().allMatch(t -> t.getContent() != null);
  }

  private static void build(Tab t) {
    if (t != null && t.getContent() == null && t.getUserData() instanceof Supplier<?> content) {
      t.setContent((Node) content.get());
      t.setUserData(null);
    }
  }

  private static Tab later(String title, String id, Supplier<Node> content) {
    Tab t = tab(title, id, null);
    t.setUserData(content);
    return t;
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
