// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.collections.transformation.SortedList;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.control.cell.CheckBoxTableCell;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.report.Figures;
import org.quantscope.report.Texts;
import org.quantscope.sensitivity.NodeSensitivity;
import org.quantscope.sensitivity.SensitivityReport;

/**
 * The quantizable nodes: a sortable, filterable table with a checkbox per row to leave the node in
 * float (ORT's nodes_to_exclude), and after a run the scale range, weight error and bytes saved.
 * Selecting a row selects the node in the graph and the other way round.
 */
public final class NodesPanel extends VBox {
  private final MainViewModel vm;
  private final ObservableList<Row> rows = FXCollections.observableArrayList();
  private final TableView<Row> table = new TableView<>();
  private final TextField filter = new TextField();
  private final Label none =
      new Label("No quantizable nodes (MatMul, Gemm, Conv, Gather, LSTM, ...)");
  private boolean syncing;
  private boolean held;
  private List<Row> pending;

  /** One line of the table. */
  public final class Row {
    final QuantizableNode node;
    final BooleanProperty excluded = new SimpleBooleanProperty();
    QuantizationResult.WeightReport weight;
    long saved = -1;
    Double impact;

    Row(QuantizableNode node) {
      this.node = node;
      excluded.set(vm.options().excluded().contains(node.node()));
      excluded.addListener(
          (o, a, b) -> {
            if (b) {
              vm.options().excluded().add(node.node());
            } else {
              vm.options().excluded().remove(node.node());
            }
          });
    }

    public String id() {
      return node.node();
    }
  }

