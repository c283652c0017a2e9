// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.jfree.chart.entity.XYItemEntity;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.fx.interaction.ChartMouseEventFX;
import org.jfree.chart.fx.interaction.ChartMouseListenerFX;
import org.quantscope.report.Figures;
import org.quantscope.report.Texts;
import org.quantscope.report.TraceCharts;
import org.quantscope.trace.ActivationReport;
import org.quantscope.trace.NodeError;
import org.quantscope.trace.TensorError;
import org.quantscope.trace.TraceReport;

/**
 * Where the error of the int8 model enters: runs the error trace, and shows the error along the
 * depth of the graph (a chart), the quantized nodes ranked by their share of the error at the graph
 * outputs (with the error each introduces, receives and passes on), and the activations squeezed to
 * uint8 at run time with the statistics that predict their loss. Selecting a row (or a point of the
 * chart) selects its node in the graph and the nodes table; the selected ranked node can be left in
 * float in one click.
 */
public final class TracePanel extends ScrollPane {
  private final RunViewModel runs;
  private final GraphViewModel graph;
  private final Label summary = new Label();
  private final ChartViewer depth = new ChartViewer(null);
  private final TableView<NodeError> ranking = new TableView<>();
  private final TableView<ActivationReport> activations = new TableView<>();
  private final Label notes = new Label();
  private final VBox results;
  private boolean syncing;

