// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.quantscope.graph.GraphLayout.Kind;
import org.quantscope.model.ElementType;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.onnx.TensorShapeProto;
import org.quantscope.onnx.TypeProto;
import org.quantscope.onnx.ValueInfoProto;
import org.quantscope.progress.Cancellation;

/**
 * What {@link GraphLayout} draws for one scope, before any geometry: the boxes with their sizes and
 * the connections between them. Knows ONNX, not ELK.
 */
final class LayoutSketch {
  /** Op types whose constant inputs are weights worth a box of their own. */
  static final Set<String> WEIGHT_OPS =
      Set.of(
          "MatMul",
          "Gemm",
          "Conv",
          "ConvTranspose",
          "Gather",
          "LSTM",
          "GRU",
          "RNN",
          "Attention",
          "MultiHeadAttention",
          "EmbedLayerNormalization",
          "MatMulInteger",
          "ConvInteger",
          "QLinearMatMul",
          "QLinearConv",
          "QGemm",
          "QAttention",
          "DynamicQuantizeMatMul",
          "DynamicQuantizeLSTM",
          "MatMulNBits",
          "FusedMatMul",
          "FusedConv");

  /** Pixels per character of the estimated text width (a 12 px sans-serif font). */
  static final double CHAR_WIDTH = 7;

  /** Longest line, in characters, that widens a box; the renderer elides longer text. */
  static final int MAX_CHARS = 40;

  static final double PADDING = 8;
  static final double MIN_WIDTH = 80;
  static final double MIN_WEIGHT_WIDTH = 48;
  static final double HEIGHT_TWO_LINES = 36;
  static final double HEIGHT_ONE_LINE = 22;

  /** Room per connection point along a box edge, so that many inputs do not crowd together. */
  static final double PORT_PITCH = 12;

  /** A box without position. */
  record Shape(
      String id,
      Kind kind,
      String title,
      String subtitle,
      double width,
      double height,
      int nodeIndex) {

    /** This shape drawn as a box at {@code (x, y)}, {@code w} by {@code h}. */
    GraphLayout.Box at(double x, double y, double w, double h) {
      return new GraphLayout.Box(id, kind, title, subtitle, x, y, w, h, nodeIndex);
    }
  }

  /** A connection between two shapes (indexes into {@link #shapes}) carrying one value. */
  record Link(int from, int to, String value) {}

  /** Graph inputs first, then one shape per node in graph order, weights, graph outputs. */
  final List<Shape> shapes = new ArrayList<>();

  /** The ids of the nodes inside each collapsed box, by box id. */
  final java.util.Map<String, List<String>> inside = new java.util.LinkedHashMap<>();

  /** Per reader, in the order of its input slots. */
  final List<Link> links = new ArrayList<>();

  /** Position of each node output among the outputs of its node. */
  final Map<String, Integer> outputSlots = new HashMap<>();

  /** Shapes ELK must put in the first layer (stand-ins for values from outside a piece). */
  final Set<Integer> firstLayer = new HashSet<>();

  /** Shapes ELK must put in the last layer (stand-ins for values read outside a piece). */
  final Set<Integer> lastLayer = new HashSet<>();

  /**
   * Where some ports go instead of spread evenly along their edge: px from the left of the box, by
   * {@link #inPort} or {@link #outPort} key.
   */
  final Map<String, Double> portX = new HashMap<>();

  private LayoutSketch() {}

  /**
   * A sketch made of given shapes and links, for laying out a piece of a graph ({@link
   * LayoutComposed}); the shapes keep their sizes.
   */
  static LayoutSketch of(List<Shape> shapes, List<Link> links, Map<String, Integer> outputSlots) {
    LayoutSketch s = new LayoutSketch();
    s.shapes.addAll(shapes);
    s.links.addAll(links);
    s.outputSlots.putAll(outputSlots);
    return s;
  }

  /** The key of {@link #portX} for the port where {@code value} enters shape {@code to}. */
  static String inPort(int to, String value) {
    return "in\u0000" + to + "\u0000" + value;
  }

  /** The key of {@link #portX} for the port where {@code value} leaves shape {@code from}. */
  static String outPort(int from, String value) {
    return "out\u0000" + from + "\u0000" + value;
  }

