// SPDX-License-Identifier: Apache-2.0
package org.quantscope.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.TensorProto;

/**
 * The shared oracle's {@code compare.py} in Java: explains every difference between a candidate
 * model and a golden {@link Fingerprint} of ONNX Runtime's output, section by section.
 *
 * <ul>
 *   <li>(a) op-type counts (top graph, subgraphs, total);
 *   <li>(b) quantized weights, scales and zero points: missing, extra, dtype/dims, values (how many
 *       elements differ and by how much; scales exactly and in ulps; for big integer tensors, of
 *       which the golden keeps only digests, bounds from the histogram, the blocks and the
 *       samples);
 *   <li>(b2) the other initializers, the same way;
 *   <li>(c) the node multiset keyed by (graph, domain, op_type, inputs, outputs), and the
 *       attributes of matched nodes;
 *   <li>(d) node order; (e) initializer order; (f) storage fields (raw_data vs typed fields);
 *   <li>(g) opset imports and graph inputs/outputs; informational: ir_version, producer, metadata,
 *       node names, value_info count.
 * </ul>
 *
 * <p>{@link Report#failures(boolean)} gives compare.py's verdict: (a), (b), (b2), (c) and the
 * semantic part of (g) always count; order, storage and the informational part only when strict.
 */
public final class GoldenComparison {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Set<String> QKINDS = Set.of("quantized", "scale", "zero_point");

  /** The report sections, in compare.py's order. */
  public enum Section {
    OP_COUNTS("(a) op-type count differences", true),
    QUANTIZED("(b) quantized weight / scale / zero-point initializers", true),
    OTHER_INITIALIZERS("(b2) other initializers", true),
    NODES("(c) node set differences (ignoring order)", true),
    ATTRIBUTES("(c) attribute differences on matched nodes", true),
    NODE_ORDER("(d) node order", false),
    INITIALIZER_ORDER("(e) initializer order", false),
    STORAGE("(f) storage-field differences", false),
    MODEL("(g) model-level differences (opset imports, graph I/O)", true),
    INFORMATIONAL(
        "(g) informational differences (ir_version, producer, metadata, node names, value_info)",
        false);

    final String title;

    /** Whether compare.py fails on it without {@code --strict}. */
    final boolean semantic;

    Section(String title, boolean semantic) {
      this.title = title;
      this.semantic = semantic;
    }
  }

  /**
   * One difference.
   *
   * @param section where compare.py reports it
   * @param graph the graph path ("" for the top graph)
   * @param subject what differs: an initializer or node, an op type, a model field
   * @param text the whole line as the report shows it
   */
  public record Difference(Section section, String graph, String subject, String text) {
    @Override
    public String toString() {
      return text;
    }
  }

  /** All differences, in report order. */
  public record Report(String golden, List<Difference> differences) {
    public Report {
      differences = List.copyOf(differences);
    }

    /** The differences that fail compare.py's verdict ({@code strict}: as with --strict). */
    public List<Difference> failures(boolean strict) {
      return differences.stream().filter(d -> strict || d.section().semantic).toList();
    }

    public List<Difference> in(Section section) {
      return differences.stream().filter(d -> d.section() == section).toList();
    }

    /** The report as compare.py prints it, at most {@code maxItems} lines per section. */
    public String render(int maxItems, boolean strict) {
      StringBuilder sb = new StringBuilder("golden: ").append(golden).append('\n');
      for (Section s : Section.values()) {
        List<Difference> items = in(s);
        if (s == Section.NODE_ORDER || s == Section.INITIALIZER_ORDER) {
          sb.append(s.title).append(": ").append(items.isEmpty() ? "same" : "differs").append('\n');
        } else {
          sb.append(s.title)
              .append(": ")
              .append(items.isEmpty() ? "none" : items.size())
              .append('\n');
        }
        for (Difference d : items.subList(0, Math.min(maxItems, items.size()))) {
          sb.append("    ").append(d.text()).append('\n');
        }
        if (items.size() > maxItems) {
          sb.append("    ... ").append(items.size() - maxItems).append(" more\n");
        }
      }
      return sb.append(summary(strict)).toString();
    }

