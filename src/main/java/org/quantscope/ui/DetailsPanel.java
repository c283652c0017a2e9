// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import org.quantscope.graph.GraphIndex;
import org.quantscope.graph.NodeId;
import org.quantscope.graph.Scope;
import org.quantscope.model.OnnxModel;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.quantize.Quantizability;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.quantize.QuantizedWeight;
import org.quantscope.quantize.Summaries;
import org.quantscope.quantize.WeightPreview;
import org.quantscope.report.Figures;
import org.quantscope.report.Texts;
import org.quantscope.report.TraceCharts;
import org.quantscope.report.WeightCharts;
import org.quantscope.trace.ActivationReport;
import org.quantscope.trace.NodeError;
import org.quantscope.trace.TraceReport;

/**
 * The selected node: op, name, attributes, inputs and outputs with their types and shapes, and for
 * a weight the histogram of its values with the 8-bit grid over it, or its per-channel scales:
 * exactly what the quantizer uses with the current options, asked from {@link WeightPreview}. After
 * an error trace, a quantized node also shows where it stands in the trace and the histogram of the
 * input it quantizes to uint8 at run time, with the uint8 grid.
 */
public final class DetailsPanel extends ScrollPane {
  private final MainViewModel vm;
  private final JobRunner jobs;
  private final VBox box = new VBox(8);
  private final ChartViewer chart = new ChartViewer(null);
  private long generation;

  public DetailsPanel(MainViewModel vm, JobRunner jobs) {
    this.vm = vm;
    this.jobs = jobs;
    setId("detailsPanel");
    setFitToWidth(true);
    box.setPadding(new Insets(10));
    chart.setId("weightChart");
    chart.setPrefHeight(260);
    chart.setMinHeight(220);
    setContent(box);
    vm.graph().selectedProperty().addListener((o, a, b) -> show(b));
    vm.graph().scopeProperty().addListener((o, a, b) -> show(vm.graph().selectedProperty().get()));
    vm.runs().traceProperty().addListener((o, a, b) -> show(vm.graph().selectedProperty().get()));
    show(null);
  }

  private void show(String id) {
    generation++;
    box.getChildren().clear();
    OnnxModel model = vm.modelProperty().get();
    Scope scope = vm.graph().scopeProperty().get();
    if (id == null || model == null || scope == null) {
      Label hint = new Label("Select a node in the graph or the table to see its details.");
      hint.setWrapText(true);
      box.getChildren().add(hint);
      return;
    }
    Optional<Integer> found = find(scope, id);
    if (found.isEmpty()) {
      box.getChildren().add(new Label(id + " is not in this graph."));
      return;
    }
    int index = found.get();
    NodeProto n = scope.graph().getNode(index);
    GraphIndex gi = GraphIndex.of(scope, null);
    Label title =
        new Label(Texts.clean(n.getOpType() + (n.getName().isEmpty() ? "" : "  " + n.getName())));
    title.getStyleClass().add("section-title");
    title.setId("detailsTitle");
    title.setWrapText(true);
    box.getChildren().add(title);
    GridPane facts = new GridPane();
    facts.setHgap(10);
    facts.setVgap(4);
    int row = 0;
    row = fact(facts, row, "id", id);
    if (!n.getDomain().isEmpty()) {
      row = fact(facts, row, "domain", n.getDomain());
    }
    for (AttributeProto a : n.getAttributeList()) {
      row = fact(facts, row, a.getName(), attribute(a));
    }
    for (int i = 0; i < n.getInputCount(); i++) {
      row = fact(facts, row, i == 0 ? "inputs" : "", value(gi, n.getInput(i)));
    }
    for (int i = 0; i < n.getOutputCount(); i++) {
      row = fact(facts, row, i == 0 ? "outputs" : "", value(gi, n.getOutput(i)));
    }
    vm.verdictsProperty().get().stream()
        .filter(v -> v.node().equals(id))
        .findFirst()
        .ifPresent(
            v ->
                fact(
                    facts,
                    facts.getRowCount(),
                    "verdict",
                    v.willQuantize() ? v.action() : v.reason()));
    TraceReport trace = scope.isMain() ? vm.runs().traceProperty().get() : null;
    Optional<NodeError> traced = trace == null ? Optional.empty() : trace.node(id);
    traced.ifPresent(
        e ->
            fact(
                facts,
                facts.getRowCount(),
                "error trace",
                String.format(
                    Locale.ROOT,
                    "rank %d of %d · %s of the output error · introduced %s · output %s · input %s"
                        + " · uint8 input %s",
                    e.rank(),
                    trace.nodes().size(),
                    NodeStatuses.share(e.outputShare()),
                    NodeStatuses.db(e.introducedDb()),
                    NodeStatuses.db(e.outputSqnrDb()),
                    NodeStatuses.db(e.inputSqnrDb()),
                    NodeStatuses.db(e.activationSqnrDb()))));
    box.getChildren().add(facts);
    traced.ifPresent(e -> activationCharts(trace, e));
    weightChart(model, scope, index, n);
  }

