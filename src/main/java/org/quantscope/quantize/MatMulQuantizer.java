// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.List;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.Protos;
import org.quantscope.onnx.NodeProto;

/**
 * MatMul (and rewritten Gemm) to MatMulInteger: A quantized at run time, B as a constant (per
 * channel on its last axis when asked), the int32 product cast back to float and scaled by the
 * product of both scales. The last Mul writes the original output, so consumers do not change.
 */
final class MatMulQuantizer implements OpQuantizer {
  @Override
  public Rewrite quantize(NodeProto node, QuantContext ctx) throws ModelFormatException {
    QuantContext.Inputs a = ctx.activation(node, 0);
    QuantContext.Inputs b = ctx.weight(node, 1, true, true, -1);
    String y = node.getOutput(0);
    String name = node.getName().isEmpty() ? "" : node.getName() + "_quant";
    String intOut = y + "_output_quantized";
    ctx.add(
        Protos.node(
            "MatMulInteger",
            name,
            List.of(a.q().get(0), b.q().get(0), a.zeroPoints().get(0), b.zeroPoints().get(0)),
            List.of(intOut)));
    ScaledOutput.emit(ctx, node, name, intOut, a.scales().get(0), b.scales().get(0), y);
    return ctx.build();
  }
}
