// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.quantscope.model.ElementType;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.onnx.TypeProto;
import org.quantscope.onnx.ValueInfoProto;

/**
 * Lookups over one graph (and, for names not defined in it, its enclosing graphs): who produces a
 * value, who consumes it, which values are initializers, and each value's element type where it can
 * be known without running shape inference.
 */
public final class GraphIndex {
  private final Scope scope;
  private final GraphIndex outer;
  private final Map<String, Integer> producers = new HashMap<>();
  private final Map<String, List<Integer>> consumers = new HashMap<>();
  private final Map<String, TensorProto> initializers = new HashMap<>();
  private final java.util.Set<String> sparseInitializers = new java.util.HashSet<>();
  private final Map<String, ValueInfoProto> graphInputs = new HashMap<>();
  private final Map<String, TypeProto> declaredTypes = new HashMap<>();
  private final Map<String, ElementType> inferredTypes = new HashMap<>();

  private GraphIndex(Scope scope, GraphIndex outer) {
    this.scope = scope;
    this.outer = outer;
    GraphProto g = scope.graph();
    for (TensorProto t : g.getInitializerList()) {
      initializers.put(t.getName(), t);
    }
    for (var sp : g.getSparseInitializerList()) {
      sparseInitializers.add(sp.getValues().getName());
    }
    for (ValueInfoProto v : g.getInputList()) {
      graphInputs.put(v.getName(), v);
      declaredTypes.put(v.getName(), v.getType());
    }
    for (ValueInfoProto v : g.getValueInfoList()) {
      declaredTypes.putIfAbsent(v.getName(), v.getType());
    }
    for (ValueInfoProto v : g.getOutputList()) {
      declaredTypes.putIfAbsent(v.getName(), v.getType());
    }
    List<NodeProto> nodes = g.getNodeList();
    for (int i = 0; i < nodes.size(); i++) {
      NodeProto n = nodes.get(i);
      for (String out : n.getOutputList()) {
        if (!out.isEmpty()) {
          producers.putIfAbsent(out, i);
        }
      }
      for (String in : n.getInputList()) {
        if (!in.isEmpty()) {
          consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
        }
      }
    }
    inferTypes();
  }

  /** The index of a main graph. */
  public static GraphIndex of(GraphProto graph) {
    return new GraphIndex(new Scope("", graph, null, null), null);
  }

  /** The index of a scope, with the index of its enclosing scope for outer names. */
  public static GraphIndex of(Scope scope, GraphIndex outer) {
    return new GraphIndex(scope, outer);
  }

  public Scope scope() {
    return scope;
  }

  public GraphProto graph() {
    return scope.graph();
  }

  /** Index of the node producing {@code value} in this graph. */
  public Optional<Integer> producer(String value) {
    return Optional.ofNullable(producers.get(value));
  }

  /** The node producing {@code value} in this graph. */
  public Optional<NodeProto> producerNode(String value) {
    Integer i = producers.get(value);
    return i == null ? Optional.empty() : Optional.of(scope.graph().getNode(i));
  }

  /** Indexes of the nodes reading {@code value} in this graph (each once per input slot). */
  public List<Integer> consumers(String value) {
    return consumers.getOrDefault(value, Collections.emptyList());
  }

  /** The initializer with this name in this graph or, failing that, in an enclosing graph. */
  public Optional<TensorProto> initializer(String name) {
    TensorProto t = initializers.get(name);
    if (t != null) {
      return Optional.of(t);
    }
    if (producers.containsKey(name) || graphInputs.containsKey(name)) {
      return Optional.empty(); // shadowed by a local definition
    }
    return outer == null ? Optional.empty() : outer.initializer(name);
  }

  /**
   * The constant a value holds when it is computed from constants only: the {@code value} tensor of
   * a Constant node, or an Identity of an initializer or of such a value (as exporters that share
   * weights write). The tensor is renamed to the value. Empty for anything else.
   */
  public Optional<TensorProto> foldedConstant(String name) {
    Optional<TensorProto> t = foldedConstant(name, 0);
    if (t.isEmpty()
        && outer != null
        && !producers.containsKey(name)
        && !initializers.containsKey(name)
        && !graphInputs.containsKey(name)) {
      return outer.foldedConstant(name);
    }
    return t;
  }

  /** Like {@link #foldedConstant}, for values produced in this very graph only. */
  public Optional<TensorProto> foldedConstantHere(String name) {
    return foldedConstant(name, 0);
  }

