// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.Protos;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;

/**
 * The rewrite of one node under construction: quantizes its inputs the way ORT's {@code
 * quantize_activation} / {@code quantize_weight} do (reusing what is already quantized, in the
 * shared state or earlier in this node), and collects nodes, initializers and new quantized values
 * until {@link #build} hands them to the driver.
 */
final class QuantContext {
  private final GraphQuantizer graph;
  private final List<NodeProto> nodes = new ArrayList<>();
  private final List<Rewrite.Slot> slots = new ArrayList<>();
  private final Map<String, QuantizedValue> pending = new LinkedHashMap<>();
  private final List<WeightJob> weights = new ArrayList<>();

  QuantContext(GraphQuantizer graph) {
    this.graph = graph;
  }

  QuantizeOptions options() {
    return graph.options();
  }

  /** The names of quantized inputs, zero points and scales, in the order asked for. */
  record Inputs(List<String> q, List<String> zeroPoints, List<String> scales) {}

  /**
   * ORT's {@code quantize_activation}: activations get DynamicQuantizeLinear, constants become
   * uint8 tables ({@link WeightRule#TABLE}).
   */
  Inputs activation(NodeProto node, int... indices) throws ModelFormatException {
    List<OpQuantizer.WeightInput> inputs = new ArrayList<>(indices.length);
    for (int i : indices) {
      inputs.add(new OpQuantizer.WeightInput(i, "input", WeightRule.TABLE));
    }
    return weights(node, inputs);
  }

  /**
   * ORT's {@code quantize_weight}: a constant becomes initializers quantized by the input's rule,
   * anything else is quantized at run time.
   */
  Inputs weight(NodeProto node, OpQuantizer.WeightInput input) throws ModelFormatException {
    return weights(node, List.of(input));
  }

  /**
   * Several inputs at once, each quantized like {@link #weight}: the names are returned in the
   * order asked for.
   */
  Inputs weights(NodeProto node, List<OpQuantizer.WeightInput> inputs) throws ModelFormatException {
    List<String> q = new ArrayList<>();
    List<String> zp = new ArrayList<>();
    List<String> sc = new ArrayList<>();
    for (OpQuantizer.WeightInput w : inputs) {
      int i = w.index();
      String input = i < node.getInputCount() ? node.getInput(i) : "";
      QuantizedValue known = lookup(input);
      if (known != null) {
        q.add(known.qName());
        zp.add(known.zpName());
        sc.add(known.scaleName());
        continue;
      }
      if (input.isEmpty()) {
        q.add("");
        zp.add("");
        sc.add("");
        continue;
      }
      TensorProto init = graph.initializer(input);
      if (init != null) {
        WeightJob job = w.rule().plan(init, options());
        addWeight(job, true);
        q.add(job.quantizedName());
        zp.add(job.zeroPointName());
        sc.add(job.scaleName());
        continue;
      }
      QuantizedValue outer = graph.quantizeOuter(input);
      QuantizedValue v = outer != null ? outer : atRunTime(input);
      q.add(v.qName());
      zp.add(v.zpName());
      sc.add(v.scaleName());
    }
    return new Inputs(q, zp, sc);
  }

  /**
   * A run-time value of this graph quantized: by the node an earlier one emitted (ORT finds it by
   * name), else by a new DynamicQuantizeLinear (or opset-10 chain) added to this rewrite.
   */
  QuantizedValue atRunTime(String input) {
    NodeProto last = graph.findNode(input + "_QuantizeLinear");
    if (last == null) {
      List<NodeProto> chain = quantizeAtRunTime(input);
      nodes.addAll(chain);
      last = chain.get(chain.size() - 1);
    }
    return last.getOpType().equals("QuantizeLinear")
        ? new QuantizedValue(
            input,
            last.getOutput(0),
            last.getInput(1),
            last.getInput(2),
            QuantizedValue.Kind.DYNAMIC)
        : new QuantizedValue(
            input,
            last.getOutput(0),
            last.getOutput(1),
            last.getOutput(2),
            QuantizedValue.Kind.DYNAMIC);
  }

  /**
   * Adds a weight to quantize, registering it as quantized; with {@code slots} its scale, zero
   * point and data are appended to the initializers in that order.
   */
  void addWeight(WeightJob job, boolean withSlots) {
    QuantizedValue value =
        new QuantizedValue(
            job.name(),
            job.quantizedName(),
            job.scaleName(),
            job.zeroPointName(),
            QuantizedValue.Kind.INITIALIZER);
    GraphQuantizer owner = graph.owner(job.name());
    if (owner != null && owner != graph) {
      // a constant of an enclosing graph: quantized there, once, for every subgraph to share
      owner.commitWeight(job, value, withSlots);
      weights.add(job);
      return;
    }
    if (withSlots) {
      slots.add(new Rewrite.Slot.Part(job, Rewrite.Slot.Kind.SCALE));
      slots.add(new Rewrite.Slot.Part(job, Rewrite.Slot.Kind.ZERO_POINT));
      slots.add(new Rewrite.Slot.Part(job, Rewrite.Slot.Kind.QUANTIZED));
    }
    weights.add(job);
    pending.put(
        job.name(),
        new QuantizedValue(
            job.name(),
            job.quantizedName(),
            job.scaleName(),
            job.zeroPointName(),
            QuantizedValue.Kind.INITIALIZER));
  }

