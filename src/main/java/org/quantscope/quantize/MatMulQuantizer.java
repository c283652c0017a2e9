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
  private static final WeightInput B = new WeightInput(1, "B", WeightRule.WEIGHT);

  @Override
  public String opType() {
    return "MatMul";
  }

  @Override
  public List<WeightInput> weights() {
    return List.of(B);
  }

  /** Also judges a Gemm that passed its own check, as the MatMul it becomes. */
  @Override
  public Verdict judge(NodeProto n, VerdictContext v) {
    String a = OpQuantizer.input(n, 0);
    String weight = B.of(n);
    if (!v.isFloat(a) && !v.isFloat(weight)) {
      return Verdict.no(
          "neither input is float (" + v.describeType(a) + ", " + v.describeType(weight) + ")");
    }
    if (v.criteria().matMulConstBOnly() && !v.isInitializer(weight)) {
      return Verdict.no(v.notConstant(B.label(), weight) + " (MatMulConstBOnly)");
    }
    String half = v.float16(a, "A", weight, B.label());
    if (half != null) {
      return Verdict.no(half);
    }
    String action = "MatMulInteger";
    String b = weight;
    if (n.getOpType().equals("Gemm")) {
      action = "rewritten to MatMul '" + Quantizability.ortName(n) + "', then MatMulInteger";
      if (Quantizability.intAttr(n, "transB", 0) != 0 && !v.isInitializer(weight)) {
        b = weight + "_Transposed";
      }
    }
    return Verdict.yes(action + v.folded(weight), a, b);
  }

  @Override
  public Rewrite quantize(NodeProto node, QuantContext ctx) throws ModelFormatException {
    QuantContext.Inputs a = ctx.activation(node, 0);
    QuantContext.Inputs b = ctx.weight(node, B);
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
