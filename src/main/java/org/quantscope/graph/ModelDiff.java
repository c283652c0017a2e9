// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.OperatorSetIdProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.onnx.ValueInfoProto;
import org.quantscope.progress.Cancellation;

/**
 * What differs between two models, graph by graph (subgraphs by their path): op counts, nodes only
 * in one of them, attributes of nodes in both, node order, initializers (type, dims, values: how
 * many elements differ and by how much, in quantization steps for 8-bit tensors), opsets and the
 * graph interface. Two models are identical when their nodes (with attributes and order), weights
 * (values, whatever field stores them), opsets, inputs and outputs are; producer, metadata,
 * value_info and storage fields are reported as notes only.
 */
public final class ModelDiff {
  private ModelDiff() {}

  /**
   * The differences.
   *
   * @param identical no difference in nodes, weights, opsets, inputs and outputs
   * @param opCounts op types whose count differs: op to {count in A, count in B}
   * @param nodesOnlyInA nodes of A that B lacks, as {@code [graph] Op 'name' (inputs) -> (outputs)}
   * @param nodesOnlyInB nodes of B that A lacks
   * @param attributes attribute differences on nodes both have
   * @param order where the node order first differs, null when the same (or when the node sets
   *     differ)
   * @param initializersOnlyInA initializers only A has
   * @param initializersOnlyInB initializers only B has
   * @param initializers initializers both have that differ
   * @param interfaceChanges opset imports, graph inputs and outputs that differ
   * @param notes informational differences: producer, metadata, value_info, storage fields
   */
  public record Report(
      boolean identical,
      Map<String, List<Integer>> opCounts,
      List<String> nodesOnlyInA,
      List<String> nodesOnlyInB,
      List<AttributeChange> attributes,
      String order,
      List<String> initializersOnlyInA,
      List<String> initializersOnlyInB,
      List<TensorChange> initializers,
      List<String> interfaceChanges,
      List<String> notes) {}

  /** An attribute that differs, or exists in one node only (the other value is null). */
  public record AttributeChange(String node, String attribute, String a, String b) {}

  /**
   * An initializer that differs.
   *
   * @param name [graph] name
   * @param change "type", "dims" or "values"
   * @param a A's type and dims (for type and dims changes)
   * @param b B's type and dims
   * @param differing elements that differ (values)
   * @param elements elements in all
   * @param largest the largest absolute difference: in steps (integer units) for integer tensors,
   *     in the values' unit for float ones
   * @param unit "steps" or "absolute"
   */
  public record TensorChange(
      String name,
      String change,
      String a,
      String b,
      long differing,
      long elements,
      double largest,
      String unit) {}

