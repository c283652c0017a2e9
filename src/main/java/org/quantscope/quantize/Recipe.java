// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.quantscope.graph.Scope;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.NodeProto;

/**
 * The settings that the int8 ONNX files people download were made with: ONNX Runtime's defaults,
 * Hugging Face Optimum's {@code AutoQuantizationConfig} presets and transformers.js' {@code
 * quantize.py} modes, each as a named set of QuantScope's options.
 *
 * <p>Where they come from (read in their public source):
 *
 * <ul>
 *   <li>{@code ort-default}: {@code onnxruntime.quantization.quantize_dynamic} with its defaults
 *       ({@code onnxruntime/python/tools/quantization/quantize.py}): QInt8, per tensor, no reduce
 *       range, all op types, {@code MatMulConstBOnly=True} (set by quantize_dynamic), no
 *       EnableSubgraph.
 *   <li>{@code optimum-*}: {@code optimum/onnxruntime/configuration.py} ({@code
 *       AutoQuantizationConfig.avx2/avx512/avx512_vnni/arm64(is_static=False)}) and {@code
 *       ORTQuantizer.quantize} in {@code optimum/onnxruntime/quantization.py}, which calls ORT's
 *       {@code ONNXQuantizer} directly with {@code extra_options={"WeightSymmetric": True,
 *       "ActivationSymmetric": False, "EnableSubgraph": <main graph has If/Loop/Scan/SequenceMap>}}
 *       and no {@code MatMulConstBOnly}, which ONNXQuantizer then takes as False (a MatMul with a
 *       computed B, like attention scores, is quantized too). Per-channel is the Python API's
 *       default (True); {@code optimum-cli onnxruntime quantize} leaves it off unless {@code
 *       --per_channel}. avx2 uses QUInt8 weights (symmetric, so zero point 128), avx512,
 *       avx512_vnni and arm64 QInt8; reduce_range is False in all four (avx2 and avx512 accept
 *       True). avx512, avx512_vnni and arm64 give the same dynamic settings.
 *   <li>{@code transformersjs-*}: {@code scripts/quantize.py} of huggingface/transformers.js
 *       ({@code quantize_q8}): ONNXQuantizer with {@code extra_options=dict(EnableSubgraph=True,
 *       MatMulConstBOnly=True)}, per_channel and reduce_range off unless asked; mode {@code q8}
 *       picks QUInt8 weights when the model has a Conv, GroupQueryAttention or MultiHeadAttention
 *       node (onnxruntime-web has no ConvInteger for int8 weights), else QInt8; {@code int8} and
 *       {@code uint8} force the type.
 *   <li>{@code transformersjs-convert}: {@code scripts/convert.py --quantize} of the same
 *       repository (read at commit e8cfaf6, the script behind most {@code Xenova/*} hub models'
 *       {@code onnx/model_quantized.onnx}): mode q8 as above, but its {@code quantize()} defaults
 *       to {@code per_channel=True, reduce_range=True} (both off for decoder-only models, Whisper
 *       and a few audio encoders, which then match {@code transformersjs-q8}), and it calls {@code
 *       quantize_dynamic} (so MatMulConstBOnly) with {@code EnableSubgraph=True}.
 * </ul>
 */
public enum Recipe {
  ORT_DEFAULT(
      "ort-default",
      "ONNX Runtime quantize_dynamic(), default arguments",
      "QInt8, per tensor, MatMulConstBOnly, no subgraphs"),
  OPTIMUM_AVX512_VNNI(
      "optimum-avx512-vnni",
      "Optimum AutoQuantizationConfig.avx512_vnni(is_static=False)",
      "QInt8 symmetric, per channel, MatMul with computed B too, subgraphs if the model has them"),
  OPTIMUM_AVX512(
      "optimum-avx512",
      "Optimum AutoQuantizationConfig.avx512(is_static=False)",
      "as optimum-avx512-vnni (reduce_range may be turned on)"),
  OPTIMUM_ARM64(
      "optimum-arm64",
      "Optimum AutoQuantizationConfig.arm64(is_static=False)",
      "as optimum-avx512-vnni"),
  OPTIMUM_AVX2(
      "optimum-avx2",
      "Optimum AutoQuantizationConfig.avx2(is_static=False)",
      "QUInt8 symmetric (zero point 128), per channel, MatMul with computed B too, subgraphs if"
          + " the model has them"),
  TRANSFORMERSJS_Q8(
      "transformersjs-q8",
      "transformers.js scripts/quantize.py --modes q8",
      "QUInt8 if the model has Conv (else QInt8), per tensor, MatMulConstBOnly, EnableSubgraph"),
  TRANSFORMERSJS_INT8(
      "transformersjs-int8",
      "transformers.js scripts/quantize.py --modes int8",
      "QInt8, per tensor, MatMulConstBOnly, EnableSubgraph"),
  TRANSFORMERSJS_UINT8(
      "transformersjs-uint8",
      "transformers.js scripts/quantize.py --modes uint8",
      "QUInt8 asymmetric, per tensor, MatMulConstBOnly, EnableSubgraph"),
  TRANSFORMERSJS_CONVERT(
      "transformersjs-convert",
      "transformers.js scripts/convert.py --quantize (mode q8)",
      "QUInt8 if the model has Conv (else QInt8), per channel, reduce range, MatMulConstBOnly,"
          + " EnableSubgraph");

