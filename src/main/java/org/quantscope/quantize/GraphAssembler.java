// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quantscope.graph.GraphIndex;
import org.quantscope.graph.Scope;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.onnx.ValueInfoProto;

/**
 * Builds the quantized graph from what the {@link GraphQuantizer}s emitted: their nodes (sorted the
 * way ORT sorts the main graph), the initializers that are still read (the surviving float ones,
 * then each new one encoded as ORT writes it), and graph inputs and value_info that still fit.
 * Subgraphs are rebuilt into the attributes of the nodes that hold them.
 */
final class GraphAssembler {
  private GraphAssembler() {}

  /** The rewritten graph: new nodes in ORT's order, surviving and new initializers. */
  static GraphProto assemble(GraphQuantizer root, Map<WeightJob, QuantizedWeight> computed)
      throws ModelFormatException {
    Map<GraphQuantizer, List<NodeProto>> nodes = new IdentityHashMap<>();
    for (GraphQuantizer q : root.all()) {
      nodes.put(q, withoutDeadConstants(q.nodes(), q.folded(), q.graph()));
    }
    // names read anywhere in the result decide which initializers survive
    Set<String> used = new HashSet<>();
    for (GraphQuantizer q : root.all()) {
      for (ValueInfoProto o : q.graph().getOutputList()) {
        used.add(o.getName());
      }
      for (NodeProto n : nodes.get(q)) {
        used.addAll(n.getInputList());
        if (q.children(n).isEmpty()) {
          used.addAll(GraphIndex.implicitInputs(n));
          for (var a : n.getAttributeList()) {
            if (a.hasG()) {
              collectAllInputs(a.getG(), used);
            }
            a.getGraphsList().forEach(g -> collectAllInputs(g, used));
          }
        }
      }
    }
    return build(root, nodes, used, computed, true);
  }

  private static void collectAllInputs(GraphProto g, Set<String> used) {
    for (Scope s : Scope.all(g)) {
      for (NodeProto n : s.graph().getNodeList()) {
        used.addAll(n.getInputList());
      }
      s.graph().getOutputList().forEach(o -> used.add(o.getName()));
    }
  }

  private static GraphProto build(
      GraphQuantizer q,
      Map<GraphQuantizer, List<NodeProto>> nodeLists,
      Set<String> used,
      Map<WeightJob, QuantizedWeight> computed,
      boolean main)
      throws ModelFormatException {
    GraphProto original = q.graph();
    List<NodeProto> nodes = new ArrayList<>();
    for (NodeProto n : nodeLists.get(q)) {
      Map<String, GraphQuantizer> children = q.children(n);
      if (children.isEmpty() && !holdsGraphs(n)) {
        nodes.add(n);
        continue;
      }
      List<AttributeProto> attributes = new ArrayList<>();
      for (AttributeProto a : n.getAttributeList()) {
        var ab = a.toBuilder();
        GraphQuantizer g1 = children.get(ab.getName());
        if (g1 != null) {
          ab.setG(build(g1, nodeLists, used, computed, false));
        }
        for (int k = 0; k < ab.getGraphsCount(); k++) {
          GraphQuantizer gk = children.get(ab.getName() + "#" + k);
          if (gk != null) {
            ab.setGraphs(k, build(gk, nodeLists, used, computed, false));
          }
        }
        attributes.add(ab.build());
      }
      nodes.add(remade(n, attributes));
    }

    List<TensorProto> inits = new ArrayList<>();
    for (TensorProto t : original.getInitializerList()) {
      if (!q.gemms().isTransposed(t.getName())) {
        inits.add(t);
      }
    }
    inits.addAll(q.gemms().transposedWeights());
    for (Rewrite.Slot s : q.slots()) {
      inits.add(materialize(s, computed));
    }
    List<TensorProto> kept = new ArrayList<>();
    Set<String> removed = new HashSet<>();
    for (TensorProto t : inits) {
      if (used.contains(t.getName())) {
        kept.add(t);
      } else {
        removed.add(t.getName());
      }
    }
    GraphProto.Builder b =
        original.toBuilder().clearNode().clearInitializer().addAllInitializer(kept);
    // Like ORT's remove_initializer, drop the graph-input entry of a removed initializer (models
    // that list initializers as inputs would otherwise gain a required input).
    List<ValueInfoProto> inputs = new ArrayList<>();
    for (ValueInfoProto in : original.getInputList()) {
      if (q.gemms().isTransposed(in.getName())) {
        continue; // ORT's Gemm rewrite drops it with the untransposed weight
      }
      if (!removed.contains(in.getName()) || !isInitializerName(original, in.getName())) {
        inputs.add(in);
      }
    }
    b.clearInput().addAllInput(inputs);
    // value_info of a weight that was transposed would contradict it now (ORT updates it; a
    // stale entry can stop a runtime from loading the model): drop it
    List<ValueInfoProto> infos = new ArrayList<>();
    for (ValueInfoProto v : original.getValueInfoList()) {
      if (!q.gemms().isTransposed(v.getName())) {
        infos.add(v);
      }
    }
    b.clearValueInfo().addAllValueInfo(infos);
    if (main) {
      List<String> names = new ArrayList<>();
      for (TensorProto t : kept) {
        names.add(t.getName());
      }
      for (ValueInfoProto in : b.getInputList()) {
        names.add(in.getName());
      }
      // (ORT leaves sparse initializers out here and then fails its DAG check)
      for (var sp : b.getSparseInitializerList()) {
        names.add(sp.getValues().getName());
      }
      b.addAllNode(TopologicalSort.sort(nodes, names));
    } else {
      b.addAllNode(nodes); // ORT sorts the main graph only; ours are emitted in a valid order
    }
    return b.build();
  }

