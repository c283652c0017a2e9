// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.quantscope.json.JsonDocument;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.ParityReport;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.pipeline.Plan;
import org.quantscope.pipeline.SampleSource;
import org.quantscope.runtime.NdArray;
import org.quantscope.trace.ActivationReport;
import org.quantscope.trace.NodeError;
import org.quantscope.trace.TraceReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quantscope trace}: where does the error of the int8 model enter? */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Trace the error of the int8 model through every tensor, and say where it enters.",
      "",
      "Quantizes MODEL (unless --candidate gives an int8 model), runs both models on the same"
          + " samples with their intermediate tensors exposed, and compares every tensor both"
          + " compute. Ranks the quantized nodes by their estimated share of the error at the"
          + " graph outputs, with the error they introduce (their output's error beyond what"
          + " their input brought), what quantizing their input to uint8 at run time costs, and"
          + " the statistics of that input (range, p99.9 |x|, outlier ratio, uint8 step) that"
          + " predict it. Exits 0 once traced, 2 on bad input."
    })
final class TraceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelArgument model;

  @Option(
      names = "--candidate",
      paramLabel = "INT8",
      description = "An existing int8 model to trace instead of quantizing MODEL.")
  Path candidate;

  @Mixin QuantizeFlags quantize;

  @Mixin SampleOptions samples;

  @Mixin ToleranceOptions tolerances;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description =
          "Also write the trace (every tensor, node and activation) as JSON; '-' is standard"
              + " output (the tables then go to standard error).")
  Path json;

  @Mixin NameWidth names;

  @Option(
      names = "--top",
      paramLabel = "N",
      description =
          "Print the N nodes that introduce the most error (default: ${DEFAULT-VALUE}; 0 for all).")
  int top = 20;

  @Override
  public Integer call() throws Exception {
    if (top < 0) {
      throw new IllegalArgumentException("--top must be >= 0, got " + top);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter text = JsonOut.text(out, err, json);
    int width = names.width();
    OnnxModel reference = EarlyModel.load(model.path());
    OnnxModel cand = candidate == null ? null : EarlyModel.load(candidate);
    List<Path> outputs = json == null ? List.of() : List.of(json);
    if (cand == null) {
      Outputs.check(outputs, reference);
    } else {
      Outputs.check(outputs, reference, cand);
    }
    SampleSource source = samples.source();
    List<Map<String, NdArray>> feeds = source.read(reference);
    Plan plan =
        (cand == null
                ? Plan.quantize(reference, quantize.options(reference.proto()))
                : Plan.given(reference, cand, candidate.toString()))
            .withTrace(
                tolerances.parityOptions().withSamplesFrom(source.origin(reference, feeds)), feeds)
            .withSessions(samples.sessionConfig());
    TraceReport r = Pipeline.inProcess().run(plan, new ProgressLine(err)).trace();
    if (json != null) {
      JsonOut.write(json, JsonDocument.TRACE, r, out);
    }
    print(r, top, width, text);
    JsonOut.wrote(json, text);
    return ExitCodes.OK;
  }

  static void print(TraceReport r, int top, PrintWriter out) {
    print(r, top, NameWidth.WHOLE, out);
  }

  /** The tables; node and activation names whole up to {@code nameWidth} characters. */
  static void print(TraceReport r, int top, int nameWidth, PrintWriter out) {
    int shown = top == 0 ? r.nodes().size() : Math.min(top, r.nodes().size());
    List<NodeError> nodes = r.nodes().subList(0, shown);
    int w =
        Math.max(
            4,
            nodes.stream()
                .mapToInt(n -> SensitivityCommand.clip(n.node(), nameWidth).length())
                .max()
                .orElse(4));
    out.printf(
        Locale.ROOT,
        "%4s  %-" + w + "s  %-14s %7s %11s %9s %9s %9s %9s%n",
        "RANK",
        "NODE",
        "OP",
        "SHARE",
        "INTRODUCED",
        "OUTPUT",
        "INPUT",
        "UINT8 IN",
        "WEIGHT");
    for (NodeError n : nodes) {
      out.printf(
          Locale.ROOT,
          "%4d  %-" + w + "s  %-14s %7s %11s %9s %9s %9s %9s%n",
          n.rank(),
          SensitivityCommand.clip(n.node(), nameWidth),
          SensitivityCommand.clip(n.op(), 14),
          n.outputShare() == null
              ? "-"
              : String.format(Locale.ROOT, "%.1f%%", 100 * n.outputShare()),
          db(n.introducedDb()),
          db(n.outputSqnrDb()),
          db(n.inputSqnrDb()),
          db(n.activationSqnrDb()),
          db(n.weightSqnrDb()));
    }
    if (shown < r.nodes().size()) {
      out.println("  ... and " + (r.nodes().size() - shown) + " more (--top 0 or --json for all)");
    }
    out.println(
        "SHARE: of the error at the graph outputs, estimated from this one run. SQNR in dB, higher"
            + " is better: INTRODUCED, the error made at the node (its output's beyond its"
            + " input's); UINT8 IN, what quantizing its input at run time costs.");
    if (!r.activations().isEmpty()) {
      out.println();
      List<ActivationReport> acts = new ArrayList<>(r.activations());
      int aw =
          Math.max(
              10,
              acts.stream()
                  .mapToInt(a -> SensitivityCommand.clip(a.name(), nameWidth).length())
                  .max()
                  .orElse(10));
      out.printf(
          Locale.ROOT,
          "%-" + aw + "s  %10s %10s %8s %10s %9s  %s%n",
          "ACTIVATION",
          "MAX |x|",
          "P99.9 |x|",
          "OUTLIER",
          "UINT8 STEP",
          "UINT8 dB",
          "WORST ROW");
      for (ActivationReport a : acts) {
        out.printf(
            Locale.ROOT,
            "%-" + aw + "s  %10.4g %10.4g %7.1fx %10.4g %9s  %s%n",
            SensitivityCommand.clip(a.name(), nameWidth),
            a.maxAbs(),
            a.p999Abs(),
            a.outlierRatio(),
            a.stepMax(),
            db(a.quantSqnrDb()),
            a.rowMaxAbs().length > 1
                ? String.format(
                    Locale.ROOT, "row %d, %.1fx the median row", a.worstRow(), a.worstRowRatio())
                : "-");
      }
      out.println(
          "OUTLIER: max |x| over p99.9 |x|; one uint8 step covers the whole tensor, batch"
              + " included, so outliers widen it for every value.");
    }
    ParityReport p = r.parity();
    out.println();
    out.printf(
        Locale.ROOT,
        "Graph outputs: max_abs_diff %.6f (tolerance %s), mean_abs_diff %.6f (tolerance %s) over %s:"
            + " %s%n",
        p.maxAbsDiff(),
        p.absTol(),
        p.meanAbsDiff(),
        p.meanTol(),
        p.describeRuns(),
        p.passed() ? "PASSED" : "FAILED");
    if (!p.passed() && !r.nodes().isEmpty()) {
      out.println(
          "Try leaving the top node in float: --nodes-to-exclude "
              + SensitivityCommand.clip(r.nodes().get(0).node(), NameWidth.WHOLE)
              + " (or 'quantize --auto-exclude' to find the least).");
    }
    for (String n : r.notes()) {
      out.println("note: " + n);
    }
    for (String warning : p.warnings()) {
      out.println("note: " + warning);
    }
  }

  private static String db(Double x) {
    if (x == null || x.isNaN()) {
      return "-";
    }
    return x.isInfinite() ? "exact" : String.format(Locale.ROOT, "%.1f", x);
  }
}
