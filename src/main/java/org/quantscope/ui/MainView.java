// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.ListChangeListener;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.quantscope.graph.ModelSummary;
import org.quantscope.model.ExampleModel;
import org.quantscope.report.Figures;
import org.quantscope.report.Texts;

/**
 * The main window's content. Menu and run toolbar on top; the quantizable nodes on the left, the
 * graph in the centre, and on the right the model, the selected node, the options and the results.
 * A banner reports errors in place and the status bar shows what runs, with its progress and a
 * Cancel button. Files dropped anywhere on it are opened.
 */
public final class MainView extends BorderPane {
  private final MainViewModel vm;
  private final RunViewModel runs;
  private final FxJobRunner jobs;
  private final GridPane facts = new GridPane();
  private final GraphPanel graphPanel;
  private final TabPane side = new TabPane();
  private final Tab resultsTab;
  private final Tab nodeTab;
  private final StringProperty status = new SimpleStringProperty(this, "status", "");
  private final StringProperty problem = new SimpleStringProperty(this, "problem", "");
  private Menu recentMenu;
  private SaveDialog saveDialog = this::showSaveDialog;

  /** Where the user wants a file saved; a file chooser in the window, a fixed answer in tests. */
  interface SaveDialog {
    /**
     * Asks for a file.
     *
     * @param title the dialog's title
     * @param name the suggested file name
     * @param filters description and extension (without the dot) of each file type offered
     * @return the file and the index of the filter chosen, or null when cancelled
     */
    Choice choose(String title, String name, List<String[]> filters);

    record Choice(Path file, int filter) {}
  }

  /** Replaces the file chooser (tests). */
  void setSaveDialog(SaveDialog dialog) {
    this.saveDialog = dialog;
  }

  public MainView(MainViewModel vm, FxJobRunner jobs) {
    this.vm = vm;
    this.runs = vm.runs();
    this.jobs = jobs;
    setId("mainView");
    graphPanel = new GraphPanel(vm.graph());

    facts.setId("modelFacts");
    facts.setHgap(12);
    facts.setVgap(6);
    facts.setPadding(new Insets(10));
    ScrollPane factsPane = new ScrollPane(facts);
    factsPane.setFitToWidth(true);
    Tab modelTab = tab("Model", "modelTab", factsPane);
    nodeTab = tab("Node", "nodeTab", new DetailsPanel(vm, jobs));
    Tab optionsTab = tab("Options", "optionsTab", new OptionsPanel(vm));
    resultsTab =
        tab(
            "Results",
            "resultsTab",
            new ResultsPanel(
                runs,
                name -> {
                  SaveDialog.Choice c =
                      saveDialog.choose(
                          "Save chart as PNG",
                          name,
                          List.<String[]>of(new String[] {"PNG image", "png"}));
                  return c == null ? null : withExtension(c.file(), "png");
                }));
    Tab sensitivityTab = tab("Sensitivity", "sensitivityTab", new SensitivityPanel(vm));
    Tab compareTab = tab("Compare", "compareTab", new ComparePanel(vm));
    side.getTabs()
        .setAll(List.of(modelTab, nodeTab, optionsTab, resultsTab, sensitivityTab, compareTab));
    runs.sensitivityProperty().addListener((o, a, b) -> showTab(b, sensitivityTab));
    runs.autoExcludedProperty().addListener((o, a, b) -> showTab(b, sensitivityTab));
    runs.comparisonProperty().addListener((o, a, b) -> showTab(b, compareTab));
    side.setId("sideTabs");
    side.setMinWidth(340);

    NodesPanel nodes = new NodesPanel(vm);
    nodes.setMinWidth(260);
    SplitPane split = new SplitPane(nodes, graphPanel, side);
    split.setId("mainSplit");
    split.setDividerPositions(0.27, 0.66);
    SplitPane.setResizableWithParent(nodes, false);
    SplitPane.setResizableWithParent(side, false);

    setTop(new VBox(menu(), toolbar()));
    setCenter(split);
    setBottom(new VBox(banner(), statusBar()));

    vm.summaryProperty().addListener((obs, old, s) -> show(s));
    vm.graph()
        .selectedProperty()
        .addListener(
            (o, a, b) -> {
              if (b != null && side.getSelectionModel().getSelectedItem() == modelTab) {
                side.getSelectionModel().select(nodeTab);
              }
            });
    // the latest of the two status lines wins
    vm.statusProperty().addListener((o, a, b) -> status.set(b));
    runs.statusProperty().addListener((o, a, b) -> status.set(b));
    vm.errorProperty().addListener((o, a, b) -> problem.set(b == null ? "" : b));
    runs.failureProperty()
        .addListener(
            (o, a, f) -> {
              if (f != null) {
                failureDialog(f);
              }
            });
    runs.parityProperty().addListener((o, a, b) -> showResults(b != null));
    runs.benchProperty().addListener((o, a, b) -> showResults(b != null));
    enableDrop();
  }

