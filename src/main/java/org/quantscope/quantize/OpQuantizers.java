// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The registry of op facts: every op type QuantScope quantizes (ONNX Runtime's dynamic IntegerOps
 * registry), one line each, mapped to the {@link OpQuantizer} that holds all it knows about that
 * op: its weight inputs and how each is quantized ({@link WeightRule}: type, symmetry, range,
 * channel axis), its verdict with its reasons, and its rewrite. Everything else reads it: the
 * verdicts ({@link Quantizability}), the node filters ({@link Criteria}), the options' validation,
 * the quantizer and its "nothing to quantize" message, and the Node tab's {@link WeightPreview}.
 * Adding an op is one new {@code OpQuantizer} class plus one line below.
 *
 * <p>Why it lives in {@code quantize} and not in {@code graph}: an op's verdict and its rewrite are
 * two halves of one rule set (the quantizer asks the verdicts node by node as it rewrites, and the
 * weight rules name quantizer types such as {@link QuantType}), and {@code graph} may not import
 * {@code quantize}, so one class per op can hold both only here. The verdicts therefore moved here
 * with it ({@link Quantizability}, {@link Criteria}, and {@link Summaries}, which reports them);
 * {@code graph} keeps the op-neutral lookups ({@code GraphIndex}, {@code Scope}, {@code NodeId})
 * and the result records ({@code QuantizableNode}, {@code ModelSummary}).
 */
public final class OpQuantizers {
  private OpQuantizers() {}

  /** In the order the "nothing to quantize" message lists them. */
  private static final Map<String, OpQuantizer> REGISTRY =
      registry(
          new MatMulQuantizer(),
          new ConvQuantizer(),
          new GatherQuantizer(),
          new LstmQuantizer(),
          new AttentionQuantizer(),
          new EmbedLayerNormQuantizer(),
          new TransposeQuantizer());

  /**
   * Op types rewritten into a registry op before quantization, as ORT's {@code
   * replace_gemm_with_matmul} does (see {@code GemmRewrite}); they are candidates too, judged and
   * quantized as the op they become.
   */
  private static final Map<String, String> REWRITTEN = Map.of("Gemm", "MatMul");

  private static final Set<String> OP_TYPES =
      Collections.unmodifiableSet(new LinkedHashSet<>(REGISTRY.keySet()));

  private static Map<String, OpQuantizer> registry(OpQuantizer... ops) {
    Map<String, OpQuantizer> m = new LinkedHashMap<>();
    for (OpQuantizer q : ops) {
      m.put(q.opType(), q);
    }
    return Collections.unmodifiableMap(m);
  }

  /** The op types of the registry (what {@code op_types_to_quantize} may name), in order. */
  public static Set<String> opTypes() {
    return OP_TYPES;
  }

  /** The quantizer of a registry op type. */
  static OpQuantizer forOp(String opType) {
    OpQuantizer q = REGISTRY.get(opType);
    if (q == null) {
      throw new IllegalStateException("no quantizer for " + opType);
    }
    return q;
  }

  /**
   * The quantizer that judges and quantizes nodes of {@code opType}: its own, or for a type
   * rewritten first (Gemm) the one of the type it becomes; null for op types never quantized.
   */
  static OpQuantizer forCandidate(String opType) {
    OpQuantizer q = REGISTRY.get(opType);
    if (q != null) {
      return q;
    }
    String target = REWRITTEN.get(opType);
    return target == null ? null : REGISTRY.get(target);
  }

  /**
   * The op types whose nodes can give a model something to quantize: the registry's, each followed
   * by the types rewritten into it, without the ops that only move 8-bit data.
   */
  static List<String> quantizableOpTypes() {
    List<String> out = new ArrayList<>();
    for (OpQuantizer q : REGISTRY.values()) {
      if (q.direct8Bit()) {
        continue;
      }
      out.add(q.opType());
      REWRITTEN.forEach(
          (from, to) -> {
            if (to.equals(q.opType())) {
              out.add(from);
            }
          });
    }
    return out;
  }
}
