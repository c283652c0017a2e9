// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.Set;

/**
 * What decides whether a node is quantized: ONNX Runtime's node filters and the extra options that
 * change the decision in dynamic mode. The quantizer's options map onto this record, so {@code
 * inspect} and {@code quantize} always agree.
 *
 * @param opTypes op types to quantize; empty means every type of the registry ({@link
 *     OpQuantizers#opTypes()})
 * @param nodesToQuantize if not empty, only these nodes (by name or stable id)
 * @param nodesToExclude nodes left in float (by name or stable id)
 * @param matMulConstBOnly quantize a MatMul only when its B input is an initializer (ORT's default
 *     in dynamic mode)
 * @param enableSubgraph also quantize nodes inside If/Loop/Scan bodies
 * @param forceQuantizeNoInputCheck quantize Transpose even when its input is not yet 8-bit
 * @param constantWeights QuantScope extension: weights held in Constant nodes (or Identity copies
 *     of constants) count as initializers
 * @param gemmGeneral QuantScope extension: Gemm with transA, alpha or beta is rewritten too
 */
public record Criteria(
    Set<String> opTypes,
    Set<String> nodesToQuantize,
    Set<String> nodesToExclude,
    boolean matMulConstBOnly,
    boolean enableSubgraph,
    boolean forceQuantizeNoInputCheck,
    boolean constantWeights,
    boolean gemmGeneral) {

  /** ONNX Runtime's defaults for {@code quantize_dynamic}. */
  public static final Criteria DEFAULTS =
      new Criteria(Set.of(), Set.of(), Set.of(), true, false, false, false, false);

  public Criteria {
    opTypes = Set.copyOf(opTypes);
    nodesToQuantize = Set.copyOf(nodesToQuantize);
    nodesToExclude = Set.copyOf(nodesToExclude);
  }

  /** The op types actually quantized. */
  public Set<String> effectiveOpTypes() {
    return opTypes.isEmpty() ? OpQuantizers.opTypes() : opTypes;
  }
}
