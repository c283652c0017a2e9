// SPDX-License-Identifier: Apache-2.0
package org.quantscope.bench;

import static org.quantscope.model.Protos.node;
import static org.quantscope.model.Protos.tensorValue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quantscope.graph.GraphLayout;
import org.quantscope.graph.GraphLayout.Options;
import org.quantscope.graph.GraphLayout.Result;
import org.quantscope.graph.RepeatedBlocks;
import org.quantscope.graph.Scope;
import org.quantscope.model.ElementType;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.progress.Progress;

/**
 * Measures {@link GraphLayout} on synthetic transformer graphs built in code: BERT-like encoder
 * layers as an exporter writes them (Q/K/V projections with their Shape/Gather/Concat/Reshape
 * chains, attention, residual adds, LayerNorm spelled out in nine ops, GELU), 99 nodes per layer,
 * one attention mask read by every layer. Lays out each graph three times with {@link
 * Options#DEFAULTS} (fast ELK settings above {@code fastAbove} boxes; from {@link
 * GraphLayout#COMPOSED_FROM} nodes put together from pieces) after a warm-up on a small graph, and
 * prints wall time and process CPU time per run (CPU time counts all threads, JIT and GC included;
 * wall time above it means the machine was busy). Not a test; run it by hand:
 *
 * <pre>
 * ./mvnw -B -q package -DskipTests      # compiles and fills target/lib
 * java -cp "target/test-classes:target/classes:target/lib/*" \
 *     org.quantscope.bench.LayoutHarness [--both] [NODES...]
 * </pre>
 *
 * <p>NODES defaults to {@code 1400 10000}. With {@code --both} each graph is also laid out with the
 * other settings (default quality where DEFAULTS picks fast, and the other way round). With {@code
 * --collapsed} it is also searched for {@link RepeatedBlocks} and laid out with them collapsed (as
 * the window opens graphs above 300 nodes) and with one copy of the first block open (as a click on
 * its box does), three times each.
 */
public final class LayoutHarness {
  private LayoutHarness() {}

  private static final int REPETITIONS = 3;

  private static final com.sun.management.OperatingSystemMXBean CPU =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  public static void main(String[] args) {
    boolean both = Arrays.asList(args).contains("--both");
    boolean collapsed = Arrays.asList(args).contains("--collapsed");
    int[] sizes =
        Arrays.stream(args).filter(a -> !a.startsWith("--")).mapToInt(Integer::parseInt).toArray();
    if (sizes.length == 0) {
      sizes = new int[] {1400, 10_000};
    }
    // Warm-up: class loading, ELK's metadata service and the JIT, on a small graph.
    for (int i = 0; i < 5; i++) {
      GraphLayout.layout(scope(bertLike(300)), Options.DEFAULTS, Progress.NONE);
    }
    for (int n : sizes) {
      Scope scope = scope(bertLike(n));
      if (collapsed) {
        measureCollapsed(scope);
      }
      boolean defaultsAreFast = measure(scope, Options.DEFAULTS, "defaults");
      if (both) {
        measure(
            scope,
            new Options(true, defaultsAreFast ? Integer.MAX_VALUE : 0),
            defaultsAreFast ? "forced quality" : "forced fast");
      }
    }
  }

  /** Lays the graph out a few times, prints the times; true if the fast settings were used. */
  private static boolean measure(Scope scope, Options options, String label) {
    double[] seconds = new double[REPETITIONS];
    double[] cpuSeconds = new double[REPETITIONS];
    Result r = null;
    for (int i = 0; i < REPETITIONS; i++) {
      long c0 = CPU.getProcessCpuTime();
      long t0 = System.nanoTime();
      r = GraphLayout.layout(scope, options, Progress.NONE);
      seconds[i] = (System.nanoTime() - t0) / 1e9;
      cpuSeconds[i] = (CPU.getProcessCpuTime() - c0) / 1e9;
    }
    boolean fast = r.boxes().size() > options.fastAbove();
    boolean composed =
        scope.graph().getNodeCount() >= GraphLayout.COMPOSED_FROM
            && !RepeatedBlocks.find(scope.graph()).isEmpty();
    System.out.printf(
        Locale.ROOT,
        "%,6d nodes (%,6d boxes, %,6d edges), %s (%s): wall %s s, process CPU %s s;"
            + " drawing %.0f x %.0f px%n",
        scope.graph().getNodeCount(),
        r.boxes().size(),
        r.edges().size(),
        label,
        composed
            ? "composed: one ELK run per repeated block and one for the rest"
            : fast ? "fast ELK settings" : "default ELK settings",
        rounded(seconds),
        rounded(cpuSeconds),
        r.width(),
        r.height());
    return fast;
  }

