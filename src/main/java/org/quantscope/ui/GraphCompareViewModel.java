// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.quantscope.graph.GraphLayout;
import org.quantscope.graph.RepeatedBlocks;
import org.quantscope.graph.RewriteMatch;
import org.quantscope.graph.Scope;
import org.quantscope.model.OnnxModel;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.report.Figures;
import org.quantscope.trace.NodeError;
import org.quantscope.trace.TraceReport;

/**
 * The *Compare graphs* window's state: the float graph and the int8 graph laid out side by side (in
 * the background), their nodes matched through the rewrite ({@link RewriteMatch}), each side's
 * colours (quantized nodes by the SQNR of their weight on both sides; nodes only in the float model
 * or only in the int8 model marked; after an error trace, the error each node introduces) and one
 * selection shown on both sides. A graph the window would open collapsed (above 300 nodes) is drawn
 * with its repeated blocks collapsed on both sides, the boxes matched by position.
 */
public final class GraphCompareViewModel {
  private final JobRunner jobs;
  private RewriteMatch match;
  private final Map<String, String> blockToInt8 = new HashMap<>();
  private final Map<String, String> blockToFloat = new HashMap<>();
  private final Map<String, String> floatBox = new HashMap<>();
  private final Map<String, String> int8Box = new HashMap<>();

  // Properties

  private final ReadOnlyObjectWrapper<GraphLayout.Result> floatLayout =
      new ReadOnlyObjectWrapper<>(this, "floatLayout");
  private final ReadOnlyObjectWrapper<GraphLayout.Result> int8Layout =
      new ReadOnlyObjectWrapper<>(this, "int8Layout");
  private final ReadOnlyObjectWrapper<Map<String, NodeStatus>> floatStatuses =
      new ReadOnlyObjectWrapper<>(this, "floatStatuses", Map.of());
  private final ReadOnlyObjectWrapper<Map<String, NodeStatus>> int8Statuses =
      new ReadOnlyObjectWrapper<>(this, "int8Statuses", Map.of());
  private final ReadOnlyStringWrapper floatSelected = new ReadOnlyStringWrapper(this, "floatSel");
  private final ReadOnlyStringWrapper int8Selected = new ReadOnlyStringWrapper(this, "int8Sel");
  private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");

  public GraphCompareViewModel(JobRunner jobs) {
    this.jobs = jobs;
  }

