// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.quantscope.model.ElementType;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;

/**
 * Decides, for every node whose op type ONNX Runtime's dynamic quantizer handles (and every Gemm,
 * which it rewrites into MatMul first), whether it will be quantized and, if not, why. The rules
 * are those of {@code quantize_dynamic}: node filters, MatMulConstBOnly, float inputs, constant
 * weights, subgraphs, and each operator's own conditions.
 */
public final class Quantizability {
  private Quantizability() {}

  /** Op types reported by {@link #classify}: the registry plus Gemm. */
  public static final Set<String> CANDIDATE_OPS;

  static {
    Set<String> s = new HashSet<>(Criteria.REGISTRY);
    s.add("Gemm");
    CANDIDATE_OPS = Set.copyOf(s);
  }

  /** Verdicts for all candidate nodes of all graphs, in graph order (parents first). */
  public static List<QuantizableNode> classify(GraphProto main, Criteria criteria) {
    List<QuantizableNode> out = new ArrayList<>();
    // Identity keys: a Scope's own hashCode would hash the whole graph, weights included.
    Map<Scope, GraphIndex> indexes = new IdentityHashMap<>();
    for (Scope scope : Scope.all(main)) {
      GraphIndex outer = scope.parent() == null ? null : indexes.get(scope.parent());
      GraphIndex index = GraphIndex.of(scope, outer);
      indexes.put(scope, index);
      Walker w = new Walker(index, criteria);
      for (int i = 0; i < scope.graph().getNodeCount(); i++) {
        w.verdict(i).ifPresent(out::add);
      }
    }
    return out;
  }

  /**
   * Walks one graph in node order the way ONNX Runtime's quantizer does, keeping track of which
   * values it has quantized so far (its {@code quantized_value_map}): a Transpose is moved to 8-bit
   * only if its input is already there, a weight or activation is quantized once and then reused.
   * The quantizer calls {@link #verdict} for every node in order, so that {@code inspect} and
   * {@code quantize} always agree.
   */
  public static final class Walker {
    private final GraphIndex index;
    private final Scope scope;
    private final Criteria criteria;
    private final Set<String> quantizedValues = new HashSet<>();

    public Walker(GraphIndex index, Criteria criteria) {
      this.index = index;
      this.scope = index.scope();
      this.criteria = criteria;
    }

    /**
     * The verdict on node {@code i} (empty for ops that are never quantized); must be called for
     * every node in order.
     */
    public Optional<QuantizableNode> verdict(int i) {
      NodeProto n = scope.graph().getNode(i);
      if (!CANDIDATE_OPS.contains(n.getOpType())) {
        return Optional.empty();
      }
      return Optional.of(verdict(n, i));
    }

    private QuantizableNode verdict(NodeProto n, int i) {
      String id = NodeId.of(scope, n, i);
      String op = n.getOpType();
      String weight = weightInput(n);
      List<Long> shape =
          weight == null ? null : constant(weight).map(TensorProto::getDimsList).orElse(null);
      Decision d = decide(n, i, id, weight);
      if (d.willQuantize()) {
        quantizedValues.addAll(d.quantized());
      }
      return new QuantizableNode(
          id,
          op,
          scope.label(),
          weight,
          shape,
          d.willQuantize(),
          d.willQuantize() ? null : d.text(),
          d.willQuantize() ? d.text() : null,
          i);
    }

    /** A verdict and, when positive, the values it adds to the quantized-value map. */
    private record Decision(boolean willQuantize, String text, List<String> quantized) {
      static Decision no(String reason) {
        return new Decision(false, reason, List.of());
      }

      static Decision yes(String action, String... quantized) {
        List<String> q = new ArrayList<>();
        for (String v : quantized) {
          if (v != null && !v.isEmpty()) {
            q.add(v);
          }
        }
        return new Decision(true, action, q);
      }
    }

