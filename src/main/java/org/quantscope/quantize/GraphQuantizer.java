// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.quantscope.graph.GraphIndex;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.graph.Scope;
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
  private final GraphQuantizer parent;
  private final GraphProto graph;
  private final long opset;
  private final GemmRewrite.PayloadReader reader;
  private final Map<NodeProto, Map<String, GraphQuantizer>> children = new IdentityHashMap<>();
  private final GraphIndex index;
  private final Quantizability.Walker walker;
  private final GemmRewrite gemms;
  private final GemmPlan gemmPlan;
  private final NodeNaming naming;
  private final boolean fuseDynamicQuant;
  private final Map<String, TensorProto> initializers = new HashMap<>();
  private final Set<String> originalNodeNames = new HashSet<>();
  private final Set<String> folded = new HashSet<>();

  private final List<NodeProto> newNodes = new ArrayList<>();
  private final Map<String, NodeProto> newNodesByName = new HashMap<>();
  private final Map<String, QuantizedValue> quantized = new HashMap<>();
  private final Set<String> generated = new HashSet<>();
  private final List<Rewrite.Slot> slots = new ArrayList<>();
  private final Map<String, Boolean> fixedScalars = new LinkedHashMap<>();
  private final List<PendingReport> pendingReports = new ArrayList<>();
  private final List<QuantizableNode> skipped = new ArrayList<>();

  /** A node report whose weights are not computed yet. */
  record PendingReport(QuantizableNode verdict, String action, List<WeightJob> weights) {}

  GraphQuantizer(
      GraphProto graph,
      QuantizeOptions options,
      long opset,
      GemmRewrite.PayloadReader reader,
      NodeNaming naming)
      throws ModelFormatException {
    this(
        new Scope("", graph, null, null),
        null,
        options,
        opset,
        reader,
        graph,
        GemmPlan.of(graph),
        naming);
  }

  /**
   * The quantizer of a graph or subgraph: outer names resolve in {@code parent}.
   *
   * @param gemmNodes the nodes whose Gemm rewrite is prepared (the gemm-general extension's
   *     constants folded): all of the graph's for a run, the one previewed node for a {@link
   *     WeightPreview}
   * @param gemmPlan the weights ORT's Gemm rewrite transposes, by graph: the whole model's for a
   *     run, the previewed node's for a preview
   */
  GraphQuantizer(
      Scope scope,
      GraphQuantizer parent,
      QuantizeOptions options,
      long opset,
      GemmRewrite.PayloadReader reader,
      GraphProto gemmNodes,
      GemmPlan gemmPlan,
      NodeNaming naming)
      throws ModelFormatException {
    this.options = options;
    this.parent = parent;
    this.graph = scope.graph();
    this.opset = opset;
    this.reader = reader;
    this.index = GraphIndex.of(scope, parent == null ? null : parent.index);
    this.naming = naming;
    this.walker = new Quantizability.Walker(index, options.criteria(), naming);
    this.fuseDynamicQuant = opset > 10;
    for (TensorProto t : graph.getInitializerList()) {
      initializers.put(t.getName(), t);
    }
    for (NodeProto n : graph.getNodeList()) {
      if (!n.getName().isEmpty()) {
        originalNodeNames.add(n.getName());
      }
    }
    this.gemmPlan = gemmPlan;
    // in a subgraph ORT only rewrites; the extension's rewrite serves quantization, so it needs
    // EnableSubgraph there
    boolean general =
        options.extensions().gemmGeneral() && (scope.isMain() || options.enableSubgraph());
    this.gemms = new GemmRewrite(gemmNodes, index, general, gemmPlan.transposedIn(scope.path()));
    gemms.transposeWeights(gemmNodes, reader);
    gemms.transposedWeights().forEach(t -> initializers.put(t.getName(), t));
  }

  QuantizeOptions options() {
    return options;
  }

  boolean fuseDynamicQuant() {
    return fuseDynamicQuant;
  }

  /**
   * The constant behind a value: an initializer (a transposed one for rewritten Gemm), or with the
   * constant-weights extension the tensor of a Constant node (or Identity of a constant).
   */
  TensorProto initializer(String name) {
    GraphQuantizer owner = owner(name);
    return owner == null ? null : owner.initializers.get(name);
  }

  /**
   * The graph that holds the constant {@code name}: this one or an enclosing one (a subgraph may
   * use its parents' initializers); null if it is not a constant.
   */
  GraphQuantizer owner(String name) {
    if (initializers.containsKey(name)) {
      return this;
    }
    if (options.extensions().constantWeights()) {
      TensorProto t = index.foldedConstantHere(name).orElse(null);
      if (t != null) {
        initializers.put(name, t);
        folded.add(name);
        return this;
      }
    }
    if (parent != null && !definesLocally(name)) {
      return parent.owner(name);
    }
    return null;
  }

  /** True if {@code name} is a graph input or a node output of this very graph. */
  private boolean definesLocally(String name) {
    return index.producer(name).isPresent() || index.isGraphInput(name);
  }

  /** Enters a constant quantized by a nested graph into this (its owner's) state, once. */
  void commitWeight(WeightJob job, QuantizedValue value, boolean withSlots) {
    if (quantized.containsKey(value.name())) {
      return;
    }
    quantized.put(value.name(), value);
    if (withSlots) {
      slots.add(new Rewrite.Slot.Part(job, Rewrite.Slot.Kind.SCALE));
      slots.add(new Rewrite.Slot.Part(job, Rewrite.Slot.Kind.ZERO_POINT));
      slots.add(new Rewrite.Slot.Part(job, Rewrite.Slot.Kind.QUANTIZED));
    }
  }

  /** Values whose constant was folded into a quantized initializer. */
  Set<String> folded() {
    return folded;
  }

  /**
   * What this graph, or for a value it reads from outside, an enclosing one has quantized {@code
   * name} to (ORT's {@code find_quantized_value}). An enclosing graph's entries were all made by
   * nodes before the one that holds this subgraph, which is quantized first.
   */
  QuantizedValue quantized(String name) {
    QuantizedValue v = quantized.get(name);
    if (v == null && parent != null && !definesLocally(name)) {
      return parent.quantized(name);
    }
    return v;
  }

  /**
   * ORT's route for a run-time value that a subgraph reads from an enclosing graph ({@code
   * __quantize_inputs} asking its parent, {@code from_subgraph=True}): the graph that defines the
   * value quantizes it, once, and emits the DynamicQuantizeLinear at once, so that it lands before
   * the node holding the subgraph; the other branches and the later nodes of that graph share it.
   *
   * @return the quantized value, or null when {@code name} is this graph's own
   */
  QuantizedValue quantizeOuter(String name) {
    if (parent == null || definesLocally(name)) {
      return null;
    }
    return parent.quantizeForSubgraph(name);
  }

  private QuantizedValue quantizeForSubgraph(String name) {
    if (parent != null && !definesLocally(name)) {
      return parent.quantizeForSubgraph(name);
    }
    QuantizedValue known = quantized.get(name);
    if (known != null) {
      return known;
    }
    QuantContext ctx = new QuantContext(this);
    QuantizedValue v = ctx.atRunTime(name);
    Rewrite r = ctx.build();
    quantized.putAll(r.quantized());
    slots.addAll(r.initializers());
    r.nodes().forEach(this::emit);
    return v;
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

  /**
   * Rewrites every node in order (a node's subgraphs first), collecting the rewrites, the pending
   * reports and the skipped verdicts. Without EnableSubgraph nothing in a subgraph is quantized,
   * but its plain Gemm nodes still become MatMul, as ORT rewrites every graph.
   */
  void run(Progress progress) throws ModelFormatException {
    int count = graph.getNodeCount();
    for (int i = 0; i < count; i++) {
      Cancellation.check();
      NodeProto node = graph.getNode(i);
      quantizeSubgraphs(node, i, progress);
      Optional<QuantizableNode> verdict = walker.verdict(i);
      List<NodeProto> expanded = gemms.expand(node);
      for (NodeProto n : expanded) {
        if (isTarget(node, expanded, n) && verdict.isPresent() && verdict.get().willQuantize()) {
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
   * Whether {@code n}, one of the nodes {@code node} expanded into, is the one its verdict is
   * about: the node itself, or the MatMul a Gemm became (not its Transpose, Mul or Add).
   */
  static boolean isTarget(NodeProto node, List<NodeProto> expanded, NodeProto n) {
    boolean rewritten = expanded.size() > 1 || !n.getOpType().equals(node.getOpType());
    return !rewritten || n.getOpType().equals("MatMul");
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

  /**
   * Quantizes (or, without EnableSubgraph, only rewrites the Gemm nodes of) the If/Loop/Scan bodies
   * held by a node, each with its own quantizer.
   */
  private void quantizeSubgraphs(NodeProto node, int index, Progress progress)
      throws ModelFormatException {
    Scope here = new Scope(scopePath(), graph, null, null);
    for (var a : node.getAttributeList()) {
      List<GraphProto> graphs = new ArrayList<>();
      if (a.hasG()) {
        graphs.add(a.getG());
      }
      graphs.addAll(a.getGraphsList());
      for (int k = 0; k < graphs.size(); k++) {
        String owner = org.quantscope.graph.NodeId.of(node, index);
        String path =
            (here.path().isEmpty() ? "" : here.path() + "/")
                + owner
                + "."
                + a.getName()
                + (a.hasG() ? "" : "[" + k + "]");
        GraphQuantizer child =
            new GraphQuantizer(
                new Scope(path, graphs.get(k), here, node),
                this,
                options,
                opset,
                reader,
                graphs.get(k),
                gemmPlan,
                naming);
        child.run(options.enableSubgraph() ? progress : Progress.NONE);
        children
            .computeIfAbsent(node, n -> new LinkedHashMap<>())
            .put(a.getName() + (a.hasG() ? "" : "#" + k), child);
      }
    }
  }

  private String scopePath() {
    return index.scope().path();
  }

  /**
   * ORT's default handler: DequantizeLinear for inputs only available in 8 bits, then the node.
   * Names a subgraph of the node reads from this graph count as inputs too (ORT forgets them, and
   * the subgraph would then read a value that no longer exists).
   */
  private void passThrough(NodeProto node) {
    List<String> inputs = new ArrayList<>(node.getInputList());
    inputs.addAll(GraphIndex.implicitInputs(node));
    for (String in : inputs) {
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

  GraphProto graph() {
    return graph;
  }

  /** The quantizers of the subgraphs a node holds, by attribute ("body", "then_branch", ...). */
  Map<String, GraphQuantizer> children(NodeProto node) {
    return children.getOrDefault(node, Map.of());
  }

  /** This quantizer and those of all its subgraphs, parents first. */
  List<GraphQuantizer> all() {
    List<GraphQuantizer> out = new ArrayList<>();
    out.add(this);
    for (Map<String, GraphQuantizer> m : children.values()) {
      for (GraphQuantizer c : m.values()) {
        out.addAll(c.all());
      }
    }
    return out;
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

  /** The verdicts of this graph's nodes, to be asked in node order. */
  Quantizability.Walker walker() {
    return walker;
  }

  GemmRewrite gemms() {
    return gemms;
  }
}
