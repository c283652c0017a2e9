// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.quantscope.model.ModelFormatException;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;

/**
 * LSTM to com.microsoft DynamicQuantizeLSTM. W and R are always int8, on ORT's per-channel path
 * along axis 0: one scale per direction, or with per_channel one per row of the merged [dirs*4H, K]
 * view. The quantized weights are stored transposed to [dirs, K, 4H]; X stays float.
 */
final class LstmQuantizer implements OpQuantizer {
  private static final List<WeightInput> WEIGHTS =
      List.of(new WeightInput(1, "W", WeightRule.LSTM), new WeightInput(2, "R", WeightRule.LSTM));

  @Override
  public String opType() {
    return "LSTM";
  }

  @Override
  public List<WeightInput> weights() {
    return WEIGHTS;
  }

  @Override
  public Verdict judge(NodeProto n, VerdictContext v) {
    String x = OpQuantizer.input(n, 0);
    if (!v.isFloat(x)) {
      return Verdict.no("input X '" + x + "' is not float (" + v.describeType(x) + ")");
    }
    for (WeightInput w : WEIGHTS) {
      String label = w.label();
      String name = OpQuantizer.input(n, w.index());
      Optional<TensorProto> t = v.constant(name);
      if (t.isEmpty()) {
        return Verdict.no(v.notConstant(label, name));
      }
      if (!v.isFloat(name)) {
        return Verdict.no(label + " '" + name + "' is " + v.describeType(name) + ", not float");
      }
      if (t.get().getDimsCount() != 3) {
        return Verdict.no(
            label + " '" + name + "' has rank " + t.get().getDimsCount() + ", expected 3");
      }
    }
    return Verdict.yes("DynamicQuantizeLSTM", n.getInput(1), n.getInput(2));
  }

  /** W and R are planned anew each time, without looking up what earlier nodes quantized. */
  @Override
  public Rewrite quantize(NodeProto node, QuantContext ctx) throws ModelFormatException {
    QuantizeOptions o = ctx.options();
    List<WeightJob> jobs = new ArrayList<>();
    for (WeightInput in : WEIGHTS) {
      jobs.add(in.rule().plan(ctx.initializer(node.getInput(in.index())), o));
    }
    WeightJob w = jobs.get(0);
    WeightJob r = jobs.get(1);
    for (WeightJob j : jobs) {
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
}
