// SPDX-License-Identifier: Apache-2.0
package org.quantscope.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.TextFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.FunctionProto;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.OperatorSetIdProto;
import org.quantscope.onnx.SparseTensorProto;
import org.quantscope.onnx.StringStringEntryProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.onnx.TensorShapeProto;
import org.quantscope.onnx.TypeProto;
import org.quantscope.onnx.ValueInfoProto;

/**
 * The shared oracle's {@code fingerprint.py} (fingerprint_version 1) in Java, so that the
 * repository compares its own output with ONNX Runtime's without Python.
 *
 * <p>A fingerprint is a JSON tree of exactly the shape and values fingerprint.py writes: model
 * facts, op counts, and per graph the inputs and outputs, every node (name, op_type, domain,
 * inputs, outputs, attributes) and every initializer (name, data_type, dims, storage fields, kind,
 * numel, the sha256 of the canonical little-endian value bytes, small values in full, scales and
 * zero points as base64, and for big 8/16-bit tensors min, max, sum, a value histogram, per-block
 * digests and strided samples). Floats are summed the way numpy's {@code sum} does (pairwise within
 * chunks of 8,192), so even the informational float sums match. The tree is normalised through JSON
 * text, so it compares with {@link JsonNode#equals} against a golden read by Jackson.
 *
 * <p>Deliberate differences, none of which a golden here touches: error texts of unreadable tensors
 * are ours, not Python's; a NaN attribute is written as a string where fingerprint.py stops; small
 * complex tensors are refused as fingerprint.py refuses them.
 */
public final class Fingerprint {
  static final int VERSION = 1;
  static final int SMALL_VALUES_MAX = 64;
  static final int B64_MAX = 65536;
  static final int MAX_BLOCKS = 64;
  static final int MIN_BLOCK = 256;
  static final int N_SAMPLES = 64;

  /** numpy's reduction buffer: its pairwise sum restarts every this many elements. */
  private static final int NUMPY_BUFSIZE = 8192;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private Fingerprint() {}

  /** A model read from a file, with its fingerprint and the folder its external data is in. */
  public record Read(ModelProto model, ObjectNode fingerprint, Path baseDir) {}

