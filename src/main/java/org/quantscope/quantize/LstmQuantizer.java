// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.ArrayList;
import java.util.List;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;

/**
 * LSTM to com.microsoft DynamicQuantizeLSTM. W and R are always int8, on ORT's per-channel path
 * along axis 0: one scale per direction, or with per_channel one per row of the merged [dirs*4H, K]
 * view. The quantized weights are stored transposed to [dirs, K, 4H]; X stays float.
 */
final class LstmQuantizer implements OpQuantizer {
  @Override
  public Rewrite quantize(NodeProto node, QuantContext ctx) throws ModelFormatException {
    QuantizeOptions o = ctx.options();
    WeightJob w = job(ctx.initializer(node.getInput(1)), o);
    WeightJob r = job(ctx.initializer(node.getInput(2)), o);
    for (WeightJob j : List.of(w, r)) {
      ctx.addWeight(j, false);
      ctx.addSlot(j, Rewrite.Slot.Kind.SCALE);
      ctx.addSlot(j, Rewrite.Slot.Kind.ZERO_POINT);
    }
    ctx.addSlot(w, Rewrite.Slot.Kind.QUANTIZED);
    ctx.addSlot(r, Rewrite.Slot.Kind.QUANTIZED);

    List<String> in = new ArrayList<>();
    in.add(node.getInput(0));
    in.add(w.quantizedName());
    in.add(r.quantizedName());
    for (int k = 3; k <= 7; k++) {
      in.add(k < node.getInputCount() ? node.getInput(k) : "");
    }
    in.add(w.scaleName());
    in.add(w.zeroPointName());
    in.add(r.scaleName());
    in.add(r.zeroPointName());
    NodeProto.Builder b =
        NodeProto.newBuilder()
            .setOpType("DynamicQuantizeLSTM")
            .setDomain("com.microsoft")
            .addAllInput(in)
            .addAllOutput(node.getOutputList());
    if (!node.getName().isEmpty()) {
      b.setName(node.getName() + "_quant");
    }
    for (AttributeProto a : node.getAttributeList()) {
      if (!a.getName().equals("layout")) {
        b.addAttribute(a);
      }
    }
    ctx.add(b.build());
    return ctx.build();
  }

  private static WeightJob job(TensorProto t, QuantizeOptions o) {
    long[] d = Tensors.dims(t);
    long dirs = d[0];
    long rows = d[1];
    long k = d[2];
    boolean symmetric = o.symmetricWeights(QuantType.QInt8);
    if (o.perChannel()) {
      return new WeightJob(
          t,
          QuantType.QInt8,
          symmetric,
          o.reduceRange(),
          0,
          new long[] {dirs * rows, k},
          new long[] {dirs, rows},
          new long[] {dirs, rows},
          true);
    }
    return new WeightJob(
        t,
        QuantType.QInt8,
        symmetric,
        o.reduceRange(),
        0,
        d,
        new long[] {dirs},
        new long[] {dirs},
        true);
  }
}