  /** The graph in the centre. */
  public GraphPanel graphPanel() {
    return graphPanel;
  }

  private static Tab tab(String title, String id, javafx.scene.Node content) {
    Tab t = new Tab(title, content);
    t.setId(id);
    t.setClosable(false);
    return t;
  }

  private void showTab(Object result, Tab t) {
    if (result != null) {
      side.getSelectionModel().select(t);
    }
  }

  private void showResults(boolean has) {
    if (has) {
      side.getSelectionModel().select(resultsTab);
    }
  }

  // Menu and toolbar

  private MenuBar menu() {
    BooleanBinding noModel = vm.modelProperty().isNull();
    BooleanBinding busy = runs.runningProperty().or(vm.busyProperty());

    MenuItem open = item("Open...", "openMenu", "Shortcut+O", this::chooseFile);
    recentMenu = new Menu("Open Recent");
    recentMenu.setId("recentMenu");
    vm.recentFiles().addListener((ListChangeListener<Path>) c -> fillRecent());
    fillRecent();
    MenuItem example = item("Open example", "openExampleMenu", null, vm::openExample);
    MenuItem save = item("Save int8 model as...", "saveMenu", "Shortcut+S", this::chooseSaveTarget);
    save.disableProperty().bind(runs.quantizedProperty().isNull().or(busy));
    MenuItem export =
        item("Export report...", "exportMenu", "Shortcut+E", this::chooseReportTarget);
    export.disableProperty().bind(runs.quantizedProperty().isNull().or(busy));
    MenuItem quit = item("Quit", "quitMenu", "Shortcut+Q", () -> getScene().getWindow().hide());
    Menu file =
        new Menu(
            "File",
            null,
            open,
            recentMenu,
            example,
            new SeparatorMenuItem(),
            save,
            export,
            new SeparatorMenuItem(),
            quit);

    MenuItem find = item("Find node", "findMenu", "Shortcut+F", graphPanel::focusSearch);
    MenuItem zoomIn =
        item("Zoom in", "zoomInMenu", "Shortcut+EQUALS", () -> graphPanel.canvas().zoomBy(1.25));
    MenuItem zoomOut =
        item(
            "Zoom out",
            "zoomOutMenu",
            "Shortcut+MINUS",
            () -> graphPanel.canvas().zoomBy(1 / 1.25));
    MenuItem fit = item("Fit graph", "fitMenu", "Shortcut+DIGIT0", graphPanel.canvas()::fit);
    Menu view = new Menu("View", null, find, new SeparatorMenuItem(), zoomIn, zoomOut, fit);

    MenuItem quantize = item("Quantize", "quantizeMenu", "Shortcut+Shift+Q", runs::quantize);
    MenuItem parity = item("Check parity", "parityMenu", "Shortcut+Shift+P", runs::checkParity);
    MenuItem bench = item("Benchmark", "benchMenu", "Shortcut+Shift+B", runs::benchmark);
    MenuItem all = item("Run all", "runAllMenu", "Shortcut+R", runs::runAll);
    MenuItem sensitivity =
        item(
            "Analyze sensitivity", "sensitivityMenu", "Shortcut+Shift+S", runs::analyzeSensitivity);
    MenuItem autoExclude = item("Auto-exclude", "autoExcludeMenu", null, runs::autoExclude);
    MenuItem cancel = item("Cancel", "cancelMenu", null, this::cancel);
    cancel.setAccelerator(new KeyCodeCombination(KeyCode.ESCAPE));
    for (MenuItem m : List.of(quantize, parity, bench, all, sensitivity, autoExclude)) {
      m.disableProperty().bind(noModel.or(busy));
    }
    cancel.disableProperty().bind(busy.not());
    Menu run =
        new Menu(
            "Run",
            null,
            quantize,
            parity,
            bench,
            all,
            new SeparatorMenuItem(),
            sensitivity,
            autoExclude,
            new SeparatorMenuItem(),
            cancel);

    MenuItem helpExample = item("Open example", "helpExampleMenu", null, vm::openExample);
    MenuItem about = item("About QuantScope", "aboutMenu", null, this::about);
    Menu help = new Menu("Help", null, helpExample, new SeparatorMenuItem(), about);

    MenuBar bar = new MenuBar(file, view, run, help);
    bar.setId("menuBar");
    return bar;
  }

