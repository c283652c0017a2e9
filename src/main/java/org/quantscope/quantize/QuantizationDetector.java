// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.quantscope.graph.GraphIndex;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.graph.Scope;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.OperatorSetIdProto;
import org.quantscope.onnx.TensorProto;

/**
 * Reads how an int8 model was quantized from the model itself: the quantized operators ORT's
 * dynamic quantizer writes and their weights (type, scales, zero points, the range of the 8-bit
 * values), the candidates left in float, ORT's version stamps. From those it derives the options
 * that give the same file ({@link Detection#options}, what {@code quantize --like} applies) and the
 * {@link Recipe} they match.
 */
public final class QuantizationDetector {
  private QuantizationDetector() {}

  /**
   * What detection found.
   *
   * @param facts what the file tells
   * @param recipe the recipe whose settings the file shows, or null (the first in table order of
   *     those that match without deviation, else the closest with one)
   * @param deviations how the file departs from that recipe (e.g. "per-channel off, as
   *     optimum-cli's default"), empty for an exact match
   * @param alsoMatching other recipes the file is as consistent with (their settings differ only
   *     where this model cannot show it)
   * @param options the options that reproduce the file from its float source: the detected facts,
   *     the recipe's (or ORT's defaults) where the file cannot tell, the excluded nodes
   */
  public record Detection(
      QuantizationFacts facts,
      String recipe,
      List<String> deviations,
      List<String> alsoMatching,
      QuantizeOptions options) {

    /** The one-line verdict the window's Model tab and inspect show. */
    public String headline() {
      if (!facts.quantized()) {
        return "not quantized";
      }
      String r =
          recipe == null
              ? "no known recipe"
              : "recipe "
                  + recipe
                  + (deviations.isEmpty() ? "" : ", " + String.join(", ", deviations));
      return "already quantized (" + facts.method() + "; " + r + ")";
    }
  }

  /** One quantized weight as the file stores it. */
  private record Weight(
      String kind, ElementType type, int scales, int[] zeroPoints, int min, int max) {}

