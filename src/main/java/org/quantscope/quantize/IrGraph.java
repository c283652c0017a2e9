// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quantscope.graph.NodeId;
import org.quantscope.model.ModelFormatException;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.onnx.TensorShapeProto;
import org.quantscope.onnx.TypeProto;
import org.quantscope.onnx.ValueInfoProto;

/**
 * One graph as onnx's C++ IR ({@code onnx/common/ir.h}, {@code ir_pb_converter.cc}) holds it while
 * {@code onnx.version_converter} works on it, with values known by name. The converter names every
 * value it creates after a per-graph counter that every value ever created advanced (the importer's
 * too), skipping numbers already used as names; reproducing the importer's order of creation is
 * what gives the new Constant nodes the converter's names ({@code "477"}). Exporting writes the
 * graph as the IR writes it back: value types reduced to tensor element type and shape, value_info
 * for typed node outputs only, node fields it knows, initializers in their order.
 */
final class IrGraph {
  /** A node; its GRAPH and GRAPHS attributes hold imported subgraphs. */
  static final class Node {
    String opType;
    final NodeProto source;
    final List<String> inputs = new ArrayList<>();
    final List<String> outputs = new ArrayList<>();
    final LinkedHashMap<String, AttributeProto> attributes = new LinkedHashMap<>();
    final Map<String, IrGraph> graph = new HashMap<>();
    final Map<String, List<IrGraph>> graphs = new HashMap<>();

    /** Position in the original graph, -1 for a node the converter added. */
    final int originalIndex;

    Node(String opType, NodeProto source, int originalIndex) {
      this.opType = opType;
      this.source = source;
      this.originalIndex = originalIndex;
    }

    boolean has(String attribute) {
      return attributes.containsKey(attribute);
    }

    /** For messages: the node's name, or its op type and original position. */
    String id() {
      return source != null ? NodeId.of(source, originalIndex) : opType + " (added)";
    }
  }

  /** Element type (0 when unknown) and dims (null when the shape is unknown) of a value. */
  record ValueType(int elemType, List<TensorShapeProto.Dimension> dims) {
    static final ValueType UNKNOWN = new ValueType(0, null);
  }

  final GraphProto source;
  final long irVersion;
  final boolean nested;
  final List<String> inputs = new ArrayList<>();
  final List<Node> nodes = new ArrayList<>();
  final List<String> outputs = new ArrayList<>();
  final List<TensorProto> initializers = new ArrayList<>();
  final List<String> initializerNames = new ArrayList<>();
  private final List<String> initializerValues = new ArrayList<>();
  private final List<String> captured = new ArrayList<>();
  final Map<String, ValueType> types = new HashMap<>();
  private long counter;

  private IrGraph(GraphProto source, long irVersion, boolean nested) {
    this.source = source;
    this.irVersion = irVersion;
    this.nested = nested;
  }