  /**
   * The histogram of each input the node quantizes to uint8 at run time, as the trace saw it, with
   * the uint8 grid of its widest run.
   */
  private void activationCharts(TraceReport trace, NodeError node) {
    int i = 0;
    for (String name : node.activations()) {
      Optional<ActivationReport> a = trace.activation(name);
      if (a.isPresent()) {
        Label caption =
            new Label(
                "Input "
                    + Texts.clean(name, 80)
                    + ", squeezed to uint8 at run time (as the error trace saw it), with the"
                    + " uint8 levels of its widest run:");
        caption.setWrapText(true);
        caption.getStyleClass().add("fact-label");
        box.getChildren().add(caption);
        ChartViewer v = new ChartViewer(TraceCharts.activation(a.get()));
        v.setId(i == 0 ? "activationChart" : "activationChart" + i);
        v.setPrefHeight(260);
        v.setMinHeight(220);
        box.getChildren().add(v);
        i++;
      }
    }
  }

  private static Optional<Integer> find(Scope scope, String id) {
    List<NodeProto> nodes = scope.graph().getNodeList();
    for (int i = 0; i < nodes.size(); i++) {
      if (NodeId.of(scope, nodes.get(i), i).equals(id)) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  /**
   * Asks the quantizer, in the background, how it quantizes the node's weight with the current
   * options, and shows the histogram with its 8-bit grid (one scale) or the channel scales.
   */
  private void weightChart(OnnxModel model, Scope scope, int index, NodeProto n) {
    String weight = Quantizability.weightInput(n);
    if (weight == null || weight.isEmpty()) {
      return;
    }
    long mine = generation;
    QuantizeOptions o = vm.options().quantizeOptions();
    Label waiting = new Label(Texts.clean("Reading " + weight + " ..."));
    box.getChildren().add(waiting);
    jobs.submit(
        "Weight chart",
        p -> chartFor(WeightPreview.forNode(model, scope, index, o)),
        c -> {
          if (mine == generation) {
            box.getChildren().remove(waiting);
            if (c.isPresent()) {
              chart.setChart(c.get());
              box.getChildren().add(chart);
            }
          }
        },
        e -> {
          if (mine == generation) {
            waiting.setText(Texts.clean("Cannot read " + weight + ": " + e.getMessage()));
          }
        });
  }

  /** The chart of the first weight the node quantizes, if it quantizes a constant. */
  static Optional<JFreeChart> chartFor(List<WeightPreview> previews) {
    if (previews.isEmpty()) {
      return Optional.empty();
    }
    WeightPreview p = previews.get(0);
    QuantizedWeight w = p.weight();
    if (w.scales().length > 1) {
      return Optional.of(WeightCharts.channelScales(p.name(), w.scales()));
    }
    return Optional.of(
        WeightCharts.histogram(p.name(), p.values(), w.scales()[0], w.zeroPoints()[0], w.type()));
  }

  private static String value(GraphIndex gi, String name) {
    if (name.isEmpty()) {
      return "(none)";
    }
    Optional<TensorProto> t = gi.initializer(name);
    String type = gi.elementType(name).map(e -> e.onnxName()).orElse("?");
    if (t.isPresent()) {
      return name + "  " + type + " " + Figures.shape(t.get().getDimsList()) + "  (initializer)";
    }
    for (var v : gi.graph().getInputList()) {
      if (v.getName().equals(name)) {
        return name + "  " + Summaries.typeString(v.getType()) + "  (graph input)";
      }
    }
    return name + "  " + type;
  }

  private static String attribute(AttributeProto a) {
    return switch (a.getType()) {
      case FLOAT -> String.format(Locale.ROOT, "%g", a.getF());
      case INT -> Long.toString(a.getI());
      case STRING -> a.getS().toStringUtf8();
      case INTS -> a.getIntsList().toString();
      case FLOATS -> a.getFloatsList().toString();
      case TENSOR -> "tensor " + Figures.shape(a.getT().getDimsList());
      case GRAPH -> "graph with " + a.getG().getNodeCount() + " nodes";
      case GRAPHS -> a.getGraphsCount() + " graphs";
      default -> a.getType().name().toLowerCase(Locale.ROOT);
    };
  }

  private static int fact(GridPane grid, int row, String label, String value) {
    Label l = new Label(Texts.clean(label, 40));
    l.getStyleClass().add("fact-label");
    l.setMinWidth(Region.USE_PREF_SIZE);
    Label v = new Label(Texts.clean(value));
    v.setWrapText(true);
    grid.addRow(row, l, v);
    return row + 1;
  }
}
