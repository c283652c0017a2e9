// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Stack;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.quantscope.deploy.RuntimeSupport;
import org.quantscope.graph.ModelSummary;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.graph.RepeatedBlocks;
import org.quantscope.json.JsonDocument;
import org.quantscope.model.OnnxModel;
import org.quantscope.quantize.OpsetUpgrade;
import org.quantscope.quantize.QuantizationDetector;
import org.quantscope.quantize.QuantizationFacts;
import org.quantscope.quantize.Summaries;
import org.quantscope.report.DiffText;
import org.quantscope.report.Figures;
import org.quantscope.report.Texts;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code quantscope inspect MODEL [--json]}: what the model is and what would be quantized. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Summarise a model and say which nodes would be quantized.",
      "",
      "Prints producer, opsets, inputs and outputs, op counts (subgraphs included) and weights,"
          + " and for every quantizable node whether ONNX Runtime's dynamic quantization would"
          + " quantize it with default options, and if not, why. Node names are printed whole,"
          + " to be copied into --nodes-to-exclude."
    })
final class InspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL", description = "The .onnx file.")
  Path model;

  @Option(
      names = "--json",
      arity = "0..1",
      paramLabel = "FILE",
      parameterConsumer = OptionalFile.class,
      description =
          "Print one JSON object instead of text; with FILE, write it there (atomically) and"
              + " print the text. '-' is standard output.")
  Path json;

  @Option(
      names = "--all",
      description =
          "List every candidate node, including Gather and Transpose nodes that stay float"
              + " (by default they are only counted).")
  boolean all;

  @Mixin NameWidth names;

  @Override
  public Integer call() throws Exception {
    OnnxModel m = EarlyModel.load(model);
    ModelSummary s = Summaries.summarize(m);
    QuantizationDetector.Detection d = QuantizationDetector.detect(m);
    String conversion = OpsetUpgrade.describe(m.proto()).orElse(null);
    List<RepeatedBlocks.Block> blocks = RepeatedBlocks.find(m.proto().getGraph());
    PrintWriter out = spec.commandLine().getOut();
    List<RuntimeSupport.Problem> problems =
        d.facts().quantized() ? RuntimeSupport.problems(m) : List.of();
    if (json != null) {
      Outputs.check(List.of(json), m);
      JsonOut.write(
          json,
          JsonDocument.INSPECT,
          new JsonView(
              s,
              conversion,
              d.facts().quantized() ? d.facts() : null,
              d.recipe(),
              problems,
              blocks),
          out);
    }
    if (json == null || !JsonOut.isStdout(json)) {
      printText(s, conversion, all, names.width(), out);
      printBlocks(blocks, names.width(), out);
      if (d.facts().quantized()) {
        out.println();
        out.println("Already quantized:");
        for (String[] row : DiffText.quantization(d)) {
          row(out, row[0], row[1]);
        }
      }
      if (!problems.isEmpty()) {
        out.println();
        out.println("Where it will run (check-deploy also emulates CPUs without VNNI):");
        for (RuntimeSupport.Problem p : problems) {
          row(
              out,
              p.target(),
              p.severity() + ": " + p.message() + " (" + plural(p.nodes(), "node") + ")");
        }
      }
      JsonOut.wrote(json, out);
    }
    return ExitCodes.OK;
  }

  /**
   * {@code --json} with an optional file: the next argument is the file unless it is another option
   * or the model ({@code inspect --json model.onnx} prints to standard output, as before).
   */
  static final class OptionalFile implements IParameterConsumer {
    @Override
    public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
      String next = args.isEmpty() ? null : args.peek();
      boolean isFile =
          next != null
              && (next.equals(JsonOut.STDOUT)
                  || (!next.startsWith("-") && !next.toLowerCase(Locale.ROOT).endsWith(".onnx")));
      argSpec.setValue(Path.of(isFile ? args.pop() : JsonOut.STDOUT));
    }
  }

  /**
   * The JSON inspect prints: the summary's keys, then {@code conversion} (what converting to opset
   * 11 does before quantizing, or null), {@code quantization} (how an int8 model was quantized, or
   * null), {@code recipe} (the recipe that matches, or null), {@code runtime_problems} (what ONNX
   * Runtime's targets cannot run of an int8 model) and {@code repeated_blocks} (the blocks of the
   * main graph that repeat, {@link RepeatedBlocks}).
   */
  record JsonView(
      @JsonUnwrapped ModelSummary summary,
      String conversion,
      QuantizationFacts quantization,
      String recipe,
      List<RuntimeSupport.Problem> runtimeProblems,
      List<RepeatedBlocks.Block> repeatedBlocks) {}

  /**
   * The repeated blocks, one line each ("encoder layer x12, 62 nodes each, from NODE"), nested ones
   * indented under theirs.
   */
  static void printBlocks(List<RepeatedBlocks.Block> blocks, int nameWidth, PrintWriter out) {
    if (blocks.isEmpty()) {
      return;
    }
    out.println();
    out.println("Repeated blocks:");
    printBlocks(blocks, "  ", nameWidth, out);
  }

  private static void printBlocks(
      List<RepeatedBlocks.Block> blocks, String indent, int nameWidth, PrintWriter out) {
    for (RepeatedBlocks.Block b : blocks) {
      out.println(
          indent
              + Texts.clean(b.name(), 60)
              + " x"
              + b.count()
              + ", "
              + plural(b.nodesPerBlock(), "node")
              + " each, first "
              + Texts.clean(b.firstNodes().get(0), nameWidth));
      printBlocks(b.nested(), indent + "  ", nameWidth, out);
    }
  }

  static void printText(ModelSummary s, boolean all, PrintWriter out) {
    printText(s, null, all, Texts.MAX_CHARS, out);
  }

  static void printText(ModelSummary s, boolean all, int nameWidth, PrintWriter out) {
    printText(s, null, all, nameWidth, out);
  }

  /**
   * The summary as text; node names are printed whole (up to {@code nameWidth} characters), so that
   * they can be copied into {@code --nodes-to-exclude}.
   *
   * @param conversion what converting the model to opset 11 before quantizing does, or null
   */
  static void printText(
      ModelSummary s, String conversion, boolean all, int nameWidth, PrintWriter out) {
    String size = Figures.size(s.fileSizeBytes());
    if (s.externalDataBytes() > 0) {
      size += " + " + Figures.size(s.externalDataBytes()) + " external data";
    }
    out.println(s.file() + "  (" + size + ")");
    String producer = (s.producer() + " " + s.producerVersion()).strip();
    row(out, "producer", producer.isEmpty() ? "(not set)" : producer);
    row(out, "ir version", Long.toString(s.irVersion()));
    row(
        out,
        "opsets",
        s.opsets().entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", ")));
    if (conversion != null) {
      row(out, "conversion", conversion);
    }
    for (int i = 0; i < s.inputs().size(); i++) {
      var v = s.inputs().get(i);
      row(
          out,
          i == 0 ? "inputs" : "",
          v.name() + "  " + v.type() + "  " + Figures.shape(v.shape()));
    }
    for (int i = 0; i < s.outputs().size(); i++) {
      var v = s.outputs().get(i);
      row(
          out,
          i == 0 ? "outputs" : "",
          v.name() + "  " + v.type() + "  " + Figures.shape(v.shape()));
    }
    String graphs = s.subgraphCount() == 0 ? "" : " (in " + (s.subgraphCount() + 1) + " graphs)";
    row(out, "nodes", s.nodeCount() + graphs);
    List<Map.Entry<String, Integer>> ops = new ArrayList<>(s.opCounts().entrySet());
    ops.sort(
        Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()));
    StringBuilder line = new StringBuilder();
    boolean first = true;
    for (var e : ops) {
      String item = e.getKey() + " " + e.getValue();
      if (line.length() + item.length() > 70) {
        row(out, first ? "op types" : "", line.toString());
        first = false;
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(", ");
      }
      line.append(item);
    }
    if (line.length() > 0) {
      row(out, first ? "op types" : "", line.toString());
    }
    row(
        out,
        "weights",
        s.initializerCount() + " initializers, " + Figures.size(s.initializerBytes()));
    if (s.functionCount() > 0) {
      row(
          out,
          "functions",
          plural(s.functionCount(), "model-local function")
              + " with "
              + plural(s.functionNodeCount(), "node")
              + " (not inlined: not counted above and not quantized)");
    }
    out.println();
    List<QuantizableNode> q = s.quantizable();
    if (q.isEmpty()) {
      out.println("No quantizable nodes (MatMul, Gemm, Conv, Gather, LSTM, Attention, ...).");
      return;
    }
    out.printf("Quantizable nodes: %d of %d will be quantized%n", s.willQuantizeCount(), q.size());
    List<QuantizableNode> quiet =
        all ? List.of() : q.stream().filter(InspectCommand::isRoutineSkip).toList();
    q = q.stream().filter(n -> !quiet.contains(n)).toList();
    int wNode =
        Math.max(
            4, q.stream().mapToInt(n -> Texts.clean(n.node(), nameWidth).length()).max().orElse(4));
    int wOp = Math.min(40, Math.max(2, q.stream().mapToInt(n -> n.op().length()).max().orElse(2)));
    String fmt = "  %-" + wNode + "s  %-" + wOp + "s  %-18s  %-4s %s%n";
    out.printf(fmt, "NODE", "OP", "WEIGHT SHAPE", "INT8", "DETAIL");
    for (QuantizableNode n : q) {
      out.printf(
          fmt,
          Texts.clean(n.node(), nameWidth),
          Texts.clean(n.op(), wOp),
          n.weightShape() == null ? "-" : Figures.shape(n.weightShape()),
          n.willQuantize() ? "yes" : "no",
          Texts.clean(n.willQuantize() ? n.action() : n.reason()));
    }
    if (!quiet.isEmpty()) {
      out.printf(
          "  (and %d Gather/Transpose nodes that stay float: shape arithmetic or float"
              + " activations; --all lists them)%n",
          quiet.size());
    }
  }

  /** Gather and Transpose nodes left in float: many in every transformer, rarely of interest. */
  private static boolean isRoutineSkip(QuantizableNode n) {
    return !n.willQuantize() && (n.op().equals("Gather") || n.op().equals("Transpose"));
  }

  private static String plural(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static void row(PrintWriter out, String label, String value) {
    out.printf("%-11s %s%n", label, Texts.clean(value, 500));
  }
}
