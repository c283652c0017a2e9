// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.quantscope.graph.ModelSummary;
import org.quantscope.graph.QuantizableNode;

/**
 * The main window's content: menu, model facts on the left, the quantizable nodes on the right, an
 * error banner and a status line. Files dropped anywhere on it are opened.
 */
public final class MainView extends BorderPane {
  private final MainViewModel vm;
  private final GridPane facts = new GridPane();
  private final TableView<QuantizableNode> nodes = new TableView<>();

  public MainView(MainViewModel vm) {
    this.vm = vm;
    setId("mainView");
    setTop(menu());
    setCenter(content());
    setBottom(statusBar());
    vm.summaryProperty().addListener((obs, old, s) -> show(s));
    enableDrop();
  }

  private MenuBar menu() {
    MenuItem open = new MenuItem("Open...");
    open.setId("openMenu");
    open.setAccelerator(KeyCombination.keyCombination("Shortcut+O"));
    open.setOnAction(e -> chooseFile());
    MenuItem example = new MenuItem("Open example");
    example.setId("openExampleMenu");
    example.setOnAction(e -> vm.openExample());
    MenuItem quit = new MenuItem("Quit");
    quit.setAccelerator(KeyCombination.keyCombination("Shortcut+Q"));
    quit.setOnAction(e -> getScene().getWindow().hide());
    Menu file = new Menu("File", null, open, example, new SeparatorMenuItem(), quit);
    MenuBar bar = new MenuBar(file);
    bar.setId("menuBar");
    return bar;
  }

  private SplitPane content() {
    facts.setId("modelFacts");
    facts.setHgap(12);
    facts.setVgap(6);
    facts.setPadding(new Insets(12));
    Label factsTitle = new Label("Model");
    factsTitle.getStyleClass().add("section-title");
    VBox left = new VBox(6, factsTitle, facts);
    left.setPadding(new Insets(8));
    left.setMinWidth(260);

    nodes.setId("nodesTable");
    nodes.setPlaceholder(new Label("No quantizable nodes (MatMul, Gemm, Conv, Gather, LSTM, ...)"));
    nodes
        .getColumns()
        .setAll(
            List.of(
                column("Node", 200, n -> n.node()),
                column("Op", 90, QuantizableNode::op),
                column(
                    "Weight shape",
                    110,
                    n -> n.weightShape() == null ? "-" : shape(n.weightShape())),
                column("Quantize", 80, n -> n.willQuantize() ? "yes" : "no"),
                column("Detail", 420, n -> n.willQuantize() ? n.action() : n.reason())));
    nodes.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    nodes.setRowFactory(t -> new StatusRow());
    Label nodesTitle = new Label("Quantizable nodes");
    nodesTitle.getStyleClass().add("section-title");
    VBox right = new VBox(6, nodesTitle, nodes);
    right.setPadding(new Insets(8));
    VBox.setVgrow(nodes, Priority.ALWAYS);

    SplitPane split = new SplitPane(left, right);
    split.setDividerPositions(0.3);
    return split;
  }

  private VBox statusBar() {
    Label error = new Label();
    error.setId("errorLabel");
    error.setWrapText(true);
    error.textProperty().bind(vm.errorProperty());
    Button dismiss = new Button("Dismiss");
    dismiss.setId("dismissError");
    dismiss.setOnAction(e -> vm.dismissError());
    HBox banner = new HBox(12, error, dismiss);
    banner.setId("errorBanner");
    banner.getStyleClass().add("error-banner");
    banner.setAlignment(Pos.CENTER_LEFT);
    banner.setPadding(new Insets(8, 12, 8, 12));
    HBox.setHgrow(error, Priority.ALWAYS);
    banner.visibleProperty().bind(vm.errorProperty().isNotEmpty());
    banner.managedProperty().bind(banner.visibleProperty());

    Label status = new Label();
    status.setId("statusLabel");
    status.textProperty().bind(vm.statusProperty());
    HBox line = new HBox(status);
    line.getStyleClass().add("status-bar");
    line.setPadding(new Insets(4, 12, 4, 12));
    return new VBox(banner, line);
  }

  private void show(ModelSummary s) {
    facts.getChildren().clear();
    if (s == null) {
      nodes.getItems().clear();
      return;
    }
    int row = 0;
    row = fact(row, "File", s.file() == null ? "(built-in example)" : s.file());
    row = fact(row, "Producer", (s.producer() + " " + s.producerVersion()).strip());
    row = fact(row, "IR version", Long.toString(s.irVersion()));
    row =
        fact(
            row,
            "Opsets",
            s.opsets().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ")));
    row =
        fact(
            row,
            "Inputs",
            s.inputs().stream()
                .map(v -> v.name() + " " + v.type() + " " + shape(v.shape()))
                .collect(Collectors.joining("\n")));
    row =
        fact(
            row,
            "Outputs",
            s.outputs().stream()
                .map(v -> v.name() + " " + v.type() + " " + shape(v.shape()))
                .collect(Collectors.joining("\n")));
    row = fact(row, "Nodes", Integer.toString(s.nodeCount()));
    row =
        fact(
            row, "Weights", s.initializerCount() + " initializers, " + bytes(s.initializerBytes()));
    fact(
        row,
        "Quantizable",
        s.willQuantizeCount() + " of " + s.quantizable().size() + " will be quantized");
    nodes.getItems().setAll(s.quantizable());
  }

  private int fact(int row, String label, String value) {
    Label l = new Label(label);
    l.getStyleClass().add("fact-label");
    Label v = new Label(value);
    v.setWrapText(true);
    v.setId("fact-" + label.toLowerCase(java.util.Locale.ROOT).replace(' ', '-'));
    facts.addRow(row, l, v);
    return row + 1;
  }

  private void chooseFile() {
    FileChooser chooser = new FileChooser();
    chooser.setTitle("Open ONNX model");
    chooser
        .getExtensionFilters()
        .addAll(
            new FileChooser.ExtensionFilter("ONNX models", "*.onnx"),
            new FileChooser.ExtensionFilter("All files", "*.*"));
    Window w = getScene() == null ? null : getScene().getWindow();
    File f = chooser.showOpenDialog(w);
    if (f != null) {
      vm.open(f.toPath());
    }
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
            Path p = e.getDragboard().getFiles().get(0).toPath();
            vm.open(p);
          }
          e.setDropCompleted(ok);
          e.consume();
        });
  }

  private static TableColumn<QuantizableNode, String> column(
      String title, double width, java.util.function.Function<QuantizableNode, String> value) {
    TableColumn<QuantizableNode, String> c = new TableColumn<>(title);
    c.setPrefWidth(width);
    c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(value.apply(cd.getValue())));
    c.setCellFactory(
        col ->
            new TableCell<>() {
              @Override
              protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
                setTooltip(empty || item == null || item.length() < 30 ? null : new Tooltip(item));
              }
            });
    return c;
  }

  static String shape(List<?> dims) {
    if (dims == null) {
      return "";
    }
    return dims.stream()
        .map(d -> d == null ? "?" : d.toString())
        .collect(Collectors.joining(", ", "[", "]"));
  }

  static String bytes(long n) {
    if (n < 1000) {
      return n + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = n;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** Colours a row by its verdict. */
  private static final class StatusRow extends TableRow<QuantizableNode> {
    @Override
    protected void updateItem(QuantizableNode item, boolean empty) {
      super.updateItem(item, empty);
      getStyleClass().removeAll("will-quantize", "wont-quantize");
      if (!empty && item != null) {
        getStyleClass().add(item.willQuantize() ? "will-quantize" : "wont-quantize");
      }
    }
  }
}