  private ToolBar toolbar() {
    BooleanBinding disabled =
        vm.modelProperty().isNull().or(runs.runningProperty()).or(vm.busyProperty());
    Button quantize = toolButton("Quantize", "quantizeButton", runs::quantize);
    Button parity = toolButton("Check parity", "parityButton", runs::checkParity);
    Button bench = toolButton("Benchmark", "benchButton", runs::benchmark);
    Button all = toolButton("Run all", "runAllButton", runs::runAll);
    all.getStyleClass().add("primary");
    for (Button b : List.of(quantize, parity, bench, all)) {
      b.disableProperty().bind(disabled);
    }
    quantize.setTooltip(new Tooltip("Quantize the weights in memory (Ctrl+Shift+Q)"));
    parity.setTooltip(new Tooltip("Compare float and int8 outputs (Ctrl+Shift+P)"));
    bench.setTooltip(new Tooltip("Measure CPU latency of both models (Ctrl+Shift+B)"));
    all.setTooltip(new Tooltip("Quantize, check parity and benchmark (Ctrl+R)"));
    Button save = toolButton("Save int8...", "saveButton", this::chooseSaveTarget);
    save.disableProperty().bind(runs.quantizedProperty().isNull().or(runs.runningProperty()));
    Label options = new Label();
    options.getStyleClass().add("toolbar-note");
    options
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                this::optionsSummary,
                vm.verdictsProperty(),
                vm.options().reduceRangeProperty(),
                vm.options().validProperty()));
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    ToolBar bar = new ToolBar(all, quantize, parity, bench, save, spacer, options);
    bar.setId("runToolbar");
    return bar;
  }

  private String optionsSummary() {
    OptionsViewModel o = vm.options();
    if (!o.validProperty().get()) {
      return "Some options are not valid";
    }
    var q = o.quantizeOptions();
    return q.weightType()
        + (q.perChannel() ? ", per-channel" : ", per-tensor")
        + (q.reduceRange() ? ", reduce-range" : "")
        + (o.excluded().isEmpty() ? "" : ", " + o.excluded().size() + " excluded");
  }

  private static Button toolButton(String text, String id, Runnable action) {
    Button b = new Button(text);
    b.setId(id);
    b.setOnAction(e -> action.run());
    return b;
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

  private void cancel() {
    runs.cancel();
    vm.graph().cancelLayout();
  }

  private void about() {
    Alert a = new Alert(Alert.AlertType.INFORMATION);
    a.initOwner(window());
    a.setTitle("About QuantScope");
    a.setHeaderText("QuantScope " + org.quantscope.AppInfo.version());
    a.setContentText(
        "INT8 dynamic quantization of ONNX models, with parity and latency checks.\n"
            + "ONNX Runtime "
            + org.quantscope.runtime.OrtRuntime.version()
            + ", Java "
            + System.getProperty("java.version"));
    a.show();
  }

  // Banner and status bar

  private HBox banner() {
    Label error = new Label();
    error.setId("errorLabel");
    error.setWrapText(true);
    error.textProperty().bind(problem);
    Button dismiss = new Button("Dismiss");
    dismiss.setId("dismissError");
    dismiss.setOnAction(
        e -> {
          vm.dismissError();
          problem.set("");
        });
    HBox banner = new HBox(12, error, dismiss);
    banner.setId("errorBanner");
    banner.getStyleClass().add("error-banner");
    banner.setAlignment(Pos.CENTER_LEFT);
    banner.setPadding(new Insets(8, 12, 8, 12));
    HBox.setHgrow(error, Priority.ALWAYS);
    banner.visibleProperty().bind(problem.isNotEmpty());
    banner.managedProperty().bind(banner.visibleProperty());
    return banner;
  }

  /** A failed run: one dialog with the message, and what went wrong inside behind a click. */
  private void failureDialog(RunFailure f) {
    Alert a = new Alert(Alert.AlertType.ERROR, f.message(), ButtonType.CLOSE);
    a.initOwner(window());
    a.setTitle("QuantScope");
    a.setHeaderText(f.title());
    a.getDialogPane().setId("errorDialog");
    if (!f.details().isEmpty()) {
      TextArea trace = new TextArea(f.details());
      trace.setEditable(false);
      trace.setPrefRowCount(16);
      a.getDialogPane().setExpandableContent(trace);
    }
    a.setOnHidden(e -> runs.dismissFailure());
    a.show();
  }

  private HBox statusBar() {
    Label text = new Label();
    text.setId("statusLabel");
    text.textProperty().bind(status);
    text.setMinWidth(0);
    HBox.setHgrow(text, Priority.ALWAYS);
    text.setMaxWidth(Double.MAX_VALUE);

    ProgressBar bar = new ProgressBar();
    bar.setId("taskProgress");
    bar.setPrefWidth(180);
    Label message = new Label();
    message.setId("taskMessage");
    message.getStyleClass().add("task-message");
    Button cancel = new Button("Cancel");
    cancel.setId("cancelButton");
    cancel.setOnAction(e -> cancel());
    HBox task = new HBox(8, message, bar, cancel);
    task.setAlignment(Pos.CENTER_RIGHT);
    task.setId("taskBox");
    task.managedProperty().bind(task.visibleProperty());
    task.setVisible(false);
    jobs.currentProperty()
        .addListener(
            (o, old, t) -> {
              bar.progressProperty().unbind();
              message.textProperty().unbind();
              task.setVisible(t != null);
              if (t != null) {
                bar.progressProperty().bind(t.progressProperty());
                message
                    .textProperty()
                    .bind(
                        Bindings.createStringBinding(
                            () -> taskText(t), t.titleProperty(), t.messageProperty()));
                // opening a model cannot be cancelled halfway usefully; runs and layouts can
                cancel.setDisable(
                    !runs.runningProperty().get() && !vm.graph().layingOutProperty().get());
              }
            });
    HBox line = new HBox(12, text, task);
    line.getStyleClass().add("status-bar");
    line.setAlignment(Pos.CENTER_LEFT);
    line.setPadding(new Insets(4, 12, 4, 12));
    return line;
  }

  private static String taskText(Task<?> t) {
    String m = t.getMessage();
    return m == null || m.isEmpty() ? t.getTitle() : t.getTitle() + ": " + m;
  }

  // Model facts

  private void show(ModelSummary s) {
    facts.getChildren().clear();
    if (s == null) {
      return;
    }
    int row = 0;
    row =
        fact(
            row,
            "File",
            s.file() == null ? "(built-in example: " + ExampleModel.NAME + ")" : s.file());
    row = fact(row, "Producer", (s.producer() + " " + s.producerVersion()).strip());
    row = fact(row, "IR version", Long.toString(s.irVersion()));
    row =
        fact(
            row,
            "Opsets",
            s.opsets().entrySet().stream()
                .map(e -> (e.getKey().isEmpty() ? "ai.onnx" : e.getKey()) + " " + e.getValue())
                .collect(Collectors.joining(", ")));
    row =
        fact(
            row,
            "Inputs",
            s.inputs().stream()
                .map(v -> v.name() + " " + v.type() + " " + Figures.shape(v.shape()))
                .collect(Collectors.joining("\n")));
    row =
        fact(
            row,
            "Outputs",
            s.outputs().stream()
                .map(v -> v.name() + " " + v.type() + " " + Figures.shape(v.shape()))
                .collect(Collectors.joining("\n")));
    row = fact(row, "Nodes", Integer.toString(s.nodeCount()));
    row =
        fact(
            row,
            "Weights",
            s.initializerCount() + " initializers, " + Figures.size(s.initializerBytes()));
    fact(
        row,
        "Quantizable",
        s.willQuantizeCount() + " of " + s.quantizable().size() + " will be quantized");
  }

  private int fact(int row, String label, String value) {
    Label l = new Label(label);
    l.getStyleClass().add("fact-label");
    l.setMinWidth(Region.USE_PREF_SIZE);
    // text from the model: cleaned and cut, or a megabyte producer name would stall text layout
    Label v = new Label(Texts.clean(value, 2000));
    v.setWrapText(true);
    v.setId("fact-" + label.toLowerCase(Locale.ROOT).replace(' ', '-'));
    facts.addRow(row, l, v);
    return row + 1;
  }

  // Files

  private Window window() {
    return getScene() == null ? null : getScene().getWindow();
  }

  private void chooseFile() {
    FileChooser chooser = new FileChooser();
    chooser.setTitle("Open ONNX model");
    chooser
        .getExtensionFilters()
        .addAll(
            new FileChooser.ExtensionFilter("ONNX models", "*.onnx"),
            new FileChooser.ExtensionFilter("All files", "*.*"));
    Path folder = vm.lastFolder();
    if (folder != null && Files.isDirectory(folder)) {
      chooser.setInitialDirectory(folder.toFile());
    }
    File f = chooser.showOpenDialog(window());
    if (f != null) {
      vm.open(f.toPath());
    }
  }

  private void chooseSaveTarget() {
    if (runs.quantizedProperty().get() == null) {
      return;
    }
    FileChooser chooser = new FileChooser();
    chooser.setTitle("Save the int8 model");
    chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("ONNX models", "*.onnx"));
    Path folder = vm.lastFolder();
    if (folder != null && Files.isDirectory(folder)) {
      chooser.setInitialDirectory(folder.toFile());
    }
    String name = vm.summaryProperty().get() == null ? "model" : vm.titleProperty().get();
    name = name.replace(" - QuantScope", "").replaceFirst("\\.onnx$", "");
    chooser.setInitialFileName(name + ".int8.onnx");
    File f = chooser.showSaveDialog(window());
    if (f != null) {
      runs.saveInt8(f.toPath());
    }
  }

  private static final List<ReportFormat> REPORT_FORMATS =
      List.of(ReportFormat.PDF, ReportFormat.CHARTS_PNG, ReportFormat.GRAPH_PNG, ReportFormat.JSON);

  /** File > Export report: PDF, the charts or the graph as PNG, or JSON, chosen by file type. */
  private void chooseReportTarget() {
    if (runs.quantizedProperty().get() == null) {
      return;
    }
    List<String[]> filters =
        List.of(
            new String[] {"PDF report", "pdf"},
            new String[] {"Charts as PNG image", "png"},
            new String[] {"Graph as PNG image", "png"},
            new String[] {"JSON (for CI)", "json"});
    SaveDialog.Choice c = saveDialog.choose("Export report", baseName() + ".report.pdf", filters);
    if (c == null) {
      return;
    }
    ReportFormat byName = ReportFormat.byName(c.file());
    ReportFormat chosen =
        c.filter() >= 0 && c.filter() < REPORT_FORMATS.size()
            ? REPORT_FORMATS.get(c.filter())
            : null;
    // a typed extension wins over the filter, except that both PNG kinds end in .png
    ReportFormat format =
        byName == null
            ? (chosen == null ? ReportFormat.PDF : chosen)
            : (byName == ReportFormat.CHARTS_PNG && chosen == ReportFormat.GRAPH_PNG
                ? chosen
                : byName);
    String ext = filters.get(REPORT_FORMATS.indexOf(format))[1];
    runs.exportReport(withExtension(c.file(), ext), format, paper());
  }

  /** Letter paper where it is the norm, A4 elsewhere. */
  static org.quantscope.report.ReportPdf.Paper paper() {
    String country = Locale.getDefault().getCountry();
    return List.of("US", "CA", "MX", "PH", "CL", "CO", "VE").contains(country)
        ? org.quantscope.report.ReportPdf.Paper.LETTER
        : org.quantscope.report.ReportPdf.Paper.A4;
  }

  private static Path withExtension(Path file, String ext) {
    String n = file.getFileName().toString();
    return n.toLowerCase(Locale.ROOT).endsWith("." + ext)
        ? file
        : file.resolveSibling(n + "." + ext);
  }

  private String baseName() {
    String name = vm.summaryProperty().get() == null ? "model" : vm.titleProperty().get();
    return name.replace(" - QuantScope", "").replaceFirst("\\.onnx$", "");
  }

  private SaveDialog.Choice showSaveDialog(String title, String name, List<String[]> filters) {
    FileChooser chooser = new FileChooser();
    chooser.setTitle(title);
    for (String[] f : filters) {
      chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(f[0], "*." + f[1]));
    }
    Path folder = vm.lastFolder();
    if (folder != null && Files.isDirectory(folder)) {
      chooser.setInitialDirectory(folder.toFile());
    }
    chooser.setInitialFileName(name);
    File f = chooser.showSaveDialog(window());
    if (f == null) {
      return null;
    }
    int index = chooser.getExtensionFilters().indexOf(chooser.getSelectedExtensionFilter());
    return new SaveDialog.Choice(f.toPath(), index);
  }

  private void enableDrop() {
    setOnDragOver(
        e -> {
          if (e.getDragboard().hasFiles()) {
            e.acceptTransferModes(TransferMode.COPY);
          }
          e.consume();
        });
    setOnDragDropped(
        e -> {
          boolean ok = e.getDragboard().hasFiles() && !e.getDragboard().getFiles().isEmpty();
          if (ok) {
            vm.open(e.getDragboard().getFiles().get(0).toPath());
          }
          e.setDropCompleted(ok);
          e.consume();
        });
  }
}
