// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.List;
import org.quantscope.graph.GraphIndex;
import org.quantscope.model.ModelFormatException;
import org.quantscope.onnx.NodeProto;

/**
 * com.microsoft Attention to QAttention: the input quantized at run time, the packed QKV weight as
 * a constant (per channel on its last axis when asked), bias, mask and past passed through.
 */
final class AttentionQuantizer implements OpQuantizer {
  private static final WeightInput WEIGHT = new WeightInput(1, "weight", WeightRule.WEIGHT);

  @Override
  public String opType() {
    return "Attention";
  }

  @Override
  public List<WeightInput> weights() {
    return List.of(WEIGHT);
  }

  @Override
  public Verdict judge(NodeProto n, VerdictContext v) {
    if (GraphIndex.attribute(n, "qkv_hidden_sizes") != null) {
      return Verdict.no("has qkv_hidden_sizes, which QAttention does not support");
    }
    String x = n.getInputCount() > 0 ? n.getInput(0) : null;
    String weight = WEIGHT.of(n);
    String half = v.float16(x, "input", weight, WEIGHT.label());
    if (half != null) {
      return Verdict.no(half);
    }
    return Verdict.yes("QAttention", x, weight);
  }

  @Override
  public Rewrite quantize(NodeProto node, QuantContext ctx) throws ModelFormatException {
    QuantContext.Inputs x = ctx.activation(node, 0);
    QuantContext.Inputs w = ctx.weight(node, WEIGHT);
    List<String> in =
        List.of(
            x.q().get(0),
            w.q().get(0),
            OpQuantizer.input(node, 2),
            x.scales().get(0),
            w.scales().get(0),
            OpQuantizer.input(node, 3),
            x.zeroPoints().get(0),
            w.zeroPoints().get(0),
            OpQuantizer.input(node, 4));
    ctx.add(MicrosoftOp.of(node, "QAttention", in));
    return ctx.build();
  }
}
