// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.bench.LatencyStats;
import org.quantscope.json.JsonDocument;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.SaveOptions;
import org.quantscope.parity.ParityReport;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.pipeline.Plan;
import org.quantscope.pipeline.SampleSource;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.report.Figures;
import org.quantscope.runtime.NdArray;
import org.quantscope.sensitivity.AutoExclude;
import org.quantscope.sensitivity.AutoExcludeResult;
import org.quantscope.sensitivity.Study;

/**
 * {@code quantize --auto-exclude}: search for the nodes to leave in float, write the model that
 * passes, and show the trade-off (sizes, parity, latency when asked).
 */
final class AutoExcludeRun {
  private final SampleOptions samples;
  private final ToleranceOptions tolerances;
  private final boolean bench;
  private final Path searchReport;
  private final PrintWriter out;
  private final PrintWriter err;

  AutoExcludeRun(
      SampleOptions samples,
      ToleranceOptions tolerances,
      boolean bench,
      Path searchReport,
      PrintWriter out,
      PrintWriter err) {
    this.samples = samples;
    this.tolerances = tolerances;
    this.bench = bench;
    this.searchReport = searchReport;
    this.out = out;
    this.err = err;
  }

  /**
   * Runs the search and writes {@code target} when a subset passes.
   *
   * @return the exit code: 0 written, 1 no subset passes (nothing written)
   */
  int run(
      OnnxModel m,
      Path in,
      Path target,
      QuantizeOptions options,
      SaveOptions save,
      Path quantizationReport)
      throws IOException, NothingToQuantizeException {
    Path folder = target.toAbsolutePath().getParent();
    if (folder != null && !Files.isDirectory(folder)) { // before a search that may take minutes
      throw new IOException("cannot write " + target + ": folder " + folder + " does not exist");
    }
    SampleSource source = samples.source();
    List<Map<String, NdArray>> feeds = source.read(m);
    Study study =
        Study.of(
            m,
            options,
            feeds,
            tolerances.parityOptions().withSamplesFrom(source.origin(m, feeds)),
            samples.sessionConfig());
    ProgressLine progress = new ProgressLine(err);
    PrintWriter text = JsonOut.text(out, err, searchReport, quantizationReport);
    AutoExcludeResult r = Pipeline.inProcess().autoExclude(study, null, progress);
    if (!r.passed()) {
      print(r, text);
      if (searchReport != null) {
        JsonOut.write(searchReport, JsonDocument.AUTO_EXCLUDE, r, out);
      }
      err.println("quantscope: " + in.getFileName() + ": " + r.message());
      err.println("Nothing was written.");
      return ExitCodes.CHECK_FAILED;
    }
    r = AutoExclude.write(r, target, save);
    if (bench) {
      List<Map<String, NdArray>> timing = Plan.benchSamples(study.feeds());
      r =
          AutoExclude.benchmark(
              r,
              m,
              options,
              timing,
              samples.sessionConfig(),
              LatencyBenchmark.Options.DEFAULTS,
              progress);
    }
    if (quantizationReport != null) {
      JsonOut.write(quantizationReport, JsonDocument.QUANTIZATION, r.quantization(), out);
      JsonOut.wrote(quantizationReport, text);
    }
    if (searchReport != null) {
      JsonOut.write(searchReport, JsonDocument.AUTO_EXCLUDE, r, out);
      JsonOut.wrote(searchReport, text);
    }
    print(r, text);
    text.println("Wrote " + target);
    text.println(QuantizeCommand.summary(r.quantization()));
    return ExitCodes.OK;
  }

  static void print(AutoExcludeResult r, PrintWriter out) {
    if (r.passed() && r.excluded().isEmpty()) {
      out.println("Auto-exclude: the fully quantized model passes; no node left in float.");
    } else if (r.passed()) {
      out.printf(
          Locale.ROOT,
          "Auto-exclude: %d of %d nodes left in float: %s%n",
          r.excluded().size(),
          r.candidates(),
          String.join(", ", r.excluded()));
      if (!r.requantized().isEmpty()) {
        out.println(
            "  the greedy step had also excluded "
                + String.join(", ", r.requantized())
                + "; the second pass put them back in int8");
      }
      out.println(
          r.smallest()
              ? "  no passing set keeps more weight bytes in int8 (every one was tried)"
              : "  no excluded node can go back to int8 on its own (other sets were not all"
                  + " tried)");
    } else {
      out.printf(Locale.ROOT, "Auto-exclude: no subset of the %d nodes passes.%n", r.candidates());
    }
    boolean timed = r.latency() != null;
    out.printf(
        Locale.ROOT,
        "%-24s %10s %12s %12s  %-6s%s%n",
        "MODEL",
        "SIZE",
        "MAX |d|",
        "MEAN |d|",
        "PARITY",
        timed ? String.format(Locale.ROOT, " %9s %9s", "MEAN ms", "P50 ms") : "");
    row(out, "fp32", r.fp32Bytes(), null, latency(r, "reference"));
    row(
        out,
        "int8, all " + r.candidates() + " nodes",
        r.fullInt8Bytes(),
        r.before(),
        latency(r, "full int8"));
    if (r.passed() && !r.excluded().isEmpty()) {
      long size =
          r.quantization() != null && r.quantization().fileBytesAfter() > 0
              ? r.quantization().fileBytesAfter()
              : r.int8Bytes();
      row(
          out,
          "int8, " + r.excluded().size() + " left in float",
          size,
          r.after(),
          latency(r, "candidate"));
    }
    out.printf(
        Locale.ROOT,
        "Searched %d variants (%d evaluations) on %s in %.1f s; tolerances: max %s, mean" + " %s%n",
        r.variants(),
        r.trials(),
        r.before().describeRuns(),
        r.elapsedMillis() / 1000.0,
        r.before().absTol(),
        r.before().meanTol());
    for (String w : r.before().warnings()) {
      out.println("note: " + w);
    }
  }

  private static LatencyStats latency(AutoExcludeResult r, String role) {
    if (r.latency() == null) {
      return null;
    }
    return r.latency().stream().filter(s -> s.role().equals(role)).findFirst().orElse(null);
  }

  private static void row(
      PrintWriter out, String name, long size, ParityReport p, LatencyStats latency) {
    String parity =
        p == null
            ? String.format(Locale.ROOT, "%12s %12s  %-6s", "-", "-", "-")
            : String.format(
                Locale.ROOT,
                "%12.6f %12.6f  %-6s",
                p.maxAbsDiff(),
                p.meanAbsDiff(),
                p.passed() ? "PASSED" : "FAILED");
    String time =
        latency == null
            ? ""
            : String.format(Locale.ROOT, " %9.3f %9.3f", latency.meanMs(), latency.p50Ms());
    out.printf(Locale.ROOT, "%-24s %10s %s%s%n", name, Figures.size(size), parity, time);
  }
}
