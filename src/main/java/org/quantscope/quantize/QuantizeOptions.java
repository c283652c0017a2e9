// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The parameters of ONNX Runtime's {@code quantize_dynamic}, with its defaults, plus QuantScope's
 * own extensions (all off by default, so the default output is ORT's).
 *
 * @param weightType QInt8 (default) or QUInt8
 * @param perChannel one scale per output channel for MatMul (and rewritten Gemm), Attention and
 *     LSTM weights
 * @param reduceRange 7-bit weights: [-64, 64] for QInt8, [0, 127] for QUInt8
 * @param opTypes op types to quantize; empty means all of the registry ({@link
 *     OpQuantizers#opTypes()})
 * @param nodesToQuantize if not empty, only these nodes (names or QuantScope node ids)
 * @param nodesToExclude nodes to leave in float (names or node ids)
 * @param matMulConstBOnly extra option MatMulConstBOnly (default true): MatMul only with a constant
 *     B
 * @param weightSymmetric extra option WeightSymmetric; null: symmetric for QInt8, not for QUInt8
 * @param activationSymmetric extra option ActivationSymmetric (default false), used for the Gather
 *     and EmbedLayerNormalization tables quantized as uint8
 * @param enableSubgraph extra option EnableSubgraph: also quantize If/Loop/Scan bodies
 * @param forceQuantizeNoInputCheck extra option ForceQuantizeNoInputCheck (Transpose)
 * @param minimumRealRange extra option MinimumRealRange; NaN when not set
 * @param extensions QuantScope's opt-in rewrites beyond ORT
 */
public record QuantizeOptions(
    QuantType weightType,
    boolean perChannel,
    boolean reduceRange,
    Set<String> opTypes,
    Set<String> nodesToQuantize,
    Set<String> nodesToExclude,
    boolean matMulConstBOnly,
    Boolean weightSymmetric,
    boolean activationSymmetric,
    boolean enableSubgraph,
    boolean forceQuantizeNoInputCheck,
    double minimumRealRange,
    Extensions extensions) {

  /**
   * QuantScope's rewrites for models ORT skips or fails on; each is off by default.
   *
   * @param constantWeights treat weights held in Constant nodes (and Identity copies of
   *     initializers) like initializers
   * @param convPerChannel per-channel Conv weights (ORT always quantizes Conv per tensor)
   * @param gemmGeneral also rewrite Gemm with transA, alpha or beta into MatMul
   */
  public record Extensions(boolean constantWeights, boolean convPerChannel, boolean gemmGeneral) {
    public static final Extensions NONE = new Extensions(false, false, false);
  }

  /** ORT's defaults: QInt8, per tensor, no reduce range, all op types, MatMulConstBOnly. */
  public static final QuantizeOptions DEFAULTS =
      new QuantizeOptions(
          QuantType.QInt8,
          false,
          false,
          Set.of(),
          Set.of(),
          Set.of(),
          true,
          null,
          false,
          false,
          false,
          Double.NaN,
          Extensions.NONE);

  /** The extra options understood, with ORT's spelling. */
  public static final Set<String> EXTRA_OPTIONS =
      Set.of(
          "MatMulConstBOnly",
          "WeightSymmetric",
          "ActivationSymmetric",
          "EnableSubgraph",
          "ForceQuantizeNoInputCheck",
          "MinimumRealRange");

  public QuantizeOptions {
    if (weightType == null) {
      throw new IllegalArgumentException("weightType is required");
    }
    opTypes = Set.copyOf(opTypes);
    nodesToQuantize = Set.copyOf(nodesToQuantize);
    nodesToExclude = Set.copyOf(nodesToExclude);
    for (String op : opTypes) {
      if (!OpQuantizers.opTypes().contains(op)) {
        throw new IllegalArgumentException(
            "unknown op type '"
                + op
                + "' to quantize, expected some of "
                + new java.util.TreeSet<>(OpQuantizers.opTypes()));
      }
    }
    if (!Double.isNaN(minimumRealRange) && !(minimumRealRange > 0)) {
      throw new IllegalArgumentException(
          "MinimumRealRange must be a positive number, got " + minimumRealRange);
    }
    if (extensions == null) {
      extensions = Extensions.NONE;
    }
  }

  /** Whether weights of {@code type} are quantized symmetrically. */
  public boolean symmetricWeights(QuantType type) {
    return weightSymmetric != null ? weightSymmetric : type == QuantType.QInt8;
  }

  /**
   * Whether initializers quantized with the activation type (uint8 tables) are symmetric: the
   * weight rule when weights are uint8 too, else ActivationSymmetric.
   */
  public boolean symmetricTables() {
    return weightType == QuantType.QUInt8
        ? symmetricWeights(QuantType.QUInt8)
        : activationSymmetric;
  }

  /** The node-selection criteria these options imply, shared with {@code inspect}. */
  public Criteria criteria() {
    return new Criteria(
        opTypes,
        nodesToQuantize,
        nodesToExclude,
        matMulConstBOnly,
        enableSubgraph,
        forceQuantizeNoInputCheck,
        extensions.constantWeights(),
        extensions.gemmGeneral());
  }

  /**
   * These options with ORT's {@code extra_options} applied, e.g. {@code MatMulConstBOnly=False}.
   *
   * @throws IllegalArgumentException for unknown keys or values that do not parse
   */
  public QuantizeOptions withExtraOptions(Map<String, String> extra) {
    Builder b = toBuilder();
    for (Map.Entry<String, String> e : new LinkedHashMap<>(extra).entrySet()) {
      String k = e.getKey();
      String v = e.getValue();
      switch (k) {
        case "MatMulConstBOnly" -> b.matMulConstBOnly(bool(k, v));
        case "WeightSymmetric" -> b.weightSymmetric(bool(k, v));
        case "ActivationSymmetric" -> b.activationSymmetric(bool(k, v));
        case "EnableSubgraph" -> b.enableSubgraph(bool(k, v));
        case "ForceQuantizeNoInputCheck" -> b.forceQuantizeNoInputCheck(bool(k, v));
        case "MinimumRealRange" -> {
          try {
            b.minimumRealRange(Double.parseDouble(v.trim()));
          } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(
                "extra option MinimumRealRange must be a number, got '" + v + "'");
          }
        }
        default ->
            throw new IllegalArgumentException(
                "unknown extra option '"
                    + k
                    + "'; dynamic quantization understands "
                    + new java.util.TreeSet<>(EXTRA_OPTIONS));
      }
    }
    return b.build();
  }

  public static Builder builder() {
    return DEFAULTS.toBuilder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes a copy of the options one setting at a time. */
  public static final class Builder {
    private QuantType weightType;
    private boolean perChannel;
    private boolean reduceRange;
    private Set<String> opTypes;
    private Set<String> nodesToQuantize;
    private Set<String> nodesToExclude;
    private boolean matMulConstBOnly;
    private Boolean weightSymmetric;
    private boolean activationSymmetric;
    private boolean enableSubgraph;
    private boolean forceQuantizeNoInputCheck;
    private double minimumRealRange;
    private Extensions extensions;

    private Builder(QuantizeOptions o) {
      weightType = o.weightType;
      perChannel = o.perChannel;
      reduceRange = o.reduceRange;
      opTypes = o.opTypes;
      nodesToQuantize = o.nodesToQuantize;
      nodesToExclude = o.nodesToExclude;
      matMulConstBOnly = o.matMulConstBOnly;
      weightSymmetric = o.weightSymmetric;
      activationSymmetric = o.activationSymmetric;
      enableSubgraph = o.enableSubgraph;
      forceQuantizeNoInputCheck = o.forceQuantizeNoInputCheck;
      minimumRealRange = o.minimumRealRange;
      extensions = o.extensions;
    }

    public Builder weightType(QuantType v) {
      weightType = v;
      return this;
    }

    public Builder perChannel(boolean v) {
      perChannel = v;
      return this;
    }

    public Builder reduceRange(boolean v) {
      reduceRange = v;
      return this;
    }

    public Builder opTypes(Set<String> v) {
      opTypes = v;
      return this;
    }

    public Builder nodesToQuantize(Set<String> v) {
      nodesToQuantize = v;
      return this;
    }

    public Builder nodesToExclude(Set<String> v) {
      nodesToExclude = v;
      return this;
    }

    public Builder matMulConstBOnly(boolean v) {
      matMulConstBOnly = v;
      return this;
    }

    public Builder weightSymmetric(Boolean v) {
      weightSymmetric = v;
      return this;
    }

    public Builder activationSymmetric(boolean v) {
      activationSymmetric = v;
      return this;
    }

    public Builder enableSubgraph(boolean v) {
      enableSubgraph = v;
      return this;
    }

    public Builder forceQuantizeNoInputCheck(boolean v) {
      forceQuantizeNoInputCheck = v;
      return this;
    }

    public Builder minimumRealRange(double v) {
      minimumRealRange = v;
      return this;
    }

    public Builder extensions(Extensions v) {
      extensions = v;
      return this;
    }

    public QuantizeOptions build() {
      return new QuantizeOptions(
          weightType,
          perChannel,
          reduceRange,
          opTypes,
          nodesToQuantize,
          nodesToExclude,
          matMulConstBOnly,
          weightSymmetric,
          activationSymmetric,
          enableSubgraph,
          forceQuantizeNoInputCheck,
          minimumRealRange,
          extensions);
    }
  }

  private static boolean bool(String key, String v) {
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default ->
          throw new IllegalArgumentException(
              "extra option " + key + " must be True or False, got '" + v + "'");
    };
  }
}