  public TracePanel(MainViewModel vm, ResultsPanel.ChartSaver saver) {
    this.runs = vm.runs();
    this.graph = vm.graph();
    setId("tracePanel");
    setFitToWidth(true);
    Label intro =
        new Label(
            "The error trace runs the float and the int8 model side by side on the samples of the"
                + " Options tab and compares every tensor both compute: where the error enters,"
                + " node by node, and what squeezing each activation to uint8 at run time costs.");
    intro.setWrapText(true);
    Button trace = new Button("Trace error");
    trace.setId("traceRunButton");
    trace.setOnAction(e -> runs.traceError());
    trace.disableProperty().bind(vm.modelProperty().isNull().or(runs.runningProperty()));
    Button exclude = new Button("Leave in float and check parity");
    exclude.setId("traceExcludeButton");
    exclude
        .disableProperty()
        .bind(
            ranking.getSelectionModel().selectedItemProperty().isNull().or(runs.runningProperty()));
    exclude.setOnAction(
        e -> {
          NodeError n = ranking.getSelectionModel().getSelectedItem();
          if (n != null) {
            runs.excludeAndRecheck(n.node());
          }
        });
    summary.setId("traceSummary");
    summary.setWrapText(true);

    depth.setId("traceDepthChart");
    depth.setPrefSize(520, 380);
    depth.setMinHeight(340);
    MenuItem save = new MenuItem("Save chart as PNG...");
    save.setId("traceDepthChartSave");
    save.setOnAction(
        e -> {
          TraceReport r = runs.traceProperty().get();
          if (r != null) {
            ResultsPanel.saveChart(runs, saver, depth, () -> TraceCharts.depth(r));
          }
        });
    depth.getContextMenu().getItems().setAll(save);
    depth.addChartMouseListener(new PointSelection());

    ranking.setId("traceTable");
    ranking.setPrefHeight(220);
    ranking.setPlaceholder(new Label("Run Trace error to rank the quantized nodes."));
    ranking.getColumns().add(number("#", "traceRankColumn", 36, n -> (double) n.rank(), "%.0f"));
    ranking.getColumns().add(text("Node", "traceNodeColumn", 160, NodeError::node));
    ranking.getColumns().add(text("Op", "traceOpColumn", 64, NodeError::op));
    ranking
        .getColumns()
        .add(number("Share", "shareColumn", 64, n -> share(n.outputShare()), "%.1f%%"));
    ranking.getColumns().add(db("Introduced", "introducedColumn", NodeError::introducedDb));
    ranking.getColumns().add(db("Output", "outputColumn", NodeError::outputSqnrDb));
    ranking.getColumns().add(db("Input", "inputColumn", NodeError::inputSqnrDb));
    ranking.getColumns().add(db("uint8 input", "uint8Column", NodeError::activationSqnrDb));
    ranking.getColumns().add(db("Weight", "weightColumn", NodeError::weightSqnrDb));
    ranking
        .getSelectionModel()
        .selectedItemProperty()
        .addListener((o, a, b) -> select(b == null ? null : b.node()));

    activations.setId("activationTable");
    activations.setPrefHeight(180);
    activations.setPlaceholder(new Label("No activation is quantized at run time."));
    activations.getColumns().add(text("Activation", "activationNameColumn", 200, a -> a.name()));
    activations.getColumns().add(number("Max |x|", "maxAbsColumn", 70, a -> a.maxAbs(), "%.4g"));
    activations.getColumns().add(number("p99.9 |x|", "p999Column", 70, a -> a.p999Abs(), "%.4g"));
    activations
        .getColumns()
        .add(number("Outlier", "outlierColumn", 62, ActivationReport::outlierRatio, "%.1fx"));
    activations.getColumns().add(number("uint8 step", "stepColumn", 76, a -> a.stepMax(), "%.4g"));
    activations.getColumns().add(db("Round trip", "roundTripColumn", a -> a.quantSqnrDb()));
    activations.getColumns().add(text("Worst row", "worstRowColumn", 150, TracePanel::worstRow));
    activations
        .getSelectionModel()
        .selectedItemProperty()
        .addListener(
            (o, a, b) ->
                select(b == null || b.consumers().isEmpty() ? null : b.consumers().get(0)));
    notes.setId("traceNotes");
    notes.setWrapText(true);
    notes.getStyleClass().add("fact-label");

    Label nodesTitle =
        new Label("Quantized nodes, the one whose error counts most at the graph outputs first");
    nodesTitle.getStyleClass().add("section-title");
    nodesTitle.setWrapText(true);
    Label actsTitle = new Label("Activations quantized to uint8 at run time");
    actsTitle.getStyleClass().add("section-title");
    Label legend =
        new Label(
            "Share: of the error at the graph outputs, the part the node's own error makes"
                + " (estimated from the one run). SQNR in dB, higher is better. Introduced: the"
                + " error made at the node (its output's beyond its input's); uint8 input: what"
                + " quantizing its input at run time costs."
                + " Outlier: max |x| over p99.9 |x|; one uint8 step covers the whole tensor, batch"
                + " included, so a few large values widen it for every value.");
    legend.setWrapText(true);
    legend.getStyleClass().add("fact-label");
    results =
        new VBox(8, nodesTitle, exclude, ranking, depth, actsTitle, activations, legend, notes);
    results.managedProperty().bind(results.visibleProperty());
    VBox box = new VBox(8, intro, new HBox(8, trace), summary, results);
    box.setPadding(new Insets(10));
    setContent(box);
    runs.traceProperty().addListener((o, a, b) -> show(b));
    graph.selectedProperty().addListener((o, a, b) -> follow(b));
    show(null);
  }

  private void show(TraceReport r) {
    results.setVisible(r != null);
    if (r == null) {
      summary.setText("Where does the error enter? Trace error (Ctrl+Shift+T) finds out.");
      ranking.setItems(FXCollections.observableArrayList());
      activations.setItems(FXCollections.observableArrayList());
      return;
    }
    depth.setChart(TraceCharts.depth(r));
    ranking.setItems(FXCollections.observableArrayList(r.nodes()));
    activations.setItems(FXCollections.observableArrayList(r.activations()));
    List<String> blamed = Culprits.of(r);
    summary.setText(
        String.format(
                Locale.ROOT,
                "%d tensors of %d quantized nodes traced over %d samples; parity %s. ",
                r.tensors().size(),
                r.nodes().size(),
                r.samples(),
                r.parity().passed() ? "passes" : "FAILS")
            + (blamed.isEmpty()
                ? "No quantized node's error reaches the outputs."
                : "Most of the error at the outputs comes from "
                    + Texts.clean(String.join(", ", blamed))
                    + ". The graph is coloured by the error each node introduces; tick \"error at"
                    + " the outputs instead\" in its legend to see the error each carries."));
    List<String> all = new ArrayList<>(r.notes());
    all.addAll(r.parity().warnings());
    notes.setText(String.join("\n", all.stream().map(n -> "Note: " + Texts.clean(n)).toList()));
    follow(graph.selectedProperty().get());
  }

