// SPDX-License-Identifier: Apache-2.0
package org.quantscope.deploy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.quantscope.graph.GraphIndex;
import org.quantscope.graph.NodeId;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;

/**
 * What {@link SaturationCheck} emulates in an int8 model: its main graph's MatMulInteger,
 * MatMulIntegerToFloat and 2-D ConvInteger nodes with their weights, zero points and scales read
 * from the model, and a note for every integer node it leaves out and why.
 *
 * @param matMuls the MatMulInteger nodes
 * @param convs the ConvInteger nodes
 * @param floats the com.microsoft MatMulIntegerToFloat nodes
 * @param notes why the others are not emulated
 */
record SaturationTargets(
    List<SaturationTargets.Target> matMuls,
    List<SaturationTargets.ConvTarget> convs,
    List<SaturationTargets.FloatTarget> floats,
    List<String> notes) {

  /** Ops that compute an 8-bit product but are not emulated (yet). */
  static final Set<String> NOT_EMULATED =
      Set.of(
          "QAttention",
          "DynamicQuantizeMatMul",
          "DynamicQuantizeLSTM",
          "QGemm",
          "QLinearMatMul",
          "QLinearConv");

  /** One MatMulInteger to emulate. */
  record Target(
      String id,
      String a,
      String aZeroTensor,
      int aZero,
      String weight,
      PairedKernel.Weights b,
      boolean signed,
      int[] bZero,
      int k,
      int n,
      String scale,
      String output) {}

  /** One 2-D ConvInteger to recompute (it cannot saturate: see {@link ConvKernel}). */
  record ConvTarget(
      String id,
      String x,
      String xZeroTensor,
      int xZero,
      String weight,
      ConvKernel.Geometry g,
      String scale,
      String output) {}

  /**
   * One com.microsoft MatMulIntegerToFloat: the same u8 x s8 GEMM as MatMulInteger, its output
   * scaled to float inside the op (a_scale x b_scale, plus the bias).
   */
  record FloatTarget(Target t, String aScale, float[] aScaleConst, float[] bScale, float[] bias) {}

  /** The integer nodes of {@code model}'s main graph to emulate, and notes for the others. */
  static SaturationTargets find(OnnxModel model) throws ModelFormatException {
    List<String> notes = new ArrayList<>();
    List<ConvTarget> convs = new ArrayList<>();
    List<FloatTarget> floats = new ArrayList<>();
    List<Target> matMuls = targets(model, notes, convs, floats);
    return new SaturationTargets(matMuls, convs, floats, notes);
  }

  /** The MatMulInteger nodes of the main graph that can be emulated; notes for the others. */
  private static List<Target> targets(
      OnnxModel model, List<String> notes, List<ConvTarget> convs, List<FloatTarget> floats)
      throws ModelFormatException {
    GraphProto g = model.graph();
    GraphIndex gi = GraphIndex.of(g);
    List<Target> out = new ArrayList<>();
    Map<String, Integer> skipped = new LinkedHashMap<>();
    for (int i = 0; i < g.getNodeCount(); i++) {
      NodeProto n = g.getNode(i);
      String id = n.getName().isEmpty() ? NodeId.of(n, i) : n.getName();
      if (NOT_EMULATED.contains(n.getOpType())) {
        skipped.merge(n.getOpType(), 1, Integer::sum);
        continue;
      }
      if (n.getOpType().equals("ConvInteger") && n.getInputCount() >= 2) {
        ConvTarget c = conv(model, gi, n, id, notes);
        if (c != null) {
          convs.add(c);
        }
        continue;
      }
      boolean toFloat = n.getOpType().equals("MatMulIntegerToFloat");
      if (!(n.getOpType().equals("MatMulInteger") || toFloat) || n.getInputCount() < 2) {
        continue;
      }
      // MatMulInteger: A, B, a_zero_point, b_zero_point; MatMulIntegerToFloat: A, B, a_scale,
      // b_scale, a_zero_point, b_zero_point, bias
      int aZeroAt = toFloat ? 4 : 2;
      int bZeroAt = toFloat ? 5 : 3;
      Optional<TensorProto> w = gi.initializer(n.getInput(1));
      if (w.isEmpty() || w.get().getDimsCount() != 2) {
        notes.add(
            "'"
                + id
                + "': its B is not a 2-D initializer (a weight computed at run time): not"
                + " emulated");
        continue;
      }
      ElementType wt = Tensors.elementType(w.get());
      Optional<ElementType> at = gi.elementType(n.getInput(0));
      if ((wt != ElementType.INT8 && wt != ElementType.UINT8)
          || (at.isPresent() && at.get() != ElementType.UINT8)) {
        notes.add("'" + id + "': not uint8 activations times 8-bit weights: not emulated");
        continue;
      }
      int k = (int) w.get().getDims(0);
      int cols = (int) w.get().getDims(1);
      byte[] b = new byte[k * cols];
      ByteBuffer bb = model.payload(w.get());
      bb.duplicate().get(b);
      String aZeroTensor = null;
      int aZero = 0;
      if (n.getInputCount() > aZeroAt && !n.getInput(aZeroAt).isEmpty()) {
        Optional<TensorProto> z = gi.initializer(n.getInput(aZeroAt));
        if (z.isPresent()) {
          aZero = model.payload(z.get()).get(0) & 0xff;
        } else {
          aZeroTensor = n.getInput(aZeroAt);
        }
      }
      int[] bZero = {0};
      if (n.getInputCount() > bZeroAt && !n.getInput(bZeroAt).isEmpty()) {
        Optional<TensorProto> z = gi.initializer(n.getInput(bZeroAt));
        if (z.isEmpty()) {
          notes.add("'" + id + "': its weight zero point is computed at run time: not emulated");
          continue;
        }
        ByteBuffer zb = model.payload(z.get());
        int count = (int) Tensors.elementCount(z.get());
        bZero = new int[count];
        for (int j = 0; j < count; j++) {
          bZero[j] = wt == ElementType.INT8 ? zb.get(j) : zb.get(j) & 0xff;
        }
        if (count != 1 && count != cols) {
          notes.add("'" + id + "': a weight zero point per row is not emulated");
          continue;
        }
      }
      Target target =
          new Target(
              id,
              n.getInput(0),
              aZeroTensor,
              aZero,
              n.getInput(1),
              PairedKernel.Weights.of(b, k, cols),
              wt == ElementType.INT8,
              bZero,
              k,
              cols,
              toFloat ? "" : outputScale(gi, g, n.getOutput(0)),
              n.getOutput(0));
      if (!toFloat) {
        out.add(target);
        continue;
      }
      Optional<TensorProto> bs = gi.initializer(n.getInput(3));
      Optional<TensorProto> as = gi.initializer(n.getInput(2));
      boolean hasBias = n.getInputCount() > 6 && !n.getInput(6).isEmpty();
      Optional<TensorProto> bias = hasBias ? gi.initializer(n.getInput(6)) : Optional.empty();
      if (bs.isEmpty() || (hasBias && bias.isEmpty())) {
        notes.add("'" + id + "': its weight scale or bias is computed at run time: not emulated");
        continue;
      }
      floats.add(
          new FloatTarget(
              target,
              as.isPresent() ? null : n.getInput(2),
              as.isPresent() ? floatValues(model, as.get()) : null,
              floatValues(model, bs.get()),
              bias.isPresent() ? floatValues(model, bias.get()) : null));
    }
    skipped.forEach(
        (op, count) ->
            notes.add(
                count
                    + " "
                    + op
                    + " node"
                    + (count == 1 ? "" : "s")
                    + ": not emulated (only MatMulInteger, MatMulIntegerToFloat and ConvInteger"
                    + " are, so far)"));
    int inBodies = 0;
    for (NodeProto n : g.getNodeList()) {
      for (org.quantscope.onnx.AttributeProto a : n.getAttributeList()) {
        List<GraphProto> bodies = new ArrayList<>(a.getGraphsList());
        if (a.hasG()) {
          bodies.add(a.getG());
        }
        for (GraphProto b : bodies) {
          for (NodeProto x : b.getNodeList()) {
            if (x.getOpType().equals("MatMulInteger")
                || x.getOpType().equals("ConvInteger")
                || NOT_EMULATED.contains(x.getOpType())) {
              inBodies++;
            }
          }
        }
      }
    }
    if (inBodies > 0) {
      notes.add(
          inBodies
              + " integer node"
              + (inBodies == 1 ? "" : "s")
              + " inside If/Loop/Scan bodies: not emulated (main graph only)");
    }
    return out;
  }

  /** A 2-D ConvInteger with an initializer weight, or null with a note saying why not. */
  private static ConvTarget conv(
      OnnxModel model, GraphIndex gi, NodeProto n, String id, List<String> notes)
      throws ModelFormatException {
    Optional<TensorProto> w = gi.initializer(n.getInput(1));
    if (w.isEmpty() || w.get().getDimsCount() != 4) {
      notes.add("'" + id + "': not a 2-D convolution with a stored weight: not recomputed");
      return null;
    }
    org.quantscope.onnx.AttributeProto autoPad = GraphIndex.attribute(n, "auto_pad");
    if (autoPad != null && !autoPad.getS().toStringUtf8().equals("NOTSET")) {
      notes.add("'" + id + "': auto_pad is not recomputed");
      return null;
    }
    ElementType wt = Tensors.elementType(w.get());
    Optional<ElementType> xt = gi.elementType(n.getInput(0));
    if ((wt != ElementType.INT8 && wt != ElementType.UINT8)
        || (xt.isPresent() && xt.get() != ElementType.UINT8)) {
      notes.add("'" + id + "': not uint8 activations times 8-bit weights: not recomputed");
      return null;
    }
    int m = (int) w.get().getDims(0);
    int cg = (int) w.get().getDims(1);
    int kh = (int) w.get().getDims(2);
    int kw = (int) w.get().getDims(3);
    byte[] b = new byte[m * cg * kh * kw];
    model.payload(w.get()).duplicate().get(b);
    String xZeroTensor = null;
    int xZero = 0;
    if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
      Optional<TensorProto> z = gi.initializer(n.getInput(2));
      if (z.isPresent()) {
        xZero = model.payload(z.get()).get(0) & 0xff;
      } else {
        xZeroTensor = n.getInput(2);
      }
    }
    int wZero = 0;
    if (n.getInputCount() > 3 && !n.getInput(3).isEmpty()) {
      Optional<TensorProto> z = gi.initializer(n.getInput(3));
      if (z.isEmpty() || Tensors.elementCount(z.get()) != 1) {
        notes.add("'" + id + "': its weight zero point is not one stored value: not recomputed");
        return null;
      }
      byte zb = model.payload(z.get()).get(0);
      wZero = wt == ElementType.INT8 ? zb : zb & 0xff;
    }
    int[] pads = ints(n, "pads", 4, 0);
    int[] strides = ints(n, "strides", 2, 1);
    int[] dilations = ints(n, "dilations", 2, 1);
    org.quantscope.onnx.AttributeProto group = GraphIndex.attribute(n, "group");
    int groups = group == null ? 1 : (int) group.getI();
    // ONNX orders pads as (top, left, bottom, right); the emulation reads top and left
    ConvKernel.Geometry g =
        new ConvKernel.Geometry(
            b, wt == ElementType.INT8, wZero, m, cg, kh, kw, groups, pads, strides, dilations);
    return new ConvTarget(
        id,
        n.getInput(0),
        xZeroTensor,
        xZero,
        n.getInput(1),
        g,
        outputScale(gi, model.graph(), n.getOutput(0)),
        n.getOutput(0));
  }

  private static float[] floatValues(OnnxModel model, TensorProto t) throws ModelFormatException {
    ByteBuffer b = model.payload(t).duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[(int) Tensors.elementCount(t)];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getFloat(i * 4);
    }
    return out;
  }

  private static int[] ints(NodeProto n, String name, int count, int otherwise) {
    int[] out = new int[count];
    java.util.Arrays.fill(out, otherwise);
    org.quantscope.onnx.AttributeProto a = GraphIndex.attribute(n, name);
    if (a != null) {
      for (int i = 0; i < Math.min(count, a.getIntsCount()); i++) {
        out[i] = (int) a.getInts(i);
      }
    }
    return out;
  }

  /**
   * The scale the int32 result is multiplied by, as ONNX Runtime's quantizer writes it: the result
   * goes through a Cast and a Mul whose other input is the product of both scales. Null when the
   * graph is otherwise.
   */
  private static String outputScale(GraphIndex gi, GraphProto g, String intOut) {
    for (int c : gi.consumers(intOut)) {
      NodeProto cast = g.getNode(c);
      if (!cast.getOpType().equals("Cast")) {
        continue;
      }
      for (int m : gi.consumers(cast.getOutput(0))) {
        NodeProto mul = g.getNode(m);
        if (mul.getOpType().equals("Mul") && mul.getInputCount() == 2) {
          return mul.getInput(0).equals(cast.getOutput(0)) ? mul.getInput(1) : mul.getInput(0);
        }
      }
    }
    return null;
  }
}
