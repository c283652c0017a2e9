// SPDX-License-Identifier: Apache-2.0
package org.quantscope.trace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.quantscope.graph.GraphIndex;
import org.quantscope.graph.NodeId;
import org.quantscope.model.ElementType;
import org.quantscope.model.OnnxModel;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.quantize.QuantizationResult;

/**
 * What a trace compares, read from the two graphs: the float tensors both models compute under the
 * same name (a quantized node's output keeps its name through the rewrite), the activations the
 * int8 model quantizes at run time, and the quantized nodes of the float model with their inputs
 * and outputs. Main graph only: tensors inside If/Loop/Scan bodies cannot be graph outputs.
 */
final class TracePlan {
  /** Ops that take a float activation and quantize it themselves. */
  private static final Set<String> QUANTIZING_OPS =
      Set.of("DynamicQuantizeLinear", "DynamicQuantizeMatMul", "DynamicQuantizeLSTM");

  /** Ops whose outputs are 8-bit or integer, never the float tensor of the same name. */
  private static final Set<String> EIGHT_BIT_OPS =
      Set.of("DynamicQuantizeLinear", "QuantizeLinear", "MatMulInteger", "ConvInteger");

  /** Ops whose quantization has no activation: their table is quantized ahead of time. */
  private static final Set<String> TABLE_OPS = Set.of("Gather", "EmbedLayerNormalization");

  /** A float tensor computed by both models. */
  record Tap(String name, String producer, String op, int position) {}

  /** A node of the float model that the int8 model quantized. */
  record Quantized(
      String id,
      String op,
      int position,
      List<String> inputs,
      List<String> activations,
      List<String> outputs,
      Double weightSqnrDb) {}

  /**
   * A float copy of a quantized node, computed inside the int8 run on the int8 run's own inputs:
   * the float op on what actually arrives, so that the node's own error (int8 output against this)
   * is told apart exactly from the error its input carries (this against the float run).
   *
   * @param node the copy: the float model's node, its weights renamed, its outputs renamed
   * @param weights the float weights it reads, under their new names
   * @param output the original output compared
   * @param floatOutput the copy's name for it
   */
  record FloatCopy(NodeProto node, List<TensorProto> weights, String output, String floatOutput) {}

  /** Suffix of the names of float copies and their weights in the int8 run. */
  static final String COPY = "__quantscope_float";

  final Map<String, FloatCopy> copies = new LinkedHashMap<>();

  final List<Tap> matched = new ArrayList<>();
  final Map<String, List<String>> activations = new LinkedHashMap<>();
  final List<Quantized> nodes = new ArrayList<>();
  final Set<String> graphInputs = new LinkedHashSet<>();
  final List<String> notes = new ArrayList<>();

  /** The float model's main graph, for propagating errors to its outputs. */
  GraphProto graph;

  private final Map<String, ElementType> int8Types = new LinkedHashMap<>();

  /**
   * Reads the plan.
   *
   * @param result what our quantizer did to make {@code int8}, or null for a given int8 model (its
   *     quantized nodes are then found from the graph: rewritten nodes whose input is quantized at
   *     run time, and Gather / EmbedLayerNormalization nodes rewritten to 8-bit tables)
   */
  static TracePlan of(OnnxModel fp32, OnnxModel int8, QuantizationResult result) {
    TracePlan p = new TracePlan();
    p.read(fp32.graph(), int8.graph(), result);
    return p;
  }