  /** Boxes and connections of one scope; checks {@link Cancellation} every few hundred nodes. */
  static LayoutSketch of(Scope scope, boolean showWeights) {
    return of(scope, showWeights, List.of());
  }

  /** Boxes and connections of one scope with the {@code collapsed} runs one box each. */
  static LayoutSketch of(Scope scope, boolean showWeights, List<GraphLayout.Collapsed> collapsed) {
    LayoutSketch s = new LayoutSketch();
    GraphProto g = scope.graph();
    List<NodeProto> nodes = g.getNodeList();
    Map<String, TensorProto> initializers = new HashMap<>();
    for (TensorProto t : g.getInitializerList()) {
      initializers.put(t.getName(), t);
    }

    // Who defines a value in this scope, as a shape index. A graph input that is an initializer
    // too is an initializer (old exporters list every weight as an input).
    Map<String, Integer> inputs = new HashMap<>();
    for (ValueInfoProto v : g.getInputList()) {
      if (!initializers.containsKey(v.getName()) && !inputs.containsKey(v.getName())) {
        inputs.put(v.getName(), s.add(inputOutput(Kind.INPUT, v)));
      }
    }
    Map<String, Integer> nodeOutputs = new HashMap<>();
    int[] nodeShapes = new int[nodes.size()];
    GraphLayout.Collapsed[] runOf = new GraphLayout.Collapsed[nodes.size()];
    for (GraphLayout.Collapsed c : collapsed) {
      for (int i = c.firstNode(); i < Math.min(c.endNode(), nodes.size()); i++) {
        if (runOf[i] != null) {
          throw new IllegalArgumentException(
              "collapsed runs " + runOf[i].id() + " and " + c.id() + " overlap at node " + i);
        }
        runOf[i] = c;
      }
    }
    for (int i = 0; i < nodes.size(); i++) {
      if ((i & 255) == 0) {
        Cancellation.check();
      }
      NodeProto n = nodes.get(i);
      GraphLayout.Collapsed run = runOf[i];
      if (run != null) {
        s.inside.computeIfAbsent(run.id(), k -> new ArrayList<>()).add(NodeId.of(scope, n, i));
      }
      if (run != null && i > run.firstNode()) {
        nodeShapes[i] = nodeShapes[i - 1];
      } else if (run != null) {
        Shape b = box(run.id(), Kind.BLOCK, run.title(), run.subtitle(), i);
        nodeShapes[i] =
            s.add(
                new Shape(
                    b.id(),
                    b.kind(),
                    b.title(),
                    b.subtitle(),
                    Math.max(b.width() + 40, 300),
                    b.height() + 20,
                    b.nodeIndex()));
      } else {
        nodeShapes[i] =
            s.add(box(NodeId.of(scope, n, i), Kind.NODE, n.getOpType(), n.getName(), i));
      }
      for (int k = 0; k < n.getOutputCount(); k++) {
        String out = n.getOutput(k);
        if (!out.isEmpty() && nodeOutputs.putIfAbsent(out, nodeShapes[i]) == null) {
          s.outputSlots.put(out, k);
        }
      }
    }
    Map<String, Integer> weights = new HashMap<>();
    if (showWeights) {
      // One shared box per weight, in order of first use.
      for (int i = 0; i < nodes.size(); i++) {
        NodeProto n = nodes.get(i);
        if (!WEIGHT_OPS.contains(n.getOpType()) || runOf[i] != null) {
          continue;
        }
        for (String in : n.getInputList()) {
          TensorProto t = initializers.get(in);
          if (t != null
              && t.getDimsCount() >= 1
              && !weights.containsKey(in)
              && !nodeOutputs.containsKey(in)) {
            String dims = t.getDimsList().toString();
            weights.put(in, s.add(box("weight:" + in, Kind.WEIGHT, in, dims, -1)));
          }
        }
      }
    }

    Set<Link> seen = new HashSet<>();
    for (int i = 0; i < nodes.size(); i++) {
      if ((i & 255) == 0) {
        Cancellation.check();
      }
      for (String in : nodes.get(i).getInputList()) {
        Integer from = producer(in, nodeOutputs, inputs, weights);
        // No box here: an optional input left empty, an initializer without a box, or a value
        // of an enclosing graph.
        if (from != null && (runOf[i] == null || from != nodeShapes[i])) {
          s.link(seen, new Link(from, nodeShapes[i], in));
        }
      }
    }
    Set<String> outputs = new HashSet<>();
    for (ValueInfoProto v : g.getOutputList()) {
      if (!outputs.add(v.getName())) {
        continue; // listed twice: one box is enough
      }
      int to = s.add(inputOutput(Kind.OUTPUT, v));
      Integer from = producer(v.getName(), nodeOutputs, inputs, weights);
      if (from != null) {
        s.link(seen, new Link(from, to, v.getName()));
      }
    }
    s.widenForPorts();
    return s;
  }