  /**
   * Detects how {@code model} was quantized.
   *
   * @throws ModelFormatException if a quantized weight cannot be read
   */
  public static Detection detect(OnnxModel model) throws ModelFormatException {
    ModelProto p = model.proto();
    Map<String, Integer> quantizedOps = new TreeMap<>();
    Map<String, Integer> special = new TreeMap<>();
    List<Weight> weights = new ArrayList<>();
    boolean dql = false;
    boolean explicit = false;
    boolean inSubgraph = false;
    boolean dynamicB = false;
    List<String> clues = new ArrayList<>();
    Set<String> seenWeights = new LinkedHashSet<>();
    Map<Scope, GraphIndex> indexes = new java.util.IdentityHashMap<>();
    for (Scope s : Scope.all(p.getGraph())) {
      GraphIndex index = GraphIndex.of(s, s.parent() == null ? null : indexes.get(s.parent()));
      indexes.put(s, index);
      for (NodeProto n : s.graph().getNodeList()) {
        String op = n.getOpType();
        String kind =
            switch (op) {
              case "MatMulInteger" -> "MatMul";
              case "ConvInteger" -> "Conv";
              case "DynamicQuantizeLSTM" -> "LSTM";
              case "QAttention" -> "Attention";
              case "QEmbedLayerNormalization" -> "EmbedLayerNormalization";
              default -> null;
            };
        if (op.equals("DynamicQuantizeLinear")) {
          dql = true;
          inSubgraph |= !s.isMain();
        }
        if (op.equals("QuantizeLinear") && n.getName().endsWith("_QuantizeLinear")) {
          explicit |= n.getInputCount() > 1 && n.getInput(1).endsWith("_scale");
        }
        if (Set.of("DynamicQuantizeMatMul", "MatMulIntegerToFloat").contains(op)) {
          special.merge("fused", 1, Integer::sum);
          kind = "MatMul";
        }
        if (Set.of("QLinearConv", "QLinearMatMul").contains(op)) {
          special.merge("qoperator", 1, Integer::sum);
        }
        if (op.equals("DequantizeLinear")
            && index.initializer(n.getInput(0)).isPresent()
            && !n.getInput(0).endsWith("_quantized")) {
          special.merge("qdq", 1, Integer::sum);
        }
        if (op.equals("MatMulNBits")) {
          special.merge("nbits", 1, Integer::sum);
        }
        if (op.equals("Gather")
            && n.getInputCount() > 0
            && isQuantizedTable(index, n.getInput(0))) {
          kind = "Gather";
        }
        if (op.equals("Transpose")
            && n.getInputCount() > 0
            && n.getInput(0).endsWith("_quantized")) {
          kind = "Transpose";
        }
        if (kind == null) {
          continue;
        }
        quantizedOps.merge(kind, 1, Integer::sum);
        inSubgraph |= !s.isMain();
        for (String w : weightInputs(op, n)) {
          Optional<TensorProto> q = index.initializer(w);
          if (q.isEmpty()) {
            if (kind.equals("MatMul") && !w.isEmpty()) {
              dynamicB = true;
            }
            continue;
          }
          if (seenWeights.add(s.path() + "/" + w)) {
            Weight weight = weight(model, index, kind, q.get());
            if (weight != null) {
              weights.add(weight);
            }
          }
        }
        if (op.equals("DynamicQuantizeLSTM")) {
          for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals("layout")) {
              clues.add(
                  "DynamicQuantizeLSTM keeps LSTM's layout attribute: written by ORT 1.17 or older");
            }
          }
        }
      }
    }
    boolean quantized = !quantizedOps.isEmpty() || !special.isEmpty();
    String method = null;
    if (special.containsKey("nbits")) {
      method = "4-bit (MatMulNBits)";
    } else if (special.containsKey("qdq")) {
      method = "static (QDQ)";
    } else if (special.containsKey("qoperator")) {
      method = "static (QOperator)";
    } else if (special.containsKey("fused")) {
      method = "dynamic, fused by ONNX Runtime (saved after its graph optimizations)";
    } else if (quantized) {
      method = "dynamic";
    }
    String producer = (p.getProducerName() + " " + p.getProducerVersion()).strip();

    Map<String, String> types = new TreeMap<>();
    Boolean perChannel = null;
    Boolean symmetric = null;
    Boolean symmetricTables = null;
    boolean anyFull = false;
    boolean anyReducedEdge = false;
    boolean anyWeight = false;
    for (Weight w : weights) {
      String label = w.kind().equals("Gather") ? "Gather table" : w.kind();
      String t = w.type() == ElementType.INT8 ? "int8" : "uint8";
      types.merge(label, t, (a, b) -> a.equals(b) ? a : "mixed");
      boolean table = w.kind().equals("Gather") || w.kind().equals("EmbedLayerNormalization");
      Boolean sym = isSymmetric(w);
      if (table) {
        symmetricTables = and(symmetricTables, sym);
        continue;
      }
      if (!w.kind().equals("LSTM")) {
        symmetric = and(symmetric, sym);
      }
      if (Set.of("MatMul", "Attention", "LSTM").contains(w.kind())) {
        // LSTM: one scale per direction (at most 2) per tensor, 4H per direction per channel
        boolean pc = w.kind().equals("LSTM") ? w.scales() > 2 : w.scales() > 1;
        perChannel = perChannel == null ? pc : perChannel || pc;
      }
      anyWeight = true;
      int reduced = w.type() == ElementType.INT8 ? 64 : 127;
      if (w.type() == ElementType.INT8 ? (w.min() < -64 || w.max() > 64) : w.max() > 127) {
        anyFull = true;
      } else if (w.type() == ElementType.INT8
          ? (w.max() == reduced || w.min() == -reduced)
          : w.max() == reduced) {
        anyReducedEdge = true;
      }
    }
    Boolean reduceRange =
        !anyWeight ? null : anyFull ? Boolean.FALSE : anyReducedEdge ? Boolean.TRUE : null;

    boolean typeKnown =
        types.containsKey("MatMul") || types.containsKey("Conv") || types.containsKey("Attention");
    String typeName =
        types.getOrDefault(
            "MatMul", types.getOrDefault("Conv", types.getOrDefault("Attention", "int8")));
    QuantType type = typeName.equals("uint8") ? QuantType.QUInt8 : QuantType.QInt8;

    // MatMulConstBOnly and EnableSubgraph, from the candidates left in float: a MatMul left for
    // its computed B, a subgraph whose candidates all stayed float
    Boolean matMulConstBOnly = dynamicB ? Boolean.FALSE : null;
    Boolean enableSubgraph = inSubgraph ? Boolean.TRUE : null;
    if (quantized) {
      Criteria loose = new Criteria(Set.of(), Set.of(), Set.of(), false, true, false, false, false);
      Criteria strict = new Criteria(Set.of(), Set.of(), Set.of(), true, true, false, false, false);
      List<QuantizableNode> a = Quantizability.classify(p.getGraph(), loose);
      List<QuantizableNode> c = Quantizability.classify(p.getGraph(), strict);
      for (int i = 0; i < a.size() && i < c.size(); i++) {
        QuantizableNode v = a.get(i);
        if (v.willQuantize()
            && !c.get(i).willQuantize()
            && v.op().equals("MatMul")
            && matMulConstBOnly == null
            && quantizedOps.containsKey("MatMul")) {
          matMulConstBOnly = Boolean.TRUE;
        }
        if (v.willQuantize() && !v.graph().equals("main") && !inSubgraph) {
          enableSubgraph = Boolean.FALSE;
        }
      }
    }

    List<RecipeMatch> matches = new ArrayList<>();
    for (Recipe r : Recipe.values()) {
      List<String> dev =
          deviations(
              r.options(p),
              typeKnown ? type : null,
              perChannel,
              reduceRange,
              symmetric,
              matMulConstBOnly,
              enableSubgraph);
      if (dev != null) {
        matches.add(new RecipeMatch(r, dev));
      }
    }
    matches.sort((x, y) -> Integer.compare(x.deviations().size(), y.deviations().size()));
    RecipeMatch best =
        quantized && method.startsWith("dynamic") && !matches.isEmpty() ? matches.get(0) : null;

    // The options: the file's facts, the recipe's (or ORT's defaults) where the file cannot tell
    QuantizeOptions base = best != null ? best.recipe().options(p) : QuantizeOptions.DEFAULTS;
    QuantizeOptions.Builder o = base.toBuilder();
    if (typeKnown) {
      o.weightType(type);
    }
    QuantType chosen = typeKnown ? type : base.weightType();
    if (perChannel != null) {
      o.perChannel(perChannel);
    }
    if (reduceRange != null) {
      o.reduceRange(reduceRange);
    }
    if (symmetric != null) {
      boolean typeDefault = chosen == QuantType.QInt8;
      o.weightSymmetric(symmetric == typeDefault ? null : symmetric);
      if (base.weightSymmetric() != null && base.weightSymmetric() == symmetric) {
        o.weightSymmetric(symmetric);
      }
    }
    if (symmetricTables != null && chosen == QuantType.QInt8) {
      o.activationSymmetric(symmetricTables);
    }
    if (matMulConstBOnly != null) {
      o.matMulConstBOnly(matMulConstBOnly);
    }
    if (enableSubgraph != null) {
      o.enableSubgraph(enableSubgraph);
    }
    Map<String, Integer> floatOps = new TreeMap<>();
    List<String> excluded = new ArrayList<>();
    if (quantized) {
      Map<String, List<QuantizableNode>> wouldQuantize = new LinkedHashMap<>();
      for (QuantizableNode v : Quantizability.classify(p.getGraph(), o.build().criteria())) {
        String op = v.op().equals("Gemm") ? "MatMul" : v.op();
        if (v.weight() != null && v.weight().endsWith("_quantized")) {
          continue; // a quantized Gather: it reads the uint8 table
        }
        floatOps.merge(op, 1, Integer::sum);
        if (v.willQuantize()) {
          wouldQuantize.computeIfAbsent(op, k -> new ArrayList<>()).add(v);
        }
      }
      Set<String> opTypes = new LinkedHashSet<>();
      boolean typeLeftOut = false;
      for (String op : OpQuantizers.opTypes()) {
        if (quantizedOps.containsKey(op)) {
          opTypes.add(op);
        } else if (wouldQuantize.containsKey(op)) {
          typeLeftOut = true; // the whole op type stayed in float: op_types_to_quantize
        }
      }
      for (Map.Entry<String, List<QuantizableNode>> e : wouldQuantize.entrySet()) {
        if (quantizedOps.containsKey(e.getKey())) {
          for (QuantizableNode v : e.getValue()) {
            // ORT's filters match names; an unnamed node cannot have been excluded by name
            if (!v.node().contains("#")) {
              excluded.add(v.node());
            }
          }
        }
      }
      if (typeLeftOut) {
        o.opTypes(opTypes);
      }
      o.nodesToExclude(new LinkedHashSet<>(excluded));
    }

    clues.addAll(versionClues(p, dql));
    QuantizationFacts facts =
        new QuantizationFacts(
            quantized,
            method,
            producer.isEmpty() ? null : producer,
            types,
            perChannel,
            reduceRange,
            symmetric,
            symmetricTables,
            quantizedOps,
            floatOps,
            matMulConstBOnly,
            enableSubgraph,
            dql ? "fused" : explicit ? "explicit" : "none",
            List.copyOf(clues),
            List.copyOf(excluded));
    List<String> also = new ArrayList<>();
    if (best != null) {
      for (RecipeMatch m : matches) {
        if (m != best && m.deviations().equals(best.deviations())) {
          also.add(m.recipe().id());
        }
      }
    }
    return new Detection(
        facts,
        best == null ? null : best.recipe().id(),
        best == null ? List.of() : best.deviations(),
        List.copyOf(also),
        quantized ? o.build() : QuantizeOptions.DEFAULTS);
  }

  private record RecipeMatch(Recipe recipe, List<String> deviations) {}

  /**
   * How the detected facts depart from a recipe's options for this model: null when they cannot be
   * that recipe, else the tolerated deviations (per-channel, which Optimum's API and CLI set
   * differently).
   */
  private static List<String> deviations(
      QuantizeOptions r,
      QuantType type,
      Boolean perChannel,
      Boolean reduceRange,
      Boolean symmetric,
      Boolean matMulConstBOnly,
      Boolean enableSubgraph) {
    List<String> dev = new ArrayList<>();
    if (type != null && r.weightType() != type) {
      return null;
    }
    if (reduceRange != null && reduceRange != r.reduceRange()) {
      return null;
    }
    if (symmetric != null && symmetric != r.symmetricWeights(r.weightType())) {
      return null;
    }
    if (matMulConstBOnly != null && matMulConstBOnly != r.matMulConstBOnly()) {
      return null;
    }
    if (enableSubgraph != null && enableSubgraph != r.enableSubgraph()) {
      return null;
    }
    if (perChannel != null && perChannel != r.perChannel()) {
      dev.add(
          perChannel
              ? "per-channel on"
              : "per-channel off" + (r.perChannel() ? " (optimum-cli's default)" : ""));
    }
    return dev;
  }

  private static List<String> weightInputs(String op, NodeProto n) {
    List<String> out = new ArrayList<>();
    switch (op) {
      case "MatMulInteger",
          "ConvInteger",
          "QAttention",
          "DynamicQuantizeMatMul",
          "MatMulIntegerToFloat" -> {
        if (n.getInputCount() > 1) {
          out.add(n.getInput(1));
        }
      }
      case "DynamicQuantizeLSTM" -> {
        for (int i = 1; i <= 2 && i < n.getInputCount(); i++) {
          out.add(n.getInput(i));
        }
      }
      case "QEmbedLayerNormalization" -> {
        for (int i = 2; i <= 6 && i < n.getInputCount(); i++) {
          out.add(n.getInput(i));
        }
      }
      case "Gather" -> out.add(n.getInput(0));
      default -> {}
    }
    return out;
  }

  private static boolean isQuantizedTable(GraphIndex index, String name) {
    Optional<TensorProto> t = index.initializer(name);
    return t.isPresent()
        && name.endsWith("_quantized")
        && t.get().getDataType() == ElementType.UINT8.code();
  }

  /** The quantized tensor with its scale and zero point, found by ORT's names. */
  private static Weight weight(OnnxModel model, GraphIndex index, String kind, TensorProto q)
      throws ModelFormatException {
    ElementType type = Tensors.elementType(q);
    if ((type != ElementType.INT8 && type != ElementType.UINT8)
        || !q.getName().endsWith("_quantized")) {
      return null;
    }
    String base = q.getName().substring(0, q.getName().length() - "_quantized".length());
    Optional<TensorProto> scale = index.initializer(base + "_scale");
    Optional<TensorProto> zp = index.initializer(base + "_zero_point");
    if (scale.isEmpty() || zp.isEmpty()) {
      return null;
    }
    int[] zps = ints(model, zp.get(), type);
    int[] values = ints(model, q, type);
    int min = Integer.MAX_VALUE;
    int max = Integer.MIN_VALUE;
    for (int v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return new Weight(kind, type, (int) Tensors.elementCount(scale.get()), zps, min, max);
  }

  /**
   * Whether a weight is symmetric, or null when it cannot tell. int8: zero point 0 and no -128
   * (only the asymmetric range reaches it). uint8: zero point 128 (64 with reduce-range, range [0,
   * 127]) is also what asymmetric data centred on zero gets, but asymmetric values always reach
   * both ends of the range, symmetric ones only where the most negative and most positive weight
   * have the same magnitude.
   */
  private static Boolean isSymmetric(Weight w) {
    if (w.zeroPoints().length == 0) {
      return null;
    }
    if (w.type() == ElementType.INT8) {
      for (int z : w.zeroPoints()) {
        if (z != 0) {
          return false;
        }
      }
      return w.min() > -128;
    }
    boolean full = true;
    boolean reduced = true;
    for (int z : w.zeroPoints()) {
      full &= z == 128;
      reduced &= z == 64;
    }
    if (!full && !reduced) {
      return false;
    }
    int top = full ? 255 : 127;
    return w.min() > 0 || w.max() < top ? Boolean.TRUE : null;
  }

  /** Combines per-tensor answers: any no is no, else any yes is yes, else unknown. */
  private static Boolean and(Boolean a, Boolean b) {
    if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) {
      return false;
    }
    return a != null ? a : b;
  }

  private static int[] ints(OnnxModel model, TensorProto t, ElementType type)
      throws ModelFormatException {
    ByteBuffer b = model.payload(t);
    int n = b.remaining();
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      byte v = b.get(b.position() + i);
      out[i] = type == ElementType.INT8 ? v : v & 0xff;
    }
    return out;
  }

  private static List<String> versionClues(ModelProto p, boolean contribUsed) {
    List<String> clues = new ArrayList<>();
    if (p.getProducerName().equals("onnx.quantize")) {
      clues.add(
          "producer onnx.quantize "
              + p.getProducerVersion()
              + ": ONNX Runtime's quantization tool");
    }
    for (var m : p.getMetadataPropsList()) {
      if (m.getKey().equals("onnx.infer") && m.getValue().equals("onnxruntime.quant")) {
        clues.add(
            "metadata onnx.infer=onnxruntime.quant: ORT ran shape inference before quantizing");
      }
    }
    boolean contribNodes = false;
    for (Scope s : Scope.all(p.getGraph())) {
      for (NodeProto n : s.graph().getNodeList()) {
        contribNodes |= n.getDomain().equals("com.microsoft");
      }
    }
    boolean imported = false;
    for (OperatorSetIdProto o : p.getOpsetImportList()) {
      imported |= o.getDomain().equals("com.microsoft");
    }
    if (contribNodes && !imported) {
      clues.add("com.microsoft nodes without a com.microsoft opset import: ORT 1.15 or older");
    } else if (contribNodes) {
      clues.add("com.microsoft opset imported for its nodes: ORT 1.16 or later");
    }
    if (p.getGraph().getValueInfoCount() > 0) {
      clues.add(
          p.getGraph().getValueInfoCount()
              + " value_info entries: shapes from ORT's shape inference (QuantScope writes the"
              + " input's)");
    }
    return clues;
  }
}