    private Decision decide(NodeProto n, int i, String id, String weight) {
      if (!scope.isMain() && !criteria.enableSubgraph()) {
        return Decision.no(
            "inside subgraph '"
                + scope.path()
                + "'; ONNX Runtime quantizes subgraphs only with EnableSubgraph"
                + " (--extra-option EnableSubgraph=True)");
      }
      String op = n.getOpType();
      String ortName = n.getName();
      if (op.equals("Gemm")) {
        String blocker = gemmBlocker(n);
        if (blocker != null && !criteria.gemmGeneral()) {
          return Decision.no(
              blocker
                  + "; ONNX Runtime rewrites only Gemm with alpha=1, beta=1, transA=0 into MatMul"
                  + " and leaves other Gemm nodes in float (--gemm-general rewrites them too)");
        }
        ortName = n.getName().isEmpty() ? "" : n.getName() + "_MatMul";
        op = "MatMul";
      }
      String filtered = filter(op, ortName, id);
      if (filtered != null) {
        return Decision.no(filtered);
      }
      return switch (op) {
        case "MatMul" -> matMul(n, weight, ortName);
        case "Conv" -> conv(n, weight);
        case "Gather" -> gather(n, weight);
        case "Transpose" -> transpose(n);
        case "LSTM" -> lstm(n);
        case "Attention" -> attention(n);
        case "EmbedLayerNormalization" -> embedLayerNorm(n);
        default -> Decision.no("op type " + op + " is not quantized");
      };
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

    private Decision matMul(NodeProto n, String weight, String ortName) {
      String a = n.getInputCount() > 0 ? n.getInput(0) : "";
      if (!index.isFloat(a) && !index.isFloat(weight)) {
        return Decision.no(
            "neither input is float (" + describeType(a) + ", " + describeType(weight) + ")");
      }
      if (criteria.matMulConstBOnly() && !isInitializer(weight)) {
        return Decision.no(notConstant("B", weight) + " (MatMulConstBOnly)");
      }
      String half = float16(a, "A", weight, "B");
      if (half != null) {
        return Decision.no(half);
      }
      String action = "MatMulInteger";
      String b = weight;
      if (n.getOpType().equals("Gemm")) {
        action = "rewritten to MatMul '" + ortName + "', then MatMulInteger";
        if (intAttr(n, "transB", 0) != 0 && !isInitializer(weight)) {
          b = weight + "_Transposed";
        }
      }
      return Decision.yes(action + folded(weight), a, b);
    }

    private Decision conv(NodeProto n, String weight) {
      String x = n.getInputCount() > 0 ? n.getInput(0) : "";
      if (!index.isFloat(x)) {
        return Decision.no("input X '" + x + "' is not float (" + describeType(x) + ")");
      }
      String half = float16(x, "X", weight, "W");
      if (half != null) {
        return Decision.no(half);
      }
      if (!isInitializer(weight)) {
        if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
          return Decision.no(
              notConstant("W", weight)
                  + " and the Conv has a bias; ONNX Runtime stops with an error on such a node,"
                  + " QuantScope leaves it in float");
        }
        return Decision.yes("ConvInteger (weight quantized at run time)", x, weight);
      }
      return Decision.yes("ConvInteger" + folded(weight), x, weight);
    }

    private Decision gather(NodeProto n, String table) {
      Optional<ElementType> type = index.elementType(table);
      if (type.isPresent() && !index.isFloat(table)) {
        return Decision.no(
            "data '" + table + "' is " + type.get().onnxName() + ", not a float table");
      }
      if (constant(table).isEmpty()) {
        return Decision.no(notConstant("data", table));
      }
      if (!index.isFloat(table)) {
        return Decision.no("data '" + table + "' is " + describeType(table) + ", not float");
      }
      String half = float16(null, null, table, "data");
      if (half != null) {
        return Decision.no(half);
      }
      return Decision.yes(
          "Gather on a uint8 table" + folded(table),
          table,
          n.getOutputCount() > 0 ? n.getOutput(0) : null);
    }

    private Decision transpose(NodeProto n) {
      String in = n.getInputCount() > 0 ? n.getInput(0) : "";
      String outName = n.getOutputCount() > 0 ? n.getOutput(0) : null;
      if (!index.isFloat(in)) {
        return Decision.no("its input '" + in + "' is " + describeType(in) + ", not float");
      }
      if (!criteria.forceQuantizeNoInputCheck()) {
        if (quantizedValues.contains(in)) {
          return Decision.yes("Transpose on the 8-bit input", outName);
        }
      } else if (isInitializer(in)) {
        return Decision.yes("Transpose on a uint8 initializer", in, outName);
      }
      return Decision.no(
          "its input '"
              + in
              + "' is float; ONNX Runtime moves Transpose to 8-bit only when the input is already"
              + " quantized");
    }

    private Decision lstm(NodeProto n) {
      String x = n.getInputCount() > 0 ? n.getInput(0) : "";
      if (!index.isFloat(x)) {
        return Decision.no("input X '" + x + "' is not float (" + describeType(x) + ")");
      }
      for (int k = 1; k <= 2; k++) {
        String label = k == 1 ? "W" : "R";
        String name = n.getInputCount() > k ? n.getInput(k) : "";
        Optional<TensorProto> t = constant(name);
        if (t.isEmpty()) {
          return Decision.no(notConstant(label, name));
        }
        if (!index.isFloat(name)) {
          return Decision.no(label + " '" + name + "' is " + describeType(name) + ", not float");
        }
        if (t.get().getDimsCount() != 3) {
          return Decision.no(
              label + " '" + name + "' has rank " + t.get().getDimsCount() + ", expected 3");
        }
      }
      return Decision.yes("DynamicQuantizeLSTM", n.getInput(1), n.getInput(2));
    }