  /**
   * {@code graphProtoToGraph}: creates the values in the importer's order (the Undefined
   * sentinel's, the inputs', every node's outputs with the node's subgraphs imported right after,
   * the initializers', the captured outer names of a subgraph), then sets declared types.
   *
   * @throws ModelFormatException where the importer fails (undefined inputs, sparse tensors,
   *     attributes without a type)
   */
  static IrGraph read(GraphProto gp, long irVersion, boolean nested) throws ModelFormatException {
    IrGraph g = new IrGraph(gp, irVersion, nested);
    Set<String> names = new HashSet<>();
    Set<String> values = new HashSet<>();
    g.importUnique(names);
    names.add("");
    values.add("");
    for (ValueInfoProto v : gp.getInputList()) {
      g.importUnique(names);
      names.add(v.getName());
      values.add(v.getName());
      g.inputs.add(v.getName());
      g.types.put(v.getName(), declared(ValueType.UNKNOWN, v));
    }
    for (int i = 0; i < gp.getNodeCount(); i++) {
      NodeProto np = gp.getNode(i);
      for (int k = 0; k < np.getOutputCount(); k++) {
        g.importUnique(names);
      }
      Node n = new Node(np.getOpType(), np, i);
      for (String out : np.getOutputList()) {
        names.add(out);
        values.add(out);
        g.types.put(out, ValueType.UNKNOWN);
        n.outputs.add(out);
      }
      n.inputs.addAll(np.getInputList());
      for (AttributeProto a : np.getAttributeList()) {
        switch (a.getType()) {
          case GRAPH -> {
            IrGraph sub = read(a.getG(), irVersion, true);
            n.graph.put(a.getName(), sub);
            names.addAll(sub.names());
          }
          case GRAPHS -> {
            List<IrGraph> subs = new ArrayList<>();
            for (GraphProto s : a.getGraphsList()) {
              IrGraph sub = read(s, irVersion, true);
              subs.add(sub);
              names.addAll(sub.names());
            }
            n.graphs.put(a.getName(), subs);
          }
          case SPARSE_TENSOR, SPARSE_TENSORS ->
              throw new ModelFormatException(
                  "node " + n.id() + " has a sparse tensor attribute, which onnx's IR cannot hold");
          case UNDEFINED ->
              throw new ModelFormatException(
                  "attribute '" + a.getName() + "' of node " + n.id() + " has no type");
          default -> {}
        }
        n.attributes.put(a.getName(), a);
      }
      g.nodes.add(n);
    }
    if (gp.getSparseInitializerCount() > 0) {
      throw new ModelFormatException(
          "the graph has sparse initializers, which onnx's IR (and so its version converter)"
              + " drops");
    }
    for (TensorProto t : gp.getInitializerList()) {
      String name = t.getName();
      if (irVersion >= 4 && !values.contains(name)) {
        g.initializerNames.add(name);
        names.add(name);
        g.importUnique(names);
        g.initializerValues.add(name);
        values.add(name);
        g.types.put(name, new ValueType(t.getDataType(), dimsOf(t)));
      } else {
        if (name.isEmpty()) {
          name = Long.toString(g.importUnique(names));
          t = t.toBuilder().setName(name).build();
        }
        g.initializerNames.add(name);
        names.add(name);
      }
      g.initializers.add(t);
    }
    for (Node n : g.nodes) {
      for (String in : n.inputs) {
        if (!values.contains(in)) {
          if (!nested) {
            throw new ModelFormatException(
                "input '" + in + "' of node " + n.id() + " is not defined in the graph");
          }
          g.importUnique(names);
          names.add(in);
          values.add(in);
          g.captured.add(in);
        }
      }
    }
    for (ValueInfoProto o : gp.getOutputList()) {
      if (!values.contains(o.getName())) {
        if (!nested) {
          throw new ModelFormatException(
              "graph output '" + o.getName() + "' is not computed by the graph");
        }
        g.importUnique(names);
        names.add(o.getName());
        values.add(o.getName());
        g.captured.add(o.getName());
      }
      g.outputs.add(o.getName());
      g.types.put(o.getName(), declared(g.types.getOrDefault(o.getName(), ValueType.UNKNOWN), o));
    }
    for (ValueInfoProto v : gp.getValueInfoList()) {
      if (values.contains(v.getName())) {
        g.types.put(v.getName(), declared(g.types.getOrDefault(v.getName(), ValueType.UNKNOWN), v));
      }
    }
    return g;
  }

  private long importUnique(Set<String> names) {
    do {
      counter++;
    } while (names.contains(Long.toString(counter)));
    return counter;
  }

  /** {@code Graph::getNextUnique}: the next number that is no name in this graph or below. */
  long nextUnique() {
    Set<String> names = names();
    do {
      counter++;
    } while (names.contains(Long.toString(counter)));
    return counter;
  }

  /** Every name {@code isNameUnique} looks at: values, initializers, subgraphs' names. */
  Set<String> names() {
    Set<String> s = new HashSet<>(initializerNames);
    s.add("");
    s.addAll(inputs);
    s.addAll(initializerValues);
    s.addAll(captured);
    s.addAll(outputs);
    for (Node n : nodes) {
      s.addAll(n.inputs);
      s.addAll(n.outputs);
      for (IrGraph sub : n.graph.values()) {
        s.addAll(sub.names());
      }
      for (List<IrGraph> subs : n.graphs.values()) {
        subs.forEach(sub -> s.addAll(sub.names()));
      }
    }
    return s;
  }

  /** {@code Graph::create}: a new node with one output named by the counter, not placed yet. */
  Node create(String opType) {
    Node n = new Node(opType, null, -1);
    n.outputs.add(Long.toString(nextUnique()));
    return n;
  }

  /** A new node with one output named by the counter, placed before {@code before}. */
  Node insertBefore(Node before, String opType) {
    Node n = create(opType);
    nodes.add(nodes.indexOf(before), n);
    return n;
  }