  /**
   * Compares two models.
   *
   * @throws ModelFormatException if a weight of either cannot be read
   */
  public static Report compare(OnnxModel a, OnnxModel b) throws ModelFormatException {
    ModelProto pa = a.proto();
    ModelProto pb = b.proto();
    Map<String, Integer> countA = new TreeMap<>();
    Map<String, Integer> countB = new TreeMap<>();
    List<String> onlyA = new ArrayList<>();
    List<String> onlyB = new ArrayList<>();
    List<AttributeChange> attrs = new ArrayList<>();
    List<String> initA = new ArrayList<>();
    List<String> initB = new ArrayList<>();
    List<TensorChange> inits = new ArrayList<>();
    List<String> iface = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    String order = null;

    Map<String, GraphProto> graphsA = graphs(pa.getGraph());
    Map<String, GraphProto> graphsB = graphs(pb.getGraph());
    Set<String> paths = new LinkedHashSet<>(graphsA.keySet());
    paths.addAll(graphsB.keySet());
    for (String path : paths) {
      Cancellation.check();
      GraphProto ga = graphsA.getOrDefault(path, GraphProto.getDefaultInstance());
      GraphProto gb = graphsB.getOrDefault(path, GraphProto.getDefaultInstance());
      String label = path.isEmpty() ? "" : "[" + path + "] ";
      ga.getNodeList().forEach(n -> countA.merge(n.getOpType(), 1, Integer::sum));
      gb.getNodeList().forEach(n -> countB.merge(n.getOpType(), 1, Integer::sum));

      // nodes as multisets of signatures; pairs of equal signatures compare attributes
      Map<String, List<NodeProto>> byA = bySignature(ga);
      Map<String, List<NodeProto>> byB = bySignature(gb);
      Set<String> sigs = new LinkedHashSet<>(byA.keySet());
      sigs.addAll(byB.keySet());
      boolean sameSet = true;
      for (String sig : sigs) {
        List<NodeProto> la = byA.getOrDefault(sig, List.of());
        List<NodeProto> lb = byB.getOrDefault(sig, List.of());
        for (int i = 0; i < Math.max(la.size(), lb.size()); i++) {
          if (i >= lb.size()) {
            onlyA.add(label + describe(la.get(i)));
            sameSet = false;
          } else if (i >= la.size()) {
            onlyB.add(label + describe(lb.get(i)));
            sameSet = false;
          } else {
            attributes(label, la.get(i), lb.get(i), attrs);
          }
        }
      }
      if (sameSet && order == null) {
        for (int i = 0; i < ga.getNodeCount(); i++) {
          if (!signature(ga.getNode(i)).equals(signature(gb.getNode(i)))) {
            order =
                label
                    + "node "
                    + i
                    + ": "
                    + describe(ga.getNode(i))
                    + " in A, "
                    + describe(gb.getNode(i))
                    + " in B";
            break;
          }
        }
      }

      // initializers by name
      Map<String, TensorProto> ta = new LinkedHashMap<>();
      ga.getInitializerList().forEach(t -> ta.put(t.getName(), t));
      Map<String, TensorProto> tb = new LinkedHashMap<>();
      gb.getInitializerList().forEach(t -> tb.put(t.getName(), t));
      for (TensorProto t : ta.values()) {
        TensorProto u = tb.get(t.getName());
        if (u == null) {
          initA.add(label + t.getName() + " " + typeAndDims(t));
          continue;
        }
        TensorChange c = tensor(label + t.getName(), a, t, b, u);
        if (c != null) {
          inits.add(c);
        }
        if (!Tensors.storage(t).equals(Tensors.storage(u))) {
          notes.add(
              label
                  + t.getName()
                  + " stored in "
                  + Tensors.storage(t)
                  + " in A, "
                  + Tensors.storage(u)
                  + " in B");
        }
      }
      for (TensorProto u : tb.values()) {
        if (!ta.containsKey(u.getName())) {
          initB.add(label + u.getName() + " " + typeAndDims(u));
        }
      }
      if (!ta.keySet().isEmpty()
          && ta.keySet().equals(tb.keySet())
          && !List.copyOf(ta.keySet()).equals(List.copyOf(tb.keySet()))) {
        notes.add(label + "initializers in another order");
      }

      // interface
      if (!values(ga.getInputList()).equals(values(gb.getInputList()))) {
        iface.add(
            label
                + "inputs: "
                + values(ga.getInputList())
                + " in A, "
                + values(gb.getInputList())
                + " in B");
      }
      if (!values(ga.getOutputList()).equals(values(gb.getOutputList()))) {
        iface.add(
            label
                + "outputs: "
                + values(ga.getOutputList())
                + " in A, "
                + values(gb.getOutputList())
                + " in B");
      }
      if (ga.getValueInfoCount() != gb.getValueInfoCount()) {
        notes.add(
            label
                + "value_info: "
                + ga.getValueInfoCount()
                + " entries in A, "
                + gb.getValueInfoCount()
                + " in B");
      }
    }
    Map<String, List<Integer>> opCounts = new TreeMap<>();
    Set<String> ops = new TreeSet<>(countA.keySet());
    ops.addAll(countB.keySet());
    for (String op : ops) {
      int x = countA.getOrDefault(op, 0);
      int y = countB.getOrDefault(op, 0);
      if (x != y) {
        opCounts.put(op, List.of(x, y));
      }
    }
    if (!opsets(pa).equals(opsets(pb))) {
      iface.add("opsets: " + opsets(pa) + " in A, " + opsets(pb) + " in B");
    }
    if (!(pa.getProducerName() + " " + pa.getProducerVersion())
        .equals(pb.getProducerName() + " " + pb.getProducerVersion())) {
      notes.add(
          "producer: '"
              + (pa.getProducerName() + " " + pa.getProducerVersion()).strip()
              + "' in A, '"
              + (pb.getProducerName() + " " + pb.getProducerVersion()).strip()
              + "' in B");
    }
    if (pa.getIrVersion() != pb.getIrVersion()) {
      notes.add("ir_version: " + pa.getIrVersion() + " in A, " + pb.getIrVersion() + " in B");
    }
    if (!metadata(pa).equals(metadata(pb))) {
      notes.add("metadata: " + metadata(pa) + " in A, " + metadata(pb) + " in B");
    }
    boolean identical =
        opCounts.isEmpty()
            && onlyA.isEmpty()
            && onlyB.isEmpty()
            && attrs.isEmpty()
            && order == null
            && initA.isEmpty()
            && initB.isEmpty()
            && inits.isEmpty()
            && iface.isEmpty();
    return new Report(
        identical,
        opCounts,
        List.copyOf(onlyA),
        List.copyOf(onlyB),
        List.copyOf(attrs),
        order,
        List.copyOf(initA),
        List.copyOf(initB),
        List.copyOf(inits),
        List.copyOf(iface),
        List.copyOf(notes));
  }