  /** Widens boxes with more inputs or outputs than their text leaves room for. */
  private void widenForPorts() {
    Map<Integer, Set<String>> ins = new HashMap<>();
    Map<Integer, Set<String>> outs = new HashMap<>();
    for (Link l : links) {
      ins.computeIfAbsent(l.to(), k -> new HashSet<>()).add(l.value());
      outs.computeIfAbsent(l.from(), k -> new HashSet<>()).add(l.value());
    }
    for (int i = 0; i < shapes.size(); i++) {
      int ports =
          Math.max(ins.getOrDefault(i, Set.of()).size(), outs.getOrDefault(i, Set.of()).size());
      Shape sh = shapes.get(i);
      double needed = (ports + 1) * PORT_PITCH;
      if (needed > sh.width()) {
        shapes.set(
            i,
            new Shape(
                sh.id(),
                sh.kind(),
                sh.title(),
                sh.subtitle(),
                needed,
                sh.height(),
                sh.nodeIndex()));
      }
    }
  }

  /** The shape defining {@code value}: a node output, else a graph input, else a weight box. */
  private static Integer producer(
      String value,
      Map<String, Integer> nodeOutputs,
      Map<String, Integer> inputs,
      Map<String, Integer> weights) {
    if (value.isEmpty()) {
      return null;
    }
    Integer p = nodeOutputs.get(value);
    if (p == null) {
      p = inputs.get(value);
    }
    return p != null ? p : weights.get(value);
  }

  private int add(Shape shape) {
    shapes.add(shape);
    return shapes.size() - 1;
  }

  private void link(Set<Link> seen, Link link) {
    if (seen.add(link)) {
      links.add(link);
    }
  }

  private static Shape inputOutput(Kind kind, ValueInfoProto v) {
    String prefix = kind == Kind.INPUT ? "input:" : "output:";
    return box(prefix + v.getName(), kind, v.getName(), describe(v.getType()), -1);
  }

  static Shape box(String id, Kind kind, String title, String subtitle, int nodeIndex) {
    int chars = Math.min(MAX_CHARS, Math.max(title.length(), subtitle.length()));
    double min = kind == Kind.WEIGHT ? MIN_WEIGHT_WIDTH : MIN_WIDTH;
    double width = Math.max(min, chars * CHAR_WIDTH + 2 * PADDING);
    double height = subtitle.isEmpty() ? HEIGHT_ONE_LINE : HEIGHT_TWO_LINES;
    return new Shape(id, kind, title, subtitle, width, height, nodeIndex);
  }

  /** "float [batch, 4]" for a tensor type; "" when the type says nothing useful. */
  static String describe(TypeProto type) {
    if (!type.hasTensorType()) {
      return "";
    }
    TypeProto.Tensor t = type.getTensorType();
    String elem = ElementType.of(t.getElemType()).map(ElementType::onnxName).orElse("");
    if (!t.hasShape()) {
      return elem;
    }
    String dims =
        t.getShape().getDimList().stream()
            .map(LayoutSketch::dim)
            .collect(Collectors.joining(", ", "[", "]"));
    return elem.isEmpty() ? dims : elem + " " + dims;
  }

  private static String dim(TensorShapeProto.Dimension d) {
    if (d.hasDimValue()) {
      return Long.toString(d.getDimValue());
    }
    return d.hasDimParam() && !d.getDimParam().isEmpty() ? d.getDimParam() : "?";
  }
}