  private final String id;
  private final String source;
  private final String summary;

  Recipe(String id, String source, String summary) {
    this.id = id;
    this.source = source;
    this.summary = summary;
  }

  /** The name {@code --recipe} takes. */
  public String id() {
    return id;
  }

  /** The tool and call the recipe reproduces. */
  public String source() {
    return source;
  }

  /** Its settings in a few words. */
  public String summary() {
    return summary;
  }

  /**
   * The options this recipe gives for {@code model} (the float model, or an int8 file made from it:
   * the traits read are the same in both).
   */
  public QuantizeOptions options(ModelProto model) {
    Traits t = Traits.of(model);
    QuantizeOptions.Builder b = QuantizeOptions.builder();
    return switch (this) {
      case ORT_DEFAULT -> b.build();
      case OPTIMUM_AVX512_VNNI, OPTIMUM_AVX512, OPTIMUM_ARM64, OPTIMUM_AVX2 ->
          b.weightType(this == OPTIMUM_AVX2 ? QuantType.QUInt8 : QuantType.QInt8)
              .perChannel(true)
              .reduceRange(false)
              .weightSymmetric(true)
              .activationSymmetric(false)
              .matMulConstBOnly(false)
              .enableSubgraph(t.topLevelSubgraphs())
              .build();
      case TRANSFORMERSJS_Q8 ->
          b.weightType(t.convLike() ? QuantType.QUInt8 : QuantType.QInt8)
              .enableSubgraph(true)
              .build();
      case TRANSFORMERSJS_INT8 -> b.weightType(QuantType.QInt8).enableSubgraph(true).build();
      case TRANSFORMERSJS_UINT8 -> b.weightType(QuantType.QUInt8).enableSubgraph(true).build();
      case TRANSFORMERSJS_CONVERT ->
          b.weightType(t.conv() ? QuantType.QUInt8 : QuantType.QInt8)
              .perChannel(true)
              .reduceRange(true)
              .enableSubgraph(true)
              .build();
    };
  }

  /** The recipe with this name (case-insensitive, {@code _} for {@code -} accepted). */
  public static Optional<Recipe> named(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (Recipe r : values()) {
      if (r.id.equals(n)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /**
   * The recipe with this name.
   *
   * @throws IllegalArgumentException naming the recipes there are
   */
  public static Recipe parse(String name) {
    return named(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown recipe '" + name + "', expected one of " + String.join(", ", ids())));
  }

  /** Every recipe's name, in table order. */
  public static List<String> ids() {
    List<String> out = new ArrayList<>();
    for (Recipe r : values()) {
      out.add(r.id);
    }
    return out;
  }

  /**
   * What the recipes read from a model: Conv-like nodes anywhere (transformers.js' q8 type rule,
   * which looks into GRAPH attributes; ConvInteger counts, so the rule reads an int8 file as it
   * read its source), Conv alone (convert.py's older rule) and If/Loop/Scan/SequenceMap nodes in
   * the main graph (Optimum's EnableSubgraph rule).
   */
  record Traits(boolean convLike, boolean conv, boolean topLevelSubgraphs) {
    private static final Set<String> CONV_LIKE =
        Set.of("Conv", "ConvInteger", "GroupQueryAttention", "MultiHeadAttention");
    private static final Set<String> SUBGRAPH_OPS = Set.of("If", "Loop", "Scan", "SequenceMap");

    static Traits of(ModelProto m) {
      GraphProto main = m.getGraph();
      boolean convLike = false;
      boolean conv = false;
      for (Scope s : Scope.all(main)) {
        for (NodeProto n : s.graph().getNodeList()) {
          convLike |= CONV_LIKE.contains(n.getOpType());
          conv |= n.getOpType().equals("Conv") || n.getOpType().equals("ConvInteger");
        }
      }
      boolean sub = main.getNodeList().stream().anyMatch(n -> SUBGRAPH_OPS.contains(n.getOpType()));
      return new Traits(convLike, conv, sub);
    }
  }
}
