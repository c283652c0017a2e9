// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.quantscope.quantize.QuantType;
import org.quantscope.quantize.QuantizeOptions;
import picocli.CommandLine.Option;

/**
 * The quantization options as a mixin (report, sensitivity), as ORT names them plus QuantScope's
 * extensions.
 */
final class QuantizeFlags {
  @Option(names = "--weight-type", paramLabel = "TYPE", description = "QInt8 (default) or QUInt8.")
  String weightType = "QInt8";

  @Option(names = "--per-channel", description = "One scale per output channel.")
  boolean perChannel;

  @Option(names = "--reduce-range", description = "7-bit weights (for CPUs without VNNI).")
  boolean reduceRange;

  @Option(
      names = "--op-types",
      split = ",",
      paramLabel = "OP",
      description =
          "Op types to quantize (default: all of MatMul, Conv, Gather, Transpose, LSTM,"
              + " Attention, EmbedLayerNormalization; Gemm is rewritten into MatMul).")
  List<String> opTypes = List.of();

  @Option(
      names = "--nodes-to-quantize",
      split = ",",
      paramLabel = "NODE",
      description = "Quantize only these nodes (names, or ids such as MatMul#2 from inspect).")
  List<String> nodesToQuantize = List.of();

  @Option(
      names = "--nodes-to-exclude",
      split = ",",
      paramLabel = "NODE",
      description = "Leave these nodes in float (names or ids).")
  List<String> nodesToExclude = List.of();

  @Option(
      names = "--extra-option",
      paramLabel = "KEY=VALUE",
      description =
          "ORT's extra_options: MatMulConstBOnly, WeightSymmetric, ActivationSymmetric,"
              + " EnableSubgraph, ForceQuantizeNoInputCheck, MinimumRealRange.")
  Map<String, String> extraOptions = new LinkedHashMap<>();

  @Option(
      names = "--constant-weights",
      description =
          "Beyond ORT: also quantize weights held in Constant nodes or Identity copies of"
              + " initializers (Paddle and shared-weight exports).")
  boolean constantWeights;

  @Option(
      names = "--gemm-general",
      description =
          "Beyond ORT: also rewrite Gemm with transA, alpha or beta into MatMul and quantize it.")
  boolean gemmGeneral;

  @Option(
      names = "--conv-per-channel",
      description =
          "Beyond ORT: with --per-channel, quantize Conv weights per output channel too"
              + " (symmetric, one shared zero point, as ConvInteger requires).")
  boolean convPerChannel;

  /** The options these flags give. */
  QuantizeOptions options() {
    return QuantizeOptions.builder()
        .weightType(QuantType.parse(weightType))
        .perChannel(perChannel)
        .reduceRange(reduceRange)
        .opTypes(new LinkedHashSet<>(opTypes))
        .nodesToQuantize(new LinkedHashSet<>(nodesToQuantize))
        .nodesToExclude(new LinkedHashSet<>(nodesToExclude))
        .extensions(new QuantizeOptions.Extensions(constantWeights, convPerChannel, gemmGeneral))
        .build()
        .withExtraOptions(extraOptions);
  }
}
