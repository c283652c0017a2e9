// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.List;
import java.util.Map;

/**
 * How a model that is already quantized was quantized, as far as its file tells: what {@code
 * inspect} reports under {@code quantization}. A fact the file cannot tell (per-channel in a model
 * with only Conv weights, say, which ORT never quantizes per channel) is null.
 *
 * @param quantized whether the model holds quantized operators at all
 * @param method "dynamic" (ONNX Runtime's IntegerOps: MatMulInteger, ConvInteger,
 *     DynamicQuantizeLinear...), "dynamic, fused by ONNX Runtime" (DynamicQuantizeMatMul,
 *     MatMulIntegerToFloat: a file saved after ORT's graph optimizations), "static (QDQ)", "static
 *     (QOperator)", "4-bit (MatMulNBits)", or null when not quantized
 * @param producer producer_name and producer_version
 * @param weightTypes element type of the quantized weights per kind of node that holds them
 *     (MatMul, Conv, LSTM, Attention, Gather table, EmbedLayerNormalization tables): int8, uint8 or
 *     mixed
 * @param perChannel whether MatMul, Attention and LSTM weights have one scale per channel
 * @param reduceRange whether weights use the 7-bit ranges ([-64, 64] or [0, 127])
 * @param symmetricWeights whether weights are symmetric (zero point 0 for int8, 128 for uint8)
 * @param symmetricTables whether Gather and EmbedLayerNormalization tables (always uint8) are
 *     symmetric (zero point 128)
 * @param quantizedOps op types quantized (Gemm counts as MatMul, as ORT rewrites it) and how many
 * @param floatOps candidate op types left in float and how many
 * @param matMulConstBOnly false when a MatMul with a computed B was quantized, true when one was
 *     left in float while others were quantized
 * @param enableSubgraph whether nodes inside If/Loop/Scan bodies were quantized
 * @param activations "fused" (DynamicQuantizeLinear, opset 11 and later), "explicit" (opset 10's
 *     ReduceMin/ReduceMax/QuantizeLinear chain) or "none"
 * @param versionClues what tells which ONNX Runtime version wrote the file
 * @param excludedNodes nodes left in float that the detected options would have quantized ({@code
 *     nodes_to_exclude}), by the names ORT's filters match
 */
public record QuantizationFacts(
    boolean quantized,
    String method,
    String producer,
    Map<String, String> weightTypes,
    Boolean perChannel,
    Boolean reduceRange,
    Boolean symmetricWeights,
    Boolean symmetricTables,
    Map<String, Integer> quantizedOps,
    Map<String, Integer> floatOps,
    @com.fasterxml.jackson.annotation.JsonProperty("mat_mul_const_b_only") Boolean matMulConstBOnly,
    Boolean enableSubgraph,
    String activations,
    List<String> versionClues,
    List<String> excludedNodes) {}