  /** Appends one part of a weight to the initializers (for LSTM's ordering). */
  void addSlot(WeightJob job, Rewrite.Slot.Kind kind) {
    slots.add(new Rewrite.Slot.Part(job, kind));
  }

  /** Appends a finished initializer. */
  void addInitializer(TensorProto t) {
    slots.add(new Rewrite.Slot.Fixed(t));
  }

  /**
   * The nodes that quantize an activation at run time: DynamicQuantizeLinear (opset 11+), or the
   * explicit ReduceMin/ReduceMax chain and QuantizeLinear of opset 10.
   */
  private List<NodeProto> quantizeAtRunTime(String input) {
    String q = input + "_quantized";
    String scale = input + "_scale";
    String zp = input + "_zero_point";
    String nodeName = input + "_QuantizeLinear";
    List<NodeProto> chain = new ArrayList<>();
    if (graph.fuseDynamicQuant()) {
      chain.add(
          Protos.node("DynamicQuantizeLinear", nodeName, List.of(input), List.of(q, scale, zp)));
    } else {
      ElementType t = graph.elementType(input).orElse(ElementType.FLOAT);
      String range = graph.fixedScalar("fixed_quantization_range_uint8", 255.0f, t, this);
      String zero = graph.fixedScalar("fixed_zero", 0.0f, t, this);
      String min = input + "_ReduceMin";
      String max = input + "_ReduceMax";
      chain.add(
          Protos.node(
              "ReduceMin", min, List.of(input), List.of(min + ":0"), Protos.attr("keepdims", 0L)));
      chain.add(
          Protos.node(
              "ReduceMax", max, List.of(input), List.of(max + ":0"), Protos.attr("keepdims", 0L)));
      String sub = scale + "_Sub";
      chain.add(Protos.node("Sub", sub, List.of(max + ":0", min + ":0"), List.of(sub + ":0")));
      chain.add(Protos.node("Div", scale + "_Div", List.of(sub + ":0", range), List.of(scale)));
      String zpSub = zp + "_Sub";
      chain.add(Protos.node("Sub", zpSub, List.of(zero, min + ":0"), List.of(zpSub + ":0")));
      String zpDiv = zp + "_Div";
      chain.add(Protos.node("Div", zpDiv, List.of(zpSub + ":0", scale), List.of(zpDiv + ":0")));
      String zpFloor = zp + "_Floor";
      chain.add(Protos.node("Floor", zpFloor, List.of(zpDiv + ":0"), List.of(zpFloor + ":0")));
      chain.add(
          Protos.node(
              "Cast",
              zp + "_Cast",
              List.of(zpFloor + ":0"),
              List.of(zp),
              Protos.attr("to", (long) ElementType.UINT8.code())));
      chain.add(Protos.node("QuantizeLinear", nodeName, List.of(input, scale, zp), List.of(q)));
    }
    pending.put(input, new QuantizedValue(input, q, scale, zp, QuantizedValue.Kind.DYNAMIC));
    return chain;
  }

  /** A value known to be quantized, here or in the shared state; null if not. */
  QuantizedValue lookup(String name) {
    if (name.isEmpty()) {
      return null;
    }
    QuantizedValue v = pending.get(name);
    return v != null ? v : graph.quantized(name);
  }

  /** Records that {@code value} is from now on available as {@code q}. */
  void register(QuantizedValue q) {
    pending.put(q.name(), q);
  }

  void add(NodeProto n) {
    nodes.add(n);
  }

  /** A node already emitted for an earlier node of the graph, by name; null if none. */
  NodeProto findEmitted(String name) {
    return graph.findNewNode(name);
  }

  /**
   * The element type of a float value, for Cast's {@code to}; FLOAT when it cannot be known (or
   * when what is known is not a float type, which a quantized node's output cannot be).
   */
  long elementTypeCode(String value) {
    ElementType t = graph.elementType(value).orElse(ElementType.FLOAT);
    return (t.isFloatingPoint() ? t : ElementType.FLOAT).code();
  }

  TensorProto initializer(String name) {
    return graph.initializer(name);
  }

  Rewrite build() {
    return new Rewrite(
        List.copyOf(nodes), List.copyOf(slots), Map.copyOf(pending), List.copyOf(weights));
  }
}
