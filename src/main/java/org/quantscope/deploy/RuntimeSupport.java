// SPDX-License-Identifier: Apache-2.0
package org.quantscope.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.quantscope.graph.GraphIndex;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;

/**
 * Where the ops of a dynamically quantized model run, from ONNX Runtime's operator documentation
 * kept as data ({@code runtime-support.tsv} beside this class, with its sources and the date it was
 * read): per op (and, for ConvInteger, per weight type) and target, whether ONNX Runtime runs it,
 * falls back to the CPU, or fails to load the model, and from which version.
 */
public final class RuntimeSupport {
  private RuntimeSupport() {}

  /** Where a model ships. */
  public enum Target {
    /** ONNX Runtime's CPU execution provider. */
    CPU,
    /** onnxruntime-web (WebAssembly; WebGPU runs these ops on it). */
    WEB,
    /** ONNX Runtime's CUDA execution provider. */
    CUDA,
    /** The reduced ORT Mobile pre-built package (ORT format, up to 1.18). */
    MOBILE;

    /** The name used on the command line and in the table. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The target named {@code s} (cpu, web, cuda, mobile). */
    public static Target of(String s) {
      for (Target t : values()) {
        if (t.id().equals(s.trim().toLowerCase(Locale.ROOT))) {
          return t;
        }
      }
      throw new IllegalArgumentException(
          "unknown target '" + s + "', expected one of cpu, web, cuda, mobile");
    }
  }

  /** How a target runs an op. */
  public enum Status {
    /** It runs there. */
    YES,
    /** It runs on the CPU instead (CUDA), with copies between the devices. */
    CPU,
    /** The session fails to load the model. */
    NO
  }

  /**
   * One row of the table.
   *
   * @param op the op type
   * @param domain "" for ai.onnx, else the domain (com.microsoft)
   * @param weights "int8", "uint8" or "any"
   * @param target where
   * @param status how it runs there
   * @param since the first ONNX Runtime version it runs in, null when not tied to one
   * @param note why, in a few words
   */
  public record Entry(
      String op,
      String domain,
      String weights,
      Target target,
      Status status,
      String since,
      String note) {}

  /**
   * A problem of one op of a model on one target.
   *
   * @param target where
   * @param op the op type, with its weight type when it matters (e.g. "ConvInteger (int8 weights)")
   * @param nodes how many nodes of the model use it
   * @param severity "error" (the model does not load there), "version" (it loads from {@code since}
   *     on) or "fallback" (it runs on the CPU instead)
   * @param since the first version that runs it, null when not tied to one
   * @param message one sentence for the user
   */
  public record Problem(
      String target, String op, int nodes, String severity, String since, String message) {}

  /** The table, in file order. */
  public static List<Entry> table() {
    return Table.ENTRIES;
  }

  /** The first comment lines of the table: where it comes from and when it was read. */
  public static List<String> source() {
    return Table.SOURCE;
  }

  /** The ops the table knows: the ops dynamic quantization writes. */
  public static Set<String> ops() {
    Set<String> s = new java.util.LinkedHashSet<>();
    Table.ENTRIES.forEach(e -> s.add(e.op()));
    return s;
  }

  /**
   * The problems of {@code model} (an int8 model) on every target, target by target, op by op in
   * table order. Main graph and subgraphs alike: a body's op must load too.
   *
   * @throws ModelFormatException if a weight's type cannot be read
   */
  public static List<Problem> problems(OnnxModel model) throws ModelFormatException {
    Map<String, Integer> uses = uses(model);
    List<Problem> out = new ArrayList<>();
    for (Target t : Target.values()) {
      for (Map.Entry<String, Integer> u : uses.entrySet()) {
        String[] key = u.getKey().split("\\|", 2);
        Entry e = lookup(key[0], key[1], t).orElse(null);
        if (e == null || (e.status() == Status.YES && e.since() == null)) {
          continue;
        }
        String label = key[1].equals("any") ? key[0] : key[0] + " (" + key[1] + " weights)";
        String severity =
            e.status() == Status.NO ? "error" : e.status() == Status.CPU ? "fallback" : "version";
        String message =
            switch (severity) {
              case "error" -> label + " does not load on " + describe(t) + ": " + e.note();
              case "fallback" -> label + " runs on the CPU under " + describe(t) + ": " + e.note();
              default -> label + " on " + describe(t) + ": " + e.note();
            };
        out.add(new Problem(t.id(), label, u.getValue(), severity, e.since(), message));
      }
    }
    return out;
  }

