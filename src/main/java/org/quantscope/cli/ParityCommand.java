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
import org.quantscope.bench.Environment;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.OutputParity;
import org.quantscope.parity.ParityCheck;
import org.quantscope.parity.ParityOptions;
import org.quantscope.parity.ParityReport;
import org.quantscope.runtime.ArrayFiles;
import org.quantscope.runtime.ModelRunner;
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
      "Runs both on the same samples (or the candidate against expected outputs) and compares",
      "every output: max / mean / percentiles of |difference|, RMSE, relative difference, cosine",
      "similarity, and decision flips for classifier outputs. Writes the JSON report and exits",
      "0 when max_abs_diff <= --abs-tol and mean_abs_diff <= --mean-tol, 1 when not."
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

  @Option(names = "--abs-tol", paramLabel = "X", description = "Default: ${DEFAULT-VALUE}.")
  double absTol = 0.04;

  @Option(names = "--mean-tol", paramLabel = "X", description = "Default: ${DEFAULT-VALUE}.")
  double meanTol = 0.01;

  @Option(
      names = "--threshold",
      paramLabel = "X",
      description =
          "Decision threshold for one-score and binary outputs. Default: ${DEFAULT-VALUE}.")
  double threshold = 0.5;

  @Option(
      names = {"-o", "--report"},
      paramLabel = "FILE",
      description =
          "Where to write the JSON report (default: parity_report.json beside the candidate).")
  Path report;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path cand = candidate != null ? candidate : Path.of("artifacts", "model.int8.onnx");
    Path target =
        report != null ? report : cand.toAbsolutePath().resolveSibling("parity_report.json");
    ParityOptions options =
        new ParityOptions(absTol, meanTol, threshold, new LinkedHashSet<>(outputs), 40);
    List<String> warnings = new ArrayList<>();
    String w = Environment.detect(OrtRuntime.version(), samples.threads).int8Warning();
    if (w != null && !samples.x64QuantPrecision) {
      warnings.add(w);
    }
    OnnxModel candModel = ModelFiles.load(cand);
    Outputs.check(List.of(target), candModel);
    ParityReport r;
    ProgressLine progress = new ProgressLine(spec.commandLine().getErr());
    if (expected != null) {
      if (outputs.size() > 1) {
        throw new IllegalArgumentException("--expected compares one output; give one --output");
      }
      List<Map<String, NdArray>> feeds = samples.feeds(candModel, null);
      NdArray want = ArrayFiles.read(expected);
      try (ModelRunner c = ModelRunner.open(candModel, samples.sessionConfig())) {
        ParityCheck.Outputs got = ParityCheck.run(c, feeds, progress);
        String name = outputs.isEmpty() ? pickOutput(got, want) : outputs.get(0);
        r =
            ParityCheck.compareExpected(
                got, want, name, options, cand.toString(), expected.toString(), warnings);
      }
    } else {
      Path ref = reference != null ? reference : Path.of("artifacts", "model.onnx");
      OnnxModel refModel = ModelFiles.load(ref);
      Outputs.check(List.of(target), refModel);
      List<Map<String, NdArray>> feeds = samples.feeds(refModel, null);
      ParityCheck.Outputs a;
      ParityCheck.Outputs b;
      try (ModelRunner rr = ModelRunner.open(refModel, samples.sessionConfig())) {
        a = ParityCheck.run(rr, feeds, progress);
      }
      try (ModelRunner cr = ModelRunner.open(candModel, samples.sessionConfig())) {
        b = ParityCheck.run(cr, feeds, progress);
      }
      r = ParityCheck.compare(a, b, options, ref.toString(), cand.toString(), warnings);
    }
    JsonFiles.write(target, r);
    print(r, out);
    out.println("Wrote " + target);
    return r.passed() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
  }

  /** With --expected and no --output: the float output whose size matches the expected array. */
  private static String pickOutput(ParityCheck.Outputs got, NdArray want) {
    for (Map.Entry<String, List<NdArray>> e : got.byName().entrySet()) {
      long n = e.getValue().stream().mapToLong(NdArray::size).sum();
      if (n == want.size() && e.getValue().get(0).isFloat()) {
        return e.getKey();
      }
    }
    throw new IllegalArgumentException(
        "no output of the candidate has the "
            + want.size()
            + " values of the expected file; name one with --output (outputs: "
            + got.byName().keySet()
            + ")");
  }

  static void print(ParityReport r, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "%-28s %10s %10s %10s %10s %8s%n",
        "OUTPUT",
        "MAX |d|",
        "MEAN |d|",
        "P99 |d|",
        "COSINE",
        "FLIPS");
    for (OutputParity p : r.outputs()) {
      String name = p.name().length() > 28 ? p.name().substring(0, 27) + "…" : p.name();
      if (p.isFloat()) {
        out.printf(
            Locale.ROOT,
            "%-28s %10.6f %10.6f %10.6f %10.6f %8s%n",
            name,
            p.maxAbsDiff(),
            p.meanAbsDiff(),
            p.p99AbsDiff(),
            p.cosineSimilarity(),
            p.decisionFlips() == null ? "-" : p.decisionFlips() + "/" + p.rows());
      } else {
        out.printf(
            Locale.ROOT,
            "%-28s %s%n",
            name,
            p.labelMismatches() + " of " + p.elements() + " labels differ");
      }
    }
    out.printf(
        Locale.ROOT,
        "%s: max_abs_diff %.6f (tolerance %s), mean_abs_diff %.6f (tolerance %s) over %d samples%n",
        r.passed() ? "PASSED" : "FAILED",
        r.maxAbsDiff(),
        r.absTol(),
        r.meanAbsDiff(),
        r.meanTol(),
        r.samples());
    for (String w : r.warnings()) {
      out.println("note: " + w);
    }
  }
}
