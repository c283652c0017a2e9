// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import org.quantscope.bench.BenchReport;
import org.quantscope.deploy.DeployReport;
import org.quantscope.deploy.NodeSaturation;
import org.quantscope.deploy.RuntimeSupport;
import org.quantscope.deploy.SaturationReport;
import org.quantscope.parity.ParityReport;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.report.Figures;
import org.quantscope.report.LatencyCharts;
import org.quantscope.report.ParityCharts;
import org.quantscope.report.SizeCharts;
import org.quantscope.report.Texts;
import org.quantscope.report.WeightErrorCharts;
import org.quantscope.trace.NodeError;
import org.quantscope.trace.TraceReport;

/**
 * The results of the last run: the parity verdict, big, and four charts built by {@code report}
 * (the same ones the reports use): model size, latency, the histogram of output differences with
 * the tolerance, and the weight error per node. When parity fails it says where the error enters
 * (after an error trace, with one click to leave those nodes in float and check again) or offers to
 * trace it.
 */
public final class ResultsPanel extends ScrollPane {
  private final RunViewModel vm;
  private final Label verdict = new Label("Run to see results");
  private final Label figures =
      new Label("Quantize, check parity and benchmark with Run all (Ctrl+R).");
  private final ChartViewer size = viewer("sizeChart");
  private final ChartViewer latency = viewer("latencyChart");
  private final ChartViewer histogram = viewer("histogramChart");
  private final ChartViewer weights = viewer("weightErrorChart");
  private final Map<ChartViewer, Supplier<JFreeChart>> builders = new HashMap<>();
  private final Label adviceText = new Label();
  private final Button excludeCulprits = new Button();
  private final Button trace = new Button("Trace error");
  private final VBox advice = new VBox(6, adviceText, excludeCulprits, trace);
  private final ChartSaver saver;
  private final Label deployText = new Label();
  private final Label deployVerdict = new Label();
  private final TableView<NodeSaturation> deployNodes = new TableView<>();
  private final VBox deploy =
      new VBox(4, new Label("Where it will run"), deployVerdict, deployNodes, deployText);

  /** Asks where to save a chart (a file chooser in the window, a fixed path in tests). */
  public interface ChartSaver {
    /** The file to save the chart in, or null when the user cancels. */
    Path choose(String suggestedName);
  }

  public ResultsPanel(RunViewModel vm, ChartSaver saver) {
    this.vm = vm;
    this.saver = saver;
    setId("resultsPanel");
    setFitToWidth(true);
    verdict.setId("verdictLabel");
    verdict.getStyleClass().add("verdict");
    figures.setId("verdictFigures");
    figures.setWrapText(true);
    GridPane charts = new GridPane();
    charts.setHgap(8);
    charts.setVgap(8);
    charts.add(histogram, 0, 0);
    charts.add(weights, 0, 1);
    charts.add(size, 0, 2);
    charts.add(latency, 0, 3);
    adviceText.setId("traceAdviceText");
    adviceText.setWrapText(true);
    excludeCulprits.setId("excludeCulpritsButton");
    excludeCulprits.setOnAction(e -> vm.excludeAndRecheck(vm.culprits()));
    trace.setId("traceFromResultsButton");
    trace.setOnAction(e -> vm.traceError());
    for (Button button : List.of(excludeCulprits, trace)) {
      button.managedProperty().bind(button.visibleProperty());
      button.disableProperty().bind(vm.runningProperty());
    }
    advice.setId("traceAdvice");
    advice.getStyleClass().add("advice");
    advice.setPadding(new Insets(8));
    advice.managedProperty().bind(advice.visibleProperty());
    deploy.setId("whereItRuns");
    deploy.getStyleClass().add("advice");
    deploy.setPadding(new Insets(8));
    deploy.managedProperty().bind(deploy.visibleProperty());
    deployVerdict.setId("deployVerdict");
    deployVerdict.setWrapText(true);
    deployVerdict.managedProperty().bind(deployVerdict.visibleProperty());
    deployNodes.setId("deployNodes");
    deployNodes.managedProperty().bind(deployNodes.visibleProperty());
    deployNodes.setPrefHeight(160);
    deployNodes.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    deployNodes
        .getColumns()
        .setAll(
            List.of(
                column("Node", n -> Texts.clean(n.node(), 80)),
                column("Kernel", NodeSaturation::kernel),
                column("Saturated", n -> Figures.count(n.saturatedPairs())),
                column("Share", n -> Figures.share(n.saturatedShare())),
                column(
                    "Changed",
                    n ->
                        Figures.share(
                            n.outputs() == 0 ? 0 : n.outputsChanged() / (double) n.outputs())),
                column(
                    "Rel. err",
                    n -> n.relativeError() == null ? "-" : Figures.share(n.relativeError()))));
    // the node's name gets the room; its full text is in the tooltip of the cell's row
    deployNodes.getColumns().get(0).setPrefWidth(170);
    deployNodes.setRowFactory(
        t -> {
          javafx.scene.control.TableRow<NodeSaturation> row = new javafx.scene.control.TableRow<>();
          row.itemProperty()
              .addListener(
                  (o, a, b) ->
                      row.setTooltip(
                          b == null
                              ? null
                              : new javafx.scene.control.Tooltip(
                                  Texts.clean(b.node(), 200) + " (" + b.weight() + ")")));
          return row;
        });
    deployText.setId("whereItRunsText");
    deployText.setWrapText(true);
    VBox box = new VBox(8, verdict, figures, advice, charts, deploy);
    box.setPadding(new Insets(10));
    setContent(box);
    for (ChartViewer v : List.of(histogram, weights, size, latency)) {
      MenuItem save = new MenuItem("Save chart as PNG...");
      save.setId(v.getId() + "Save");
      save.setOnAction(e -> saveChart(v));
      // our own entry replaces the viewer's export menu, which writes in place on the FX thread
      v.getContextMenu().getItems().setAll(save);
    }
    vm.quantizedProperty().addListener((o, a, b) -> update());
    vm.sizesProperty().addListener((o, a, b) -> update());
    vm.parityProperty().addListener((o, a, b) -> update());
    vm.benchProperty().addListener((o, a, b) -> update());
    vm.traceProperty().addListener((o, a, b) -> update());
    vm.deployProperty().addListener((o, a, b) -> update());
    update();
  }

