// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.Map;

/** The registry: op type to its quantizer (ORT's IntegerOps registry; Gemm arrives as MatMul). */
final class OpQuantizers {
  private OpQuantizers() {}

  private static final Map<String, OpQuantizer> REGISTRY =
      Map.of(
          "MatMul", new MatMulQuantizer(),
          "Conv", new ConvQuantizer(),
          "Gather", new GatherQuantizer(),
          "Transpose", new TransposeQuantizer(),
          "LSTM", new LstmQuantizer(),
          "Attention", new AttentionQuantizer(),
          "EmbedLayerNormalization", new EmbedLayerNormQuantizer());

  static OpQuantizer forOp(String opType) {
    OpQuantizer q = REGISTRY.get(opType);
    if (q == null) {
      throw new IllegalStateException("no quantizer for " + opType);
    }
    return q;
  }
}
