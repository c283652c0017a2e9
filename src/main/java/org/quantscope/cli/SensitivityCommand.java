// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.quantscope.json.JsonDocument;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.ParityReport;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.pipeline.SampleSource;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.runtime.NdArray;
import org.quantscope.sensitivity.NodeSensitivity;
import org.quantscope.sensitivity.SensitivityReport;
import org.quantscope.sensitivity.Study;
import org.quantscope.sensitivity.VariantError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quantscope sensitivity}: which quantizable node breaks parity? */
@Command(
    name = "sensitivity",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Rank the quantizable nodes by how much quantizing them costs in parity.",
      "",
      "For every node the quantize options would quantize, builds two variants in memory: only"
          + " that node in int8, and every node but that one in int8. Each runs on the samples and"
          + " is compared with the float model (max / mean |difference|, as the parity verb does)."
          + " The impact is in units of the tolerances. Prints the ranking; exits 0 once it is"
          + " done, 1 when nothing would be quantized. 'quantize --auto-exclude' uses the same"
          + " analysis."
    })
final class SensitivityCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelArgument model;

  @Mixin QuantizeFlags quantize;

  @Mixin SampleOptions samples;

  @Mixin ToleranceOptions tolerances;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description =
          "Also write the analysis (every node, both variants) as JSON; '-' is standard output"
              + " (the table then goes to standard error).")
  Path json;

  @Mixin NameWidth names;

  @Option(
      names = "--top",
      paramLabel = "N",
      description = "Print the N most harmful nodes (default: ${DEFAULT-VALUE}; 0 for all).")
  int top = 20;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      description =
          "Variants run at once (default: one per core, the cores split between their"
              + " ONNX Runtime threads).")
  int parallel;

  @Override
  public Integer call() throws Exception {
    if (top < 0 || parallel < 0) {
      throw new IllegalArgumentException("--top and --parallel must be >= 0");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter text = JsonOut.text(out, err, json);
    Path in = model.path();
    OnnxModel m = EarlyModel.load(in);
    var options = quantize.options(m.proto());
    Outputs.check(java.util.Arrays.asList(json), m);
    SampleSource source = samples.source();
    List<Map<String, NdArray>> feeds = source.read(m);
    var parity = tolerances.parityOptions().withSamplesFrom(source.origin(m, feeds));
    Study study = new Study(m, options, feeds, parity, samples.sessionConfig(), parallel);
    SensitivityReport r;
    try {
      r = Pipeline.inProcess().sensitivity(study, new ProgressLine(err));
    } catch (NothingToQuantizeException e) {
      err.println("quantscope: " + in.getFileName() + ": " + e.getMessage());
      return ExitCodes.CHECK_FAILED;
    }
    if (json != null) {
      JsonOut.write(json, JsonDocument.SENSITIVITY, r, out);
    }
    print(r, top, names.width(), text);
    JsonOut.wrote(json, text);
    return ExitCodes.OK;
  }

  static void print(SensitivityReport r, int top, PrintWriter out) {
    print(r, top, NameWidth.WHOLE, out);
  }

  /** The ranking; node names whole up to {@code nameWidth} characters. */
  static void print(SensitivityReport r, int top, int nameWidth, PrintWriter out) {
    int shown = top == 0 ? r.nodes().size() : Math.min(top, r.nodes().size());
    int width =
        Math.max(
            28,
            r.nodes().subList(0, shown).stream()
                .mapToInt(n -> clip(n.node(), nameWidth).length())
                .max()
                .orElse(0));
    String head = "%4s  %-" + width + "s %-14s %8s  %-27s  %-27s %7s%n";
    String row = "%4d  %-" + width + "s %-14s %8.3f  %s  %s %7s%n";
    out.printf(
        Locale.ROOT,
        head,
        "RANK",
        "NODE",
        "OP",
        "IMPACT",
        "ONLY THIS: MAX |d|  MEAN |d|",
        "ALL BUT THIS: MAX  MEAN |d|",
        "SQNR dB");
    for (NodeSensitivity n : r.nodes().subList(0, shown)) {
      out.printf(
          Locale.ROOT,
          row,
          n.rank(),
          clip(n.node(), nameWidth),
          clip(n.op(), 14),
          n.impact(),
          cells(n.onlyThis()),
          cells(n.allButThis()),
          n.sqnrDb() == null ? "-" : String.format(Locale.ROOT, "%.1f", n.sqnrDb()));
    }
    if (shown < r.nodes().size()) {
      out.println("  ... and " + (r.nodes().size() - shown) + " more (--top 0 or --json for all)");
    }
    ParityReport f = r.full();
    out.printf(
        Locale.ROOT,
        "All %d nodes in int8: max_abs_diff %.6f (tolerance %s), mean_abs_diff %.6f (tolerance %s):"
            + " %s%n",
        r.candidates(),
        f.maxAbsDiff(),
        f.absTol(),
        f.meanAbsDiff(),
        f.meanTol(),
        f.passed() ? "PASSED" : "FAILED");
    out.printf(
        Locale.ROOT,
        "%d variants on %s in %.1f s (%d at once, %s ONNX Runtime threads each)%n",
        r.variants(),
        r.full().describeRuns(),
        r.elapsedMillis() / 1000.0,
        r.parallelism(),
        r.intraOpThreads() == 0 ? "default" : String.valueOf(r.intraOpThreads()));
    out.println(
        "Impact is in units of the tolerances (above 1 breaks them). Leave a node in float with"
            + " --nodes-to-exclude, or let 'quantize --auto-exclude' choose.");
    for (String w : r.warnings()) {
      out.println("note: " + w);
    }
  }

  /** Max and mean |d| of a variant, marked with * when it breaks the tolerances. */
  private static String cells(VariantError e) {
    return String.format(
        Locale.ROOT, "%12.6f %12.6f %s", e.maxAbsDiff(), e.meanAbsDiff(), e.passed() ? " " : "*");
  }

  static String clip(String s, int width) {
    return org.quantscope.report.Texts.clean(s, width);
  }
}