  private void read(GraphProto fp, GraphProto q, QuantizationResult result) {
    this.graph = fp;
    GraphIndex fi = GraphIndex.of(fp);
    GraphIndex qi = GraphIndex.of(q);
    fp.getInputList().forEach(v -> graphInputs.add(v.getName()));
    Set<String> initializers = new LinkedHashSet<>();
    fp.getInitializerList().forEach(t -> initializers.add(t.getName()));

    // what the int8 model computes: output name -> producer, and what it quantizes at run time
    Map<String, NodeProto> qProducers = new LinkedHashMap<>();
    Set<String> quantizedAtRunTime = new LinkedHashSet<>();
    for (NodeProto n : q.getNodeList()) {
      for (String o : n.getOutputList()) {
        if (!o.isEmpty()) {
          qProducers.put(o, n);
        }
      }
      if (QUANTIZING_OPS.contains(n.getOpType())
          || (n.getOpType().equals("QuantizeLinear")
              && n.getInputCount() > 1
              && qi.initializer(n.getInput(1)).isEmpty())) {
        if (n.getInputCount() > 0 && !n.getInput(0).isEmpty()) {
          quantizedAtRunTime.add(n.getInput(0));
        }
      }
    }

    Set<String> ours = new LinkedHashSet<>();
    Map<String, Double> weightSqnr = new LinkedHashMap<>();
    if (result != null) {
      for (QuantizationResult.NodeReport r : result.quantized()) {
        if (r.graph().equals("main")) {
          ours.add(r.node());
          double worst = Double.POSITIVE_INFINITY;
          for (QuantizationResult.WeightReport w : r.weights()) {
            worst = Math.min(worst, w.sqnrDb());
          }
          weightSqnr.put(r.node(), r.weights().isEmpty() ? null : worst);
        }
      }
    }

    int untyped = 0;
    int otherTypes = 0;
    int renamed = 0;
    for (int i = 0; i < fp.getNodeCount(); i++) {
      NodeProto n = fp.getNode(i);
      String id = NodeId.of(n, i);
      boolean rewritten = rewritten(n, qProducers);
      List<String> acts = new ArrayList<>();
      for (String in : n.getInputList()) {
        if (!in.isEmpty() && quantizedAtRunTime.contains(in) && !acts.contains(in)) {
          acts.add(in);
        }
      }
      boolean quantized =
          result != null
              ? ours.contains(id)
              : rewritten && (!acts.isEmpty() || TABLE_OPS.contains(n.getOpType()));
      if (quantized) {
        List<String> outs = new ArrayList<>();
        n.getOutputList().stream().filter(o -> !o.isEmpty()).forEach(outs::add);
        List<String> ins = n.getInputList().stream().filter(x -> !x.isEmpty()).toList();
        nodes.add(new Quantized(id, n.getOpType(), i, ins, acts, outs, weightSqnr.get(id)));
        for (String a : acts) {
          activations.computeIfAbsent(a, k -> new ArrayList<>()).add(id);
          // the float model's type: the int8 graph's com.microsoft ops are not always typed
          int8Types.put(a, fi.elementType(a).orElse(ElementType.FLOAT));
        }
      }
      if (n.getOpType().equals("Constant")) {
        continue;
      }
      for (String o : n.getOutputList()) {
        if (o.isEmpty() || initializers.contains(o)) {
          continue;
        }
        Optional<ElementType> t = fi.elementType(o);
        if (t.isEmpty()) {
          untyped++;
          continue;
        }
        if (t.get() != ElementType.FLOAT) {
          if (t.get() == ElementType.FLOAT16 || t.get() == ElementType.DOUBLE) {
            otherTypes++;
          }
          continue;
        }
        if (!qProducers.containsKey(o) || EIGHT_BIT_OPS.contains(qProducers.get(o).getOpType())) {
          renamed++;
          continue;
        }
        matched.add(new Tap(o, id, n.getOpType(), i));
      }
    }
    Set<String> matchedNames = new LinkedHashSet<>();
    matched.forEach(t -> matchedNames.add(t.name()));
    Set<String> int8Inputs = new LinkedHashSet<>();
    q.getInputList().forEach(v -> int8Inputs.add(v.getName()));
    Map<String, TensorProto> fpInitializers = new LinkedHashMap<>();
    fp.getInitializerList().forEach(t -> fpInitializers.put(t.getName(), t));
    for (Quantized node : nodes) {
      FloatCopy c =
          copy(
              fp.getNode(node.position()),
              node,
              matchedNames,
              int8Inputs,
              qProducers,
              fpInitializers);
      if (c != null) {
        copies.put(node.id(), c);
      }
    }
    if (untyped > 0) {
      notes.add(
          untyped
              + " tensors of the float model have no known element type (no value_info, and an op"
              + " QuantScope cannot type): not traced");
    }
    if (otherTypes > 0) {
      notes.add(otherTypes + " float16 or float64 tensors: not traced (float32 only)");
    }
    if (renamed > 0) {
      notes.add(
          renamed
              + " float tensors of the float model have no float counterpart of the same name in"
              + " the int8 model (8-bit outputs, renamed by the rewrite): not traced");
    }
    if (fp.getNodeList().stream().anyMatch(TracePlan::hasSubgraph)) {
      notes.add(
          "tensors inside If/Loop/Scan bodies are not traced (a body's tensor cannot be a graph"
              + " output); their nodes' outputs in the main graph are");
    }
  }