  /** The problems on one target. */
  public static List<Problem> problems(OnnxModel model, Target target) throws ModelFormatException {
    return problems(model).stream().filter(p -> p.target().equals(target.id())).toList();
  }

  /** How the target is named in messages. */
  public static String describe(Target t) {
    return switch (t) {
      case CPU -> "ONNX Runtime's CPU EP";
      case WEB -> "onnxruntime-web";
      case CUDA -> "the CUDA EP";
      case MOBILE -> "the reduced ORT Mobile package";
    };
  }

  /** The row for {@code op} with weights {@code weights} ("int8", "uint8", "any") on {@code t}. */
  static Optional<Entry> lookup(String op, String weights, Target t) {
    Entry any = null;
    for (Entry e : Table.ENTRIES) {
      if (e.op().equals(op) && e.target() == t) {
        if (e.weights().equals(weights)) {
          return Optional.of(e);
        }
        if (e.weights().equals("any")) {
          any = e;
        }
      }
    }
    return Optional.ofNullable(any);
  }

  /** Uses per "op|weights" key: the weight type only for ops whose row depends on it. */
  private static Map<String, Integer> uses(OnnxModel model) throws ModelFormatException {
    Map<String, Integer> uses = new LinkedHashMap<>();
    GraphIndex gi = GraphIndex.of(model.graph());
    for (NodeProto n : model.graph().getNodeList()) {
      count(n, gi, uses);
    }
    for (NodeProto n : model.graph().getNodeList()) {
      for (org.quantscope.onnx.AttributeProto a : n.getAttributeList()) {
        if (a.hasG()) {
          for (NodeProto b : a.getG().getNodeList()) {
            count(b, gi, uses);
          }
        }
        for (org.quantscope.onnx.GraphProto g : a.getGraphsList()) {
          for (NodeProto b : g.getNodeList()) {
            count(b, gi, uses);
          }
        }
      }
    }
    return uses;
  }

  private static void count(NodeProto n, GraphIndex gi, Map<String, Integer> uses)
      throws ModelFormatException {
    String op = n.getOpType();
    if (!Table.OPS.contains(op)) {
      return;
    }
    String weights = "any";
    if (op.equals("ConvInteger") && n.getInputCount() > 1) {
      Optional<TensorProto> w = gi.initializer(n.getInput(1));
      Optional<ElementType> type =
          w.isPresent() ? Optional.of(Tensors.elementType(w.get())) : gi.elementType(n.getInput(1));
      if (type.isPresent()) {
        weights = type.get() == ElementType.INT8 ? "int8" : "uint8";
      } else {
        weights = "int8";
      }
    }
    uses.merge(op + "|" + weights, 1, Integer::sum);
  }

  /** The table, read once. */
  private static final class Table {
    static final List<String> SOURCE = new ArrayList<>();
    static final List<Entry> ENTRIES = read();
    static final Set<String> OPS = new java.util.HashSet<>();

    static {
      ENTRIES.forEach(e -> OPS.add(e.op()));
    }

    private static List<Entry> read() {
      List<Entry> out = new ArrayList<>();
      try (InputStream in = RuntimeSupport.class.getResourceAsStream("runtime-support.tsv")) {
        if (in == null) {
          throw new IllegalStateException("runtime-support.tsv is missing from the class path");
        }
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int number = 0;
        while ((line = r.readLine()) != null) {
          number++;
          if (line.startsWith("#")) {
            SOURCE.add(line.substring(1).strip());
            continue;
          }
          if (line.isBlank()) {
            continue;
          }
          String[] f = line.split("\t", -1);
          if (f.length != 7) {
            throw new IllegalStateException(
                "runtime-support.tsv line " + number + ": 7 columns expected, got " + f.length);
          }
          out.add(
              new Entry(
                  f[0],
                  f[1],
                  f[2],
                  Target.of(f[3]),
                  Status.valueOf(f[4].toUpperCase(Locale.ROOT)),
                  f[5].equals("-") ? null : f[5],
                  f[6]));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return List.copyOf(out);
    }
  }
}
