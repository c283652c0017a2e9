// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.List;
import org.quantscope.model.ModelFormatException;
import org.quantscope.onnx.NodeProto;

/**
 * Transpose (ORT's Direct8BitOp) on 8-bit data: it runs on the quantized copy of its input and its
 * output shares that input's scale and zero point. With ForceQuantizeNoInputCheck a float
 * initializer input is quantized (uint8) first.
 */
final class TransposeQuantizer implements OpQuantizer {
  private static final WeightInput INPUT = new WeightInput(0, "input", WeightRule.TABLE);

  @Override
  public String opType() {
    return "Transpose";
  }

  @Override
  public List<WeightInput> weights() {
    return List.of(INPUT);
  }

  @Override
  public boolean direct8Bit() {
    return true;
  }

  @Override
  public Verdict judge(NodeProto n, VerdictContext v) {
    String in = OpQuantizer.input(n, 0);
    String outName = n.getOutputCount() > 0 ? n.getOutput(0) : null;
    if (!v.isFloat(in)) {
      return Verdict.no("its input '" + in + "' is " + v.describeType(in) + ", not float");
    }
    if (!v.criteria().forceQuantizeNoInputCheck()) {
      if (v.isQuantized(in)) {
        return Verdict.yes("Transpose on the 8-bit input", outName);
      }
    } else if (v.isInitializer(in)) {
      return Verdict.yes("Transpose on a uint8 initializer", in, outName);
    }
    return Verdict.no(
        "its input '"
            + in
            + "' is float; ONNX Runtime moves Transpose to 8-bit only when the input is already"
            + " quantized");
  }

  @Override
  public Rewrite quantize(NodeProto node, QuantContext ctx) throws ModelFormatException {
    String in = node.getInput(0);
    String q;
    String scale;
    String zp;
    QuantizedValue known = ctx.lookup(in);
    if (known != null && !ctx.options().forceQuantizeNoInputCheck()) {
      q = known.qName();
      scale = known.scaleName();
      zp = known.zpName();
    } else {
      QuantContext.Inputs i = ctx.weight(node, INPUT);
      q = i.q().get(0);
      scale = i.scales().get(0);
      zp = i.zeroPoints().get(0);
    }
    String out = node.getOutput(0);
    String qOut = out + "_quantized";
    ctx.register(new QuantizedValue(out, qOut, scale, zp, QuantizedValue.Kind.DERIVED));
    ctx.add(node.toBuilder().setInput(0, q).setOutput(0, qOut).build());
    return ctx.build();
  }
}
