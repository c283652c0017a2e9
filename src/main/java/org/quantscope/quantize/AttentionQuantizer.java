// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.List;
import org.quantscope.model.ModelFormatException;
import org.quantscope.onnx.NodeProto;

/**
 * com.microsoft Attention to QAttention: the input quantized at run time, the packed QKV weight as
 * a constant (per channel on its last axis when asked), bias, mask and past passed through.
 */
final class AttentionQuantizer implements OpQuantizer {
  @Override
  public Rewrite quantize(NodeProto node, QuantContext ctx) throws ModelFormatException {
    QuantContext.Inputs x = ctx.activation(node, 0);
    QuantContext.Inputs w = ctx.weight(node, 1, true, true, -1);
    List<String> in =
        List.of(
            x.q().get(0),
            w.q().get(0),
            input(node, 2),
            x.scales().get(0),
            w.scales().get(0),
            input(node, 3),
            x.zeroPoints().get(0),
            w.zeroPoints().get(0),
            input(node, 4));
    ctx.add(MicrosoftOp.of(node, "QAttention", in));
    return ctx.build();
  }

  static String input(NodeProto node, int k) {
    return k < node.getInputCount() ? node.getInput(k) : "";
  }
}
