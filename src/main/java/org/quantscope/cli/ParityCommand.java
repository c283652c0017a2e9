// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.quantscope.bench.Environment;
import org.quantscope.json.JsonDocument;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.OutputParity;
import org.quantscope.parity.ParityCheck;
import org.quantscope.parity.ParityOptions;
import org.quantscope.parity.ParityReport;
import org.quantscope.pipeline.SampleSource;
import org.quantscope.report.Texts;
import org.quantscope.runtime.ArrayFiles;
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quantscope parity}: does the int8 model stay close to the float one? */
@Command(
    name = "parity",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Check that the quantized model stays close to the float model.",
      "",
      "Runs both on the same samples (or the candidate against expected outputs) and compares"
          + " every output: max / mean / percentiles of |difference|, RMSE, relative difference,"
          + " cosine similarity, and decision flips for classifier outputs. Writes the JSON report"
          + " and exits 0 when max_abs_diff <= --abs-tol and mean_abs_diff <= --mean-tol, 1 when"
          + " not."
    })
final class ParityCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--reference",
      paramLabel = "MODEL",
      description = "The float model (default: artifacts/model.onnx).")
  Path reference;

  @Option(
      names = "--candidate",
      paramLabel = "MODEL",
      description = "The quantized model (default: artifacts/model.int8.onnx).")
  Path candidate;

  @Mixin SampleOptions samples;

  @Option(
      names = "--expected",
      paramLabel = "FILE",
      description =
          "Compare the candidate with these outputs instead of the reference's (a CSV with a"
              + " header, one row per sample, or a .npy), e.g. probabilities from the original"
              + " scikit-learn model.")
  Path expected;

  @Option(
      names = "--output",
      paramLabel = "NAME",
      description = "Compare only this output (repeatable). Default: all outputs.")
  List<String> outputs = new ArrayList<>();

  @Mixin ToleranceOptions tolerances;

  @Option(
      names = {"-o", "--report", "--json"},
      paramLabel = "FILE",
      description =
          "Where to write the JSON report (default: parity_report.json beside the candidate);"
              + " '-' is standard output (the table then goes to standard error).")
  Path report;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter text = JsonOut.text(out, spec.commandLine().getErr(), report);
    Path cand = candidate != null ? candidate : Path.of("artifacts", "model.int8.onnx");
    Path target =
        report != null ? report : cand.toAbsolutePath().resolveSibling("parity_report.json");
    ParityOptions options = tolerances.parityOptions(outputs);
    OrtRuntime.SessionConfig sessions = samples.sessionConfig();
    List<String> notes = Environment.detectInt8Notes(sessions);
    OnnxModel candModel = EarlyModel.load(cand);
    Outputs.check(List.of(target), candModel);
    ModelSource c = ModelSource.of(candModel, cand.toString(), ModelFiles.sizeBytes(candModel));
    ProgressLine progress = new ProgressLine(spec.commandLine().getErr());
    ParityReport r;
    if (expected != null) {
      if (outputs.size() > 1) {
        throw new IllegalArgumentException("--expected compares one output; give one --output");
      }
      SampleSource source = samples.source();
      List<Map<String, NdArray>> feeds = source.read(candModel);
      options = options.withSamplesFrom(source.origin(candModel, feeds));
      NdArray want = ArrayFiles.read(expected);
      r =
          ParityCheck.checkExpected(
              c,
              feeds,
              want,
              outputs.isEmpty() ? null : outputs.get(0),
              expected.toString(),
              options,
              sessions,
              notes,
              progress);
    } else {
      Path ref = reference != null ? reference : ModelArgument.DEFAULT;
      OnnxModel refModel = EarlyModel.load(ref);
      Outputs.check(List.of(target), refModel);
      SampleSource source = samples.source();
      List<Map<String, NdArray>> feeds = source.read(refModel);
      options = options.withSamplesFrom(source.origin(refModel, feeds));
      r =
          ParityCheck.check(
              ModelSource.of(refModel, ref.toString(), ModelFiles.sizeBytes(refModel)),
              c,
              feeds,
              options,
              sessions,
              notes,
              progress);
    }
    JsonOut.write(target, JsonDocument.PARITY, r, out);
    print(r, text);
    JsonOut.wrote(target, text);
    return r.passed() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
  }

  static void print(ParityReport r, PrintWriter out) {
    int width =
        Math.max(
            28, r.outputs().stream().mapToInt(p -> Texts.clean(p.name()).length()).max().orElse(0));
    out.printf(
        Locale.ROOT,
        "%-" + width + "s %10s %10s %10s %10s %8s%n",
        "OUTPUT",
        "MAX |d|",
        "MEAN |d|",
        "P99 |d|",
        "COSINE",
        "FLIPS");
    for (OutputParity p : r.outputs()) {
      String name = Texts.clean(p.name()); // whole: output names are what --output takes
      if (p.isFloat()) {
        out.printf(
            Locale.ROOT,
            "%-" + width + "s %10.6f %10.6f %10.6f %10.6f %8s%n",
            name,
            p.maxAbsDiff(),
            p.meanAbsDiff(),
            p.p99AbsDiff(),
            p.cosineSimilarity(),
            p.decisionFlips() == null ? "-" : p.decisionFlips() + "/" + p.rows());
      } else {
        out.printf(
            Locale.ROOT,
            "%-" + width + "s %s%n",
            name,
            p.labelMismatches() + " of " + p.elements() + " labels differ");
      }
    }
    String metric = r.describeMetric();
    if (metric != null) {
      out.printf(
          Locale.ROOT,
          "%s: %s; max_abs_diff %.6f, mean_abs_diff %.6f over %s%n",
          r.passed() ? "PASSED" : "FAILED",
          metric,
          r.maxAbsDiff(),
          r.meanAbsDiff(),
          r.describeRuns());
    } else {
      out.printf(
          Locale.ROOT,
          "%s: max_abs_diff %.6f (tolerance %s), mean_abs_diff %.6f (tolerance %s) over %s%n",
          r.passed() ? "PASSED" : "FAILED",
          r.maxAbsDiff(),
          r.absTol(),
          r.meanAbsDiff(),
          r.meanTol(),
          r.describeRuns());
    }
    for (String w : r.warnings()) {
      out.println("note: " + w);
    }
  }
}
