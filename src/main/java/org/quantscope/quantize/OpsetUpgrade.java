// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.quantscope.graph.Scope;
import org.quantscope.model.ModelFormatException;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.OperatorSetIdProto;
import org.quantscope.onnx.TensorProto;

/**
 * ONNX Runtime's quantizer converts a model below opset 10 to opset 11 with {@code
 * onnx.version_converter} before quantizing it (ORT 1.23 and later, {@code update_opset_version}).
 * This is that conversion, step by step (7 to 8, 8 to 9, 9 to 10, 10 to 11), with the adapters of
 * onnx 1.12's converter ({@code onnx/version_converter/convert.h}, the version ORT's goldens were
 * made with): attributes that became inputs get Constant nodes (Clip, Slice, TopK, Upsample),
 * Upsample becomes Resize, Scatter becomes ScatterElements, Pad's pads become an initializer,
 * BatchNormalization loses {@code spatial}. Every new value is named the way the converter names it
 * (see {@link IrGraph}), so the quantized model is ORT's, names included.
 *
 * <p>A node the converter cannot convert (an op with a new version in a step and no adapter for it,
 * or an op onnx does not define) makes it fail, and ORT's quantizer with it: such a model is
 * refused here with the op named. So are models below opset 7, whose steps QuantScope does not
 * reproduce.
 */
public final class OpsetUpgrade {
  private OpsetUpgrade() {}

  /** The opset ORT converts old models to. */
  public static final long TARGET_OPSET = 11;

  /** The lowest opset whose conversion QuantScope reproduces. */
  public static final long LOWEST_OPSET = 7;

  /**
   * A model as the quantizer sees it.
   *
   * @param model the converted model, or the model itself when no conversion was needed
   * @param fromOpset the model's ai.onnx opset before
   * @param changes what the conversion did, one line per kind of change ({@code "Clip x18: min/max
   *     attributes become Constant inputs"}); empty when nothing was converted
   * @param naming node ids of the original model for the nodes of the converted one
   */
  public record Upgrade(ModelProto model, long fromOpset, List<String> changes, NodeNaming naming) {
    /** Whether the model was converted. */
    public boolean converted() {
      return fromOpset >= 0 && fromOpset < 10;
    }
  }