  /** True if the node has a GRAPH or GRAPHS attribute (an If, Loop or Scan, say). */
  static boolean holdsGraphs(NodeProto n) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getType() == AttributeProto.AttributeType.GRAPH
          || a.getType() == AttributeProto.AttributeType.GRAPHS
          || a.hasG()
          || a.getGraphsCount() > 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * A node holding subgraphs as ORT's Gemm rewrite leaves it, in every graph and whether or not a
   * Gemm exists: rebuilt by {@code onnx.helper.make_node(op_type, inputs, outputs, name,
   * **attributes)}, so its attributes are sorted by name and its doc_string is gone. ORT drops the
   * domain too; QuantScope keeps a domain other than ai.onnx (a com.microsoft node would not load
   * without it) and writes the default domain as ORT does, empty.
   */
  static NodeProto remade(NodeProto n, List<AttributeProto> attributes) {
    List<AttributeProto> sorted = new ArrayList<>(attributes.size());
    for (AttributeProto a : attributes) {
      sorted.add(a.toBuilder().clearDocString().build());
    }
    sorted.sort((a, b) -> TopologicalSort.compareCodePoints(a.getName(), b.getName()));
    NodeProto.Builder b =
        NodeProto.newBuilder()
            .setOpType(n.getOpType())
            .addAllInput(n.getInputList())
            .addAllOutput(n.getOutputList())
            .addAllAttribute(sorted);
    if (!n.getName().isEmpty()) {
      b.setName(n.getName());
    }
    if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
      b.setDomain(n.getDomain());
    }
    return b.build();
  }

  /**
   * Drops the Constant and Identity nodes whose constant was folded into a quantized initializer
   * (constant-weights extension) once nothing reads their output any more; other nodes, dead or
   * not, are left as they were.
   */
  private static List<NodeProto> withoutDeadConstants(
      List<NodeProto> nodes, Set<String> folded, GraphProto original) {
    if (folded.isEmpty()) {
      return nodes;
    }
    // the folded values and every Identity/Constant output on the way to their constant
    Map<String, NodeProto> producers = new HashMap<>();
    for (NodeProto n : original.getNodeList()) {
      for (String out : n.getOutputList()) {
        producers.putIfAbsent(out, n);
      }
    }
    Set<String> chain = new HashSet<>();
    for (String f : folded) {
      String v = f;
      while (v != null && chain.add(v)) {
        NodeProto p = producers.get(v);
        v = p != null && p.getOpType().equals("Identity") ? p.getInput(0) : null;
      }
    }
    Set<String> outputs = new HashSet<>();
    for (ValueInfoProto o : original.getOutputList()) {
      outputs.add(o.getName());
    }
    List<NodeProto> kept = new ArrayList<>(nodes);
    boolean changed = true;
    while (changed) {
      changed = false;
      Set<String> read = new HashSet<>(outputs);
      for (NodeProto n : kept) {
        read.addAll(n.getInputList());
      }
      for (Scope s : Scope.all(original)) {
        if (!s.isMain()) {
          for (NodeProto n : s.graph().getNodeList()) {
            read.addAll(n.getInputList());
          }
        }
      }
      for (var it = kept.iterator(); it.hasNext(); ) {
        NodeProto n = it.next();
        if ((n.getOpType().equals("Constant") || n.getOpType().equals("Identity"))
            && n.getOutputCount() == 1
            && chain.contains(n.getOutput(0))
            && !read.contains(n.getOutput(0))) {
          it.remove();
          changed = true;
        }
      }
    }
    return kept;
  }

  private static boolean isInitializerName(GraphProto g, String name) {
    for (TensorProto t : g.getInitializerList()) {
      if (t.getName().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static TensorProto materialize(
      Rewrite.Slot slot, Map<WeightJob, QuantizedWeight> computed) {
    if (slot instanceof Rewrite.Slot.Fixed f) {
      return f.tensor();
    }
    Rewrite.Slot.Part part = (Rewrite.Slot.Part) slot;
    WeightJob job = part.job();
    QuantizedWeight w = computed.get(job);
    return switch (part.kind()) {
      case QUANTIZED ->
          Tensors.raw(
              job.quantizedName(), job.type().elementType(), w.dims(), ByteBuffer.wrap(w.data()));
      case SCALE -> {
        if (job.scaleType() == ElementType.FLOAT16) {
          int[] bits = new int[w.scales().length];
          for (int i = 0; i < bits.length; i++) {
            bits[i] = Tensors.floatToHalf(w.scales()[i]) & 0xffff;
          }
          yield Tensors.int32Data(job.scaleName(), ElementType.FLOAT16, job.scaleDims(), bits);
        }
        yield Tensors.floatData(job.scaleName(), job.scaleDims(), w.scales());
      }
      case ZERO_POINT -> {
        // a shared zero point (symmetric per-channel Conv) is stored once
        int n = (int) Tensors.elementCount(job.paramDims());
        yield Tensors.int32Data(
            job.zeroPointName(),
            job.type().elementType(),
            job.paramDims(),
            n == w.zeroPoints().length ? w.zeroPoints() : Arrays.copyOf(w.zeroPoints(), n));
      }
    };
  }
}