    private Decision attention(NodeProto n) {
      if (GraphIndex.attribute(n, "qkv_hidden_sizes") != null) {
        return Decision.no("has qkv_hidden_sizes, which QAttention does not support");
      }
      String half =
          float16(
              n.getInputCount() > 0 ? n.getInput(0) : null,
              "input",
              n.getInputCount() > 1 ? n.getInput(1) : null,
              "weight");
      if (half != null) {
        return Decision.no(half);
      }
      return Decision.yes(
          "QAttention",
          n.getInputCount() > 0 ? n.getInput(0) : null,
          n.getInputCount() > 1 ? n.getInput(1) : null);
    }

    private static Decision embedLayerNorm(NodeProto n) {
      if (n.getOutputCount() > 2) {
        return Decision.no(
            "has " + n.getOutputCount() + " outputs; QEmbedLayerNormalization supports 2");
      }
      List<String> tables = new ArrayList<>();
      for (int k = 2; k <= 6 && k < n.getInputCount(); k++) {
        tables.add(n.getInput(k));
      }
      return Decision.yes("QEmbedLayerNormalization", tables.toArray(String[]::new));
    }

    /**
     * The constant behind a value: an initializer, or with the constant-weights extension a value
     * folded from Constant/Identity nodes.
     */
    private Optional<TensorProto> constant(String name) {
      if (name == null || name.isEmpty()) {
        return Optional.empty();
      }
      Optional<TensorProto> t = index.initializer(name);
      if (t.isEmpty() && criteria.constantWeights()) {
        t = index.foldedConstant(name);
      }
      return t;
    }

    /**
     * Why float16 data cannot be quantized here, or null. ORT accepts float16 as "float", but its
     * output is then not a valid model: DynamicQuantizeLinear takes float32 only, and float16
     * scales meet float32 ones in the same Mul. QuantScope leaves such nodes in float.
     */
    private String float16(String activation, String aLabel, String weight, String wLabel) {
      if (activation != null && index.elementType(activation).orElse(null) == ElementType.FLOAT16) {
        return aLabel
            + " '"
            + activation
            + "' is float16; DynamicQuantizeLinear quantizes float32 activations only (convert"
            + " the model to float32 first)";
      }
      if (weight != null && index.elementType(weight).orElse(null) == ElementType.FLOAT16) {
        return wLabel
            + " '"
            + weight
            + "' is float16; its float16 scales would not combine with the float32 activation"
            + " scales (convert the model to float32 first)";
      }
      return null;
    }

    /** A note for actions whose weight was folded from Constant/Identity nodes. */
    private String folded(String name) {
      return name != null && !name.isEmpty() && index.initializer(name).isEmpty()
          ? " (weight folded from constant nodes)"
          : "";
    }

    private boolean isInitializer(String name) {
      return constant(name).isPresent();
    }

    /** Why a weight input is not a constant initializer, naming what produces it. */
    private String notConstant(String label, String name) {
      if (name == null || name.isEmpty()) {
        return label + " is missing";
      }
      Optional<NodeProto> producer = index.producerNode(name);
      if (producer.isPresent()) {
        NodeProto p = producer.get();
        if (p.getOpType().equals("Constant")) {
          return label
              + " '"
              + name
              + "' comes from a Constant node, not an initializer; ONNX Runtime does not"
              + " quantize such weights (--constant-weights does)";
        }
        if (p.getOpType().equals("Identity") && index.foldedConstant(name).isPresent()) {
          return label
              + " '"
              + name
              + "' is an Identity copy of a constant, not an initializer; ONNX Runtime does not"
              + " quantize such weights (--constant-weights does)";
        }
        return label
            + " '"
            + name
            + "' is computed at run time by "
            + p.getOpType()
            + (p.getName().isEmpty() ? "" : " '" + p.getName() + "'")
            + ", not a constant initializer";
      }
      if (index.isGraphInput(name)) {
        return label + " '" + name + "' is a graph input, not a constant initializer";
      }
      if (index.isSparseInitializer(name)) {
        return label + " '" + name + "' is a sparse initializer; sparse weights are not quantized";
      }
      return label + " '" + name + "' is not a constant initializer";
    }

    private String describeType(String name) {
      if (name == null || name.isEmpty()) {
        return "missing";
      }
      return index.elementType(name).map(t -> t.onnxName()).orElse("type unknown");
    }
  }

  /** The input that holds the constant an op quantizes (weight, table), or null. */
  static String weightInput(NodeProto n) {
    int k =
        switch (n.getOpType()) {
          case "MatMul", "Gemm", "Conv", "LSTM", "Attention" -> 1;
          case "Gather", "Transpose" -> 0;
          case "EmbedLayerNormalization" -> 2;
          default -> -1;
        };
    return k >= 0 && n.getInputCount() > k ? n.getInput(k) : null;
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