  /**
   * Reads a model the way {@code onnx.load} does (plain protobuf, no checks, external data moved
   * into raw_data) and fingerprints it with its {@code file} section (name, size, sha256).
   */
  public static Read read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    Path dir = file.toAbsolutePath().getParent();
    ModelProto model = loadExternalData(ModelProto.parseFrom(bytes), dir);
    ObjectNode fp = build(model, dir);
    ObjectNode f = fp.putObject("file");
    f.put("name", file.getFileName().toString());
    f.put("size", bytes.length);
    f.put("sha256", sha256(bytes));
    return new Read(model, normalise(fp), dir);
  }

  /** The fingerprint of a model in memory; external data resolves against {@code baseDir}. */
  public static ObjectNode of(ModelProto model, Path baseDir) {
    return normalise(build(model, baseDir));
  }

  /**
   * onnx's {@code load_external_data_for_model}: every external initializer and attribute tensor,
   * in every graph, gets its bytes as raw_data and loses its external entries.
   */
  static ModelProto loadExternalData(ModelProto model, Path baseDir) throws IOException {
    return model.toBuilder().setGraph(loadExternalData(model.getGraph(), baseDir)).build();
  }

  private static GraphProto loadExternalData(GraphProto g, Path baseDir) throws IOException {
    GraphProto.Builder b = g.toBuilder();
    for (int i = 0; i < b.getInitializerCount(); i++) {
      b.setInitializer(i, internalize(b.getInitializer(i), baseDir));
    }
    for (int i = 0; i < b.getNodeCount(); i++) {
      NodeProto.Builder n = b.getNodeBuilder(i);
      for (int j = 0; j < n.getAttributeCount(); j++) {
        AttributeProto.Builder a = n.getAttributeBuilder(j);
        if (a.hasT()) {
          a.setT(internalize(a.getT(), baseDir));
        }
        for (int k = 0; k < a.getTensorsCount(); k++) {
          a.setTensors(k, internalize(a.getTensors(k), baseDir));
        }
        if (a.hasG()) {
          a.setG(loadExternalData(a.getG(), baseDir));
        }
        for (int k = 0; k < a.getGraphsCount(); k++) {
          a.setGraphs(k, loadExternalData(a.getGraphs(k), baseDir));
        }
      }
    }
    return b.build();
  }

  private static TensorProto internalize(TensorProto t, Path baseDir) throws IOException {
    if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL) {
      return t;
    }
    return t.toBuilder()
        .setRawData(TensorArray.external(t, baseDir))
        .setDataLocation(TensorProto.DataLocation.DEFAULT)
        .clearExternalData()
        .build();
  }

  /** Every graph with its fingerprint path: "" for the top graph, then nested bodies. */
  public static List<Map.Entry<String, GraphProto>> graphs(ModelProto model) {
    List<Map.Entry<String, GraphProto>> out = new ArrayList<>();
    Deque<Map.Entry<String, GraphProto>> pending = new ArrayDeque<>();
    pending.add(Map.entry("", model.getGraph()));
    while (!pending.isEmpty()) {
      Map.Entry<String, GraphProto> e = pending.poll();
      out.add(e);
      List<NodeProto> nodes = e.getValue().getNodeList();
      for (int i = 0; i < nodes.size(); i++) {
        NodeProto n = nodes.get(i);
        for (AttributeProto a : n.getAttributeList()) {
          String sub = subgraphPath(e.getKey(), owner(n, i), a.getName());
          if (a.getType() == AttributeProto.AttributeType.GRAPH) {
            pending.add(Map.entry(sub, a.getG()));
          } else if (a.getType() == AttributeProto.AttributeType.GRAPHS) {
            for (int j = 0; j < a.getGraphsCount(); j++) {
              pending.add(Map.entry(sub + "[" + j + "]", a.getGraphs(j)));
            }
          }
        }
      }
    }
    return out;
  }

  /** The positions of the strided samples: {@code round(linspace(0, n - 1, 64))}. */
  static int[] sampleIndex(int n) {
    int[] idx = new int[N_SAMPLES];
    double step = (double) (n - 1) / (N_SAMPLES - 1);
    for (int i = 0; i < N_SAMPLES; i++) {
      double y = i == N_SAMPLES - 1 ? n - 1 : i * step;
      idx[i] = (int) Math.rint(y); // numpy rounds half to even
    }
    return idx;
  }

  /** The block size of the per-block digests of a big integer tensor. */
  static int blockSize(int n) {
    return Math.max(MIN_BLOCK, (n + MAX_BLOCKS - 1) / MAX_BLOCKS);
  }

  static String sha256(byte[] data) {
    return sha256(data, 0, data.length);
  }

  static String sha256(byte[] data, int from, int to) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(data, from, to - from);
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code np.sum} of a float64 array: pairwise per 8,192-element chunk, chunks added in turn. */
  static double numpySum(double[] a, int n) {
    double sum = 0.0;
    for (int s = 0; s < n; s += NUMPY_BUFSIZE) {
      sum += pairwise(a, s, Math.min(NUMPY_BUFSIZE, n - s));
    }
    return sum;
  }

  private static double pairwise(double[] a, int lo, int n) {
    if (n < 8) {
      double res = 0.0;
      for (int i = 0; i < n; i++) {
        res += a[lo + i];
      }
      return res;
    }
    if (n <= 128) {
      double[] r = new double[8];
      System.arraycopy(a, lo, r, 0, 8);
      int i = 8;
      for (; i < n - (n % 8); i += 8) {
        for (int j = 0; j < 8; j++) {
          r[j] += a[lo + i + j];
        }
      }
      double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (; i < n; i++) {
        res += a[lo + i];
      }
      return res;
    }
    int n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise(a, lo, n2) + pairwise(a, lo + n2, n - n2);
  }

  private static ObjectNode normalise(ObjectNode fp) {
    try {
      return (ObjectNode) JSON.readTree(JSON.writeValueAsBytes(fp));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode build(ModelProto model, Path baseDir) {
    Deque<Map.Entry<String, GraphProto>> pending = new ArrayDeque<>();
    ObjectNode top = graphSummary(model.getGraph(), "", pending, baseDir);
    ObjectNode subgraphs = F.objectNode();
    while (!pending.isEmpty()) { // breadth-first, in discovery order
      Map.Entry<String, GraphProto> e = pending.poll();
      subgraphs.set(e.getKey(), graphSummary(e.getValue(), e.getKey(), pending, baseDir));
    }
    List<JsonNode> topNodes = new ArrayList<>();
    top.get("nodes").forEach(topNodes::add);
    List<JsonNode> subNodes = new ArrayList<>();
    subgraphs.forEach(g -> g.get("nodes").forEach(subNodes::add));
    List<JsonNode> all = new ArrayList<>(topNodes);
    all.addAll(subNodes);

    ObjectNode fp = F.objectNode();
    fp.put("fingerprint_version", VERSION);
    fp.putNull("label");
    ObjectNode m = fp.putObject("model");
    m.put("ir_version", model.getIrVersion());
    m.put("producer_name", model.getProducerName());
    m.put("producer_version", model.getProducerVersion());
    m.put("domain", model.getDomain());
    m.put("model_version", model.getModelVersion());
    ObjectNode meta = m.putObject("metadata_props");
    for (StringStringEntryProto p : model.getMetadataPropsList()) {
      meta.put(p.getKey(), p.getValue());
    }
    ArrayNode opsets = m.putArray("opset_import");
    for (OperatorSetIdProto o : model.getOpsetImportList()) {
      opsets
          .addObject()
          .put("domain", o.getDomain().isEmpty() ? "ai.onnx" : o.getDomain())
          .put("version", o.getVersion());
    }
    ArrayNode functions = m.putArray("functions");
    for (FunctionProto f : model.getFunctionsList()) {
      functions.add(f.getName());
    }
    ObjectNode counts = fp.putObject("op_counts");
    counts.set("top", countOps(topNodes));
    counts.set("subgraphs", countOps(subNodes));
    counts.set("total", countOps(all));
    fp.set("graph", top);
    fp.set("subgraphs", subgraphs);
    return fp;
  }

  /** "domain::op_type" for other domains, the bare op type for ai.onnx. */
  static String opKey(JsonNode node) {
    String dom = node.path("domain").asText("");
    String op = node.get("op_type").asText();
    return dom.isEmpty() || dom.equals("ai.onnx") ? op : dom + "::" + op;
  }

  private static ObjectNode countOps(List<JsonNode> nodes) {
    Map<String, Integer> counts = new TreeMap<>();
    for (JsonNode n : nodes) {
      counts.merge(opKey(n), 1, Integer::sum);
    }
    ObjectNode out = F.objectNode();
    counts.forEach(out::put);
    return out;
  }

  private static String owner(NodeProto n, int i) {
    return n.getOutputCount() > 0 && !n.getOutput(0).isEmpty()
        ? n.getOutput(0)
        : "#" + i + ":" + n.getOpType();
  }

  private static String subgraphPath(String path, String owner, String attribute) {
    return path.isEmpty() ? owner + "/" + attribute : path + "/" + owner + "/" + attribute;
  }

  private static ObjectNode graphSummary(
      GraphProto g, String path, Deque<Map.Entry<String, GraphProto>> pending, Path baseDir) {
    Set<String> initNames = new HashSet<>();
    for (TensorProto t : g.getInitializerList()) {
      initNames.add(t.getName());
    }
    ArrayNode nodes = F.arrayNode();
    for (int i = 0; i < g.getNodeCount(); i++) {
      NodeProto n = g.getNode(i);
      ObjectNode attrs = F.objectNode();
      for (AttributeProto a : n.getAttributeList()) {
        attrs.set(
            a.getName(),
            attrValue(a, subgraphPath(path, owner(n, i), a.getName()), pending, baseDir));
      }
      ObjectNode e = nodes.addObject();
      if (!n.getName().isEmpty()) {
        e.put("name", n.getName());
      }
      e.put("op_type", n.getOpType());
      if (!n.getDomain().isEmpty()) {
        e.put("domain", n.getDomain());
      }
      ArrayNode in = e.putArray("inputs");
      n.getInputList().forEach(in::add);
      ArrayNode out = e.putArray("outputs");
      n.getOutputList().forEach(out::add);
      if (!attrs.isEmpty()) {
        e.set("attributes", attrs);
      }
    }
    ObjectNode s = F.objectNode();
    s.put("name", g.getName());
    ArrayNode inputs = s.putArray("inputs");
    g.getInputList().forEach(v -> inputs.add(valueInfo(v)));
    ArrayNode outputs = s.putArray("outputs");
    g.getOutputList().forEach(v -> outputs.add(valueInfo(v)));
    s.put("value_info_count", g.getValueInfoCount());
    s.set("nodes", nodes);
    ArrayNode inits = s.putArray("initializers");
    for (TensorProto t : g.getInitializerList()) {
      inits.add(tensorSummary(t, t.getName(), baseDir, true, initNames));
    }
    ArrayNode sparse = s.putArray("sparse_initializers");
    for (SparseTensorProto t : g.getSparseInitializerList()) {
      sparse.add(tensorSummary(t.getValues(), t.getValues().getName(), baseDir, true, null));
    }
    return s;
  }

  private static ObjectNode valueInfo(ValueInfoProto vi) {
    ObjectNode e = F.objectNode();
    e.put("name", vi.getName());
    TypeProto tp = vi.getType();
    if (tp.getValueCase() == TypeProto.ValueCase.TENSOR_TYPE) {
      TypeProto.Tensor tt = tp.getTensorType();
      e.put("elem_type", dtypeName(tt.getElemType()));
      if (tt.hasShape()) {
        ArrayNode shape = e.putArray("shape");
        for (TensorShapeProto.Dimension d : tt.getShape().getDimList()) {
          if (d.hasDimValue()) {
            shape.add(d.getDimValue());
          } else {
            shape.add(d.getDimParam().isEmpty() ? "?" : d.getDimParam());
          }
        }
      }
    } else if (tp.getValueCase() != TypeProto.ValueCase.VALUE_NOT_SET) {
      e.put("type", tp.getValueCase().name().toLowerCase(Locale.ROOT));
    }
    return e;
  }

  private static JsonNode attrValue(
      AttributeProto a, String subPath, Deque<Map.Entry<String, GraphProto>> pending, Path base) {
    switch (a.getType()) {
      case FLOAT:
        return F.numberNode((double) a.getF());
      case INT:
        return F.numberNode(a.getI());
      case STRING:
        return F.textNode(a.getS().toString(StandardCharsets.UTF_8));
      case FLOATS:
        {
          ArrayNode out = F.arrayNode();
          a.getFloatsList().forEach(v -> out.add((double) v));
          return out;
        }
      case INTS:
        {
          ArrayNode out = F.arrayNode();
          a.getIntsList().forEach(out::add);
          return out;
        }
      case STRINGS:
        {
          ArrayNode out = F.arrayNode();
          a.getStringsList().forEach(s -> out.add(s.toString(StandardCharsets.UTF_8)));
          return out;
        }
      case TENSOR:
        return F.objectNode()
            .set("tensor", tensorSummary(a.getT(), a.getT().getName(), base, true, null));
      case TENSORS:
        {
          ArrayNode out = F.arrayNode();
          a.getTensorsList().forEach(t -> out.add(tensorSummary(t, t.getName(), base, true, null)));
          return F.objectNode().set("tensors", out);
        }
      case GRAPH:
        pending.add(Map.entry(subPath, a.getG()));
        return F.objectNode().put("graph", subPath);
      case GRAPHS:
        {
          ArrayNode paths = F.arrayNode();
          for (int i = 0; i < a.getGraphsCount(); i++) {
            String p = subPath + "[" + i + "]";
            pending.add(Map.entry(p, a.getGraphs(i)));
            paths.add(p);
          }
          return F.objectNode().set("graphs", paths);
        }
      case SPARSE_TENSOR:
        {
          ObjectNode st = F.objectNode();
          SparseTensorProto sp = a.getSparseTensor();
          st.set(
              "values", tensorSummary(sp.getValues(), sp.getValues().getName(), base, true, null));
          ArrayNode dims = st.putArray("dims");
          sp.getDimsList().forEach(dims::add);
          return F.objectNode().set("sparse_tensor", st);
        }
      case TYPE_PROTO:
        return F.objectNode().put("type_proto", TextFormat.printer().printToString(a.getTp()));
      default:
        return F.objectNode().put("unknown_attribute_type", a.getType().getNumber());
    }
  }

  /** The type's name as onnx 1.12 (which made the goldens) knows it; newer types by number. */
  static String dtypeName(int dt) {
    TensorProto.DataType t = TensorProto.DataType.forNumber(dt);
    return t != null && dt <= TensorProto.DataType.BFLOAT16_VALUE ? t.name() : Integer.toString(dt);
  }

  /** "scale", "zero_point", "quantized" or "other", by name, type and partner initializer. */
  static String tensorKind(String name, int dataType, Set<String> names) {
    if (name.endsWith("_zero_point")
        && (names == null
            || names.contains(
                name.substring(0, name.length() - "_zero_point".length()) + "_scale"))) {
      return "zero_point";
    }
    boolean floatType =
        dataType == TensorProto.DataType.FLOAT_VALUE
            || dataType == TensorProto.DataType.FLOAT16_VALUE
            || dataType == TensorProto.DataType.DOUBLE_VALUE
            || dataType == TensorProto.DataType.BFLOAT16_VALUE;
    if (name.endsWith("_scale")
        && floatType
        && (names == null
            || names.contains(
                name.substring(0, name.length() - "_scale".length()) + "_zero_point"))) {
      return "scale";
    }
    boolean smallInt =
        dataType == TensorProto.DataType.INT8_VALUE
            || dataType == TensorProto.DataType.UINT8_VALUE
            || dataType == TensorProto.DataType.INT16_VALUE
            || dataType == TensorProto.DataType.UINT16_VALUE;
    if (name.endsWith("_quantized") || smallInt) {
      return "quantized";
    }
    return "other";
  }

  /** The storage fields that hold data, in fingerprint.py's order, plus "external". */
  static List<String> storageFields(TensorProto t) {
    List<String> out = new ArrayList<>();
    if (t.hasRawData()) {
      out.add("raw_data");
    }
    if (t.getFloatDataCount() > 0) {
      out.add("float_data");
    }
    if (t.getInt32DataCount() > 0) {
      out.add("int32_data");
    }
    if (t.getInt64DataCount() > 0) {
      out.add("int64_data");
    }
    if (t.getDoubleDataCount() > 0) {
      out.add("double_data");
    }
    if (t.getUint64DataCount() > 0) {
      out.add("uint64_data");
    }
    if (t.getStringDataCount() > 0) {
      out.add("string_data");
    }
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      out.add("external");
    }
    return out;
  }

  private static ObjectNode tensorSummary(
      TensorProto t, String name, Path baseDir, boolean withStorage, Set<String> names) {
    ObjectNode e = F.objectNode();
    e.put("name", name);
    e.put("data_type", dtypeName(t.getDataType()));
    ArrayNode dims = e.putArray("dims");
    t.getDimsList().forEach(dims::add);
    if (withStorage) {
      ArrayNode storage = e.putArray("storage");
      storageFields(t).forEach(storage::add);
    }
    String kind = tensorKind(name, t.getDataType(), names);
    e.put("kind", kind);
    TensorArray arr;
    try {
      arr = TensorArray.of(t, baseDir);
    } catch (IOException | RuntimeException ex) {
      String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
      e.put("error", msg.length() > 200 ? msg.substring(0, 200) : msg);
      return e;
    }
    byte[] data = arr.canonicalBytes();
    int n = arr.numel();
    e.put("numel", n);
    e.put("sha256", sha256(data));
    if (n <= SMALL_VALUES_MAX) {
      if (arr.kind() == 'c') {
        throw new IllegalArgumentException(
            "tensor '"
                + name
                + "': small complex tensors have no JSON values (fingerprint.py fails)");
      }
      e.set("values", values(arr));
      return e;
    }
    boolean numeric = "fiub".indexOf(arr.kind()) >= 0;
    if ((kind.equals("scale") || kind.equals("zero_point")) && n <= B64_MAX && numeric) {
      e.put("values_b64", Base64.getEncoder().encodeToString(data));
    }
    if ("iub".indexOf(arr.kind()) >= 0 && arr.itemSize() <= 2) {
      integerDigests(e, arr, data);
    } else if (numeric && n > 0) {
      double[] finite = new double[n];
      int k = 0;
      for (int i = 0; i < n; i++) {
        double v = arr.real(i);
        if (Double.isFinite(v)) {
          finite[k++] = v;
        }
      }
      if (k > 0) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
          min = Math.min(min, finite[i]);
          max = Math.max(max, finite[i]);
        }
        e.put("min", min);
        e.put("max", max);
        e.put("sum", numpySum(finite, k));
      }
    }
    return e;
  }

  /** min, max, sum, histogram, block digests and samples of an 8- or 16-bit integer tensor. */
  private static void integerDigests(ObjectNode e, TensorArray arr, byte[] data) {
    int n = arr.numel();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    long sum = 0;
    for (int i = 0; i < n; i++) {
      long v = arr.integer(i);
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    long[] hist = new long[(int) (max - min + 1)];
    for (int i = 0; i < n; i++) {
      hist[(int) (arr.integer(i) - min)]++;
    }
    e.put("min", min);
    e.put("max", max);
    e.put("sum", sum);
    ArrayNode h = e.putArray("hist");
    for (long c : hist) {
      h.add(c);
    }
    int bs = blockSize(n);
    int item = arr.itemSize();
    StringBuilder digests = new StringBuilder();
    ArrayNode sums = F.arrayNode();
    for (int s = 0; s < n; s += bs) {
      int end = Math.min(n, s + bs);
      digests.append(sha256(data, s * item, end * item), 0, 8);
      long blockSum = 0;
      for (int i = s; i < end; i++) {
        blockSum += arr.integer(i);
      }
      sums.add(blockSum);
    }
    ObjectNode blocks = e.putObject("blocks");
    blocks.put("size", bs);
    blocks.put("sha256_8", digests.toString());
    blocks.set("sums", sums);
    ArrayNode samples = e.putArray("samples");
    for (int i : sampleIndex(n)) {
      samples.add(value(arr, i));
    }
  }

  private static ArrayNode values(TensorArray arr) {
    ArrayNode out = F.arrayNode();
    for (int i = 0; i < arr.numel(); i++) {
      out.add(value(arr, i));
    }
    return out;
  }

  /** One element as fingerprint.py's {@code json_values} writes it. */
  private static JsonNode value(TensorArray arr, int i) {
    if (arr.kind() == 'O') {
      return F.textNode(arr.strings().get(i));
    }
    if (arr.kind() == 'f') {
      double v = arr.real(i);
      if (Double.isNaN(v)) {
        return F.textNode("nan");
      }
      if (Double.isInfinite(v)) {
        return F.textNode(v > 0 ? "inf" : "-inf");
      }
      return F.numberNode(v);
    }
    Object exact = arr.exactInteger(i);
    if (exact instanceof Boolean b) {
      return F.booleanNode(b);
    }
    if (exact instanceof BigInteger big) {
      return F.numberNode(big);
    }
    return F.numberNode((Long) exact);
  }
}