  private Optional<TensorProto> foldedConstant(String name, int depth) {
    Integer i = producers.get(name);
    if (i == null || depth > 16) {
      return Optional.empty();
    }
    NodeProto n = scope.graph().getNode(i);
    String domain = n.getDomain();
    if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
      return Optional.empty();
    }
    if (n.getOpType().equals("Constant")) {
      AttributeProto v = attribute(n, "value");
      return v != null && v.hasT()
          ? Optional.of(v.getT().toBuilder().setName(name).build())
          : Optional.empty();
    }
    if (n.getOpType().equals("Identity") && n.getInputCount() == 1) {
      String in = n.getInput(0);
      Optional<TensorProto> t = initializer(in);
      if (t.isEmpty()) {
        t = foldedConstant(in, depth + 1);
      }
      return t.map(x -> x.toBuilder().setName(name).build());
    }
    return Optional.empty();
  }

  /** True if {@code name} is an initializer of this very graph. */
  public boolean isLocalInitializer(String name) {
    return initializers.containsKey(name);
  }

  /** True if {@code name} is a sparse initializer of this graph. */
  public boolean isSparseInitializer(String name) {
    return sparseInitializers.contains(name);
  }

  /** True if {@code name} is a graph input that is not also an initializer. */
  public boolean isGraphInput(String name) {
    return graphInputs.containsKey(name) && !initializers.containsKey(name);
  }

  /** The element type of a value, when declared or derivable; empty when unknown. */
  public Optional<ElementType> elementType(String name) {
    ElementType t = inferredTypes.get(name);
    if (t != null) {
      return Optional.of(t);
    }
    if (!producers.containsKey(name)
        && !initializers.containsKey(name)
        && !graphInputs.containsKey(name)
        && outer != null) {
      return outer.elementType(name);
    }
    return Optional.empty();
  }

  /** True if the value is FLOAT or FLOAT16, the types ORT's quantizer treats as float. */
  public boolean isFloat(String name) {
    return elementType(name)
        .map(t -> t == ElementType.FLOAT || t == ElementType.FLOAT16)
        .orElse(false);
  }

  /**
   * The names the subgraphs of {@code node} (If/Loop/Scan bodies) read from enclosing graphs
   * without defining them, in first-use order.
   */
  public static Set<String> implicitInputs(NodeProto node) {
    Set<String> out = new LinkedHashSet<>();
    for (var a : node.getAttributeList()) {
      if (a.hasG()) {
        collectOuterNames(a.getG(), out);
      }
      for (GraphProto g : a.getGraphsList()) {
        collectOuterNames(g, out);
      }
    }
    return out;
  }

  private static void collectOuterNames(GraphProto g, Set<String> out) {
    Set<String> defined = new HashSet<>();
    g.getInputList().forEach(v -> defined.add(v.getName()));
    g.getInitializerList().forEach(t -> defined.add(t.getName()));
    for (NodeProto n : g.getNodeList()) {
      defined.addAll(n.getOutputList());
    }
    for (NodeProto n : g.getNodeList()) {
      for (String in : n.getInputList()) {
        if (!in.isEmpty() && !defined.contains(in)) {
          out.add(in);
        }
      }
      Set<String> nested = implicitInputs(n);
      nested.removeAll(defined);
      out.addAll(nested);
    }
    for (ValueInfoProto o : g.getOutputList()) {
      if (!defined.contains(o.getName())) {
        out.add(o.getName());
      }
    }
  }

  private static ElementType tensorElemType(TypeProto type) {
    if (type != null && type.hasTensorType() && type.getTensorType().hasElemType()) {
      return ElementType.of(type.getTensorType().getElemType()).orElse(null);
    }
    return null;
  }

  /**
   * Element types: declared ones (graph inputs, value_info, outputs, initializers) first, then a
   * forward pass over the nodes with the type rules of common operators. Shapes are not inferred.
   */
  private void inferTypes() {
    declaredTypes.forEach(
        (name, type) -> {
          ElementType t = tensorElemType(type);
          if (t != null) {
            inferredTypes.put(name, t);
          }
        });
    initializers.forEach(
        (name, t) -> ElementType.of(t.getDataType()).ifPresent(e -> inferredTypes.put(name, e)));
    List<NodeProto> nodes = scope.graph().getNodeList();
    // Two passes cover graphs whose node list is not in topological order.
    for (int pass = 0; pass < 2; pass++) {
      for (NodeProto n : nodes) {
        for (int k = 0; k < n.getOutputCount(); k++) {
          String out = n.getOutput(k);
          if (out.isEmpty() || inferredTypes.containsKey(out)) {
            continue;
          }
          ElementType t = OutputTypes.infer(n, k, this::elementTypeOrNull);
          if (t != null) {
            inferredTypes.put(out, t);
          }
        }
      }
    }
  }

  private ElementType elementTypeOrNull(String name) {
    return name.isEmpty() ? null : elementType(name).orElse(null);
  }

  /** The attribute of a node with this name, or null. */
  public static AttributeProto attribute(NodeProto n, String name) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }
}
