// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.quantscope.graph.GraphLayout;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.graph.Scope;
import org.quantscope.model.OnnxModel;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.report.Figures;
import org.quantscope.trace.NodeError;
import org.quantscope.trace.TraceReport;

/**
 * The graph panel's state: which graph of the model is shown (the main graph or an If/Loop body),
 * its layout (computed in the background, cancellable), the status of every node (and after an
 * error trace which error the graph is coloured by), and the selected node, which the nodes table
 * shares.
 */
public final class GraphViewModel {
  private final JobRunner jobs;
  private JobRunner.Handle layoutJob;
  private long generation;

  // Properties

  private final ObservableList<Scope> scopes = FXCollections.observableArrayList();
  private final ObjectProperty<Scope> scope = new SimpleObjectProperty<>(this, "scope");
  private final ReadOnlyObjectWrapper<GraphLayout.Result> layout =
      new ReadOnlyObjectWrapper<>(this, "layout");
  private final ReadOnlyBooleanWrapper layingOut = new ReadOnlyBooleanWrapper(this, "layingOut");
  private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
  private final ReadOnlyObjectWrapper<Map<String, NodeStatus>> statuses =
      new ReadOnlyObjectWrapper<>(this, "statuses", Map.of());
  private final StringProperty selected = new SimpleStringProperty(this, "selected");
  private final BooleanProperty propagated = new SimpleBooleanProperty(this, "propagated");

  public GraphViewModel(JobRunner jobs) {
    this.jobs = jobs;
    scope.addListener((o, a, b) -> layout());
  }

  /** The graphs of the open model: the main graph first, then every subgraph. */
  public ObservableList<Scope> scopes() {
    return scopes;
  }

  public ObjectProperty<Scope> scopeProperty() {
    return scope;
  }

  public ReadOnlyObjectProperty<GraphLayout.Result> layoutProperty() {
    return layout.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty layingOutProperty() {
    return layingOut.getReadOnlyProperty();
  }

  /** What the graph panel says when there is no layout (computing, cancelled, failed). */
  public ReadOnlyStringProperty messageProperty() {
    return message.getReadOnlyProperty();
  }

  /** Node id to how it is shown. */
  public ReadOnlyObjectProperty<Map<String, NodeStatus>> statusesProperty() {
    return statuses.getReadOnlyProperty();
  }

  /**
   * After an error trace, whether the graph shows the error at each node's output (what it carries,
   * made there or upstream) rather than the error it introduces.
   */
  public BooleanProperty propagatedProperty() {
    return propagated;
  }

  /** The selected node's id (shared with the nodes table), or null. */
  public StringProperty selectedProperty() {
    return selected;
  }

  // Commands

  /** Shows a new model: its main graph, laid out in the background. */
  public void setModel(OnnxModel model) {
    cancelLayout();
    layout.set(null);
    selected.set(null);
    if (model == null) {
      scopes.clear();
      return;
    }
    scopes.setAll(Scope.all(model.graph()));
    if (scope.get() == scopes.get(0)) {
      layout();
    } else {
      scope.set(scopes.get(0));
    }
  }

  /** Lays out the current graph again (after a cancelled layout, say). */
  public void layout() {
    Scope s = scope.get();
    cancelLayout();
    if (s == null) {
      return;
    }
    long mine = ++generation;
    layingOut.set(true);
    message.set("Laying out " + s.graph().getNodeCount() + " nodes ...");
    layoutJob =
        jobs.submit(
            "Lay out the graph",
            p -> GraphLayout.layout(s, GraphLayout.Options.DEFAULTS, p),
            r -> {
              if (mine == generation) {
                layingOut.set(false);
                message.set("");
                layout.set(r);
              }
            },
            t -> {
              if (mine == generation) {
                layingOut.set(false);
                message.set(
                    t instanceof CancellationException
                        ? "Layout cancelled. Press Lay out to try again."
                        : "Cannot lay out this graph: " + t.getMessage());
              }
            });
  }

  public void cancelLayout() {
    if (layoutJob != null && layingOut.get()) {
      layoutJob.cancel();
    }
  }

  /**
   * Recomputes the node statuses from the verdicts, the user's exclusions, the last quantization
   * result, the sensitivity impact of each analysed node and the last error trace. The graph is
   * coloured by the trace when one is given (by the error each node introduces, or with {@link
   * #propagatedProperty} the error at its output), else by impact (empty before an analysis), else
   * by weight SQNR.
   *
   * @param trace the error trace to colour by, or null
   */
  public void updateStatuses(
      List<QuantizableNode> verdicts,
      java.util.Set<String> excluded,
      QuantizationResult result,
      Map<String, Double> impacts,
      TraceReport trace) {
    Map<String, Double> sqnr = new HashMap<>();
    if (result != null) {
      for (QuantizationResult.NodeReport r : result.quantized()) {
        double worst = Double.NaN;
        for (QuantizationResult.WeightReport w : r.weights()) {
          worst = Double.isNaN(worst) ? w.sqnrDb() : Math.min(worst, w.sqnrDb());
        }
        sqnr.put(r.node(), worst);
      }
    }
    Map<String, NodeError> traced = new HashMap<>();
    if (trace != null) {
      trace.nodes().forEach(n -> traced.put(n.node(), n));
    }
    boolean byOutput = propagated.get();
    Map<String, NodeStatus> m = new HashMap<>();
    for (QuantizableNode v : verdicts) {
      NodeStatus.Kind kind;
      String detail;
      if (excluded.contains(v.node())) {
        kind = NodeStatus.Kind.EXCLUDED;
        detail = "excluded by you (nodes_to_exclude)";
      } else if (v.willQuantize()) {
        kind = NodeStatus.Kind.WILL_QUANTIZE;
        detail = v.action();
      } else {
        kind = NodeStatus.Kind.CANNOT;
        detail = v.reason();
      }
      Double impact = trace == null ? impacts.get(v.node()) : null;
      if (impact != null && kind == NodeStatus.Kind.WILL_QUANTIZE) {
        detail = detail + String.format(java.util.Locale.ROOT, "\nsensitivity impact %.2f", impact);
      }
      NodeError e = traced.get(v.node());
      double error = Double.NaN;
      if (e != null) {
        detail =
            detail
                + "\nerror introduced here "
                + db(e.introducedDb())
                + ", at its output "
                + db(e.outputSqnrDb())
                + "; "
                + share(e.outputShare())
                + " of the output error (trace rank "
                + e.rank()
                + ")";
        Double shown = byOutput ? e.outputSqnrDb() : e.introducedDb();
        error = shown == null ? Double.NaN : shown;
      }
      m.put(
          v.node(),
          new NodeStatus(
              kind,
              detail,
              sqnr.getOrDefault(v.node(), Double.NaN),
              impact == null || kind == NodeStatus.Kind.CANNOT ? Double.NaN : impact,
              error));
    }
    statuses.set(m);
  }

  /** A node's share of the error at the graph outputs as a percentage, "-" when unknown. */
  static String share(Double v) {
    return v == null || v.isNaN() ? "-" : String.format(java.util.Locale.ROOT, "%.1f%%", 100 * v);
  }

  /** A traced figure in dB, "-" when unknown. */
  static String db(Double v) {
    return v == null ? "-" : Figures.db(v + 0.0);
  }
}
