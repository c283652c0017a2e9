// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.report.Figures;
import org.quantscope.report.Report;

/**
 * Two configurations side by side: the current options and the same with one choice flipped
 * (per-channel, weight type or reduce-range), each quantized, checked and benchmarked on the same
 * samples; size, parity and latency, then every node's weight error in both.
 */
public final class ComparePanel extends ScrollPane {
  private final RunViewModel runs;
  private final GridPane grid = new GridPane();
  private final TableView<String[]> nodes = new TableView<>();
  private final Label title = new Label("Compare the current options with:");

  public ComparePanel(MainViewModel vm) {
    this.runs = vm.runs();
    setId("comparePanel");
    setFitToWidth(true);
    ChoiceBox<CompareWith> with =
        new ChoiceBox<>(FXCollections.observableArrayList(CompareWith.values()));
    with.setId("compareWith");
    with.getSelectionModel().select(CompareWith.PER_CHANNEL);
    Button run = new Button("Compare");
    run.setId("compareButton");
    run.disableProperty().bind(vm.modelProperty().isNull().or(runs.runningProperty()));
    run.setOnAction(e -> runs.compare(with.getValue()));
    title.setWrapText(true);
    grid.setId("compareGrid");
    grid.setHgap(14);
    grid.setVgap(4);
    nodes.setId("compareNodes");
    nodes.setPrefHeight(280);
    nodes.setPlaceholder(new Label("Per-node weight error appears here after a comparison."));
    VBox box = new VBox(8, title, new HBox(8, with, run), grid, nodes);
    box.setPadding(new Insets(10));
    setContent(box);
    runs.comparisonProperty().addListener((o, a, b) -> show(b));
  }

  private void show(RunViewModel.Comparison c) {
    grid.getChildren().clear();
    nodes.getColumns().clear();
    nodes.getItems().clear();
    if (c == null) {
      return;
    }
    Report.Summary a = c.a().summary();
    Report.Summary b = c.b().summary();
    cells(0, "", "A: " + c.labelA(), "B: " + c.labelB());
    cells(1, "Verdict", a.verdict(), b.verdict());
    cells(2, "Size", mb(a.int8Bytes()), mb(b.int8Bytes()));
    cells(3, "Max |d|", diff(a.maxAbsDiff()), diff(b.maxAbsDiff()));
    cells(4, "Mean |d|", diff(a.meanAbsDiff()), diff(b.meanAbsDiff()));
    cells(5, "Decision flips", count(a.decisionFlips()), count(b.decisionFlips()));
    cells(
        6,
        "Latency p50",
        a.int8Latency() == null ? "-" : Figures.ms(a.int8Latency().p50()),
        b.int8Latency() == null ? "-" : Figures.ms(b.int8Latency().p50()));
    cells(
        7,
        "Speedup vs fp32",
        a.speedup() == null ? "-" : Figures.ratio(a.speedup()),
        b.speedup() == null ? "-" : Figures.ratio(b.speedup()));

    Map<String, Double> sa = worstSqnr(c.a().quantization());
    Map<String, Double> sb = worstSqnr(c.b().quantization());
    List<String> names = new ArrayList<>(sa.keySet());
    for (String n : sb.keySet()) {
      if (!sa.containsKey(n)) {
        names.add(n);
      }
    }
    nodes.getColumns().add(column("Node", 0, 200));
    nodes.getColumns().add(column("SQNR A dB", 1, 80));
    nodes.getColumns().add(column("SQNR B dB", 2, 80));
    nodes.getColumns().add(column("B - A dB", 3, 80));
    List<String[]> rows = new ArrayList<>();
    for (String n : names) {
      Double x = sa.get(n);
      Double y = sb.get(n);
      rows.add(
          new String[] {
            n,
            x == null ? "float" : db(x),
            y == null ? "float" : db(y),
            x == null || y == null || !Double.isFinite(x) || !Double.isFinite(y)
                ? ""
                : String.format(Locale.ROOT, "%+.1f", y - x)
          });
    }
    nodes.getItems().setAll(rows);
  }

  private static Map<String, Double> worstSqnr(QuantizationResult q) {
    Map<String, Double> m = new java.util.LinkedHashMap<>();
    if (q == null) {
      return m;
    }
    for (QuantizationResult.NodeReport r : q.quantized()) {
      for (QuantizationResult.WeightReport w : r.weights()) {
        m.merge(r.node(), w.sqnrDb(), Math::min);
      }
    }
    return m;
  }

  private static TableColumn<String[], String> column(String title, int index, double width) {
    TableColumn<String[], String> c = new TableColumn<>(title);
    c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(cd.getValue()[index]));
    c.setPrefWidth(width);
    return c;
  }

  private void cells(int row, String name, String a, String b) {
    Label n = new Label(name);
    n.getStyleClass().add("fact-label");
    Label x = new Label(a);
    Label y = new Label(b);
    String id =
        name.isEmpty() ? "header" : name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    x.setId("compareA-" + id);
    y.setId("compareB-" + id);
    grid.addRow(row, n, x, y);
  }

  private static String mb(Long bytes) {
    return bytes == null ? "-" : Figures.megabytes(bytes);
  }

  private static String diff(Double d) {
    return d == null ? "-" : Figures.diff(d);
  }

  private static String count(Long n) {
    return n == null ? "-" : String.valueOf(n);
  }

  private static String db(double x) {
    return Double.isFinite(x) ? String.format(Locale.ROOT, "%.1f", x) : "exact";
  }
}
