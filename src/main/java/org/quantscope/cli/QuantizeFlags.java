// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.quantscope.onnx.ModelProto;
import org.quantscope.quantize.QuantType;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.quantize.Recipe;
import picocli.CommandLine.Option;

/**
 * The quantization options as a mixin (report, sensitivity), as ORT names them plus QuantScope's
 * extensions.
 */
final class QuantizeFlags {
  @Option(
      names = "--recipe",
      paramLabel = "NAME",
      description =
          "Start from the settings of a tool people ship int8 files with: ort-default,"
              + " optimum-avx512-vnni, optimum-avx512, optimum-arm64, optimum-avx2,"
              + " transformersjs-q8, transformersjs-int8, transformersjs-uint8,"
              + " transformersjs-convert (README table);"
              + " the flags below change them.")
  String recipe;

  @Option(names = "--weight-type", paramLabel = "TYPE", description = "QInt8 (default) or QUInt8.")
  String weightType;

  @Option(
      names = "--per-channel",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "BOOL",
      description = "One scale per output channel (--per-channel=false undoes a recipe's).")
  Boolean perChannel;

  @Option(
      names = "--reduce-range",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "BOOL",
      description = "7-bit weights (for CPUs without VNNI).")
  Boolean reduceRange;

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

  /**
   * The options these flags give for {@code model}: the recipe's (some depend on the model), or
   * ORT's defaults, with every flag given applied on top.
   */
  QuantizeOptions options(ModelProto model) {
    QuantizeOptions base =
        recipe == null ? QuantizeOptions.DEFAULTS : Recipe.parse(recipe).options(model);
    return on(base);
  }

  /** {@code base} with every flag given applied on top. */
  QuantizeOptions on(QuantizeOptions base) {
    QuantizeOptions.Builder b = base.toBuilder();
    if (weightType != null) {
      b.weightType(QuantType.parse(weightType));
    }
    if (perChannel != null) {
      b.perChannel(perChannel);
    }
    if (reduceRange != null) {
      b.reduceRange(reduceRange);
    }
    if (!opTypes.isEmpty()) {
      b.opTypes(new LinkedHashSet<>(opTypes));
    }
    if (!nodesToQuantize.isEmpty()) {
      b.nodesToQuantize(new LinkedHashSet<>(nodesToQuantize));
    }
    if (!nodesToExclude.isEmpty()) {
      LinkedHashSet<String> all = new LinkedHashSet<>(base.nodesToExclude());
      all.addAll(nodesToExclude);
      b.nodesToExclude(all);
    }
    if (constantWeights || convPerChannel || gemmGeneral) {
      b.extensions(new QuantizeOptions.Extensions(constantWeights, convPerChannel, gemmGeneral));
    }
    return b.build().withExtraOptions(extraOptions);
  }
}
