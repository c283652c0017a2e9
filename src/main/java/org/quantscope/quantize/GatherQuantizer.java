// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import org.quantscope.model.ModelFormatException;
import org.quantscope.onnx.NodeProto;

/**
 * Gather on a uint8 copy of its table: the table is quantized like an activation (per tensor,
 * uint8, never reduce_range), the node is kept but reads the copy and writes {@code
 * <out>_quantized}, which downstream MatMuls consume directly; everything else gets a
 * DequantizeLinear.
 */
final class GatherQuantizer implements OpQuantizer {
  @Override
  public Rewrite quantize(NodeProto node, QuantContext ctx) throws ModelFormatException {
    QuantContext.Inputs t = ctx.activation(node, 0);
    String out = node.getOutput(0);
    String qOut = out + "_quantized";
    ctx.register(
        new QuantizedValue(
            out, qOut, t.scales().get(0), t.zeroPoints().get(0), QuantizedValue.Kind.DERIVED));
    ctx.add(node.toBuilder().setInput(0, t.q().get(0)).setOutput(0, qOut).build());
    return ctx.build();
  }
}