  /**
   * {@code addInitializerAndCreateValue} for a tensor without a name: the initializer takes the
   * next number, its value the one after.
   */
  String addInitializer(TensorProto t) {
    String name = Long.toString(nextUnique());
    initializerNames.add(name);
    initializers.add(t.toBuilder().setName(name).build());
    nextUnique();
    initializerValues.add(name);
    types.put(name, new ValueType(t.getDataType(), dimsOf(t)));
    return name;
  }

  /**
   * {@code Node::replaceAllUsesWith} then {@code destroy}: readers of {@code old}'s outputs read
   * {@code replacement}'s (in subgraphs too), unless an output is a graph output, which keeps its
   * name on the replacement while the old value takes a new number. The replacement takes old's
   * place in the node list.
   */
  void replace(Node old, Node replacement) {
    for (int i = 0; i < old.outputs.size(); i++) {
      String was = old.outputs.get(i);
      String now = replacement.outputs.get(i);
      ValueType t = types.getOrDefault(was, ValueType.UNKNOWN);
      ValueType n = types.getOrDefault(now, ValueType.UNKNOWN);
      types.put(
          now,
          new ValueType(
              t.elemType() != 0 ? t.elemType() : n.elemType(),
              t.dims() != null ? t.dims() : n.dims()));
      if (outputs.contains(was)) {
        replacement.outputs.set(i, was);
        old.outputs.set(i, Long.toString(nextUnique()));
      } else {
        for (Node user : nodes) {
          if (user != old) {
            user.inputs.replaceAll(v -> v.equals(was) ? now : v);
          }
          renameCaptured(user, was, now);
        }
      }
    }
    nodes.set(nodes.indexOf(old), replacement);
  }

  private static void renameCaptured(Node n, String was, String now) {
    List<IrGraph> subs = new ArrayList<>(n.graph.values());
    n.graphs.values().forEach(subs::addAll);
    for (IrGraph sub : subs) {
      if (sub.captured.contains(was)) {
        sub.captured.replaceAll(v -> v.equals(was) ? now : v);
        sub.outputs.replaceAll(v -> v.equals(was) ? now : v);
        for (Node m : sub.nodes) {
          m.inputs.replaceAll(v -> v.equals(was) ? now : v);
          renameCaptured(m, was, now);
        }
      }
    }
  }

  /** {@code encodeGraph}. */
  GraphProto write() {
    GraphProto.Builder b = GraphProto.newBuilder();
    if (source.hasName()) {
      b.setName(source.getName());
    }
    if (source.hasDocString()) {
      b.setDocString(source.getDocString());
    }
    for (String in : inputs) {
      b.addInput(valueInfo(in));
    }
    Set<String> graphOutputs = new HashSet<>(outputs);
    for (String out : outputs) {
      b.addOutput(valueInfo(out));
    }
    for (Node n : nodes) {
      NodeProto.Builder nb = NodeProto.newBuilder().addAllInput(n.inputs).addAllOutput(n.outputs);
      for (String out : n.outputs) {
        ValueType t = types.getOrDefault(out, ValueType.UNKNOWN);
        if (graphOutputs.contains(out)
            || (t.elemType() == 0 && (t.dims() == null || t.dims().isEmpty()))) {
          continue;
        }
        b.addValueInfo(valueInfo(out));
      }
      nb.setOpType(n.opType);
      for (AttributeProto a : n.attributes.values()) {
        nb.addAttribute(attribute(n, a));
      }
      if (n.source != null) {
        if (n.source.hasDocString()) {
          nb.setDocString(n.source.getDocString());
        }
        if (n.source.hasName()) {
          nb.setName(n.source.getName());
        }
        if (n.source.hasDomain()) {
          nb.setDomain(n.source.getDomain());
        }
      }
      b.addNode(nb);
    }
    b.addAllInitializer(initializers);
    return b.build();
  }

  private ValueInfoProto valueInfo(String name) {
    ValueInfoProto.Builder v = ValueInfoProto.newBuilder().setName(name);
    ValueType t = types.getOrDefault(name, ValueType.UNKNOWN);
    if (t.elemType() != 0 || t.dims() != null) {
      TypeProto.Tensor.Builder tt = TypeProto.Tensor.newBuilder();
      if (t.elemType() != 0) {
        tt.setElemType(t.elemType());
      }
      if (t.dims() != null) {
        tt.setShape(TensorShapeProto.newBuilder().addAllDim(t.dims()));
      }
      v.setType(TypeProto.newBuilder().setTensorType(tt));
    }
    return v.build();
  }