  public ReadOnlyObjectProperty<GraphLayout.Result> floatLayoutProperty() {
    return floatLayout.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<GraphLayout.Result> int8LayoutProperty() {
    return int8Layout.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<Map<String, NodeStatus>> floatStatusesProperty() {
    return floatStatuses.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<Map<String, NodeStatus>> int8StatusesProperty() {
    return int8Statuses.getReadOnlyProperty();
  }

  /** The selected float node, or null. */
  public ReadOnlyStringProperty floatSelectedProperty() {
    return floatSelected.getReadOnlyProperty();
  }

  /** The int8 node shown for the selection (the one writing the float node's output), or null. */
  public ReadOnlyStringProperty int8SelectedProperty() {
    return int8Selected.getReadOnlyProperty();
  }

  /** What is being done, or how many nodes were matched, added and removed. */
  public ReadOnlyStringProperty messageProperty() {
    return message.getReadOnlyProperty();
  }

  /** The match, once both graphs are laid out; null before. */
  public RewriteMatch match() {
    return match;
  }

  // Commands

  /** Lays out and matches the main graphs of the two models. */
  public void show(OnnxModel fp32, OnnxModel int8, QuantizationResult result) {
    show(fp32, int8, result, null);
  }

  /**
   * Lays out and matches the main graphs of the two models; after an error trace of the int8 model,
   * both sides are coloured by the error each node introduces (the int8 nodes standing for a float
   * node carry its figure).
   *
   * @param trace the last error trace of {@code int8}, or null
   */
  public void show(OnnxModel fp32, OnnxModel int8, QuantizationResult result, TraceReport trace) {
    message.set("Laying out both graphs ...");
    record Both(RewriteMatch match, GraphLayout.Result a, GraphLayout.Result b) {}
    jobs.submit(
        "Compare graphs",
        p -> {
          RewriteMatch m = RewriteMatch.match(fp32.graph(), int8.graph());
          // a big graph is drawn with its blocks collapsed on both sides, as in the window
          boolean big = fp32.graph().getNodeCount() > GraphViewModel.COLLAPSE_ABOVE;
          GraphLayout.Result a =
              GraphLayout.layout(
                  Scope.all(fp32.graph()).get(0),
                  GraphLayout.Options.DEFAULTS,
                  big ? collapsed(fp32) : List.of(),
                  p.part(0, 2, "float: "));
          GraphLayout.Result b =
              GraphLayout.layout(
                  Scope.all(int8.graph()).get(0),
                  GraphLayout.Options.DEFAULTS,
                  big ? collapsed(int8) : List.of(),
                  p.part(1, 2, "int8: "));
          return new Both(m, a, b);
        },
        r -> {
          match = r.match();
          blocks(r.a(), r.b());
          colour(result, trace);
          floatLayout.set(r.a());
          int8Layout.set(r.b());
          message.set(
              r.match().toRewritten().size()
                  + " float nodes matched, "
                  + r.match().removed().size()
                  + " only in the float model, "
                  + r.match().added().size()
                  + " only in the int8 model");
        },
        t -> message.set("Cannot compare the graphs: " + t.getMessage()));
  }

  /** Selects a float node and shows the int8 node standing for it. */
  public void selectFloat(String id) {
    floatSelected.set(id);
    if (id != null && blockToInt8.containsKey(id)) {
      int8Selected.set(blockToInt8.get(id));
      return;
    }
    List<String> b = id == null || match == null ? null : match.toRewritten().get(id);
    int8Selected.set(b == null ? null : drawn(int8Box, primary(id, b)));
  }

  /** Selects an int8 node and shows the float node it stands for. */
  public void selectInt8(String id) {
    int8Selected.set(id);
    if (id != null && blockToFloat.containsKey(id)) {
      floatSelected.set(blockToFloat.get(id));
      return;
    }
    List<String> a = id == null || match == null ? null : match.toOriginal().get(id);
    floatSelected.set(a == null ? null : drawn(floatBox, a.get(0)));
  }

  /** The box drawing node {@code id}: its own, or the collapsed box holding it. */
  private static String drawn(Map<String, String> boxOf, String id) {
    return boxOf.getOrDefault(id, id);
  }

  /** The repeated blocks of a model's main graph, each run collapsed. */
  private static List<GraphLayout.Collapsed> collapsed(OnnxModel m) {
    return RepeatedBlocks.collapsed(RepeatedBlocks.find(m.graph()), Map.of());
  }

  /**
   * Matches the collapsed boxes of the two sides by position (the first float box with the first
   * int8 box, and so on) and notes which box draws each collapsed node.
   */
  private void blocks(GraphLayout.Result a, GraphLayout.Result b) {
    blockToInt8.clear();
    blockToFloat.clear();
    floatBox.clear();
    int8Box.clear();
    List<String> fa = List.copyOf(a.inside().keySet());
    List<String> ib = List.copyOf(b.inside().keySet());
    for (int i = 0; i < Math.min(fa.size(), ib.size()); i++) {
      blockToInt8.put(fa.get(i), ib.get(i));
      blockToFloat.put(ib.get(i), fa.get(i));
    }
    a.inside().forEach((box, ids) -> ids.forEach(id -> floatBox.put(id, box)));
    b.inside().forEach((box, ids) -> ids.forEach(id -> int8Box.put(id, box)));
  }

  /** The int8 node shown for a float node: the one with its name, else the chain's last one. */
  private static String primary(String floatId, List<String> int8Ids) {
    return int8Ids.contains(floatId) ? floatId : int8Ids.get(int8Ids.size() - 1);
  }

  /** Colours: weight SQNR of quantized nodes on both sides, and what only one side has. */
  private void colour(QuantizationResult result, TraceReport trace) {
    Map<String, Double> sqnr = NodeStatuses.worstWeightSqnr(result);
    Map<String, NodeStatus> a = new HashMap<>();
    Map<String, NodeStatus> b = new HashMap<>();
    for (String removed : match.removed()) {
      a.put(
          removed,
          new NodeStatus(NodeStatus.Kind.CANNOT, "only in the float model", nan(), nan(), nan()));
    }
    for (String added : match.added()) {
      b.put(
          added,
          new NodeStatus(NodeStatus.Kind.EXCLUDED, "only in the int8 model", nan(), nan(), nan()));
    }
    sqnr.forEach(
        (node, db) -> {
          List<String> chain = match.toRewritten().getOrDefault(node, List.of());
          String detail = "quantized: " + chain.size() + " int8 nodes stand for it";
          a.put(node, new NodeStatus(NodeStatus.Kind.WILL_QUANTIZE, detail, db, nan(), nan()));
          for (String id : chain) {
            b.put(
                id,
                new NodeStatus(
                    NodeStatus.Kind.WILL_QUANTIZE,
                    "part of " + node + " quantized",
                    db,
                    nan(),
                    nan()));
          }
        });
    if (trace != null) {
      for (NodeError e : trace.nodes()) {
        if (e.introducedDb() == null) {
          continue;
        }
        String figure = "error introduced here " + Figures.db(e.introducedDb());
        a.put(e.node(), traced(a.get(e.node()), figure, e.introducedDb()));
        for (String id : match.toRewritten().getOrDefault(e.node(), List.of())) {
          b.put(id, traced(b.get(id), figure + " (" + e.node() + ")", e.introducedDb()));
        }
      }
    }
    summarise(a, floatBox);
    summarise(b, int8Box);
    floatStatuses.set(a);
    int8Statuses.set(b);
  }

  /**
   * Adds a status for each collapsed box: how many nodes inside are quantized, the worst weight
   * SQNR and the worst traced error inside (the box is coloured by the worst).
   */
  private static void summarise(Map<String, NodeStatus> m, Map<String, String> boxOf) {
    Map<String, double[]> worst = new HashMap<>();
    Map<String, int[]> counts = new HashMap<>();
    boxOf.forEach(
        (id, box) -> {
          NodeStatus st = m.get(id);
          double[] w = worst.computeIfAbsent(box, k -> new double[] {nan(), nan()});
          int[] c = counts.computeIfAbsent(box, k -> new int[1]);
          if (st == null) {
            return;
          }
          if (st.kind() == NodeStatus.Kind.WILL_QUANTIZE) {
            c[0]++;
          }
          w[0] = low(w[0], st.sqnrDb());
          w[1] = low(w[1], st.errorDb());
        });
    worst.forEach(
        (box, w) -> {
          int quantized = counts.get(box)[0];
          String detail =
              quantized
                  + " quantized inside"
                  + (Double.isNaN(w[0]) ? "" : "; worst weight SQNR " + Figures.db(w[0]))
                  + (Double.isNaN(w[1]) ? "" : "; worst error introduced " + Figures.db(w[1]));
          m.put(
              box,
              new NodeStatus(
                  quantized > 0 ? NodeStatus.Kind.WILL_QUANTIZE : NodeStatus.Kind.OTHER,
                  detail,
                  w[0],
                  nan(),
                  w[1]));
        });
  }

  private static double low(double worst, double v) {
    return Double.isNaN(v) ? worst : Double.isNaN(worst) ? v : Math.min(worst, v);
  }

  /** A status with a traced error: the colour follows the error, the rest stays. */
  private static NodeStatus traced(NodeStatus st, String figure, double errorDb) {
    return st == null
        ? new NodeStatus(NodeStatus.Kind.OTHER, figure, nan(), nan(), errorDb)
        : new NodeStatus(st.kind(), st.detail() + "\n" + figure, st.sqnrDb(), nan(), errorDb);
  }

  private static double nan() {
    return Double.NaN;
  }
}