    /** compare.py's last line, with the verdict with or without {@code --strict}. */
    public String summary(boolean strict) {
      int values = in(Section.QUANTIZED).size() + in(Section.OTHER_INITIALIZERS).size();
      int nodes = in(Section.NODES).size() + in(Section.ATTRIBUTES).size();
      return String.format(
              Locale.ROOT,
              "oracle-compare: %d value mismatches, %d op-count diffs, %d node diffs (order: %s,"
                  + " init order: %s, storage: %d diffs, model: %d diffs) -> %s",
              values,
              in(Section.OP_COUNTS).size(),
              nodes,
              in(Section.NODE_ORDER).isEmpty() ? "same" : "differs",
              in(Section.INITIALIZER_ORDER).isEmpty() ? "same" : "differs",
              in(Section.STORAGE).size(),
              in(Section.MODEL).size(),
              failures(strict).isEmpty() ? "PASS" : "FAIL")
          + (strict ? " [strict]" : "");
    }

    @Override
    public String toString() {
      return render(20, true);
    }
  }

  private final List<Difference> out = new ArrayList<>();

  private GoldenComparison() {}

  /** Compares a candidate read with {@link Fingerprint#read} against a golden fingerprint. */
  public static Report compare(JsonNode golden, Fingerprint.Read candidate) throws IOException {
    if (golden.has("oracle_error")) {
      throw new IllegalArgumentException(
          "the golden records an oracle failure, nothing to compare: "
              + golden.get("oracle_error"));
    }
    GoldenComparison c = new GoldenComparison();
    c.run(golden, candidate);
    String name =
        golden.path("file").path("name").asText("?") + " " + golden.path("label").asText("");
    return new Report(name.strip(), c.out);
  }

  private void add(Section s, String graph, String subject, String text) {
    out.add(new Difference(s, graph, subject, text));
  }

  private void run(JsonNode golden, Fingerprint.Read cand) throws IOException {
    ObjectNode cfp = cand.fingerprint();
    // (a)
    for (String scope : List.of("top", "subgraphs", "total")) {
      JsonNode go = golden.path("op_counts").path(scope);
      JsonNode co = cfp.path("op_counts").path(scope);
      TreeSet<String> ops = new TreeSet<>();
      go.fieldNames().forEachRemaining(ops::add);
      co.fieldNames().forEachRemaining(ops::add);
      for (String op : ops) {
        int g = go.path(op).asInt(0);
        int c = co.path(op).asInt(0);
        if (g != c) {
          add(
              Section.OP_COUNTS,
              "",
              op,
              String.format(Locale.ROOT, "%-9s %s: golden %d candidate %d", scope, op, g, c));
        }
      }
    }
    Map<String, JsonNode> gg = graphsOf(golden);
    Map<String, JsonNode> cg = graphsOf(cfp);
    for (String p : new TreeSet<>(gg.keySet())) {
      if (!cg.containsKey(p)) {
        add(Section.NODES, p, p, "subgraph missing in candidate: " + gname(p));
      }
    }
    for (String p : new TreeSet<>(cg.keySet())) {
      if (!gg.containsKey(p)) {
        add(Section.NODES, p, p, "extra subgraph in candidate: " + gname(p));
      }
    }
    Map<String, Map<String, TensorProto>> tensors = new HashMap<>();
    for (Map.Entry<String, GraphProto> e : Fingerprint.graphs(cand.model())) {
      Map<String, TensorProto> byName = new HashMap<>();
      e.getValue().getInitializerList().forEach(t -> byName.put(t.getName(), t));
      tensors.put(e.getKey(), byName);
    }
    for (String path : gg.keySet()) {
      if (cg.containsKey(path)) {
        initializers(path, gg.get(path), cg.get(path), tensors.get(path), cand);
        nodes(path, gg.get(path), cg.get(path));
        for (String io : List.of("inputs", "outputs")) {
          if (!same(gg.get(path).get(io), cg.get(path).get(io))) {
            add(
                Section.MODEL,
                path,
                "graph " + io,
                gname(path)
                    + " graph "
                    + io
                    + ": golden "
                    + py(gg.get(path).get(io))
                    + " candidate "
                    + py(cg.get(path).get(io)));
          }
        }
        JsonNode gv = gg.get(path).get("value_info_count");
        JsonNode cv = cg.get(path).get("value_info_count");
        if (!same(gv, cv)) {
          add(
              Section.INFORMATIONAL,
              path,
              "value_info count",
              "value_info count: golden " + gv + " candidate " + cv);
        }
      }
    }
    JsonNode gm = golden.get("model");
    JsonNode cm = cfp.get("model");
    List<String> gos = opsets(gm);
    List<String> cos = opsets(cm);
    if (!gos.equals(cos)) {
      add(
          Section.MODEL,
          "",
          "opset_import",
          "<top> opset_import: golden " + gos + " candidate " + cos);
    }
    for (String key :
        List.of(
            "ir_version",
            "producer_name",
            "producer_version",
            "domain",
            "model_version",
            "metadata_props")) {
      if (!same(gm.get(key), cm.get(key))) {
        add(
            Section.INFORMATIONAL,
            "",
            key,
            key + ": golden " + py(gm.get(key)) + " candidate " + py(cm.get(key)));
      }
    }
  }

