// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.quantscope.bench.BenchReport;
import org.quantscope.bench.Environment;
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.bench.LatencyStats;
import org.quantscope.json.JsonDocument;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.pipeline.SampleSource;
import org.quantscope.report.Figures;
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.NdArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quantscope bench}: CPU latency of the float and the int8 model, side by side. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measure CPU latency of the float and the quantized model in one process.",
      "",
      "Loads both, warms them up, then times runs interleaved (float, int8, float, ...) so that"
          + " machine drift hits both alike. Prints p50/p90/p99 side by side with the speedup."
    })
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"--model", "--reference"},
      paramLabel = "MODEL",
      description = "The float model (default: artifacts/model.onnx).")
  Path model;

  @Option(
      names = "--candidate",
      paramLabel = "MODEL",
      description =
          "The quantized model (default: artifacts/model.int8.onnx if it exists; else only the"
              + " float model is measured).")
  Path candidate;

  @Mixin SampleOptions samples;

  @Option(names = "--warmup", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
  int warmup = 10;

  @Option(
      names = "--runs",
      paramLabel = "N",
      description = "Timed runs per model. Default: ${DEFAULT-VALUE}.")
  int runs = 100;

  @Option(
      names = "--seconds",
      paramLabel = "S",
      description = "Time budget for the timed runs instead of a fixed count.")
  double seconds;

  @Option(
      names = "--backend",
      paramLabel = "onnx",
      description = "Accepted for the seed's cpu_inference.py habit; only 'onnx' is supported.")
  String backend = "onnx";

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description =
          "Also write the results as JSON; '-' is standard output (the table then goes to"
              + " standard error).")
  Path json;

  @Override
  public Integer call() throws Exception {
    if (!backend.equalsIgnoreCase("onnx")) {
      throw new IllegalArgumentException("--backend must be onnx, got '" + backend + "'");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter text = JsonOut.text(out, spec.commandLine().getErr(), json);
    Path ref = model != null ? model : Path.of("artifacts", "model.onnx");
    Path cand = candidate;
    if (cand == null && model == null) {
      Path dflt = Path.of("artifacts", "model.int8.onnx");
      cand = java.nio.file.Files.exists(dflt) ? dflt : null;
    }
    OnnxModel refModel = EarlyModel.load(ref);
    OnnxModel candModel = cand != null ? EarlyModel.load(cand) : null;
    if (candModel != null) {
      Outputs.check(java.util.Arrays.asList(json), refModel, candModel);
    } else {
      Outputs.check(java.util.Arrays.asList(json), refModel);
    }
    if (samples.samples == 100) {
      samples.samples = 4; // a few distinct inputs are enough to time; they are reused in turn
    }
    SampleSource source = samples.timingSource();
    List<Map<String, NdArray>> feeds = source.read(refModel);
    BenchReport report =
        LatencyBenchmark.compare(
                ModelSource.of(refModel, ref.toString(), ModelFiles.sizeOnDisk(refModel)),
                candModel == null
                    ? null
                    : ModelSource.of(candModel, cand.toString(), ModelFiles.sizeOnDisk(candModel)),
                feeds,
                new LatencyBenchmark.Options(warmup, runs, seconds),
                samples.sessionConfig(),
                new ProgressLine(spec.commandLine().getErr()))
            .withSamplesFrom(source.origin(refModel, feeds));
    if (json != null) {
      JsonOut.write(json, JsonDocument.BENCH, report, out);
    }
    print(report, text);
    JsonOut.wrote(json, text);
    return ExitCodes.OK;
  }

  static void print(BenchReport r, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "%-10s %9s %9s %9s %9s %9s %12s %10s%n",
        "MODEL",
        "LOAD ms",
        "MEAN ms",
        "P50 ms",
        "P90 ms",
        "P99 ms",
        "SAMPLES/s",
        "SIZE");
    for (LatencyStats s : r.models()) {
      out.printf(
          Locale.ROOT,
          "%-10s %9.1f %9.3f %9.3f %9.3f %9.3f %12.1f %10s%n",
          s.role().equals("reference") ? "fp32" : "int8",
          s.loadMs(),
          s.meanMs(),
          s.p50Ms(),
          s.p90Ms(),
          s.p99Ms(),
          s.throughputPerS(),
          Figures.size(s.sizeBytes()));
    }
    LatencyStats first = r.models().get(0);
    out.printf(
        Locale.ROOT,
        "%d timed runs per model, batch %d, %s%n",
        first.runs(),
        first.batch(),
        describe(r.environment()));
    if (r.speedupP50() != null) {
      out.printf(Locale.ROOT, "speedup (p50): %.2fx%n", r.speedupP50());
    }
    if (r.samplesFrom() != null) {
      out.println(
          "samples: "
              + r.samplesFrom().rows()
              + (r.samplesFrom().rows() == 1 ? " row, " : " rows, ")
              + r.samplesFrom().describe()
              + ", timed in turn");
    }
    for (String w : r.warnings()) {
      out.println("note: " + w);
    }
  }

  private static String describe(Environment e) {
    return e.cpuModel()
        + ", "
        + e.cores()
        + " cores"
        + (e.flags().isEmpty() ? "" : " (" + String.join(" ", e.flags()) + ")")
        + ", ONNX Runtime "
        + e.ortVersion();
  }
}