  public NodesPanel(MainViewModel vm) {
    this.vm = vm;
    setId("nodesPanel");
    setSpacing(6);
    setPadding(new Insets(8));
    Label title = new Label("Quantizable nodes");
    title.getStyleClass().add("section-title");
    filter.setId("nodesFilter");
    filter.setPromptText("Filter by name, op or status");
    FilteredList<Row> filtered = new FilteredList<>(rows, r -> true);
    filter.textProperty().addListener((o, a, b) -> filtered.setPredicate(r -> matches(r, b)));
    SortedList<Row> sorted = new SortedList<>(filtered);
    sorted.comparatorProperty().bind(table.comparatorProperty());
    table.setItems(sorted);
    table.setId("nodesTable");
    table.setEditable(true);
    table.setPlaceholder(none);
    TableColumn<Row, Boolean> skip = new TableColumn<>("Float");
    skip.setId("excludeColumn");
    skip.setCellValueFactory(cd -> cd.getValue().excluded);
    skip.setCellFactory(c -> new ExcludeCell());
    skip.setEditable(true);
    skip.setPrefWidth(48);
    table.getColumns().add(skip);
    table.getColumns().add(text("Node", 170, r -> r.node.node()));
    table.getColumns().add(text("Op", 80, r -> r.node.op()));
    table
        .getColumns()
        .add(
            text(
                "Weight",
                90,
                r -> r.node.weightShape() == null ? "" : Figures.shape(r.node.weightShape())));
    table.getColumns().add(text("Status", 110, NodesPanel::status));
    TableColumn<Row, Number> sqnr = new TableColumn<>("SQNR dB");
    sqnr.setId("sqnrColumn");
    sqnr.setCellValueFactory(
        cd ->
            new ReadOnlyObjectWrapper<>(
                cd.getValue().weight == null ? null : sqnrValue(cd.getValue().weight)));
    sqnr.setCellFactory(c -> new NumberCell("%.1f"));
    sqnr.setPrefWidth(72);
    table.getColumns().add(sqnr);
    table.getColumns().add(text("Scale range", 130, NodesPanel::scales));
    TableColumn<Row, Number> impact = new TableColumn<>("Impact");
    impact.setId("impactColumn");
    impact.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(cd.getValue().impact));
    impact.setCellFactory(c -> new NumberCell("%.3f"));
    impact.setPrefWidth(64);
    table.getColumns().add(impact);
    TableColumn<Row, Number> saved = new TableColumn<>("Saved");
    saved.setCellValueFactory(
        cd -> new ReadOnlyObjectWrapper<>(cd.getValue().saved < 0 ? null : cd.getValue().saved));
    saved.setCellFactory(
        c ->
            new TableCell<>() {
              @Override
              protected void updateItem(Number v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty || v == null ? null : Figures.size(v.longValue()));
              }
            });
    saved.setPrefWidth(72);
    table.getColumns().add(saved);
    table.setRowFactory(t -> new StatusRow());
    table
        .getSelectionModel()
        .selectedItemProperty()
        .addListener(
            (o, a, b) -> {
              if (!syncing) {
                vm.graph().selectedProperty().set(b == null ? null : b.id());
              }
            });
    vm.graph().selectedProperty().addListener((o, a, b) -> select(b));
    vm.verdictsProperty().addListener((o, a, b) -> rebuild());
    vm.runs().sensitivityProperty().addListener((o, a, b) -> rebuild());
    vm.runs().quantizedProperty().addListener((o, a, b) -> rebuild());
    getChildren().addAll(title, filter, table);
    VBox.setVgrow(table, Priority.ALWAYS);
  }

  private static Double sqnrValue(QuantizationResult.WeightReport w) {
    return Double.isInfinite(w.sqnrDb()) ? 999.0 : w.sqnrDb();
  }

  private void rebuild() {
    Map<String, QuantizationResult.NodeReport> reports = new HashMap<>();
    DynamicQuantizer.Output q = vm.runs().quantizedProperty().get();
    if (q != null) {
      for (QuantizationResult.NodeReport r : q.result().quantized()) {
        reports.put(r.node(), r);
      }
    }
    Map<String, Double> impacts = new HashMap<>();
    SensitivityReport sens = vm.runs().sensitivityProperty().get();
    if (sens != null) {
      for (NodeSensitivity n : sens.nodes()) {
        impacts.put(n.node(), n.impact());
      }
    }
    List<QuantizableNode> verdicts = vm.verdictsProperty().get();
    List<Row> list = new java.util.ArrayList<>(verdicts.size());
    for (QuantizableNode v : verdicts) {
      Row r = new Row(v);
      r.impact = impacts.get(v.node());
      QuantizationResult.NodeReport rep = reports.get(v.node());
      if (rep != null && !rep.weights().isEmpty()) {
        r.weight =
            rep.weights().stream()
                .min(java.util.Comparator.comparingDouble(QuantizationResult.WeightReport::sqnrDb))
                .orElse(null);
        r.saved = rep.weights().stream().mapToLong(w -> w.bytesBefore() - w.bytesAfter()).sum();
      }
      list.add(r);
    }
    if (held) {
      pending = list;
      return;
    }
    show(list);
  }

  private void show(List<Row> list) {
    syncing = true;
    rows.setAll(list);
    syncing = false;
    select(vm.graph().selectedProperty().get());
  }

  /**
   * Keeps the rows out of the table until {@link #releaseRows}: the window's first frame shows the
   * model's facts without waiting for the table's cells (on two cores, styling and laying out a
   * screenful of them took 0.3 s of that frame). Meanwhile the table says it is listing them, not
   * that there are none.
   */
  void holdRows() {
    held = true;
    table.setPlaceholder(new Label("Listing the nodes …"));
  }

  /** Shows the rows held back since {@link #holdRows}. */
  void releaseRows() {
    if (!held) {
      return;
    }
    held = false;
    table.setPlaceholder(none);
    if (pending != null) {
      List<Row> list = pending;
      pending = null;
      show(list);
    }
  }

  private void select(String id) {
    syncing = true;
    try {
      if (id == null) {
        table.getSelectionModel().clearSelection();
        return;
      }
      for (Row r : table.getItems()) {
        if (r.id().equals(id)) {
          table.getSelectionModel().select(r);
          table.scrollTo(r);
          return;
        }
      }
      table.getSelectionModel().clearSelection();
    } finally {
      syncing = false;
    }
  }

  private static boolean matches(Row r, String f) {
    if (f == null || f.isBlank()) {
      return true;
    }
    String q = f.toLowerCase(Locale.ROOT).strip();
    return r.node.node().toLowerCase(Locale.ROOT).contains(q)
        || r.node.op().toLowerCase(Locale.ROOT).contains(q)
        || status(r).toLowerCase(Locale.ROOT).contains(q);
  }

  static String status(Row r) {
    if (r.excluded.get()) {
      return "excluded";
    }
    return r.node.willQuantize()
        ? (r.weight != null || r.saved >= 0 ? "quantized" : "will quantize")
        : "cannot";
  }

  private static String scales(Row r) {
    if (r.weight == null) {
      return "";
    }
    QuantizationResult.WeightReport w = r.weight;
    return w.channels() == 1
        ? String.format(Locale.ROOT, "%.3g", w.scaleMin())
        : String.format(Locale.ROOT, "%.3g … %.3g", w.scaleMin(), w.scaleMax());
  }

  private static TableColumn<Row, String> text(
      String title, double width, Function<Row, String> value) {
    TableColumn<Row, String> c = new TableColumn<>(title);
    c.setPrefWidth(width);
    c.setCellValueFactory(
        cd -> new ReadOnlyObjectWrapper<>(Texts.clean(value.apply(cd.getValue()))));
    return c;
  }

  /** The Float checkbox of a row, with the id {@code exclude-<row index>}. */
  private static final class ExcludeCell extends CheckBoxTableCell<Row, Boolean> {
    @Override
    public void updateItem(Boolean item, boolean empty) {
      super.updateItem(item, empty);
      setId(empty ? null : "exclude-" + getIndex());
    }
  }

  /** A right-aligned number cell. */
  private static final class NumberCell extends TableCell<Row, Number> {
    private final String format;

    NumberCell(String format) {
      this.format = format;
      getStyleClass().add("number-cell"); // a class, not an inline style parsed for every cell
    }

    @Override
    protected void updateItem(Number v, boolean empty) {
      super.updateItem(v, empty);
      setText(
          empty || v == null
              ? null
              : v.doubleValue() >= 999
                  ? "exact"
                  : String.format(Locale.ROOT, format, v.doubleValue()));
    }
  }

  /** Colours a row by its verdict, and shows the reason as a tooltip. */
  private static final class StatusRow extends TableRow<Row> {
    /** One tooltip per row, made when the row first has an item and reused as it scrolls. */
    private Tooltip tip;

    @Override
    protected void updateItem(Row item, boolean empty) {
      super.updateItem(item, empty);
      getStyleClass().removeAll("will-quantize", "wont-quantize", "excluded-node");
      setTooltip(null);
      if (!empty && item != null) {
        getStyleClass()
            .add(
                item.excluded.get()
                    ? "excluded-node"
                    : item.node.willQuantize() ? "will-quantize" : "wont-quantize");
        String detail = item.node.willQuantize() ? item.node.action() : item.node.reason();
        if (tip == null) {
          tip = new Tooltip();
        }
        tip.setText(Texts.clean(item.node.node()) + "\n" + Texts.clean(detail));
        setTooltip(tip);
      }
    }
  }
}
