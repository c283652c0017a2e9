// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.ArrayList;
import java.util.List;
import org.quantscope.model.ModelFormatException;
import org.quantscope.onnx.NodeProto;

/**
 * com.microsoft EmbedLayerNormalization to QEmbedLayerNormalization: the word, position and segment
 * embeddings, gamma and beta become uint8 tables (like Gather's), ids and mask pass through.
 */
final class EmbedLayerNormQuantizer implements OpQuantizer {
  private static final List<WeightInput> TABLES =
      List.of(
          new WeightInput(2, "word_embedding", WeightRule.TABLE),
          new WeightInput(3, "position_embedding", WeightRule.TABLE),
          new WeightInput(4, "segment_embedding", WeightRule.TABLE),
          new WeightInput(5, "gamma", WeightRule.TABLE),
          new WeightInput(6, "beta", WeightRule.TABLE));

  @Override
  public String opType() {
    return "EmbedLayerNormalization";
  }

  @Override
  public List<WeightInput> weights() {
    return TABLES;
  }

  @Override
  public Verdict judge(NodeProto n, VerdictContext v) {
    if (n.getOutputCount() > 2) {
      return Verdict.no(
          "has " + n.getOutputCount() + " outputs; QEmbedLayerNormalization supports 2");
    }
    List<String> tables = new ArrayList<>();
    for (WeightInput t : TABLES) {
      if (t.index() < n.getInputCount()) {
        tables.add(n.getInput(t.index()));
      }
    }
    return Verdict.yes("QEmbedLayerNormalization", tables.toArray(String[]::new));
  }

  @Override
  public Rewrite quantize(NodeProto node, QuantContext ctx) throws ModelFormatException {
    QuantContext.Inputs t = ctx.weights(node, TABLES);
    List<String> in = new ArrayList<>();
    in.add(OpQuantizer.input(node, 0));
    in.add(OpQuantizer.input(node, 1));
    in.addAll(t.q());
    in.add(OpQuantizer.input(node, 7));
    in.addAll(t.scales());
    in.addAll(t.zeroPoints());
    ctx.add(MicrosoftOp.of(node, "QEmbedLayerNormalization", in));
    return ctx.build();
  }
}