  /** Selects a node in the graph (and so in the nodes table). */
  private void select(String node) {
    if (!syncing && node != null) {
      graph.selectedProperty().set(node);
    }
  }

  /** Follows the graph's selection in the ranking. */
  private void follow(String node) {
    syncing = true;
    try {
      NodeError match =
          ranking.getItems().stream().filter(n -> n.node().equals(node)).findFirst().orElse(null);
      if (match == null) {
        ranking.getSelectionModel().clearSelection();
      } else if (ranking.getSelectionModel().getSelectedItem() != match) {
        ranking.getSelectionModel().select(match);
        ranking.scrollTo(match);
      }
    } finally {
      syncing = false;
    }
  }

  /** A share as a percentage (the column shows 62.1%), null when unknown. */
  private static Double share(Double v) {
    return v == null ? null : 100 * v;
  }

  private static String worstRow(ActivationReport a) {
    return a.rowMaxAbs().length > 1
        ? String.format(
            Locale.ROOT, "row %d, %s the median", a.worstRow(), Figures.ratio(a.worstRowRatio(), 1))
        : "-";
  }

  private static <T> TableColumn<T, String> text(
      String title, String id, double width, Function<T, String> value) {
    TableColumn<T, String> c = new TableColumn<>(title);
    c.setId(id);
    c.setPrefWidth(width);
    c.setCellValueFactory(
        cd -> new ReadOnlyObjectWrapper<>(Texts.clean(value.apply(cd.getValue()))));
    c.setCellFactory(
        col ->
            new TableCell<>() {
              @Override
              protected void updateItem(String v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty ? null : v);
                setTooltip(empty || v == null ? null : new Tooltip(v));
              }
            });
    return c;
  }

  /** A sortable dB column: "exact" for Infinity, "-" when unknown. */
  private static <T> TableColumn<T, Double> db(
      String title, String id, Function<T, ? extends Number> value) {
    return number(title, id, 94, value, null);
  }

  /** A sortable, right-aligned number column; {@code format} null writes dB. */
  private static <T> TableColumn<T, Double> number(
      String title, String id, double width, Function<T, ? extends Number> value, String format) {
    TableColumn<T, Double> c = new TableColumn<>(title);
    c.setId(id);
    c.setPrefWidth(width);
    c.setCellValueFactory(
        cd -> {
          Number v = value.apply(cd.getValue());
          return new ReadOnlyObjectWrapper<>(v == null ? null : v.doubleValue());
        });
    c.setCellFactory(
        col ->
            new TableCell<>() {
              {
                setStyle("-fx-alignment: CENTER-RIGHT;");
              }

              @Override
              protected void updateItem(Double v, boolean empty) {
                super.updateItem(v, empty);
                setText(
                    empty
                        ? null
                        : v == null || v.isNaN()
                            ? "-"
                            : format == null
                                ? NodeStatuses.db(v)
                                : String.format(Locale.ROOT, format, v));
              }
            });
    return c;
  }

  /** A click on a point of the depth chart selects the node that computes that tensor. */
  private final class PointSelection implements ChartMouseListenerFX {
    @Override
    public void chartMouseClicked(ChartMouseEventFX e) {
      TraceReport r = runs.traceProperty().get();
      if (r != null && e.getEntity() instanceof XYItemEntity item) {
        int position = (int) item.getDataset().getXValue(item.getSeriesIndex(), item.getItem());
        r.tensors().stream()
            .filter(t -> t.position() == position)
            .map(TensorError::producer)
            .findFirst()
            .ifPresent(TracePanel.this::select);
      }
    }

    @Override
    public void chartMouseMoved(ChartMouseEventFX e) {}
  }
}