  /** The opset imports sorted by (domain, version), as Python tuples. */
  private static List<String> opsets(JsonNode model) {
    List<JsonNode> all = new ArrayList<>();
    model.path("opset_import").forEach(all::add);
    all.sort(
        Comparator.comparing((JsonNode o) -> o.get("domain").asText())
            .thenComparingLong(o -> o.get("version").asLong()));
    return all.stream()
        .map(o -> "(" + py(o.get("domain")) + ", " + o.get("version") + ")")
        .toList();
  }

  private static Map<String, JsonNode> graphsOf(JsonNode fp) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    out.put("", fp.get("graph"));
    fp.path("subgraphs").properties().forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  static String gname(String path) {
    return path.isEmpty() ? "<top>" : path;
  }

  // (b), (b2), (e), (f)

  private void initializers(
      String path, JsonNode g, JsonNode c, Map<String, TensorProto> tensors, Fingerprint.Read cand)
      throws IOException {
    Map<String, JsonNode> gi = byName(g.get("initializers"));
    Map<String, JsonNode> ci = byName(c.get("initializers"));
    String where = path.isEmpty() ? "" : "[" + path + "] ";
    for (Map.Entry<String, JsonNode> e : gi.entrySet()) {
      String name = e.getKey();
      JsonNode ge = e.getValue();
      String kind = ge.path("kind").asText("other");
      Section sect = QKINDS.contains(kind) ? Section.QUANTIZED : Section.OTHER_INITIALIZERS;
      String head = where + name + " (" + kind + "): ";
      JsonNode ce = ci.get(name);
      if (ce == null) {
        add(
            sect,
            path,
            name,
            head + "missing in candidate (golden " + typeDims(ge) + ", candidate -)");
        continue;
      }
      if (!same(ge.get("data_type"), ce.get("data_type"))
          || !same(ge.get("dims"), ce.get("dims"))) {
        add(
            sect,
            path,
            name,
            head
                + "dtype/dims mismatch (golden "
                + typeDims(ge)
                + ", candidate "
                + typeDims(ce)
                + ")");
        continue;
      }
      if (!same(ge.get("storage"), ce.get("storage"))) {
        add(
            Section.STORAGE,
            path,
            name,
            name + ": golden " + py(ge.get("storage")) + " candidate " + py(ce.get("storage")));
      }
      if (same(ge.get("sha256"), ce.get("sha256"))) {
        continue;
      }
      add(sect, path, name, head + "value mismatch: " + valueDiff(ge, ce, tensors.get(name), cand));
    }
    for (Map.Entry<String, JsonNode> e : ci.entrySet()) {
      if (!gi.containsKey(e.getKey())) {
        String kind = e.getValue().path("kind").asText("other");
        Section sect = QKINDS.contains(kind) ? Section.QUANTIZED : Section.OTHER_INITIALIZERS;
        add(
            sect,
            path,
            e.getKey(),
            where
                + e.getKey()
                + " ("
                + kind
                + "): extra in candidate (golden -, candidate "
                + typeDims(e.getValue())
                + ")");
      }
    }
    List<String> gorder = names(g.get("initializers"));
    List<String> corder = names(c.get("initializers"));
    if (!gorder.equals(corder)) {
      int i = firstDifference(gorder, corder);
      add(
          Section.INITIALIZER_ORDER,
          path,
          "initializer order",
          gname(path)
              + ": first difference at "
              + i
              + ": golden "
              + (i < gorder.size() ? gorder.get(i) : null)
              + " / candidate "
              + (i < corder.size() ? corder.get(i) : null));
    }
  }

