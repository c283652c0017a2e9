// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.quantscope.graph.Criteria;
import org.quantscope.graph.GraphIndex;
import org.quantscope.graph.Quantizability;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.Protos;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.onnx.ValueInfoProto;
import org.quantscope.progress.Cancellation;
import org.quantscope.progress.Progress;

/**
 * ORT's {@code ONNXQuantizer} for one graph: walks the nodes in order, lets the op quantizers
 * rewrite the nodes whose verdict is positive, passes the others through (adding DequantizeLinear
 * where they read an 8-bit value), and keeps the quantized-value map, the emitted nodes and the new
 * initializers.
 */
final class GraphQuantizer {
  private final QuantizeOptions options;
  private final GraphProto graph;
  private final GraphIndex index;
  private final Quantizability.Walker walker;
  private final GemmRewrite gemms;
  private final boolean fuseDynamicQuant;
  private final Map<String, TensorProto> initializers = new HashMap<>();
  private final Set<String> originalNodeNames = new HashSet<>();

  private final List<NodeProto> newNodes = new ArrayList<>();
  private final Map<String, NodeProto> newNodesByName = new HashMap<>();
  private final Map<String, QuantizedValue> quantized = new HashMap<>();
  private final Set<String> generated = new HashSet<>();
  private final List<Rewrite.Slot> slots = new ArrayList<>();
  private final Map<String, Boolean> fixedScalars = new LinkedHashMap<>();
  private final List<QuantizationResult.NodeReport> reports = new ArrayList<>();
  private final List<PendingReport> pendingReports = new ArrayList<>();
  private final List<QuantizableNode> skipped = new ArrayList<>();
  private final Set<String> reportedWeights = new HashSet<>();

  /** A node report whose weights are not computed yet. */
  record PendingReport(QuantizableNode verdict, String action, List<WeightJob> weights) {}

  GraphQuantizer(
      GraphProto graph, QuantizeOptions options, long opset, GemmRewrite.PayloadReader reader)
      throws ModelFormatException {
    this.options = options;
    this.graph = graph;
    this.index = GraphIndex.of(graph);
    Criteria criteria = options.criteria();
    this.walker = new Quantizability.Walker(index, criteria);
    this.fuseDynamicQuant = opset > 10;
    for (TensorProto t : graph.getInitializerList()) {
      initializers.put(t.getName(), t);
    }
    for (NodeProto n : graph.getNodeList()) {
      if (!n.getName().isEmpty()) {
        originalNodeNames.add(n.getName());
      }
    }
    this.gemms = new GemmRewrite(graph, index);
    gemms.transposeWeights(graph, reader);
    gemms.transposedWeights().forEach(t -> initializers.put(t.getName(), t));
  }

  QuantizeOptions options() {
    return options;
  }

  boolean fuseDynamicQuant() {
    return fuseDynamicQuant;
  }

  TensorProto initializer(String name) {
    return initializers.get(name);
  }

  QuantizedValue quantized(String name) {
    return quantized.get(name);
  }

  Optional<ElementType> elementType(String value) {
    Optional<ElementType> t = index.elementType(value);
    return t.isPresent() ? t : gemms.aliasType(value);
  }

  /** ORT's {@code find_node_by_name}: among the original nodes and those emitted so far. */
  NodeProto findNode(String name) {
    NodeProto n = newNodesByName.get(name);
    if (n != null) {
      return n;
    }
    if (originalNodeNames.contains(name)) {
      for (NodeProto o : graph.getNodeList()) {
        if (o.getName().equals(name)) {
          return o;
        }
      }
    }
    return null;
  }

  /** A node emitted so far, by name. */
  NodeProto findNewNode(String name) {
    return newNodesByName.get(name);
  }

  /** A shared scalar initializer of the opset-10 activation chain, created once. */
  String fixedScalar(String name, float value, ElementType type, QuantContext ctx) {
    if (fixedScalars.putIfAbsent(name, Boolean.TRUE) == null) {
      TensorProto t =
          type == ElementType.FLOAT16
              ? Tensors.int32Data(
                  name, ElementType.FLOAT16, new long[] {}, Tensors.floatToHalf(value) & 0xffff)
              : Tensors.floatData(name, new long[] {}, value);
      ctx.addInitializer(t);
    }
    return name;
  }

