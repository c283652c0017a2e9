// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.graph.GraphLayout;
import org.quantscope.graph.Scope;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.ParityOptions;
import org.quantscope.progress.Progress;
import org.quantscope.report.Evaluation;
import org.quantscope.report.Figures;
import org.quantscope.report.Report;
import org.quantscope.report.ReportJson;
import org.quantscope.report.ReportPdf;
import org.quantscope.report.ReportPng;
import org.quantscope.runtime.NdArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code quantscope report}: quantize, check parity, benchmark, and write the report. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Quantize (unless --candidate is given), check parity, benchmark, and write the report:",
      "PDF, PNG charts, the graph as PNG, and JSON for CI.",
      "",
      "Exits 0 when parity passed, 1 when it failed, 2 on bad input."
    })
final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "MODEL",
      description = "The float model (default: artifacts/model.onnx).")
  Path model;

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

  @Option(names = "--json", paramLabel = "FILE", description = "Write the report as JSON.")
  Path json;

  @Option(
      names = "--paper",
      paramLabel = "a4|letter",
      description = "Paper size of the PDF (default: a4).")
  String paper = "a4";

  @Mixin QuantizeFlags quantize;

  @Mixin SampleOptions samples;

  @Option(names = "--abs-tol", paramLabel = "X", description = "Default: ${DEFAULT-VALUE}.")
  double absTol = 0.04;

  @Option(names = "--mean-tol", paramLabel = "X", description = "Default: ${DEFAULT-VALUE}.")
  double meanTol = 0.01;

  @Option(
      names = "--threshold",
      paramLabel = "X",
      description = "Decision threshold for one-score and binary outputs. Default: 0.5.")
  double threshold = 0.5;

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

  @Override
  public Integer call() throws Exception {
    if (pdf == null && png == null && graphPng == null && json == null) {
      throw new IllegalArgumentException(
          "nothing to write: give at least one of --pdf, --png, --graph-png, --json");
    }
    ReportPdf.Paper paperSize = paper();
    PrintWriter out = spec.commandLine().getOut();
    Path in = model != null ? model : QuantizeCommand.DEFAULT_MODEL;
    OnnxModel reference = ModelFiles.load(in);
    OnnxModel cand = candidate == null ? null : ModelFiles.load(candidate);
    List<Path> files = java.util.Arrays.asList(json, pdf, png, graphPng);
    if (cand == null) {
      Outputs.check(files, reference);
    } else {
      Outputs.check(files, reference, cand);
    }
    List<Map<String, NdArray>> feeds = samples.feeds(reference, null);
    List<Map<String, NdArray>> benchFeeds =
        noBench ? List.of() : feeds.subList(0, Math.min(4, feeds.size()));
    Evaluation.Plan plan =
        new Evaluation.Plan(
            reference,
            cand,
            candidate == null ? "int8 (quantized in memory)" : candidate.toString(),
            quantize.options(),
            new ParityOptions(absTol, meanTol, threshold, new LinkedHashSet<>(outputs), 40),
            feeds,
            noBench ? null : new LatencyBenchmark.Options(warmup, runs, 0),
            benchFeeds,
            samples.sessionConfig());
    ProgressLine progress = new ProgressLine(spec.commandLine().getErr());
    Report report = Evaluation.run(plan, progress).report();
    GraphLayout.Result layout = null;
    if (pdf != null || graphPng != null) {
      layout =
          GraphLayout.layout(
              Scope.all(reference.graph()).get(0), GraphLayout.Options.DEFAULTS, Progress.NONE);
    }
    List<Path> written = new ArrayList<>();
    if (json != null) {
      ReportJson.write(report, json);
      written.add(json);
    }
    if (pdf != null) {
      ReportPdf.write(report, layout, paperSize, pdf);
      written.add(pdf);
    }
    if (png != null) {
      ReportPng.writeCharts(report, png);
      written.add(png);
    }
    if (graphPng != null) {
      ReportPng.writeGraph(report, layout, graphPng);
      written.add(graphPng);
    }
    print(report, out);
    for (Path p : written) {
      out.println("Wrote " + p);
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
    if (s.fp32Latency() != null && s.int8Latency() != null) {
      out.printf(
          Locale.ROOT,
          "  latency  p50 %s -> %s (%s)%n",
          Figures.ms(s.fp32Latency().p50()),
          Figures.ms(s.int8Latency().p50()),
          Figures.ratio(s.speedup()));
    }
  }
}
