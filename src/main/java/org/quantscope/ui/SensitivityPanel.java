// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.Locale;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.jfree.chart.fx.ChartViewer;
import org.quantscope.parity.ParityReport;
import org.quantscope.report.Figures;
import org.quantscope.report.SensitivityCharts;
import org.quantscope.sensitivity.AutoExcludeResult;
import org.quantscope.sensitivity.NodeSensitivity;
import org.quantscope.sensitivity.SensitivityReport;

/**
 * Which layer broke parity: runs the sensitivity analysis and the automatic exclusion, shows the
 * ranking (chart and table, with one click to leave a node in float and check parity again) and the
 * figures before and after the automatic exclusion side by side.
 */
public final class SensitivityPanel extends ScrollPane {
  static final int TOP = 12;

  private final RunViewModel runs;
  private final Label summary = new Label("Which nodes cost the most parity?");
  private final ChartViewer chart = new ChartViewer(null);
  private final TableView<NodeSensitivity> table = new TableView<>();
  private final Button exclude = new Button("Leave in float and check parity");
  private final GridPane autoGrid = new GridPane();
  private final Label autoTitle = new Label();

  public SensitivityPanel(MainViewModel vm) {
    this.runs = vm.runs();
    setId("sensitivityPanel");
    setFitToWidth(true);
    Label intro =
        new Label(
            "Sensitivity quantizes one node at a time (and all but one) and checks parity on the"
                + " samples and tolerances of the Options tab. Auto-exclude then finds the nodes"
                + " to leave in float so that parity passes with the most weight bytes in int8.");
    intro.setWrapText(true);
    Button analyze = new Button("Analyze sensitivity");
    analyze.setId("sensitivityButton");
    analyze.setOnAction(e -> runs.analyzeSensitivity());
    Button auto = new Button("Auto-exclude");
    auto.setId("autoExcludeButton");
    auto.setOnAction(e -> runs.autoExclude());
    for (Button b : new Button[] {analyze, auto}) {
      b.disableProperty().bind(vm.modelProperty().isNull().or(runs.runningProperty()));
    }
    summary.setId("sensitivitySummary");
    summary.setWrapText(true);

    chart.setId("sensitivityChart");
    chart.setPrefSize(520, 360);
    chart.setMinHeight(300);
    chart.setVisible(false);
    chart.setManaged(false);

    table.setId("sensitivityTable");
    table.setPrefHeight(200);
    table.setPlaceholder(new Label("Run Analyze sensitivity to rank the nodes."));
    table.getColumns().add(column("#", 36, n -> String.valueOf(n.rank())));
    table.getColumns().add(column("Node", 170, NodeSensitivity::node));
    table.getColumns().add(column("Op", 64, NodeSensitivity::op));
    table
        .getColumns()
        .add(column("Only this max |d|", 110, n -> Figures.diff(n.onlyThis().maxAbsDiff())));
    table
        .getColumns()
        .add(column("All but this max |d|", 120, n -> Figures.diff(n.allButThis().maxAbsDiff())));
    TableColumn<NodeSensitivity, Number> impact = new TableColumn<>("Impact");
    impact.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(cd.getValue().impact()));
    impact.setPrefWidth(64);
    table.getColumns().add(impact);
    table
        .getSelectionModel()
        .selectedItemProperty()
        .addListener(
            (o, a, b) -> {
              if (b != null) {
                vm.graph().selectedProperty().set(b.node());
              }
            });
    exclude.setId("excludeAndRecheckButton");
    exclude
        .disableProperty()
        .bind(table.getSelectionModel().selectedItemProperty().isNull().or(runs.runningProperty()));
    exclude.setOnAction(
        e -> {
          NodeSensitivity n = table.getSelectionModel().getSelectedItem();
          if (n != null) {
            runs.excludeAndRecheck(n.node());
          }
        });

    autoTitle.getStyleClass().add("section-title");
    autoTitle.setId("autoExcludeTitle");
    autoTitle.setWrapText(true);
    autoGrid.setId("autoExcludeGrid");
    autoGrid.setHgap(14);
    autoGrid.setVgap(4);

