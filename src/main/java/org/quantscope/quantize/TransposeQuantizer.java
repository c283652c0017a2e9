// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import org.quantscope.model.ModelFormatException;
import org.quantscope.onnx.NodeProto;

/**
 * Transpose (ORT's Direct8BitOp) on 8-bit data: it runs on the quantized copy of its input and its
 * output shares that input's scale and zero point. With ForceQuantizeNoInputCheck a float
 * initializer input is quantized (uint8) first.
 */
final class TransposeQuantizer implements OpQuantizer {
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
      QuantContext.Inputs i = ctx.activation(node, 0);
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