  /** The ai.onnx opset as the converter reads it (the first default-domain import), or -1. */
  public static long defaultOpset(ModelProto p) {
    for (OperatorSetIdProto o : p.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        return o.getVersion();
      }
    }
    return -1;
  }

  /** True if ORT's quantizer converts this model to opset 11 first. */
  public static boolean needed(ModelProto p) {
    long v = defaultOpset(p);
    return v >= 0 && v < 10;
  }

  /**
   * What {@code inspect} says about the conversion: empty for models at opset 10 or later, else one
   * line saying what will change, or why the model will be refused.
   */
  public static Optional<String> describe(ModelProto p) {
    if (!needed(p)) {
      return Optional.empty();
    }
    long v = defaultOpset(p);
    try {
      Upgrade u = upgrade(p);
      return Optional.of(
          "opset "
              + v
              + ": converted to opset "
              + TARGET_OPSET
              + " before quantizing, as ONNX Runtime does (onnx.version_converter)"
              + (u.changes().isEmpty()
                  ? "; no node changes"
                  : ": " + String.join("; ", u.changes())));
    } catch (ModelFormatException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * Converts a model below opset 10 to opset 11 as ORT's quantizer does; returns other models
   * unchanged.
   *
   * @throws ModelFormatException naming the node and op when onnx.version_converter could not
   *     convert the model
   */
  public static Upgrade upgrade(ModelProto p) throws ModelFormatException {
    long from = defaultOpset(p);
    if (from < 0 || from >= 10) {
      return new Upgrade(p, from, List.of(), NodeNaming.SAME);
    }
    String prefix =
        "the model uses opset "
            + from
            + "; ONNX Runtime converts it to opset "
            + TARGET_OPSET
            + " before quantizing (onnx.version_converter), ";
    if (from < LOWEST_OPSET) {
      throw new ModelFormatException(
          prefix
              + "but QuantScope reproduces that conversion from opset "
              + LOWEST_OPSET
              + " on only: convert it to opset 11 first, e.g. with onnx.version_converter");
    }
    if (!p.hasIrVersion() || p.getIrVersion() < 2) {
      throw new ModelFormatException(prefix + "which cannot read a model of IR version 1");
    }
    if (p.getFunctionsCount() > 0) {
      throw new ModelFormatException(
          prefix + "which drops model-local functions: the result would not load");
    }
    IrGraph main;
    Map<String, Integer> counts = new LinkedHashMap<>();
    try {
      main = IrGraph.read(p.getGraph(), p.getIrVersion(), false);
      for (long v = from; v < TARGET_OPSET; v++) {
        step(main, v, counts);
      }
    } catch (ModelFormatException e) {
      throw new ModelFormatException(prefix + "which fails: " + e.getMessage());
    }
    GraphProto graph = main.write();
    ModelProto.Builder out = p.toBuilder().setGraph(graph).clearTrainingInfo();
    int index = 0;
    for (int i = 0; i < out.getOpsetImportCount(); i++) {
      if (out.getOpsetImport(i).getDomain().isEmpty()) {
        index = i;
      }
    }
    if (out.getOpsetImportCount() > 0) {
      OperatorSetIdProto o = out.getOpsetImport(index);
      out.setOpsetImport(
          index, o.toBuilder().setVersion(o.getVersion() + TARGET_OPSET - from).build());
    }
    List<String> changes = new ArrayList<>();
    counts.forEach((k, n) -> changes.add(k.replace("{n}", n == 1 ? "" : " x" + n)));
    int added = 0;
    List<IrGraph> graphs = new ArrayList<>();
    main.collect(graphs);
    for (IrGraph g : graphs) {
      added +=
          (int)
              g.nodes.stream().filter(n -> n.source == null && n.opType.equals("Constant")).count();
    }
    if (added > 0) {
      changes.add(added + " Constant node" + (added == 1 ? "" : "s") + " added");
    }
    ModelProto converted = out.build();
    return new Upgrade(converted, from, List.copyOf(changes), naming(p, converted, graphs));
  }

  /** Original ids for the converted model's nodes: scopes in the same order, nodes mapped. */
  private static NodeNaming naming(ModelProto original, ModelProto converted, List<IrGraph> irs) {
    List<Scope> before = Scope.all(original.getGraph());
    List<Scope> after = Scope.all(converted.getGraph());
    Map<String, String> paths = new HashMap<>();
    Map<String, int[]> indexes = new HashMap<>();
    for (int i = 0; i < after.size() && i < before.size() && i < irs.size(); i++) {
      paths.put(after.get(i).path(), before.get(i).path());
      List<IrGraph.Node> nodes = irs.get(i).nodes;
      int[] map = new int[nodes.size()];
      for (int k = 0; k < map.length; k++) {
        map[k] = nodes.get(k).originalIndex;
      }
      indexes.put(after.get(i).path(), map);
    }
    return NodeNaming.mapped(paths, indexes);
  }

  // The converter's step loop and adapters

  private static void step(IrGraph g, long curr, Map<String, Integer> counts)
      throws ModelFormatException {
    long next = curr + 1;
    for (int i = 0; i < g.nodes.size(); i++) {
      IrGraph.Node n = g.nodes.get(i);
      if (!OpsetTables.KNOWN_OPS.contains(n.opType)) {
        String domain = n.source == null ? "" : n.source.getDomain();
        throw new ModelFormatException(
            n.opType
                + " node '"
                + n.id()
                + "'"
                + (domain.isEmpty() ? "" : " (domain " + domain + ")")
                + " is an op onnx does not define, and the converter stops at it");
      }
      if (OpsetTables.newIn(next).contains(n.opType)) {
        IrGraph.Node adapted = adapt(g, n, curr, counts);
        i = g.nodes.indexOf(adapted);
        n = adapted;
      }
      for (AttributeProto a : n.attributes.values()) {
        IrGraph sub = n.graph.get(a.getName());
        if (sub != null) {
          step(sub, curr, counts);
        }
      }
    }
  }

  private static IrGraph.Node adapt(
      IrGraph g, IrGraph.Node n, long curr, Map<String, Integer> counts)
      throws ModelFormatException {
    long next = curr + 1;
    String op = n.opType;
    if (OpsetTables.compatible(next).contains(op)) {
      return n;
    }
    String key = op + " " + curr + "->" + next;
    switch (key) {
      case "BatchNormalization 8->9" -> {
        AttributeProto spatial = n.attributes.get("spatial");
        if (spatial != null) {
          if (spatial.getI() != 1) {
            throw new ModelFormatException(
                "BatchNormalization node '"
                    + n.id()
                    + "' has spatial="
                    + spatial.getI()
                    + "; the converter's adapter to opset 9 requires spatial=1");
          }
          n.attributes.remove("spatial");
          count(counts, "BatchNormalization{n}: spatial=1 removed");
        }
        return n;
      }
      case "Upsample 8->9" -> {
        AttributeProto scales = n.attributes.get("scales");
        if (scales == null) {
          throw new ModelFormatException(
              "Upsample node '" + n.id() + "' has no scales attribute, which the adapter reads");
        }
        List<Float> v = scales.getFloatsList();
        constantInput(g, n, floats(new long[] {v.size()}, v));
        n.attributes.remove("scales");
        count(counts, "Upsample{n}: scales attribute becomes a Constant input");
        return n;
      }
      case "Slice 9->10" -> {
        for (String attr : List.of("starts", "ends", "axes")) {
          AttributeProto a = n.attributes.get(attr);
          if (a == null) {
            if (!attr.equals("axes")) {
              throw new ModelFormatException(
                  "Slice node '" + n.id() + "' has no " + attr + " attribute");
            }
            continue;
          }
          constantInput(g, n, int64s(a.getIntsList()));
          n.attributes.remove(attr);
        }
        count(counts, "Slice{n}: starts/ends/axes attributes become Constant inputs");
        return n;
      }
      case "TopK 9->10" -> {
        AttributeProto k = n.attributes.get("k");
        if (k == null) {
          throw new ModelFormatException("TopK node '" + n.id() + "' has no k attribute");
        }
        constantInput(g, n, int64s(List.of(k.getI())));
        n.attributes.remove("k");
        count(counts, "TopK{n}: k becomes a Constant input");
        return n;
      }
      case "Upsample 9->10" -> {
        AttributeProto mode = n.attributes.get("mode");
        IrGraph.Node resize = g.create("Resize");
        resize.attributes.put(
            "mode", string("mode", mode == null ? "nearest" : mode.getS().toStringUtf8()));
        resize.inputs.add(input(n, 0));
        resize.inputs.add(input(n, 1));
        g.replace(n, resize);
        count(counts, "Upsample{n}: becomes Resize (Resize 11 then gets an roi input)");
        return resize;
      }
      case "Clip 10->11" -> {
        AttributeProto min = n.attributes.get("min");
        AttributeProto max = n.attributes.get("max");
        if (min != null) {
          constantInput(g, n, floats(null, List.of(min.getF())));
          n.attributes.remove("min");
        }
        if (max != null) {
          if (min == null) {
            constantInput(g, n, floats(null, List.of(-Float.MAX_VALUE)));
          }
          constantInput(g, n, floats(null, List.of(max.getF())));
          n.attributes.remove("max");
        }
        count(counts, "Clip{n}: min/max attributes become Constant inputs");
        return n;
      }
      case "Pad 10->11" -> {
        AttributeProto pads = n.attributes.get("pads");
        if (pads == null) {
          throw new ModelFormatException("Pad node '" + n.id() + "' has no pads attribute");
        }
        TensorProto t =
            TensorProto.newBuilder()
                .setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(pads.getIntsCount())
                .addAllInt64Data(pads.getIntsList())
                .build();
        n.inputs.add(g.addInitializer(t));
        n.attributes.remove("pads");
        AttributeProto mode = n.attributes.get("mode");
        if (mode == null || mode.getS().toStringUtf8().equals("constant")) {
          AttributeProto value = n.attributes.get("value");
          if (value == null) {
            throw new ModelFormatException(
                "Pad node '"
                    + n.id()
                    + "' has no value attribute, which the converter's adapter to opset 11"
                    + " reads (it fails on the default)");
          }
          constantInput(g, n, floats(null, List.of(value.getF())));
          n.attributes.remove("value");
        }
        count(counts, "Pad{n}: pads become an initializer, value a Constant input");
        return n;
      }
      case "Resize 10->11" -> {
        String x = input(n, 0);
        String scales = input(n, 1);
        int rank = rank(g, x, scales, n);
        List<Float> roi = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
          roi.add(0f);
        }
        for (int i = 0; i < rank; i++) {
          roi.add(1f);
        }
        n.inputs.add(scales);
        IrGraph.Node c = g.insertBefore(n, "Constant");
        c.attributes.put("value", tensorAttr(floats(new long[] {2L * rank}, roi)));
        n.inputs.set(1, c.outputs.get(0));
        count(counts, "Resize{n}: gets an roi Constant input");
        return n;
      }
      case "Scatter 10->11" -> {
        AttributeProto axis = n.attributes.get("axis");
        IrGraph.Node se = g.create("ScatterElements");
        se.attributes.put("axis", integer("axis", axis == null ? 0 : axis.getI()));
        for (int i = 0; i < 3; i++) {
          se.inputs.add(input(n, i));
        }
        g.replace(n, se);
        count(counts, "Scatter{n}: becomes ScatterElements");
        return se;
      }
      default -> {
        String detail =
            op.equals("Scan") && curr == 8
                ? "; QuantScope does not reproduce the converter's Scan 8 to 9 adapter, which"
                    + " depends on inferred shapes"
                : "";
        throw new ModelFormatException(
            op
                + " node '"
                + n.id()
                + "' cannot be converted from opset "
                + curr
                + " to "
                + next
                + ": the converter has no adapter for "
                + op
                + " there"
                + detail);
      }
    }
  }

  private static String input(IrGraph.Node n, int i) throws ModelFormatException {
    if (n.inputs.size() <= i) {
      throw new ModelFormatException(
          n.opType + " node '" + n.id() + "' has " + n.inputs.size() + " inputs, expected more");
    }
    return n.inputs.get(i);
  }

  /**
   * The rank of Resize's input as the converter reads it from shape inference: the declared shape,
   * or else the length of the (constant) scales, which has one entry per dimension.
   */
  private static int rank(IrGraph g, String x, String scales, IrGraph.Node n)
      throws ModelFormatException {
    IrGraph.ValueType t = g.types.get(x);
    if (t != null && t.dims() != null) {
      return t.dims().size();
    }
    for (TensorProto init : g.initializers) {
      if (init.getName().equals(scales) && init.getDimsCount() == 1) {
        return (int) init.getDims(0);
      }
    }
    for (IrGraph.Node c : g.nodes) {
      if (c.opType.equals("Constant") && c.outputs.contains(scales)) {
        AttributeProto v = c.attributes.get("value");
        if (v != null && v.hasT() && v.getT().getDimsCount() == 1) {
          return (int) v.getT().getDims(0);
        }
      }
    }
    throw new ModelFormatException(
        "the rank of '"
            + x
            + "', input of Resize node '"
            + n.id()
            + "', is not declared and its scales are not a constant: QuantScope runs no shape"
            + " inference to find it");
  }

  private static void constantInput(IrGraph g, IrGraph.Node n, TensorProto value) {
    IrGraph.Node c = g.insertBefore(n, "Constant");
    c.attributes.put("value", tensorAttr(value));
    n.inputs.add(c.outputs.get(0));
  }

  private static void count(Map<String, Integer> counts, String change) {
    counts.merge(change, 1, Integer::sum);
  }

  private static TensorProto floats(long[] dims, List<Float> values) {
    TensorProto.Builder t = TensorProto.newBuilder();
    if (dims != null) {
      for (long d : dims) {
        t.addDims(d);
      }
    }
    return t.setDataType(TensorProto.DataType.FLOAT_VALUE).addAllFloatData(values).build();
  }

  private static TensorProto int64s(List<Long> values) {
    return TensorProto.newBuilder()
        .addDims(values.size())
        .setDataType(TensorProto.DataType.INT64_VALUE)
        .addAllInt64Data(values)
        .build();
  }

  private static AttributeProto tensorAttr(TensorProto t) {
    return AttributeProto.newBuilder()
        .setName("value")
        .setType(AttributeProto.AttributeType.TENSOR)
        .setT(t)
        .build();
  }

  private static AttributeProto string(String name, String value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.STRING)
        .setS(com.google.protobuf.ByteString.copyFromUtf8(value))
        .build();
  }

  private static AttributeProto integer(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  /** Which ops onnx 1.12 knows and which of them got a new version at each opset. */
  static final class OpsetTables {
    private OpsetTables() {}

    /** Every op name onnx 1.12 defines, in any domain (the converter looks names up there). */
    static final Set<String> KNOWN_OPS =
        Set.of(
            ("Abs Acos Acosh Adagrad Adam Add And ArgMax ArgMin ArrayFeatureExtractor Asin Asinh"
                    + " Atan Atanh AveragePool BatchNormalization Bernoulli Binarizer BitShift"
                    + " BlackmanWindow Cast CastLike CastMap CategoryMapper Ceil Celu Clip Compress"
                    + " Concat ConcatFromSequence Constant ConstantOfShape Conv ConvInteger"
                    + " ConvTranspose Cos Cosh CumSum DFT DepthToSpace DequantizeLinear Det"
                    + " DictVectorizer Div Dropout DynamicQuantizeLinear Einsum Elu Equal Erf Exp"
                    + " Expand EyeLike FeatureVectorizer Flatten Floor GRU Gather GatherElements"
                    + " GatherND Gemm GlobalAveragePool GlobalLpPool GlobalMaxPool Gradient Greater"
                    + " GreaterOrEqual GridSample HammingWindow HannWindow HardSigmoid HardSwish"
                    + " Hardmax Identity If Imputer InstanceNormalization IsInf IsNaN LRN LSTM"
                    + " LabelEncoder LayerNormalization LeakyRelu Less LessOrEqual LinearClassifier"
                    + " LinearRegressor Log LogSoftmax Loop LpNormalization LpPool MatMul"
                    + " MatMulInteger Max MaxPool MaxRoiPool MaxUnpool Mean"
                    + " MeanVarianceNormalization MelWeightMatrix Min Mod Momentum Mul Multinomial"
                    + " Neg NegativeLogLikelihoodLoss NonMaxSuppression NonZero Normalizer Not"
                    + " OneHot OneHotEncoder Optional OptionalGetElement OptionalHasElement Or"
                    + " PRelu Pad Pow QLinearConv QLinearMatMul QuantizeLinear RNN RandomNormal"
                    + " RandomNormalLike RandomUniform RandomUniformLike Range Reciprocal ReduceL1"
                    + " ReduceL2 ReduceLogSum ReduceLogSumExp ReduceMax ReduceMean ReduceMin"
                    + " ReduceProd ReduceSum ReduceSumSquare Relu Reshape Resize ReverseSequence"
                    + " RoiAlign Round STFT SVMClassifier SVMRegressor Scaler Scan Scatter"
                    + " ScatterElements ScatterND Selu SequenceAt SequenceConstruct SequenceEmpty"
                    + " SequenceErase SequenceInsert SequenceLength SequenceMap Shape Shrink"
                    + " Sigmoid Sign Sin Sinh Size Slice Softmax SoftmaxCrossEntropyLoss Softplus"
                    + " Softsign SpaceToDepth Split SplitToSequence Sqrt Squeeze StringNormalizer"
                    + " Sub Sum Tan Tanh TfIdfVectorizer ThresholdedRelu Tile TopK Transpose"
                    + " TreeEnsembleClassifier TreeEnsembleRegressor Trilu Unique Unsqueeze"
                    + " Upsample Where Xor ZipMap")
                .split(" "));

    private static final Map<Long, Set<String>> NEW_IN =
        Map.of(
            8L, Set.of("Expand Max MaxPool Mean Min Scan Sum".split(" ")),
            9L,
                Set.of(
                    ("Acosh Asinh Atanh BatchNormalization Cast Compress Constant ConstantOfShape"
                            + " Cosh Erf EyeLike Flatten Gemm Greater IsNaN Less MatMul MaxUnpool"
                            + " MeanVarianceNormalization NonZero OneHot PRelu Scan Scatter Shrink"
                            + " Sign Sinh TfIdfVectorizer Upsample Where")
                        .split(" ")),
            10L,
                Set.of(
                    ("AveragePool ConvInteger DequantizeLinear Dropout IsInf MatMulInteger MaxPool"
                            + " Mod NonMaxSuppression QLinearConv QLinearMatMul QuantizeLinear"
                            + " Resize ReverseSequence RoiAlign Slice StringNormalizer"
                            + " ThresholdedRelu TopK Upsample")
                        .split(" ")),
            11L,
                Set.of(
                    ("ArgMax ArgMin AveragePool BitShift Clip Compress Concat ConcatFromSequence"
                            + " Constant Conv ConvTranspose CumSum DepthToSpace Det"
                            + " DynamicQuantizeLinear Equal Flatten Gather GatherElements GatherND"
                            + " Gemm Hardmax If LogSoftmax Loop LpPool MaxPool MaxUnpool"
                            + " NonMaxSuppression OneHot Pad Range ReduceL1 ReduceL2 ReduceLogSum"
                            + " ReduceLogSumExp ReduceMax ReduceMean ReduceMin ReduceProd ReduceSum"
                            + " ReduceSumSquare Resize Round Scan Scatter ScatterElements ScatterND"
                            + " SequenceAt SequenceConstruct SequenceEmpty SequenceErase"
                            + " SequenceInsert SequenceLength Slice Softmax Split SplitToSequence"
                            + " Squeeze TopK Unique Unsqueeze")
                        .split(" ")));

    /** Ops whose adapter into {@code opset} changes nothing ({@code CompatibleAdapter}). */
    private static final Map<Long, Set<String>> COMPATIBLE =
        Map.of(
            8L, Set.of("Max Min Mean Sum MaxPool".split(" ")),
            9L, Set.of("Flatten Constant MatMul Gemm PRelu Greater Less Cast".split(" ")),
            10L, Set.of("AveragePool MaxPool Dropout".split(" ")),
            11L,
                Set.of(
                    ("ArgMax ArgMin AveragePool Concat Constant Compress Conv ConvTranspose"
                            + " DepthToSpace Equal Flatten Gather Gemm Hardmax If LogSoftmax Loop"
                            + " LpPool MaxPool MaxUnpool NonMaxSuppression OneHot ReduceL1 ReduceL2"
                            + " ReduceLogSum ReduceLogSumExp ReduceMax ReduceMean ReduceMin"
                            + " ReduceProd ReduceSum ReduceSumSquare Scan Softmax Slice Split"
                            + " Squeeze TopK Unsqueeze")
                        .split(" ")));

    static Set<String> newIn(long opset) {
      return NEW_IN.getOrDefault(opset, Set.of());
    }

    static Set<String> compatible(long opset) {
      return COMPATIBLE.getOrDefault(opset, Set.of());
    }
  }
}
