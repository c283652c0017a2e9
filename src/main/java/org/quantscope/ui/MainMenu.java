// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.nio.file.Path;
import java.util.List;
import javafx.beans.binding.BooleanBinding;
import javafx.collections.ListChangeListener;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.stage.Window;
import org.quantscope.logs.LogFiles;

/**
 * The menu bar: File (open, recent files, example, save, export, quit), View (find, zoom), Run
 * (every run, cancel) and Help, with their shortcuts. Items are enabled as the model and the runs
 * allow; each delegates to a view model or to the window's file actions.
 */
final class MainMenu extends MenuBar {
  private final MainViewModel vm;
  private final Menu recentMenu = new Menu("Open Recent");

  /**
   * @param cancel cancels the run or the layout in progress
   */
  MainMenu(MainViewModel vm, GraphPanel graph, FileActions files, Runnable cancel) {
    this.vm = vm;
    RunViewModel runs = vm.runs();
    BooleanBinding noModel = vm.modelProperty().isNull();
    BooleanBinding busy = runs.runningProperty().or(vm.busyProperty());

    MenuItem open = item("Open...", "openMenu", "Shortcut+O", files::openModel);
    recentMenu.setId("recentMenu");
    vm.recentFiles().addListener((ListChangeListener<Path>) c -> fillRecent());
    fillRecent();
    MenuItem example = item("Open example", "openExampleMenu", null, vm::openExample);
    MenuItem compare = item("Compare with...", "compareWithMenu", null, files::compareWith);
    compare.disableProperty().bind(noModel.or(busy));
    MenuItem save = item("Save int8 model as...", "saveMenu", "Shortcut+S", files::saveInt8);
    save.disableProperty().bind(runs.quantizedProperty().isNull().or(busy));
    MenuItem export = item("Export report...", "exportMenu", "Shortcut+E", files::exportReport);
    export.disableProperty().bind(runs.quantizedProperty().isNull().or(busy));
    MenuItem quit = item("Quit", "quitMenu", "Shortcut+Q", () -> getScene().getWindow().hide());
    Menu file =
        menu(
            "File",
            "fileMenu",
            open,
            recentMenu,
            example,
            compare,
            new SeparatorMenuItem(),
            save,
            export,
            new SeparatorMenuItem(),
            quit);

    GraphCanvas canvas = graph.canvas();
    MenuItem find = item("Find node", "findMenu", "Shortcut+F", graph::focusSearch);
    MenuItem zoomIn = item("Zoom in", "zoomInMenu", "Shortcut+EQUALS", () -> canvas.zoomBy(1.25));
    MenuItem zoomOut =
        item("Zoom out", "zoomOutMenu", "Shortcut+MINUS", () -> canvas.zoomBy(1 / 1.25));
    MenuItem fit = item("Fit graph", "fitMenu", "Shortcut+DIGIT0", canvas::fit);
    MenuItem compareGraphs =
        item("Compare graphs", "compareGraphsMenu", null, () -> compareGraphs(vm));
    compareGraphs.disableProperty().bind(runs.quantizedProperty().isNull().or(busy));
    MenuItem expandAll = item("Expand all", "expandAllMenu", null, graph::expandAll);
    MenuItem collapse = item("Collapse blocks", "collapseMenu", null, graph::collapseAll);
    Menu view =
        menu(
            "View",
            "viewMenu",
            find,
            new SeparatorMenuItem(),
            zoomIn,
            zoomOut,
            fit,
            new SeparatorMenuItem(),
            expandAll,
            collapse,
            new SeparatorMenuItem(),
            compareGraphs);

    MenuItem quantize = item("Quantize", "quantizeMenu", "Shortcut+Shift+Q", runs::quantize);
    MenuItem parity = item("Check parity", "parityMenu", "Shortcut+Shift+P", runs::checkParity);
    MenuItem bench = item("Benchmark", "benchMenu", "Shortcut+Shift+B", runs::benchmark);
    MenuItem trace = item("Trace error", "traceMenu", "Shortcut+Shift+T", runs::traceError);
    MenuItem all = item("Run all", "runAllMenu", "Shortcut+R", runs::runAll);
    MenuItem checkDeploy = item("Check deploy", "checkDeployMenu", null, runs::checkDeploy);
    MenuItem sensitivity =
        item(
            "Analyze sensitivity", "sensitivityMenu", "Shortcut+Shift+S", runs::analyzeSensitivity);
    MenuItem autoExclude = item("Auto-exclude", "autoExcludeMenu", null, runs::autoExclude);
    MenuItem cancelItem = item("Cancel", "cancelMenu", null, cancel);
    cancelItem.setAccelerator(new KeyCodeCombination(KeyCode.ESCAPE));
    for (MenuItem m :
        List.of(quantize, parity, bench, all, trace, checkDeploy, sensitivity, autoExclude)) {
      m.disableProperty().bind(noModel.or(busy));
    }
    cancelItem.disableProperty().bind(busy.not());
    Menu run =
        menu(
            "Run",
            "runMenu",
            quantize,
            parity,
            bench,
            all,
            new SeparatorMenuItem(),
            trace,
            checkDeploy,
            sensitivity,
            autoExclude,
            new SeparatorMenuItem(),
            cancelItem);

    MenuItem helpExample = item("Open example", "helpExampleMenu", null, vm::openExample);
    MenuItem about = item("About QuantScope", "aboutMenu", null, () -> Dialogs.about(window()));
    MenuItem showLog =
        item("Show log", "showLogMenu", null, () -> LogWindow.show(window(), LogFiles.current()));
    Menu help = menu("Help", "helpMenu", helpExample, showLog, new SeparatorMenuItem(), about);

    getMenus().addAll(file, view, run, help);
    setId("menuBar");
  }

  private Window window() {
    return getScene() == null ? null : getScene().getWindow();
  }

  private static Menu menu(String text, String id, MenuItem... items) {
    Menu m = new Menu(text, null, items);
    m.setId(id);
    return m;
  }

  /** Opens the float and the int8 graph side by side in a window of their own. */
  private void compareGraphs(MainViewModel vm) {
    var q = vm.runs().quantizedProperty().get();
    if (q == null || vm.modelProperty().get() == null) {
      return;
    }
    GraphCompareViewModel compare = new GraphCompareViewModel(new FxJobRunner());
    javafx.stage.Stage stage = new javafx.stage.Stage();
    stage.setTitle("Compare graphs: float and int8");
    javafx.scene.Scene scene = new javafx.scene.Scene(new GraphCompareView(compare), 1300, 820);
    if (getScene() != null) {
      scene.getStylesheets().addAll(getScene().getStylesheets());
      stage.initOwner(getScene().getWindow());
    }
    stage.setScene(scene);
    stage.show();
    compare.show(vm.modelProperty().get(), q.model(), q.result(), vm.runs().traceProperty().get());
  }

  private static MenuItem item(String text, String id, String accelerator, Runnable action) {
    MenuItem m = new MenuItem(text);
    m.setId(id);
    if (accelerator != null) {
      m.setAccelerator(KeyCombination.keyCombination(accelerator));
    }
    m.setOnAction(e -> action.run());
    return m;
  }

  /** The recent files as "name — folder", most recent first; disabled when there are none. */
  private void fillRecent() {
    recentMenu.getItems().clear();
    for (Path p : vm.recentFiles()) {
      MenuItem m = new MenuItem(p.getFileName() + "  —  " + p.getParent());
      m.setMnemonicParsing(false);
      m.setOnAction(e -> vm.open(p));
      recentMenu.getItems().add(m);
    }
    recentMenu.setDisable(vm.recentFiles().isEmpty());
  }
}