  private static Map<String, GraphProto> graphs(GraphProto main) {
    Map<String, GraphProto> out = new LinkedHashMap<>();
    for (Scope s : Scope.all(main)) {
      out.putIfAbsent(s.path(), s.graph());
    }
    return out;
  }

  private static Map<String, List<NodeProto>> bySignature(GraphProto g) {
    Map<String, List<NodeProto>> m = new LinkedHashMap<>();
    for (NodeProto n : g.getNodeList()) {
      m.computeIfAbsent(signature(n), k -> new ArrayList<>()).add(n);
    }
    return m;
  }

  /** Op, domain, name, inputs, outputs: what places a node in the graph. */
  private static String signature(NodeProto n) {
    String domain = n.getDomain().equals("ai.onnx") ? "" : n.getDomain();
    return n.getOpType()
        + "|"
        + domain
        + "|"
        + n.getName()
        + "|"
        + n.getInputList()
        + "|"
        + n.getOutputList();
  }

  private static String describe(NodeProto n) {
    return n.getOpType()
        + (n.getName().isEmpty() ? "" : " '" + n.getName() + "'")
        + " ("
        + String.join(", ", n.getInputList())
        + ") -> ("
        + String.join(", ", n.getOutputList())
        + ")";
  }

  private static void attributes(
      String label, NodeProto a, NodeProto b, List<AttributeChange> out) {
    Map<String, String> va = new LinkedHashMap<>();
    a.getAttributeList().forEach(x -> va.put(x.getName(), value(x)));
    Map<String, String> vb = new LinkedHashMap<>();
    b.getAttributeList().forEach(x -> vb.put(x.getName(), value(x)));
    Set<String> names = new LinkedHashSet<>(va.keySet());
    names.addAll(vb.keySet());
    String node =
        label + (a.getName().isEmpty() ? a.getOpType() + " -> " + a.getOutputList() : a.getName());
    for (String name : names) {
      if (!Objects.equals(va.get(name), vb.get(name))) {
        out.add(new AttributeChange(node, name, va.get(name), vb.get(name)));
      }
    }
  }

  /** An attribute's value as text; subgraphs are compared as graphs of their own, not here. */
  private static String value(AttributeProto x) {
    if (x.hasG() || x.getGraphsCount() > 0) {
      return "(graph)";
    }
    if (x.hasT()) {
      TensorProto t = x.getT();
      return "tensor " + typeAndDims(t) + " " + Integer.toHexString(t.toByteString().hashCode());
    }
    return switch (x.getType()) {
      case FLOAT -> Float.toString(x.getF());
      case INT -> Long.toString(x.getI());
      case STRING -> x.getS().toStringUtf8();
      case FLOATS -> x.getFloatsList().toString();
      case INTS -> x.getIntsList().toString();
      case STRINGS -> x.getStringsList().stream().map(s -> s.toStringUtf8()).toList().toString();
      default ->
          x.toBuilder().clearName().clearDocString().build().toString().strip().replace('\n', ' ');
    };
  }