  private static TableColumn<NodeSaturation, String> column(
      String title, java.util.function.Function<NodeSaturation, String> value) {
    TableColumn<NodeSaturation, String> c = new TableColumn<>(title);
    c.setCellValueFactory(d -> new ReadOnlyStringWrapper(value.apply(d.getValue())));
    c.setSortable(false);
    return c;
  }

  private static ChartViewer viewer(String id) {
    ChartViewer v = new ChartViewer(null);
    v.setId(id);
    v.setVisible(false);
    v.setManaged(false);
    v.setPrefSize(520, 300);
    v.setMinHeight(260);
    return v;
  }

  /** Shows a chart, or hides the viewer when there is nothing to show yet. */
  private void show(ChartViewer v, Supplier<JFreeChart> builder) {
    JFreeChart chart = builder == null ? null : builder.get();
    v.setVisible(chart != null);
    v.setManaged(chart != null);
    if (chart != null) {
      v.setChart(chart);
      builders.put(v, builder);
    } else {
      builders.remove(v);
    }
  }

  /** Saves the chart at twice the size shown (at least 1600 px wide), in the background. */
  void saveChart(ChartViewer v) {
    Supplier<JFreeChart> builder = builders.get(v);
    if (builder != null) {
      saveChart(vm, saver, v, builder);
    }
  }

  /**
   * Asks where to save the chart of a viewer and saves it at twice the size shown (at least 1600 px
   * wide), built afresh by {@code builder} in the background.
   */
  static void saveChart(
      RunViewModel vm, ChartSaver saver, ChartViewer v, Supplier<JFreeChart> builder) {
    Path target = saver.choose(v.getId().replace("Chart", "") + ".png");
    if (target == null) {
      return;
    }
    double w = Math.max(v.getWidth(), 520);
    double h = Math.max(v.getHeight(), 300);
    double scale = Math.max(2, 1600 / w);
    vm.saveChart(builder, (int) Math.round(w * scale), (int) Math.round(h * scale), target);
  }

  /**
   * When parity fails: with a trace, the nodes whose error counts most at the outputs and the one
   * click that leaves them in float and checks again; without one, the offer to run it.
   */
  private void advise(ParityReport p) {
    TraceReport t = vm.traceProperty().get();
    List<String> blamed = vm.culprits();
    advice.setVisible(p != null && !p.passed());
    excludeCulprits.setVisible(t != null && !blamed.isEmpty());
    trace.setVisible(t == null);
    if (t == null) {
      adviceText.setText(
          "Where does the error enter? Trace error runs both models with every tensor compared"
              + " and ranks the quantized nodes by their share of the error at the outputs.");
    } else if (blamed.isEmpty()) {
      adviceText.setText(
          "The error trace finds no quantized node whose error reaches the outputs; see the Error"
              + " trace tab.");
    } else {
      List<String> parts = new ArrayList<>();
      for (String node : blamed) {
        NodeError n = t.node(node).orElseThrow();
        parts.add(
            Texts.clean(node, 80)
                + " ("
                + Texts.clean(n.op(), 40)
                + ", "
                + NodeStatuses.share(n.outputShare())
                + " of the output error)");
      }
      adviceText.setText(
          (blamed.size() == 1
                  ? "The error trace finds most of the error at the outputs comes from "
                  : "The error trace finds most of the error at the outputs comes from these"
                      + " nodes: ")
              + String.join(", ", parts)
              + ". Leaving "
              + (blamed.size() == 1 ? "it" : "them")
              + " in float may make parity pass.");
      excludeCulprits.setText(
          blamed.size() == 1
              ? "Leave it in float and check parity"
              : "Leave these " + blamed.size() + " in float and check parity");
    }
  }