  /** Finds the blocks, lays out collapsed and with one copy open; prints the times. */
  private static void measureCollapsed(Scope scope) {
    double[] find = new double[REPETITIONS];
    double[] shut = new double[REPETITIONS];
    double[] open = new double[REPETITIONS];
    List<RepeatedBlocks.Block> blocks = List.of();
    Result closed = null;
    Result opened = null;
    for (int i = 0; i < REPETITIONS; i++) {
      long t0 = System.nanoTime();
      blocks = RepeatedBlocks.find(scope.graph());
      long t1 = System.nanoTime();
      closed =
          GraphLayout.layout(
              scope, Options.DEFAULTS, RepeatedBlocks.collapsed(blocks, Map.of()), Progress.NONE);
      long t2 = System.nanoTime();
      int key = blocks.get(0).firstIndexes().get(0);
      opened =
          GraphLayout.layout(
              scope,
              Options.DEFAULTS,
              RepeatedBlocks.collapsed(blocks, Map.of(key, 0)),
              Progress.NONE);
      long t3 = System.nanoTime();
      find[i] = (t1 - t0) / 1e9;
      shut[i] = (t2 - t1) / 1e9;
      open[i] = (t3 - t2) / 1e9;
    }
    System.out.printf(
        Locale.ROOT,
        "%,6d nodes: blocks found (%s x%d) in %s s; collapsed layout (%d boxes) %s s;"
            + " one copy open (%d boxes) %s s%n",
        scope.graph().getNodeCount(),
        blocks.get(0).name(),
        blocks.get(0).count(),
        rounded(find),
        closed.boxes().size(),
        rounded(shut),
        opened.boxes().size(),
        rounded(open));
  }

  private static String rounded(double[] seconds) {
    return Arrays.toString(Arrays.stream(seconds).map(s -> Math.round(s * 100) / 100.0).toArray());
  }

  private static Scope scope(GraphProto g) {
    return Scope.all(g).get(0);
  }

  /**
   * A BERT-like encoder with as many layers as it takes to reach about {@code nodes} nodes
   * (embeddings and pooler included).
   */
  public static GraphProto bertLike(int nodes) {
    Builder b = new Builder();
    String h = b.embeddings();
    String mask = b.extendedMask();
    for (int layer = 0; b.g.getNodeCount() + Builder.NODES_PER_LAYER / 2 < nodes - 4; layer++) {
      h = b.encoderLayer(layer, h, mask);
    }
    b.pooler(h);
    return b.g.build();
  }

  /** Writes nodes with the long, path-like names that exporters give them. */
  private static final class Builder {
    static final int NODES_PER_LAYER = 99;
    final GraphProto.Builder g = GraphProto.newBuilder().setName("bert_like");
    private String prefix = "";

    Builder() {
      g.addInput(tensorValue("input_ids", ElementType.INT64, "batch", "sequence"));
      g.addInput(tensorValue("attention_mask", ElementType.INT64, "batch", "sequence"));
      g.addInput(tensorValue("token_type_ids", ElementType.INT64, "batch", "sequence"));
    }

    /** Adds a node; its output is named after the node. */
    String op(String opType, String name, String... inputs) {
      String full = prefix + "/" + name;
      g.addNode(node(opType, full, List.of(inputs), List.of(full + "_output_0")));
      return full + "_output_0";
    }

    String constant(String name) {
      return op("Constant", name);
    }

    String weight(String name, long... dims) {
      TensorProto.Builder t =
          TensorProto.newBuilder().setName(name).setDataType(ElementType.FLOAT.code());
      for (long d : dims) {
        t.addDims(d);
      }
      g.addInitializer(t);
      return name;
    }

    String embeddings() {
      prefix = "/bert/embeddings";
      String words =
          op("Gather", "word_embeddings/Gather", weight("word", 30522, 768), "input_ids");
      String shape = op("Shape", "Shape", "input_ids");
      String len = op("Gather", "Gather", shape, constant("Constant"));
      String range = op("Range", "Range", constant("Constant_1"), len, constant("Constant_2"));
      String ids = op("Unsqueeze", "Unsqueeze", range, constant("Constant_3"));
      String positions = op("Gather", "position_embeddings/Gather", weight("pos", 512, 768), ids);
      String types =
          op("Gather", "token_type_embeddings/Gather", weight("type", 2, 768), "token_type_ids");
      String sum = op("Add", "Add", words, types);
      sum = op("Add", "Add_1", sum, positions);
      return layerNorm("LayerNorm", sum);
    }

    String extendedMask() {
      prefix = "/bert";
      String m = op("Unsqueeze", "Unsqueeze", "attention_mask", constant("Constant"));
      m = op("Unsqueeze", "Unsqueeze_1", m, constant("Constant_1"));
      m = op("Cast", "Cast", m);
      m = op("Sub", "Sub", constant("Constant_2"), m);
      return op("Mul", "Mul", m, constant("Constant_3"));
    }