  private static String typeDims(JsonNode e) {
    return e.path("data_type").asText() + e.path("dims").toString().replace(",", ", ");
  }

  private static Map<String, JsonNode> byName(JsonNode list) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    list.forEach(t -> out.put(t.get("name").asText(), t));
    return out;
  }

  private static List<String> names(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(t -> out.add(t.get("name").asText()));
    return out;
  }

  private static <T> int firstDifference(List<T> a, List<T> b) {
    int n = Math.min(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      if (!a.get(i).equals(b.get(i))) {
        return i;
      }
    }
    return n;
  }

  /** What differs in the values of a tensor whose sha256 differs from the golden's. */
  private static String valueDiff(JsonNode ge, JsonNode ce, TensorProto t, Fingerprint.Read cand)
      throws IOException {
    TensorArray carr;
    try {
      carr = TensorArray.of(t, cand.baseDir());
    } catch (IllegalArgumentException e) {
      return "the candidate tensor cannot be read: " + e.getMessage();
    }
    boolean numeric = "fiub".indexOf(carr.kind()) >= 0;
    if (numeric && (ge.has("values") || ge.has("values_b64"))) {
      return carr.kind() == 'f' ? floatDiff(ge, carr) : intDiff(ge, carr);
    }
    if ("iub".indexOf(carr.kind()) >= 0 && (ge.has("blocks") || ge.has("hist"))) {
      return digestDiff(ge, carr);
    }
    return String.format(
        Locale.ROOT,
        "?/%s differ (golden min/max/sum %s, candidate %s)",
        ge.path("numel").asText("?"),
        List.of(ge.path("min"), ge.path("max"), ge.path("sum")),
        List.of(ce.path("min"), ce.path("max"), ce.path("sum")));
  }

  /** compare.py's {@code diff_exact} for float tensors: counts, ulps, abs and rel differences. */
  private static String floatDiff(JsonNode ge, TensorArray c) {
    int n = c.numel();
    double[] g = new double[n];
    long[] gbits = new long[n];
    if (ge.has("values")) {
      JsonNode vals = ge.get("values");
      for (int i = 0; i < n; i++) {
        g[i] = floatValue(vals.get(i));
        gbits[i] = bitsAs(g[i], c.itemSize());
      }
    } else {
      ByteBuffer b =
          ByteBuffer.wrap(Base64.getDecoder().decode(ge.get("values_b64").asText()))
              .order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        switch (c.itemSize()) {
          case 2 -> {
            gbits[i] = b.getShort(2 * i);
            g[i] = TensorArray.halfToFloat((short) gbits[i]);
          }
          case 4 -> {
            gbits[i] = b.getInt(4 * i);
            g[i] = Float.intBitsToFloat((int) gbits[i]);
          }
          default -> {
            gbits[i] = b.getLong(8 * i);
            g[i] = Double.longBitsToDouble(gbits[i]);
          }
        }
      }
    }
    int differing = 0;
    int first = -1;
    long maxUlp = 0;
    double maxAbs = Double.NaN;
    double maxRel = Double.NaN;
    for (int i = 0; i < n; i++) {
      double cv = c.real(i);
      boolean equal = g[i] == cv || (Double.isNaN(g[i]) && Double.isNaN(cv));
      if (equal) {
        continue;
      }
      differing++;
      if (first < 0) {
        first = i;
      }
      maxUlp =
          Math.max(
              maxUlp,
              Math.abs(ordered(gbits[i], c.itemSize()) - ordered(c.floatBits(i), c.itemSize())));
      double ad = Math.abs(g[i] - cv);
      double rel = ad / Math.max(Math.abs(g[i]), Double.MIN_NORMAL);
      if (!Double.isNaN(ad) && (Double.isNaN(maxAbs) || ad > maxAbs)) {
        maxAbs = ad; // numpy's nanmax
      }
      if (!Double.isNaN(rel) && (Double.isNaN(maxRel) || rel > maxRel)) {
        maxRel = rel;
      }
    }
    if (differing == 0) {
      return "0/" + n + " differ (the bytes differ, e.g. -0.0 and 0.0 or two NaNs)";
    }
    return String.format(
        Locale.ROOT,
        "%d/%d differ, max %d ulp, max |diff| %s (rel %s); first at [%d]: golden %s candidate %s",
        differing,
        n,
        maxUlp,
        g(maxAbs, 9),
        g(maxRel, 3),
        first,
        repr(g[first]),
        repr(c.real(first)));
  }

  /** numpy's ordered bits: the integer distance between two floats is their ulp distance. */
  private static long ordered(long bits, int itemSize) {
    return switch (itemSize) {
      case 2 -> (short) bits < 0 ? -(bits & 0x7fff) : (bits & 0x7fff);
      case 4 -> (int) bits < 0 ? -(bits & 0x7fffffffL) : (bits & 0x7fffffffL);
      default -> bits < 0 ? -(bits & Long.MAX_VALUE) : bits;
    };
  }

  /** The bits of a golden value cast to the candidate's float type. */
  private static long bitsAs(double v, int itemSize) {
    return switch (itemSize) {
      case 2 -> floatToHalfBits((float) v);
      case 4 -> Float.floatToRawIntBits((float) v);
      default -> Double.doubleToRawLongBits(v);
    };
  }

  /** float16 bits of a value that came from float16 (a golden's "values"), so exact. */
  private static long floatToHalfBits(float f) {
    int sign = Float.floatToRawIntBits(f) < 0 ? 0x8000 : 0;
    float a = Math.abs(f);
    int bits;
    if (Float.isNaN(f)) {
      bits = 0x7e00;
    } else if (Float.isInfinite(f)) {
      bits = sign | 0x7c00;
    } else if (a < 0x1p-14f) {
      bits = sign | (int) (a * 0x1p24f); // zero or subnormal
    } else {
      int exp = Math.getExponent(a);
      bits = sign | ((exp + 15) << 10) | ((Float.floatToRawIntBits(a) >> 13) & 0x3ff);
    }
    return (short) bits;
  }

  private static double floatValue(JsonNode v) {
    if (v.isTextual()) {
      return switch (v.asText()) {
        case "inf" -> Double.POSITIVE_INFINITY;
        case "-inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.NaN;
      };
    }
    return v.asDouble();
  }

  /** A JSON value as Python prints it: {'key': 'text', 'n': 1, 'x': 0.5, 'b': True}. */
  static String py(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "None";
    }
    if (v.isTextual()) {
      return "'" + v.asText().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
    if (v.isBoolean()) {
      return v.asBoolean() ? "True" : "False";
    }
    if (v.isFloatingPointNumber()) {
      return repr(v.doubleValue());
    }
    if (v.isArray()) {
      List<String> items = new ArrayList<>();
      v.forEach(x -> items.add(py(x)));
      return "[" + String.join(", ", items) + "]";
    }
    if (v.isObject()) {
      List<String> items = new ArrayList<>();
      v.properties().forEach(e -> items.add("'" + e.getKey() + "': " + py(e.getValue())));
      return "{" + String.join(", ", items) + "}";
    }
    return v.toString();
  }

  /** Python's {@code repr} of a float: shortest digits, scientific below 1e-4 and from 1e16. */
  public static String repr(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    if (v == 0) {
      return 1 / v > 0 ? "0.0" : "-0.0";
    }
    BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
    int exp = d.precision() - d.scale() - 1;
    if (exp < -4 || exp >= 16) {
      return scientific(d, exp);
    }
    String plain = d.toPlainString();
    return plain.contains(".") ? plain : plain + ".0";
  }

  /** C's {@code %.Ng} as Python formats it: N significant digits, trailing zeros dropped. */
  static String g(double v, int digits) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    if (v == 0) {
      return 1 / v > 0 ? "0" : "-0";
    }
    BigDecimal d = new BigDecimal(v).round(new MathContext(digits, RoundingMode.HALF_EVEN));
    int exp = d.precision() - d.scale() - 1;
    d = d.stripTrailingZeros();
    if (exp < -4 || exp >= digits) {
      return scientific(d, exp);
    }
    return d.toPlainString();
  }

  private static String scientific(BigDecimal d, int exp) {
    String digits = d.unscaledValue().abs().toString().replaceFirst("0+$", "");
    String mantissa = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
    return (d.signum() < 0 ? "-" : "")
        + mantissa
        + (exp < 0 ? "e-" : "e+")
        + (Math.abs(exp) < 10 ? "0" : "")
        + Math.abs(exp);
  }

  /** compare.py's {@code diff_exact} for integer tensors the golden holds in full. */
  private static String intDiff(JsonNode ge, TensorArray c) {
    int n = c.numel();
    long[] g = new long[n];
    if (ge.has("values")) {
      JsonNode vals = ge.get("values");
      for (int i = 0; i < n; i++) {
        g[i] =
            castTo(
                vals.get(i).isBoolean() ? (vals.get(i).asBoolean() ? 1 : 0) : vals.get(i).asLong(),
                c);
      }
    } else {
      byte[] raw = Base64.getDecoder().decode(ge.get("values_b64").asText());
      TensorArray golden = new TensorArray(c.kind(), c.itemSize(), n, raw, null);
      for (int i = 0; i < n; i++) {
        g[i] = golden.integer(i);
      }
    }
    int differing = 0;
    int first = -1;
    long maxAbs = 0;
    long gsum = 0;
    long csum = 0;
    for (int i = 0; i < n; i++) {
      long cv = c.integer(i);
      gsum += g[i];
      csum += cv;
      long d = Math.abs(g[i] - cv);
      if (d != 0) {
        differing++;
        if (first < 0) {
          first = i;
        }
        maxAbs = Math.max(maxAbs, d);
      }
    }
    if (differing == 0) {
      return "0/" + n + " differ";
    }
    return String.format(
        Locale.ROOT,
        "%d/%d differ, max |diff| %d q, sum diff %d q; first at [%d]: golden %d candidate %d",
        differing,
        n,
        maxAbs,
        csum - gsum,
        first,
        g[first],
        c.integer(first));
  }

  /** numpy's {@code astype} of a Python int to the candidate's integer type (wraps). */
  private static long castTo(long v, TensorArray c) {
    byte[] b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    return new TensorArray(
            c.kind(), c.itemSize(), 1, java.util.Arrays.copyOf(b, c.itemSize()), null)
        .integer(0);
  }

  /**
   * compare.py's {@code diff_digests}: bounds for a big integer tensor of which the golden keeps
   * only a histogram, block digests and strided samples.
   */
  private static String digestDiff(JsonNode ge, TensorArray c) {
    int n = c.numel();
    StringBuilder sb = new StringBuilder("sha256 differs; ");
    String lower = "?";
    String upper = "?";
    String blocksText = "?/? blocks of ?, first block None";
    String sumText = "None";
    String ranges = "golden None candidate None";
    if (ge.has("hist")) {
      Map<Long, Long> gh = new HashMap<>();
      long gmin = ge.get("min").asLong();
      JsonNode hist = ge.get("hist");
      for (int i = 0; i < hist.size(); i++) {
        if (hist.get(i).asLong() != 0) {
          gh.put(gmin + i, hist.get(i).asLong());
        }
      }
      Map<Long, Long> ch = new HashMap<>();
      long csum = 0;
      long cmin = Long.MAX_VALUE;
      long cmax = Long.MIN_VALUE;
      for (int i = 0; i < n; i++) {
        long v = c.integer(i);
        ch.merge(v, 1L, Long::sum);
        csum += v;
        cmin = Math.min(cmin, v);
        cmax = Math.max(cmax, v);
      }
      Set<Long> keys = new HashSet<>(gh.keySet());
      keys.addAll(ch.keySet());
      long l1 = 0;
      for (long k : keys) {
        l1 += Math.abs(gh.getOrDefault(k, 0L) - ch.getOrDefault(k, 0L));
      }
      lower = Long.toString(l1 / 2 + l1 % 2);
      sumText = Long.toString(csum - ge.path("sum").asLong(0));
      ranges =
          "golden ["
              + ge.get("min")
              + ", "
              + ge.get("max")
              + "] candidate "
              + (n > 0 ? "[" + cmin + ", " + cmax + "]" : "None");
    }
    if (ge.has("blocks")) {
      JsonNode blocks = ge.get("blocks");
      int bs = blocks.get("size").asInt();
      String gd = blocks.get("sha256_8").asText();
      JsonNode gs = blocks.get("sums");
      byte[] data = c.canonicalBytes();
      int item = c.itemSize();
      List<Integer> bad = new ArrayList<>();
      for (int k = 0, s = 0; s < n; k++, s += bs) {
        int end = Math.min(n, s + bs);
        String dig = Fingerprint.sha256(data, s * item, end * item).substring(0, 8);
        boolean known = k < gs.size();
        if (!known || !dig.equals(gd.substring(8 * k, Math.min(gd.length(), 8 * k + 8)))) {
          bad.add(k);
        }
      }
      long up = 0;
      for (int k : bad) {
        up += Math.min(bs, n - (long) k * bs);
      }
      upper = Long.toString(Math.min(n, up));
      blocksText =
          bad.size()
              + "/"
              + gs.size()
              + " blocks of "
              + bs
              + ", first block "
              + (bad.isEmpty() ? "None" : bad.get(0));
    }
    sb.append(">= ")
        .append(lower)
        .append(" and <= ")
        .append(upper)
        .append(" of ")
        .append(n)
        .append(" elements differ (")
        .append(blocksText)
        .append("); sum diff ")
        .append(sumText)
        .append(" q; range ")
        .append(ranges);
    if (ge.has("samples") && n == ge.path("numel").asInt(-1)) {
      int[] idx = Fingerprint.sampleIndex(n);
      JsonNode samples = ge.get("samples");
      int differ = 0;
      long max = 0;
      for (int i = 0; i < idx.length; i++) {
        JsonNode s = samples.get(i);
        long gv = s.isBoolean() ? (s.asBoolean() ? 1 : 0) : s.asLong();
        long d = Math.abs(c.integer(idx[i]) - gv);
        if (d != 0) {
          differ++;
          max = Math.max(max, d);
        }
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "; strided samples: %d/%d differ, max |diff| %d q",
              differ,
              idx.length,
              max));
    }
    return sb.append(" (the golden keeps digests only)").toString();
  }

  // (c), (d)

  /** (graph, domain, op_type, inputs, outputs): the identity of a node for the multiset. */
  private record NodeKey(
      String graph, String domain, String op, List<String> in, List<String> outs) {
    @Override
    public String toString() {
      String where = graph.isEmpty() ? "" : "[" + graph + "] ";
      return where
          + (domain.isEmpty() ? "" : domain + ".")
          + op
          + "("
          + String.join(", ", in)
          + ") -> ("
          + String.join(", ", outs)
          + ")";
    }
  }

  private static NodeKey key(String path, JsonNode n) {
    List<String> in = new ArrayList<>();
    n.get("inputs").forEach(x -> in.add(x.asText()));
    List<String> outs = new ArrayList<>();
    n.get("outputs").forEach(x -> outs.add(x.asText()));
    return new NodeKey(path, n.path("domain").asText(""), n.get("op_type").asText(), in, outs);
  }

  private void nodes(String path, JsonNode g, JsonNode c) {
    List<NodeKey> gkeys = new ArrayList<>();
    g.get("nodes").forEach(n -> gkeys.add(key(path, n)));
    List<NodeKey> ckeys = new ArrayList<>();
    c.get("nodes").forEach(n -> ckeys.add(key(path, n)));
    Map<NodeKey, Long> gc = counts(gkeys);
    Map<NodeKey, Long> cc = counts(ckeys);
    Map<NodeKey, Long> left = new HashMap<>(gc);
    for (NodeKey k : gkeys) {
      if (left.get(k) > cc.getOrDefault(k, 0L)) {
        add(Section.NODES, path, k.toString(), "missing in candidate: " + k);
        left.merge(k, -1L, Long::sum);
      }
    }
    left = new HashMap<>(cc);
    for (NodeKey k : ckeys) {
      if (left.get(k) > gc.getOrDefault(k, 0L)) {
        add(Section.NODES, path, k.toString(), "extra in candidate: " + k);
        left.merge(k, -1L, Long::sum);
      }
    }
    Map<NodeKey, List<JsonNode>> cmap = new HashMap<>();
    c.get("nodes").forEach(n -> cmap.computeIfAbsent(key(path, n), x -> new ArrayList<>()).add(n));
    Map<NodeKey, Integer> seen = new HashMap<>();
    for (JsonNode n : g.get("nodes")) {
      NodeKey k = key(path, n);
      int j = seen.merge(k, 1, Integer::sum) - 1;
      List<JsonNode> matches = cmap.get(k);
      if (matches == null || j >= matches.size()) {
        continue;
      }
      JsonNode m = matches.get(j);
      JsonNode na = n.path("attributes");
      JsonNode ma = m.path("attributes");
      TreeSet<String> names = new TreeSet<>();
      na.fieldNames().forEachRemaining(names::add);
      ma.fieldNames().forEachRemaining(names::add);
      Map<String, String> diff = new TreeMap<>();
      for (String a : names) {
        JsonNode ga = na.has(a) ? forCompare(na.get(a)) : null;
        JsonNode ca = ma.has(a) ? forCompare(ma.get(a)) : null;
        if (!same(ga, ca)) {
          diff.put("'" + a + "'", "[" + py(na.get(a)) + ", " + py(ma.get(a)) + "]");
        }
      }
      if (!diff.isEmpty()) {
        add(
            Section.ATTRIBUTES,
            path,
            k.toString(),
            k
                + ": "
                + diff.entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue())
                    .collect(Collectors.joining(", ", "{", "}")));
      }
      String gn = n.path("name").asText("");
      String cn = m.path("name").asText("");
      if (!gn.equals(cn)) {
        add(
            Section.INFORMATIONAL,
            path,
            k.toString(),
            "node name " + k + ": golden '" + gn + "' candidate '" + cn + "'");
      }
    }
    if (!gkeys.equals(ckeys)) {
      List<NodeKey> go;
      List<NodeKey> co;
      String what;
      if (gc.equals(cc)) {
        go = gkeys;
        co = ckeys;
        what = "first difference at ";
      } else {
        Set<NodeKey> common = new HashSet<>(gkeys);
        common.retainAll(new HashSet<>(ckeys));
        go = gkeys.stream().filter(common::contains).toList();
        co = ckeys.stream().filter(common::contains).toList();
        what = "first difference among common nodes at ";
      }
      if (!go.equals(co)) {
        int i = firstDifference(go, co);
        add(
            Section.NODE_ORDER,
            path,
            "node order",
            gname(path)
                + ": "
                + what
                + i
                + ": golden "
                + (i < go.size() ? go.get(i) : null)
                + " / candidate "
                + (i < co.size() ? co.get(i) : null));
      }
    }
  }

  private static Map<NodeKey, Long> counts(List<NodeKey> keys) {
    return keys.stream().collect(Collectors.groupingBy(k -> k, Collectors.counting()));
  }

  /** compare.py's {@code attr_for_compare}: tensors by type, dims and sha256; graphs by path. */
  private static JsonNode forCompare(JsonNode v) {
    if (v.isObject()) {
      if (v.has("tensor")) {
        JsonNode t = v.get("tensor");
        ArrayNode a = F.arrayNode().add("tensor");
        a.add(t.path("data_type")).add(t.path("dims")).add(t.path("sha256"));
        return a;
      }
      if (v.has("tensors")) {
        ArrayNode a = F.arrayNode().add("tensors");
        v.get("tensors").forEach(x -> a.add(x.path("sha256")));
        return a;
      }
      if (v.has("graph") || v.has("graphs")) {
        return F.arrayNode().add("graph"); // compared through the subgraph itself
      }
    }
    return v;
  }

  /** Python's {@code ==} on JSON values: numbers by value (1 == 1.0), objects by key. */
  static boolean same(JsonNode a, JsonNode b) {
    if (a == null || b == null || a.isMissingNode() || b.isMissingNode()) {
      return (a == null || a.isMissingNode()) && (b == null || b.isMissingNode());
    }
    if (a.isNumber() && b.isNumber()) {
      if (a.isIntegralNumber() && b.isIntegralNumber()) {
        return a.bigIntegerValue().equals(b.bigIntegerValue());
      }
      return a.doubleValue() == b.doubleValue();
    }
    if (a.isBoolean() && b.isNumber() || a.isNumber() && b.isBoolean()) {
      return (a.isBoolean() ? (a.asBoolean() ? 1 : 0) : a.doubleValue())
          == (b.isBoolean() ? (b.asBoolean() ? 1 : 0) : b.doubleValue());
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!same(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a.isObject() && b.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Map.Entry<String, JsonNode> e : a.properties()) {
        if (!b.has(e.getKey()) || !same(e.getValue(), b.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    return Objects.equals(a, b);
  }
}