  private void update() {
    DynamicQuantizer.Output q = vm.quantizedProperty().get();
    RunViewModel.Sizes z = vm.sizesProperty().get();
    ParityReport p = vm.parityProperty().get();
    BenchReport b = vm.benchProperty().get();
    verdict.getStyleClass().removeAll("passed", "failed");
    if (p != null) {
      verdict.setText(p.passed() ? "PASSED" : "FAILED");
      verdict.getStyleClass().add(p.passed() ? "passed" : "failed");
      figures.setText(
          (p.describeMetric() == null ? "" : p.describeMetric() + " · ")
              + String.format(
                  Locale.ROOT,
                  "max |d| %.5f (tolerance %s) · mean |d| %.5f (tolerance %s) · %s · %d"
                      + " decision flips%s",
                  p.maxAbsDiff(),
                  p.absTol(),
                  p.meanAbsDiff(),
                  p.meanTol(),
                  p.describeRuns(),
                  p.decisionFlips(),
                  batchNote(p)));
    } else if (q != null) {
      verdict.setText("Quantized");
      figures.setText(
          q.result().quantizedCount()
              + " of "
              + q.result().candidateCount()
              + " nodes quantized. Check parity to get a verdict.");
    } else {
      verdict.setText("Run to see results");
      figures.setText("Quantize, check parity and benchmark with Run all (Ctrl+R).");
    }
    advise(p);
    whereItRuns(q);
    show(histogram, p == null ? null : () -> ParityCharts.differenceHistogram(p));
    show(weights, q == null ? null : () -> WeightErrorCharts.weightError(q.result(), 20));
    show(size, z == null ? null : () -> SizeCharts.modelSize(z.fp32Bytes(), z.int8Bytes()));
    show(
        latency,
        b == null || b.models().size() < 2
            ? null
            : () -> LatencyCharts.latency(b.models().get(0), b.models().get(1)));
  }

  /**
   * What ONNX Runtime's targets cannot run of the int8 model (a scan of its nodes' op types, no
   * weights read), and where to check the CPUs without VNNI.
   */
  private void whereItRuns(DynamicQuantizer.Output q) {
    deploy.setVisible(q != null);
    if (q == null) {
      return;
    }
    DeployReport d = vm.deployProperty().get();
    deployVerdict.setVisible(d != null);
    deployNodes.setVisible(d != null && !d.saturation().nodes().isEmpty());
    if (d != null) {
      SaturationReport s = d.saturation();
      StringBuilder v = new StringBuilder(Texts.clean(d.verdict(), 400));
      v.append(
          String.format(Locale.ROOT, "%nEmulated on %d samples in %d runs", s.samples(), s.runs()));
      for (String note : s.notes()) {
        v.append("\nnote: ").append(Texts.clean(note, 300));
      }
      deployVerdict.setText(v.toString());
      deployNodes.getItems().setAll(s.nodes());
    } else {
      deployNodes.getItems().clear();
    }
    StringBuilder sb = new StringBuilder();
    try {
      List<RuntimeSupport.Problem> problems = RuntimeSupport.problems(q.model());
      if (problems.isEmpty()) {
        sb.append("No known problem on ONNX Runtime's CPU EP, onnxruntime-web, the CUDA EP or the")
            .append(" reduced ORT Mobile package.");
      }
      for (RuntimeSupport.Problem x : problems) {
        sb.append(sb.length() == 0 ? "" : "\n")
            .append(x.target())
            .append(": ")
            .append(Texts.clean(x.message(), 300))
            .append(" (")
            .append(x.nodes())
            .append(x.nodes() == 1 ? " node)" : " nodes)");
      }
    } catch (org.quantscope.model.ModelFormatException e) {
      sb.append("Cannot tell: ").append(Texts.clean(e.getMessage(), 300));
    }
    if (d == null) {
      sb.append(
              "\nWhether CPUs without VNNI (AVX2) saturate its int8 products: Run > Check deploy,")
          .append(" or quantscope check-deploy MODEL.int8.onnx --float MODEL.onnx.");
    }
    deployText.setText(sb.toString());
  }

  /** A second line when one row per run gives the other verdict (the batch decides it). */
  private static String batchNote(ParityReport p) {
    if (p.batchOne() == null || p.batchOne().passed() == p.passed()) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        "%nOne row per run it %s (%s): this verdict holds for batch %d, as dynamic quantization"
            + " takes one activation scale per run. Set Rows per run in Options to the batch the"
            + " model will see.",
        p.batchOne().passed() ? "passes" : "fails",
        batchOneFigure(p.batchOne()),
        p.batch());
  }

  /** The one-row-per-run figure of the verdict's metric. */
  static String batchOneFigure(ParityReport.AtBatchOne one) {
    if (one.rowCosineMin() != null) {
      return "min row cosine " + Figures.cosine(one.rowCosineMin());
    }
    if (one.top1Agreement() != null) {
      return "top-1 agreement " + Figures.share(one.top1Agreement());
    }
    return String.format(
        Locale.ROOT, "max |d| %.5f, mean |d| %.5f", one.maxAbsDiff(), one.meanAbsDiff());
  }
}