  /** {@code addAttribute}: name, type and the value of that type; subgraphs written again. */
  private static AttributeProto attribute(Node n, AttributeProto a) {
    AttributeProto.Builder b =
        AttributeProto.newBuilder().setName(a.getName()).setType(a.getType());
    switch (a.getType()) {
      case FLOAT -> b.setF(a.getF());
      case FLOATS -> b.addAllFloats(a.getFloatsList());
      case INT -> b.setI(a.getI());
      case INTS -> b.addAllInts(a.getIntsList());
      case STRING -> b.setS(a.getS());
      case STRINGS -> b.addAllStrings(a.getStringsList());
      case TENSOR -> b.setT(tensor(a.getT()));
      case TENSORS -> a.getTensorsList().forEach(t -> b.addTensors(tensor(t)));
      case GRAPH -> b.setG(n.graph.get(a.getName()).write());
      case GRAPHS -> n.graphs.get(a.getName()).forEach(g -> b.addGraphs(g.write()));
      case TYPE_PROTO -> b.setTp(a.getTp());
      case TYPE_PROTOS -> b.addAllTypeProtos(a.getTypeProtosList());
      default -> {}
    }
    return b.build();
  }

  /**
   * {@code tensorProtoToTensor} then {@code encodeTensor}: name, segment, dims, type, the typed
   * field of that type and raw_data.
   */
  static TensorProto tensor(TensorProto t) {
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      return t; // onnx.load has put such data inline before the converter sees it
    }
    TensorProto.Builder b = TensorProto.newBuilder();
    if (t.hasName()) {
      b.setName(t.getName());
    }
    if (t.hasSegment()) {
      b.setSegment(t.getSegment());
    }
    b.addAllDims(t.getDimsList()).setDataType(t.getDataType());
    switch (t.getDataType()) {
      case 1, 14 -> b.addAllFloatData(t.getFloatDataList());
      case 10, 16, 9, 3, 5, 6, 2, 4 -> b.addAllInt32Data(t.getInt32DataList());
      case 7 -> b.addAllInt64Data(t.getInt64DataList());
      case 12, 13 -> b.addAllUint64Data(t.getUint64DataList());
      case 11, 15 -> b.addAllDoubleData(t.getDoubleDataList());
      case 8 -> b.addAllStringData(t.getStringDataList());
      default -> {}
    }
    if (t.hasRawData()) {
      b.setRawData(t.getRawData());
    }
    return b.build();
  }

  private static ValueType declared(ValueType before, ValueInfoProto v) {
    if (!v.hasType() || !v.getType().hasTensorType()) {
      return before;
    }
    TypeProto.Tensor tt = v.getType().getTensorType();
    int elem = tt.hasElemType() ? tt.getElemType() : before.elemType();
    List<TensorShapeProto.Dimension> dims = before.dims();
    if (tt.hasShape()) {
      dims = new ArrayList<>();
      for (TensorShapeProto.Dimension d : tt.getShape().getDimList()) {
        TensorShapeProto.Dimension.Builder db = TensorShapeProto.Dimension.newBuilder();
        if (d.hasDimValue()) {
          db.setDimValue((int) d.getDimValue()); // the IR keeps dims as int
        } else if (d.hasDimParam()) {
          db.setDimParam(d.getDimParam());
        }
        dims.add(db.build());
      }
    }
    return new ValueType(elem, dims);
  }

  private static List<TensorShapeProto.Dimension> dimsOf(TensorProto t) {
    List<TensorShapeProto.Dimension> dims = new ArrayList<>();
    for (long d : t.getDimsList()) {
      dims.add(TensorShapeProto.Dimension.newBuilder().setDimValue(d).build());
    }
    return dims;
  }

  /** This graph and its subgraphs, depth first in node and attribute order (as Scope.all). */
  void collect(List<IrGraph> out) {
    out.add(this);
    for (Node n : nodes) {
      for (AttributeProto a : n.attributes.values()) {
        IrGraph g = n.graph.get(a.getName());
        if (g != null) {
          g.collect(out);
        }
        for (IrGraph s : n.graphs.getOrDefault(a.getName(), List.of())) {
          s.collect(out);
        }
      }
    }
  }
}