  /** Rewrites every node; returns the verdicts in node order. */
  void run(Progress progress) throws ModelFormatException {
    int count = graph.getNodeCount();
    for (int i = 0; i < count; i++) {
      Cancellation.check();
      NodeProto node = graph.getNode(i);
      Optional<QuantizableNode> verdict = walker.verdict(i);
      List<NodeProto> expanded = gemms.expand(node);
      for (NodeProto n : expanded) {
        boolean rewritten = expanded.size() > 1 || !n.getOpType().equals(node.getOpType());
        boolean isTarget = !rewritten || n.getOpType().equals("MatMul");
        if (isTarget && verdict.isPresent() && verdict.get().willQuantize()) {
          OpQuantizer q = OpQuantizers.forOp(n.getOpType());
          QuantContext ctx = new QuantContext(this);
          Rewrite r = q.quantize(n, ctx);
          apply(r);
          pendingReports.add(new PendingReport(verdict.get(), verdict.get().action(), r.weights()));
        } else {
          passThrough(n);
        }
      }
      verdict.filter(v -> !v.willQuantize()).ifPresent(skipped::add);
      progress.report(i + 1, count, node.getName().isEmpty() ? node.getOpType() : node.getName());
    }
    for (ValueInfoProto out : graph.getOutputList()) {
      NodeProto dq = dequantize(out.getName());
      if (dq != null) {
        emit(dq);
      }
    }
  }

  /**
   * Applies a rewrite. Inputs the new nodes pass through unchanged (LSTM's X, say) and that are
   * only available in 8 bits get their DequantizeLinear first, as ORT's handlers do.
   */
  private void apply(Rewrite r) {
    quantized.putAll(r.quantized());
    slots.addAll(r.initializers());
    for (NodeProto n : r.nodes()) {
      passThrough(n);
    }
  }

  /** ORT's default handler: DequantizeLinear for inputs only available in 8 bits, then the node. */
  private void passThrough(NodeProto node) {
    for (String in : node.getInputList()) {
      NodeProto dq = dequantize(in);
      if (dq != null) {
        emit(dq);
      }
    }
    emit(node);
  }

  /**
   * ORT's {@code _dequantize_value}: a DequantizeLinear that restores a value only available in 8
   * bits (the output of a quantized Gather or Transpose), created once. Unlike ORT, the scale may
   * be computed at run time (a Transpose on a DynamicQuantizeLinear output), and quantized
   * initializers are not restored this way (their float copy stays while something reads it).
   */
  private NodeProto dequantize(String value) {
    QuantizedValue q = quantized.get(value);
    if (q == null || q.kind() != QuantizedValue.Kind.DERIVED || generated.contains(value)) {
      return null;
    }
    String name = value + "_DequantizeLinear";
    if (findNode(name) != null) {
      return null;
    }
    return Protos.node(
        "DequantizeLinear", name, List.of(q.qName(), q.scaleName(), q.zpName()), List.of(value));
  }

  private void emit(NodeProto n) {
    newNodes.add(n);
    if (!n.getName().isEmpty()) {
      newNodesByName.putIfAbsent(n.getName(), n);
    }
    for (String out : n.getOutputList()) {
      generated.add(out);
    }
  }

  List<NodeProto> nodes() {
    return newNodes;
  }

  List<Rewrite.Slot> slots() {
    return slots;
  }

  List<PendingReport> pendingReports() {
    return pendingReports;
  }

  List<QuantizableNode> skipped() {
    return skipped;
  }

  GemmRewrite gemms() {
    return gemms;
  }

  /** True the first time a weight is reported, so shared weights are counted once. */
  boolean firstReport(String weight) {
    return reportedWeights.add(weight);
  }

  List<QuantizationResult.NodeReport> reports() {
    return reports;
  }
}