  private static String typeAndDims(TensorProto t) {
    String type =
        ElementType.of(t.getDataType())
            .map(ElementType::onnxName)
            .orElse("type " + t.getDataType());
    return type + t.getDimsList();
  }

  private static List<String> values(List<ValueInfoProto> vs) {
    List<String> out = new ArrayList<>();
    for (ValueInfoProto v : vs) {
      out.add(v.getName() + ":" + v.getType().toString().replaceAll("\\s+", " ").strip());
    }
    return out;
  }

  private static Map<String, Long> opsets(ModelProto p) {
    Map<String, Long> m = new TreeMap<>();
    for (OperatorSetIdProto o : p.getOpsetImportList()) {
      m.put(o.getDomain().isEmpty() ? "ai.onnx" : o.getDomain(), o.getVersion());
    }
    return m;
  }

  private static Map<String, String> metadata(ModelProto p) {
    Map<String, String> m = new TreeMap<>();
    p.getMetadataPropsList().forEach(e -> m.put(e.getKey(), e.getValue()));
    return m;
  }

  /** Compares two tensors of the same name; null when equal in type, dims and values. */
  private static TensorChange tensor(
      String name, OnnxModel ma, TensorProto a, OnnxModel mb, TensorProto b)
      throws ModelFormatException {
    if (a.getDataType() != b.getDataType()) {
      return new TensorChange(name, "type", typeAndDims(a), typeAndDims(b), 0, 0, 0, null);
    }
    if (!a.getDimsList().equals(b.getDimsList())) {
      return new TensorChange(name, "dims", typeAndDims(a), typeAndDims(b), 0, 0, 0, null);
    }
    ElementType type = Tensors.elementType(a);
    long n = Tensors.elementCount(a);
    if (type == ElementType.STRING) {
      return a.getStringDataList().equals(b.getStringDataList())
          ? null
          : new TensorChange(name, "values", null, null, n, n, 0, null);
    }
    ByteBuffer x = ma.payload(a).duplicate().order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer y = mb.payload(b).duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (x.equals(y)) {
      return null;
    }
    long differing = 0;
    double largest = 0;
    boolean floating = type.isFloatingPoint();
    if (floating && n <= Integer.MAX_VALUE) {
      float[] fa = Tensors.toFloats(x, type, (int) n);
      float[] fb = Tensors.toFloats(y, type, (int) n);
      for (int i = 0; i < fa.length; i++) {
        if (Float.floatToIntBits(fa[i]) != Float.floatToIntBits(fb[i])) {
          differing++;
          largest = Math.max(largest, Math.abs((double) fa[i] - fb[i]));
        }
      }
    } else {
      int size = Math.max(1, type.bits() / 8);
      for (long i = 0; i < n; i++) {
        long va = integer(x, (int) (i * size), size, type);
        long vb = integer(y, (int) (i * size), size, type);
        if (va != vb) {
          differing++;
          largest = Math.max(largest, Math.abs((double) va - vb));
        }
      }
    }
    return new TensorChange(
        name, "values", null, null, differing, n, largest, floating ? "absolute" : "steps");
  }

  private static long integer(ByteBuffer b, int at, int size, ElementType type) {
    int p = b.position() + at;
    boolean unsigned = type.name().startsWith("UINT") || type == ElementType.BOOL;
    return switch (size) {
      case 1 -> unsigned ? b.get(p) & 0xff : b.get(p);
      case 2 -> unsigned ? b.getShort(p) & 0xffff : b.getShort(p);
      case 4 -> unsigned ? b.getInt(p) & 0xffffffffL : b.getInt(p);
      default -> b.getLong(p);
    };
  }
}