    autoGrid.managedProperty().bind(autoTitle.visibleProperty());
    autoTitle.managedProperty().bind(autoTitle.visibleProperty());
    VBox box =
        new VBox(
            8,
            intro,
            new HBox(8, analyze, auto),
            autoTitle,
            autoGrid,
            summary,
            exclude,
            table,
            chart);
    box.setPadding(new Insets(10));
    setContent(box);
    runs.sensitivityProperty().addListener((o, a, b) -> showRanking(b));
    runs.autoExcludedProperty().addListener((o, a, b) -> showAuto(b));
    showRanking(null);
    showAuto(null);
  }

  private static TableColumn<NodeSensitivity, String> column(
      String title, double width, java.util.function.Function<NodeSensitivity, String> f) {
    TableColumn<NodeSensitivity, String> c = new TableColumn<>(title);
    c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(f.apply(cd.getValue())));
    c.setPrefWidth(width);
    return c;
  }

  private void showRanking(SensitivityReport r) {
    boolean has = r != null && !r.nodes().isEmpty();
    chart.setVisible(has);
    chart.setManaged(has);
    if (!has) {
      table.setItems(FXCollections.observableArrayList());
      summary.setText("Which nodes cost the most parity?");
      return;
    }
    chart.setChart(SensitivityCharts.impact(r, TOP));
    table.setItems(FXCollections.observableArrayList(r.nodes()));
    NodeSensitivity worst = r.nodes().get(0);
    summary.setText(
        String.format(
            Locale.ROOT,
            "%d nodes, %d variants in %.1f s. Fully quantized: max |d| %s (%s). Worst: %s (%s),"
                + " alone max |d| %s.",
            r.candidates(),
            r.variants(),
            r.elapsedMillis() / 1000.0,
            Figures.diff(r.full().maxAbsDiff()),
            r.full().passed() ? "passes" : "fails",
            worst.node(),
            worst.op(),
            Figures.diff(worst.onlyThis().maxAbsDiff())));
  }

  private void showAuto(AutoExcludeResult a) {
    autoGrid.getChildren().clear();
    if (a == null) {
      autoTitle.setText("");
      autoTitle.setVisible(false);
      return;
    }
    autoTitle.setVisible(true);
    if (!a.passed()) {
      autoTitle.setText(
          "Auto-exclude: no set of nodes passes"
              + (a.message() == null ? "" : ": " + a.message())
              + ". Nothing was changed.");
      return;
    }
    autoTitle.setText(
        a.excluded().isEmpty()
            ? "Auto-exclude: parity already passes with the current options; nothing more to"
                + " leave in float."
            : "Auto-exclude left "
                + a.excluded().size()
                + " of "
                + a.candidates()
                + " nodes in float: "
                + String.join(", ", a.excluded())
                + (a.smallest() ? " (no passing set keeps more in int8)" : " (greedy search)")
                + ". They are now excluded in the nodes table.");
    header(0, "", "all int8", "after auto-exclude");
    ParityReport before = a.before();
    ParityReport after = a.after();
    row(1, "Verdict", verdict(before), verdict(after));
    row(2, "Max |d|", Figures.diff(before.maxAbsDiff()), Figures.diff(after.maxAbsDiff()));
    row(3, "Mean |d|", Figures.diff(before.meanAbsDiff()), Figures.diff(after.meanAbsDiff()));
    row(
        4,
        "Decision flips",
        String.valueOf(before.decisionFlips()),
        String.valueOf(after.decisionFlips()));
    row(5, "Quantized nodes", String.valueOf(a.candidates()), String.valueOf(a.quantizedNodes()));
    row(6, "Size", Figures.megabytes(a.fullInt8Bytes()), Figures.megabytes(a.int8Bytes()));
  }

  private static String verdict(ParityReport r) {
    return r.passed() ? "PASSED" : "FAILED";
  }

  private void header(int row, String... cells) {
    for (int c = 0; c < cells.length; c++) {
      Label l = new Label(cells[c]);
      l.getStyleClass().add("fact-label");
      autoGrid.add(l, c, row);
    }
  }

  private void row(int row, String name, String before, String after) {
    Label n = new Label(name);
    n.getStyleClass().add("fact-label");
    Label b = new Label(before);
    Label a = new Label(after);
    a.setId("auto-" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", "-"));
    autoGrid.addRow(row, n, b, a);
  }
}