  /**
   * The float copy of a quantized node for the int8 run, or null when one of its inputs is not
   * there as a float tensor (an 8-bit table's output read directly, a weight held in a Constant).
   */
  private static FloatCopy copy(
      NodeProto n,
      Quantized q,
      Set<String> matchedNames,
      Set<String> int8Inputs,
      Map<String, NodeProto> qProducers,
      Map<String, TensorProto> fpInitializers) {
    String output = q.outputs().stream().filter(matchedNames::contains).findFirst().orElse(null);
    if (output == null) {
      return null;
    }
    NodeProto.Builder b = n.toBuilder().clearInput().clearOutput().setName(n.getName() + COPY);
    List<TensorProto> weights = new ArrayList<>();
    for (String in : n.getInputList()) {
      if (in.isEmpty()) {
        b.addInput(in);
      } else if (fpInitializers.containsKey(in)) {
        b.addInput(in + COPY);
        weights.add(fpInitializers.get(in).toBuilder().setName(in + COPY).build());
      } else if (int8Inputs.contains(in)
          || (qProducers.containsKey(in)
              && !EIGHT_BIT_OPS.contains(qProducers.get(in).getOpType()))) {
        b.addInput(in);
      } else {
        return null;
      }
    }
    String floatOutput = null;
    for (String o : n.getOutputList()) {
      String renamed = o.isEmpty() ? o : o + COPY;
      b.addOutput(renamed);
      if (o.equals(output)) {
        floatOutput = renamed;
      }
    }
    return new FloatCopy(b.build(), weights, output, floatOutput);
  }

  /** True when the int8 model computes the node's first output with another node or op. */
  private static boolean rewritten(NodeProto n, Map<String, NodeProto> qProducers) {
    if (n.getOutputCount() == 0) {
      return false;
    }
    NodeProto q = qProducers.get(n.getOutput(0));
    return q == null
        || !q.getOpType().equals(n.getOpType())
        || !q.getName().equals(n.getName())
        || !q.getInputList().equals(n.getInputList());
  }

  private static boolean hasSubgraph(NodeProto n) {
    return n.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0);
  }

  /** The names to read from the float model's runs. */
  Set<String> fp32Outputs() {
    Set<String> s = new LinkedHashSet<>();
    for (Tap t : matched) {
      s.add(t.name());
    }
    return s;
  }

  /** The names to read from the int8 model's runs: the matched tensors and the activations. */
  Set<String> int8Outputs() {
    Set<String> s = fp32Outputs();
    for (String a : activations.keySet()) {
      if (!graphInputs.contains(a)) {
        s.add(a);
      }
    }
    return s;
  }

  /**
   * The int8 model with the float copies added (their weights inlined from {@code fp32}), and
   * {@code names} plus the copies' outputs exposed.
   */
  OnnxModel exposeWithCopies(OnnxModel int8, OnnxModel fp32, Set<String> names)
      throws org.quantscope.model.ModelFormatException {
    ModelProto.Builder b = int8.proto().toBuilder();
    GraphProto.Builder g = b.getGraphBuilder();
    Set<String> exposed = new LinkedHashSet<>(names);
    for (FloatCopy c : copies.values()) {
      for (TensorProto w : c.weights()) {
        g.addInitializer(org.quantscope.model.ModelFiles.inlineTensor(fp32, w));
      }
      g.addNode(c.node());
      exposed.add(c.floatOutput());
    }
    return int8.withProto(b.build()).withOutputs(exposed, int8Types);
  }

  /** The names to read from the int8 run: the matched tensors, activations and copies. */
  Set<String> int8OutputsWithCopies() {
    Set<String> s = int8Outputs();
    copies.values().forEach(c -> s.add(c.floatOutput()));
    return s;
  }

  /** Element types for exposing the int8 model's activations. */
  Map<String, ElementType> int8Types() {
    return int8Types;
  }
}
