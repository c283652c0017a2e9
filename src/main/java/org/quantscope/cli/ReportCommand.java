// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.deploy.DeployReport;
import org.quantscope.deploy.RuntimeSupport;
import org.quantscope.json.JsonDocument;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.ParityOptions;
import org.quantscope.pipeline.Outcome;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.pipeline.Plan;
import org.quantscope.pipeline.ReportFiles;
import org.quantscope.pipeline.SampleSource;
import org.quantscope.report.Culprits;
import org.quantscope.report.Figures;
import org.quantscope.report.Report;
import org.quantscope.report.ReportPdf;
import org.quantscope.runtime.NdArray;
import org.quantscope.trace.NodeError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quantscope report}: quantize, check parity with the error trace, benchmark, and write the
 * report.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Quantize, check parity, trace the error, benchmark, and write the report.",
      "",
      "Quantizes MODEL (unless --candidate gives an int8 model), checks parity and traces where"
          + " the error enters, benchmarks, and writes the report: PDF, PNG charts, the graph as"
          + " PNG, and JSON for CI. The trace includes the parity check and costs about twice as"
          + " much; --no-trace checks parity only. When parity fails, the report ends with what to"
          + " do. Exits 0 when parity passed, 1 when it failed, 2 on bad input."
    })
final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelArgument model;

  @Option(
      names = "--candidate",
      paramLabel = "INT8",
      description = "An existing int8 model to report on instead of quantizing MODEL.")
  Path candidate;

  @Option(names = "--pdf", paramLabel = "FILE", description = "Write the report as PDF.")
  Path pdf;

  @Option(names = "--png", paramLabel = "FILE", description = "Write the charts as one PNG.")
  Path png;

  @Option(
      names = "--graph-png",
      paramLabel = "FILE",
      description = "Write the graph, coloured by the results, as PNG.")
  Path graphPng;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description =
          "Write the report as JSON; '-' is standard output (the summary then goes to standard"
              + " error).")
  Path json;

  @Option(
      names = "--paper",
      paramLabel = "a4|letter",
      description = "Paper size of the PDF (default: a4).")
  String paper = "a4";

  @Mixin QuantizeFlags quantize;

  @Mixin SampleOptions samples;

  @Mixin ToleranceOptions tolerances;

  @Option(
      names = "--output",
      paramLabel = "NAME",
      description = "Compare only this output (repeatable). Default: all outputs.")
  List<String> outputs = new ArrayList<>();

  @Option(
      names = "--runs",
      paramLabel = "N",
      description = "Timed benchmark runs per model. Default: ${DEFAULT-VALUE}.")
  int runs = 50;

  @Option(names = "--warmup", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
  int warmup = 10;

  @Option(names = "--no-bench", description = "Leave the latency benchmark out.")
  boolean noBench;

  @Option(
      names = "--no-trace",
      description =
          "Check parity only, without tracing the error through every tensor (about half the"
              + " time).")
  boolean noTrace;

  @Option(
      names = "--auto-exclude",
      description =
          "When parity fails, also search for the least to leave in float (as quantize"
              + " --auto-exclude does) and end the report with them. The report stays about"
              + " MODEL quantized with the options given.")
  boolean autoExclude;

  @Option(
      names = "--deploy-check",
      description =
          "Also emulate the int8 model's kernels as x86 CPUs without VNNI run them (as"
              + " check-deploy does, on the same samples) and add the verdict to the report.")
  boolean deployCheck;

  @Override
  public Integer call() throws Exception {
    if (pdf == null && png == null && graphPng == null && json == null) {
      throw new IllegalArgumentException(
          "nothing to write: give at least one of --pdf, --png, --graph-png, --json");
    }
    if (autoExclude && candidate != null) {
      throw new IllegalArgumentException(
          "--auto-exclude quantizes MODEL with nodes left in float; it cannot be used with"
              + " --candidate");
    }
    boolean jsonToStdout = JsonOut.isStdout(json);
    ReportFiles files = new ReportFiles(jsonToStdout ? null : json, pdf, png, graphPng, paper());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter text = JsonOut.text(out, spec.commandLine().getErr(), json);
    OnnxModel reference = EarlyModel.load(model.path());
    OnnxModel cand = candidate == null ? null : EarlyModel.load(candidate);
    if (cand == null) {
      Outputs.check(files.targets(), reference);
    } else {
      Outputs.check(files.targets(), reference, cand);
    }
    SampleSource source = samples.source();
    List<Map<String, NdArray>> feeds = source.read(reference);
    ParityOptions parity =
        tolerances.parityOptions(outputs).withSamplesFrom(source.origin(reference, feeds));
    Plan plan =
        cand == null
            ? Plan.quantize(reference, quantize.options(reference.proto()))
            : Plan.given(reference, cand, candidate.toString());
    plan =
        (noTrace ? plan.withParity(parity, feeds) : plan.withTrace(parity, feeds))
            .withSessions(samples.sessionConfig());
    if (!noBench) {
      plan =
          plan.withBench(new LatencyBenchmark.Options(warmup, runs, 0), Plan.benchSamples(feeds));
    }
    ProgressLine progress = new ProgressLine(spec.commandLine().getErr());
    int parts = (autoExclude ? 3 : 2) + (deployCheck ? 1 : 0);
    Pipeline pipeline = Pipeline.inProcess();
    Outcome outcome = pipeline.run(plan, progress.part(0, parts, ""));
    if (autoExclude) {
      outcome =
          pipeline.autoExcludeIfFailed(plan, outcome, progress.part(1, parts, "Auto-exclude: "));
    }
    Report report = outcome.report();
    if (cand != null) {
      // a given int8 model: what the runtimes cannot run of it, read here
      report = report.withRuntimeProblems(RuntimeSupport.problems(cand));
    }
    if (deployCheck) {
      OnnxModel int8 = cand != null ? cand : outcome.quantized().model();
      DeployReport d =
          pipeline.deployCheck(
              int8,
              outcome.candidateName(),
              reference,
              feeds,
              samples.sessionConfig(),
              progress.part(parts - 2, parts, "Check deploy: "));
      report = report.withDeployCheck(d);
    }
    List<Path> written = files.write(report, reference, progress.part(parts - 1, parts, ""));
    if (jsonToStdout) {
      JsonOut.write(json, JsonDocument.REPORT, report, out);
    }
    print(report, text);
    for (Path p : written) {
      text.println("Wrote " + p);
    }
    return Report.PASSED.equals(report.summary().verdict()) ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
  }

  private ReportPdf.Paper paper() {
    try {
      return ReportPdf.Paper.valueOf(paper.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--paper must be a4 or letter, got '" + paper + "'");
    }
  }

  /** The one-row-per-run figure of the verdict's metric. */
  private static String batchOneFigure(org.quantscope.parity.ParityReport.AtBatchOne one) {
    if (one.rowCosineMin() != null) {
      return "min row cosine " + Figures.cosine(one.rowCosineMin());
    }
    if (one.top1Agreement() != null) {
      return "top-1 agreement " + Figures.share(one.top1Agreement());
    }
    return "max |d| "
        + Figures.diff(one.maxAbsDiff())
        + ", mean |d| "
        + Figures.diff(one.meanAbsDiff());
  }

  private static void print(Report r, PrintWriter out) {
    Report.Summary s = r.summary();
    out.println(s.verdict() + "  " + r.title());
    if (s.maxAbsDiff() != null) {
      out.printf(
          Locale.ROOT,
          "  parity   max |d| %s (tol %s)  mean |d| %s (tol %s)  %d decision flips in %d samples%n",
          Figures.diff(s.maxAbsDiff()),
          Figures.diff(s.absTol()),
          Figures.diff(s.meanAbsDiff()),
          Figures.diff(s.meanTol()),
          s.decisionFlips(),
          s.samples());
    }
    org.quantscope.parity.ParityReport p = r.parity();
    if (p != null) {
      out.println("  samples  " + p.describeRuns());
      if (p.batchOne() != null && p.batchOne().passed() != p.passed()) {
        out.printf(
            Locale.ROOT,
            "           one row per run it %s (%s): the batch decides this verdict; give --batch"
                + " the one the model will see%n",
            p.batchOne().passed() ? "passes" : "fails",
            batchOneFigure(p.batchOne()));
      }
    }
    if (s.topNodes() != null) {
      out.println("  trace    " + topNodes(s.topNodes()));
    }
    if (s.int8Bytes() != null) {
      out.printf(
          Locale.ROOT,
          "  size     %s -> %s (%s)%n",
          Figures.megabytes(s.fp32Bytes()),
          Figures.megabytes(s.int8Bytes()),
          Figures.sizeChange(s.sizeRatio()));
    }
    if (s.quantizedNodes() != null) {
      out.printf(
          Locale.ROOT, "  nodes    %d of %d quantized%n", s.quantizedNodes(), s.candidateNodes());
    }
    if (r.deployCheck() != null) {
      out.println("  deploy   " + r.deployCheck().verdict());
    }
    if (s.fp32Latency() != null && s.int8Latency() != null) {
      out.printf(
          Locale.ROOT,
          "  latency  p50 %s -> %s (%s)%n",
          Figures.ms(s.fp32Latency().p50()),
          Figures.ms(s.int8Latency().p50()),
          Figures.ratio(s.speedup()));
    }
    if (Report.FAILED.equals(s.verdict())) {
      advice(r, out);
    }
  }

  /** The top node, and on a second line the next two, with their shares of the output error. */
  private static String topNodes(List<Report.TopNode> top) {
    if (top.isEmpty()) {
      return "no quantized node makes error of its own";
    }
    Report.TopNode first = top.get(0);
    StringBuilder sb =
        new StringBuilder("most error enters at ")
            .append(first.node())
            .append(" (")
            .append(first.op())
            .append(", ")
            .append(first.figures())
            .append(')');
    for (int i = 1; i < Math.min(3, top.size()); i++) {
      Report.TopNode n = top.get(i);
      sb.append(i == 1 ? System.lineSeparator() + "           then " : ", ")
          .append(n.node())
          .append(" (")
          .append(
              n.outputShare() != null && !n.outputShare().isNaN()
                  ? Figures.share(n.outputShare())
                  : Figures.db(n.introducedDb()) + " introduced")
          .append(')');
    }
    return sb.toString();
  }

  /** What to do after a failed parity check: the trace's culprits, and the search when it ran. */
  private static void advice(Report r, PrintWriter out) {
    List<String> excluded = r.settings() == null ? List.of() : r.settings().nodesToExclude();
    if (r.trace() == null) {
      out.println("Run without --no-trace to see which nodes make the error.");
    } else {
      List<NodeError> culprits = Culprits.of(r.trace());
      if (!culprits.isEmpty()) {
        List<String> names = Culprits.names(culprits);
        out.println(
            (r.settings() == null ? "Quantize MODEL again leaving " : "Try leaving ")
                + String.join(", ", names)
                + " in float: "
                + Culprits.excludeOption(excluded, names)
                + (r.autoExclude() == null && r.settings() != null
                    ? " (or --auto-exclude to find the least)"
                    : ""));
      }
    }
    if (r.autoExclude() != null) {
      AutoExcludeRun.print(r.autoExclude(), out);
      if (r.autoExclude().passed() && !r.autoExclude().excluded().isEmpty()) {
        out.println(
            "To write that model: quantscope quantize MODEL -o OUT "
                + Culprits.excludeOption(excluded, r.autoExclude().excluded()));
      }
    }
  }
}
