// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.ArrayList;
import java.util.List;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.Protos;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;

/**
 * Conv to ConvInteger. As in ORT the weight is quantized per tensor even with per_channel (its
 * ConvInteger path never asks for channels; the conv-per-channel extension does, see {@link
 * WeightRule#CONV}); a bias stays float and is added after a Reshape to {@code [1, -1, 1, ...]}.
 */
final class ConvQuantizer implements OpQuantizer {
  private static final WeightInput W = new WeightInput(1, "W", WeightRule.CONV);

  @Override
  public String opType() {
    return "Conv";
  }

  @Override
  public List<WeightInput> weights() {
    return List.of(W);
  }

  @Override
  public Verdict judge(NodeProto n, VerdictContext v) {
    String x = OpQuantizer.input(n, 0);
    String weight = W.of(n);
    if (!v.isFloat(x)) {
      return Verdict.no("input X '" + x + "' is not float (" + v.describeType(x) + ")");
    }
    String half = v.float16(x, "X", weight, W.label());
    if (half != null) {
      return Verdict.no(half);
    }
    if (!v.isInitializer(weight)) {
      if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
        return Verdict.no(
            v.notConstant(W.label(), weight)
                + " and the Conv has a bias; ONNX Runtime stops with an error on such a node,"
                + " QuantScope leaves it in float");
      }
      return Verdict.yes("ConvInteger (weight quantized at run time)", x, weight);
    }
    return Verdict.yes("ConvInteger" + v.folded(weight), x, weight);
  }

  @Override
  public Rewrite quantize(NodeProto node, QuantContext ctx) throws ModelFormatException {
    QuantContext.Inputs x = ctx.activation(node, 0);
    QuantContext.Inputs w = ctx.weight(node, W);
    String y = node.getOutput(0);
    String name = node.getName().isEmpty() ? "" : node.getName() + "_quant";
    String intOut = y + "_output_quantized";
    NodeProto.Builder conv =
        Protos.node(
            "ConvInteger",
            name,
            List.of(x.q().get(0), w.q().get(0), x.zeroPoints().get(0), w.zeroPoints().get(0)),
            List.of(intOut))
            .toBuilder();
    for (AttributeProto a : node.getAttributeList()) {
      conv.addAttribute(a);
    }
    ctx.add(conv.build());
    boolean bias = node.getInputCount() > 2 && !node.getInput(2).isEmpty();
    String scaled = bias ? y + "quant_scaled_output" : y;
    ScaledOutput.emit(ctx, node, name, intOut, x.scales().get(0), w.scales().get(0), scaled);
    if (bias) {
      TensorProto weight = ctx.initializer(node.getInput(1));
      int rank = weight != null ? weight.getDimsCount() : 4;
      long[] shape = new long[rank];
      java.util.Arrays.fill(shape, 1L);
      if (rank > 1) {
        shape[1] = -1;
      }
      String shapeName = y + "_bias_reshape_shape";
      ctx.addInitializer(Tensors.int64Data(shapeName, new long[] {rank}, shape));
      String reshaped = y + "_bias_reshape_output";
      List<String> in = new ArrayList<>(List.of(node.getInput(2), shapeName));
      ctx.add(Protos.node("Reshape", "", in, List.of(reshaped)));
      ctx.add(Protos.node("Add", y + "_bias_add", List.of(scaled, reshaped), List.of(y)));
    }
    return ctx.build();
  }
}
