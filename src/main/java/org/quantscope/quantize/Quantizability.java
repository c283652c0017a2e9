// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.quantscope.graph.GraphIndex;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.graph.Scope;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;

/**
 * Decides, for every node whose op type ONNX Runtime's dynamic quantizer handles (and every Gemm,
 * which it rewrites into MatMul first), whether it will be quantized and, if not, why. The rules
 * are those of {@code quantize_dynamic}: the rules every node shares (subgraphs, the Gemm rewrite,
 * the node filters) here, each operator's own conditions in its {@link OpQuantizer}, found in the
 * {@link OpQuantizers} registry.
 */
public final class Quantizability {
  private Quantizability() {}

  /** Verdicts for all candidate nodes of all graphs, in graph order (parents first). */
  public static List<QuantizableNode> classify(GraphProto main, Criteria criteria) {
    return classify(main, criteria, NodeNaming.SAME);
  }

  /**
   * Verdicts for all candidate nodes of all graphs, with nodes identified by {@code naming} (the
   * ids of the original model when {@code main} is its converted copy).
   */
  public static List<QuantizableNode> classify(
      GraphProto main, Criteria criteria, NodeNaming naming) {
    List<QuantizableNode> out = new ArrayList<>();
    // Identity keys: a Scope's own hashCode would hash the whole graph, weights included.
    Map<Scope, GraphIndex> indexes = new IdentityHashMap<>();
    for (Scope scope : Scope.all(main)) {
      GraphIndex outer = scope.parent() == null ? null : indexes.get(scope.parent());
      GraphIndex index = GraphIndex.of(scope, outer);
      indexes.put(scope, index);
      Walker w = new Walker(index, criteria, naming);
      for (int i = 0; i < scope.graph().getNodeCount(); i++) {
        w.verdict(i).ifPresent(out::add);
      }
    }
    return out;
  }

  /**
   * The input that holds the constant a node's op quantizes (its first weight or table in the
   * registry), or null when the op has none or the node lacks that input.
   */
  public static String weightInput(NodeProto n) {
    OpQuantizer q = OpQuantizers.forCandidate(n.getOpType());
    return q == null || q.weights().isEmpty() ? null : q.weights().get(0).of(n);
  }

  /**
   * Walks one graph in node order the way ONNX Runtime's quantizer does, keeping track of which
   * values it has quantized so far (its {@code quantized_value_map}): a Transpose is moved to 8-bit
   * only if its input is already there, a weight or activation is quantized once and then reused.
   * The quantizer calls {@link #verdict} for every node in order, so that {@code inspect} and
   * {@code quantize} always agree.
   */
  static final class Walker {
    private final Scope scope;
    private final Criteria criteria;
    private final Set<String> quantizedValues = new HashSet<>();
    private final VerdictContext context;
    private final NodeNaming naming;

    Walker(GraphIndex index, Criteria criteria) {
      this(index, criteria, NodeNaming.SAME);
    }

    Walker(GraphIndex index, Criteria criteria, NodeNaming naming) {
      this.scope = index.scope();
      this.criteria = criteria;
      this.naming = naming;
      this.context = new VerdictContext(index, criteria, quantizedValues);
    }

    /**
     * The verdict on node {@code i} (empty for ops that are never quantized); must be called for
     * every node in order.
     */
    Optional<QuantizableNode> verdict(int i) {
      NodeProto n = scope.graph().getNode(i);
      OpQuantizer op = OpQuantizers.forCandidate(n.getOpType());
      if (op == null) {
        return Optional.empty();
      }
      return Optional.of(verdict(n, i, op));
    }

    private QuantizableNode verdict(NodeProto n, int i, OpQuantizer op) {
      String id = naming.id(scope, n, i);
      String weight = weightInput(n);
      List<Long> shape =
          weight == null
              ? null
              : context.constant(weight).map(TensorProto::getDimsList).orElse(null);
      Verdict d = decide(n, id, op);
      if (d.willQuantize()) {
        quantizedValues.addAll(d.quantized());
      }
      return new QuantizableNode(
          id,
          n.getOpType(),
          naming.label(scope),
          weight,
          shape,
          d.willQuantize(),
          d.willQuantize() ? null : d.text(),
          d.willQuantize() ? d.text() : null,
          i);
    }

    private Verdict decide(NodeProto n, String id, OpQuantizer op) {
      if (!scope.isMain() && !criteria.enableSubgraph()) {
        return Verdict.no(
            "inside subgraph '"
                + naming.label(scope)
                + "'; ONNX Runtime quantizes subgraphs only with EnableSubgraph"
                + " (--extra-option EnableSubgraph=True)"
                + (GemmRewrite.isRewritable(n)
                    ? "; it still rewrites this Gemm into MatMul"
                        + (n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? " + Add" : "")
                        + ", left in float"
                    : ""));
      }
      if (n.getOpType().equals("Gemm")) {
        String blocker = gemmBlocker(n);
        if (blocker != null && !criteria.gemmGeneral()) {
          return Verdict.no(
              blocker
                  + "; ONNX Runtime rewrites only Gemm with alpha=1, beta=1, transA=0 into MatMul"
                  + " and leaves other Gemm nodes in float (--gemm-general rewrites them too)");
        }
      }
      String filtered = filter(op.opType(), ortName(n), id);
      if (filtered != null) {
        return Verdict.no(filtered);
      }
      return op.judge(n, context);
    }

    private String filter(String op, String ortName, String id) {
      if (!criteria.nodesToQuantize().isEmpty()
          && !criteria.nodesToQuantize().contains(ortName)
          && !criteria.nodesToQuantize().contains(id)) {
        return "not listed in nodes_to_quantize";
      }
      if (!criteria.effectiveOpTypes().contains(op)) {
        return "op type " + op + " is not in op_types_to_quantize";
      }
      if (criteria.nodesToExclude().contains(ortName) || criteria.nodesToExclude().contains(id)) {
        return "excluded (nodes_to_exclude)";
      }
      return null;
    }
  }

  /** Why ORT leaves a Gemm in float instead of rewriting it into MatMul, or null. */
  private static String gemmBlocker(NodeProto n) {
    float alpha = floatAttr(n, "alpha", 1f);
    float beta = floatAttr(n, "beta", 1f);
    long transA = intAttr(n, "transA", 0);
    List<String> parts = new ArrayList<>();
    if (alpha != 1f) {
      parts.add("alpha=" + alpha);
    }
    if (beta != 1f) {
      parts.add("beta=" + beta);
    }
    if (transA != 0) {
      parts.add("transA=" + transA);
    }
    return parts.isEmpty() ? null : "Gemm has " + String.join(", ", parts);
  }

  /**
   * The name ORT's node filters match: the node's own, or for a Gemm that of the MatMul it is
   * rewritten into.
   */
  static String ortName(NodeProto n) {
    if (n.getOpType().equals("Gemm")) {
      return n.getName().isEmpty() ? "" : n.getName() + "_MatMul";
    }
    return n.getName();
  }

  static float floatAttr(NodeProto n, String name, float dflt) {
    AttributeProto a = GraphIndex.attribute(n, name);
    return a == null ? dflt : a.getF();
  }

  static long intAttr(NodeProto n, String name, long dflt) {
    AttributeProto a = GraphIndex.attribute(n, name);
    return a == null ? dflt : a.getI();
  }
}
