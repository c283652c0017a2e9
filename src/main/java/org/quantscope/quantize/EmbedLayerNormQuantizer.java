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
  @Override
  public Rewrite quantize(NodeProto node, QuantContext ctx) throws ModelFormatException {
    QuantContext.Inputs t = ctx.activation(node, 2, 3, 4, 5, 6);
    List<String> in = new ArrayList<>();
    in.add(AttentionQuantizer.input(node, 0));
    in.add(AttentionQuantizer.input(node, 1));
    in.addAll(t.q());
    in.add(AttentionQuantizer.input(node, 7));
    in.addAll(t.scales());
    in.addAll(t.zeroPoints());
    ctx.add(MicrosoftOp.of(node, "QEmbedLayerNormalization", in));
    return ctx.build();
  }
}
