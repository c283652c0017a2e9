// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.quantscope.graph.GraphLayout;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.report.Figures;
import org.quantscope.trace.NodeError;
import org.quantscope.trace.TraceReport;

/**
 * How each node of the graph is shown ({@link NodeStatus}): from the verdicts, the user's
 * exclusions, the last quantization, the sensitivity impacts and the last error trace; and what a
 * box of collapsed blocks shows, summing up the nodes inside. {@link GraphViewModel} keeps the
 * result for the graph on screen.
 */
final class NodeStatuses {
  private NodeStatuses() {}

  /**
   * The status of every quantizable node. Coloured by the trace when one is given (by the error
   * each node introduces, or with {@code byOutput} the error at its output), else by impact (empty
   * before an analysis), else by weight SQNR.
   *
   * @param trace the error trace to colour by, or null
   */
  static Map<String, NodeStatus> of(
      List<QuantizableNode> verdicts,
      java.util.Set<String> excluded,
      QuantizationResult result,
      Map<String, Double> impacts,
      TraceReport trace,
      boolean byOutput) {
    Map<String, Double> sqnr = worstWeightSqnr(result);
    Map<String, NodeError> traced = new HashMap<>();
    if (trace != null) {
      trace.nodes().forEach(n -> traced.put(n.node(), n));
    }
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
    return m;
  }

  /** Each quantized node's worst weight SQNR in dB; empty without a result. */
  static Map<String, Double> worstWeightSqnr(QuantizationResult result) {
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
    return sqnr;
  }

  /**
   * What a collapsed box shows: how many of its quantizable nodes will be quantized, how many are
   * excluded, and the worst weight SQNR, sensitivity impact and traced error inside (the box is
   * coloured by the worst).
   */
  static NodeStatus summary(
      GraphLayout.Collapsed c, List<String> nodeIds, Map<String, NodeStatus> nodeStatuses) {
    int candidates = 0;
    int will = 0;
    int excluded = 0;
    double sqnr = Double.NaN;
    double impact = Double.NaN;
    double error = Double.NaN;
    for (int i = c.firstNode(); i < c.endNode() && i < nodeIds.size(); i++) {
      NodeStatus st = nodeStatuses.get(nodeIds.get(i));
      if (st == null || st.kind() == NodeStatus.Kind.OTHER) {
        continue;
      }
      candidates++;
      will += st.kind() == NodeStatus.Kind.WILL_QUANTIZE ? 1 : 0;
      excluded += st.kind() == NodeStatus.Kind.EXCLUDED ? 1 : 0;
      sqnr = worstLow(sqnr, st.sqnrDb());
      error = worstLow(error, st.errorDb());
      impact = st.hasImpact() && !(impact >= st.impact()) ? st.impact() : impact;
    }
    StringBuilder d = new StringBuilder();
    d.append(Figures.quantizedOf(will, candidates, excluded));
    if (!Double.isNaN(error)) {
      d.append("; worst error ").append(Figures.db(error));
    } else if (!Double.isNaN(impact)) {
      d.append(String.format(java.util.Locale.ROOT, "; worst impact %.2f", impact));
    } else if (!Double.isNaN(sqnr)) {
      d.append("; worst weight SQNR ").append(Figures.db(sqnr));
    }
    NodeStatus.Kind kind =
        will > 0
            ? NodeStatus.Kind.WILL_QUANTIZE
            : excluded > 0
                ? NodeStatus.Kind.EXCLUDED
                : candidates > 0 ? NodeStatus.Kind.CANNOT : NodeStatus.Kind.OTHER;
    return new NodeStatus(kind, d.toString(), sqnr, impact, error);
  }

  private static double worstLow(double worst, double v) {
    return Double.isNaN(v) ? worst : Double.isNaN(worst) ? v : Math.min(worst, v);
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
