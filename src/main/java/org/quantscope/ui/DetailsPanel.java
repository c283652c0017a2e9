// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import org.quantscope.graph.GraphIndex;
import org.quantscope.graph.NodeId;
import org.quantscope.graph.Scope;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.quantize.QuantMath;
import org.quantscope.quantize.QuantType;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.quantize.Summaries;
import org.quantscope.quantize.WeightQuantizer;
import org.quantscope.report.Figures;
import org.quantscope.report.Texts;
import org.quantscope.report.WeightCharts;

/**
 * The selected node: op, name, attributes, inputs and outputs with their types and shapes, and for
 * a weight the histogram of its values with the 8-bit grid over it, or its per-channel scales.
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
    box.getChildren().add(facts);
    weightChart(model, gi, n);
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

  /** Computes the weight chart in the background and shows it when done. */
  private void weightChart(OnnxModel model, GraphIndex gi, NodeProto n) {
    String weight = weightOf(n);
    Optional<TensorProto> t = weight == null ? Optional.empty() : gi.initializer(weight);
    if (t.isEmpty() || !gi.isFloat(weight)) {
      return;
    }
    long mine = generation;
    QuantizeOptions o = vm.options().quantizeOptions();
    Label waiting = new Label(Texts.clean("Reading " + weight + " ..."));
    box.getChildren().add(waiting);
    jobs.submit(
        "Weight chart",
        p -> chartFor(model, t.get(), n, o),
        c -> {
          if (mine == generation) {
            box.getChildren().remove(waiting);
            chart.setChart(c);
            box.getChildren().add(chart);
          }
        },
        e -> {
          if (mine == generation) {
            waiting.setText(Texts.clean("Cannot read " + weight + ": " + e.getMessage()));
          }
        });
  }

  static JFreeChart chartFor(OnnxModel model, TensorProto t, NodeProto n, QuantizeOptions o)
      throws Exception {
    float[] values = model.floats(t);
    String op = n.getOpType();
    boolean channels =
        o.perChannel() && (op.equals("MatMul") || op.equals("Gemm") || op.equals("Attention"));
    if (channels && t.getDimsCount() >= 1) {
      boolean transB =
          op.equals("Gemm")
              && n.getAttributeList().stream()
                  .anyMatch(a -> a.getName().equals("transB") && a.getI() != 0);
      int axis = transB ? 0 : t.getDimsCount() - 1;
      var w =
          WeightQuantizer.quantize(
              FloatBuffer.wrap(values),
              Tensors.dims(t),
              axis,
              o.weightType(),
              o.symmetricWeights(o.weightType()),
              o.reduceRange(),
              Double.NaN);
      return WeightCharts.channelScales(t.getName(), w.scales());
    }
    QuantType type =
        op.equals("Gather")
            ? QuantType.QUInt8
            : op.equals("LSTM") ? QuantType.QInt8 : o.weightType();
    boolean symmetric = op.equals("Gather") ? o.symmetricTables() : o.symmetricWeights(type);
    boolean rr = !op.equals("Gather") && o.reduceRange();
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    QuantMath.Params p =
        QuantMath.params(min, max, type, symmetric, rr, Double.NaN, values.length == 0);
    return WeightCharts.histogram(t.getName(), values, p.scale(), p.zeroPoint(), type);
  }

  private static String weightOf(NodeProto n) {
    int k =
        switch (n.getOpType()) {
          case "MatMul", "Gemm", "Conv", "LSTM", "Attention" -> 1;
          case "Gather" -> 0;
          default -> -1;
        };
    return k >= 0 && n.getInputCount() > k ? n.getInput(k) : null;
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
    Label v = new Label(Texts.clean(value));
    v.setWrapText(true);
    grid.addRow(row, l, v);
    return row + 1;
  }
}