    /** 99 nodes: Q, K, V, attention, output projection, LayerNorm, feed-forward, LayerNorm. */
    String encoderLayer(int layer, String h, String mask) {
      String base = "/bert/encoder/layer." + layer;
      prefix = base + "/attention/self";
      String q = heads("query", h, layer);
      String k = heads("key", h, layer);
      String v = heads("value", h, layer);
      String kt = op("Transpose", "Transpose_3", k);
      String scores = op("MatMul", "MatMul", q, kt);
      scores = op("Div", "Div", scores, constant("Constant_20"));
      scores = op("Add", "Add", scores, mask);
      String probs = op("Softmax", "Softmax", scores);
      String context = op("MatMul", "MatMul_1", probs, v);
      context = op("Transpose", "Transpose_4", context);
      context = reshape("context", context);

      prefix = base + "/attention/output";
      String out = op("MatMul", "dense/MatMul", context, weight("l" + layer + ".ao.w", 768, 768));
      out = op("Add", "dense/Add", out, weight("l" + layer + ".ao.b", 768));
      out = op("Add", "Add", out, h);
      String attention = layerNorm("LayerNorm", out);

      prefix = base + "/intermediate";
      String f = op("MatMul", "dense/MatMul", attention, weight("l" + layer + ".i.w", 768, 3072));
      f = op("Add", "dense/Add", f, weight("l" + layer + ".i.b", 3072));
      String d = op("Div", "intermediate_act_fn/Div", f, constant("intermediate_act_fn/Constant"));
      String e = op("Erf", "intermediate_act_fn/Erf", d);
      String a =
          op("Add", "intermediate_act_fn/Add", e, constant("intermediate_act_fn/Constant_1"));
      String m = op("Mul", "intermediate_act_fn/Mul", f, a);
      m = op("Mul", "intermediate_act_fn/Mul_1", m, constant("intermediate_act_fn/Constant_2"));

      prefix = base + "/output";
      String o = op("MatMul", "dense/MatMul", m, weight("l" + layer + ".o.w", 3072, 768));
      o = op("Add", "dense/Add", o, weight("l" + layer + ".o.b", 768));
      o = op("Add", "Add", o, attention);
      return layerNorm("LayerNorm", o);
    }

    /** Projection, bias, split into heads, transpose: 14 nodes. */
    private String heads(String which, String h, int layer) {
      String x = op("MatMul", which + "/MatMul", h, weight("l" + layer + "." + which, 768, 768));
      x = op("Add", which + "/Add", x, weight("l" + layer + "." + which + ".b", 768));
      x = reshape(which, x);
      return op("Transpose", which + "/Transpose", x);
    }

    /** Reshape to a shape computed from the input's, as exporters write it: 11 nodes. */
    private String reshape(String name, String x) {
      String shape = op("Shape", name + "/Shape", x);
      String batch = op("Gather", name + "/Gather", shape, constant(name + "/Constant"));
      String seq = op("Gather", name + "/Gather_1", shape, constant(name + "/Constant_1"));
      String b = op("Unsqueeze", name + "/Unsqueeze", batch);
      String s = op("Unsqueeze", name + "/Unsqueeze_1", seq);
      String dims =
          op(
              "Concat",
              name + "/Concat",
              b,
              s,
              constant(name + "/Constant_2"),
              constant(name + "/Constant_3"));
      return op("Reshape", name + "/Reshape", x, dims);
    }

    /** LayerNorm spelled out as older exporters do: 11 nodes. */
    private String layerNorm(String name, String x) {
      String mean = op("ReduceMean", name + "/ReduceMean", x);
      String centred = op("Sub", name + "/Sub", x, mean);
      String sq = op("Pow", name + "/Pow", centred, constant(name + "/Constant"));
      String var = op("ReduceMean", name + "/ReduceMean_1", sq);
      String eps = op("Add", name + "/Add", var, constant(name + "/Constant_1"));
      String std = op("Sqrt", name + "/Sqrt", eps);
      String norm = op("Div", name + "/Div", centred, std);
      String scaled = op("Mul", name + "/Mul", norm, weight(prefix + name + ".gamma", 768));
      return op("Add", name + "/Add_1", scaled, weight(prefix + name + ".beta", 768));
    }

    void pooler(String h) {
      prefix = "/bert/pooler";
      String first = op("Gather", "Gather", h, constant("Constant"));
      String p = op("Gemm", "dense/Gemm", first, weight("pooler.w", 768, 768));
      p = op("Tanh", "activation/Tanh", p);
      g.addOutput(tensorValue(h, ElementType.FLOAT, "batch", "sequence", 768));
      g.addOutput(tensorValue(p, ElementType.FLOAT, "batch", 768));
    }
  }
}
