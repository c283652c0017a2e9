// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.quantscope.deploy.DeployCheck;
import org.quantscope.deploy.DeployReport;
import org.quantscope.deploy.NodeSaturation;
import org.quantscope.deploy.RuntimeSupport;
import org.quantscope.deploy.SaturationReport;
import org.quantscope.json.JsonDocument;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.report.Figures;
import org.quantscope.runtime.ModelSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code quantscope check-deploy}: will this int8 model work where it ships? */
@Command(
    name = "check-deploy",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Check whether an int8 model will work on the CPUs and runtimes it ships to.",
      "",
      "Emulates, on the samples, the u8 x s8 kernel of x86 CPUs without VNNI (AVX2, AVX-512"
          + " without VNNI), which adds adjacent pairs of 8-bit products into 16 bits and"
          + " saturates: per MatMulInteger, the pairs that overflow, the largest overflow and the"
          + " output error the clamp causes (ConvInteger is recomputed too: its kernel cannot"
          + " saturate). When some saturate and --float is given, quantizes"
          + " the float model again with --reduce-range and emulates that too. Lists the ops that"
          + " ONNX Runtime's CPU EP (by version), onnxruntime-web, the CUDA EP and the reduced"
          + " mobile package cannot run. Exits 0 when safe, 1 when at risk, 2 on bad input."
    })
final class CheckDeployCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "INT8", description = "The int8 model to check.")
  Path model;

  @Option(
      names = "--float",
      paramLabel = "MODEL",
      description =
          "The float model INT8 was made from: with it, the --reduce-range alternative is"
              + " quantized and emulated on the same samples instead of argued from its bound.")
  Path floatModel;

  @Mixin SampleOptions samples;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description =
          "Also write the check as JSON; '-' is standard output (the table then goes to standard"
              + " error).")
  Path json;

  @Mixin NameWidth names;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter text = JsonOut.text(out, err, json);
    OnnxModel int8 = EarlyModel.load(model);
    OnnxModel fp32 = floatModel == null ? null : EarlyModel.load(floatModel);
    List<Path> outputs = json == null ? List.of() : List.of(json);
    if (fp32 == null) {
      Outputs.check(outputs, int8);
    } else {
      Outputs.check(outputs, int8, fp32);
    }
    var feeds = samples.source().read(int8);
    DeployReport r =
        DeployCheck.check(
                ModelSource.of(int8, model.toString(), ModelFiles.sizeBytes(int8)),
                fp32,
                feeds,
                samples.sessionConfig(),
                new ProgressLine(err))
            .withSamplesFrom(samples.source().origin(int8, feeds));
    if (json != null) {
      JsonOut.write(json, JsonDocument.CHECK_DEPLOY, r, out);
    }
    print(r, names.width(), text);
    JsonOut.wrote(json, text);
    return r.atRisk() ? ExitCodes.CHECK_FAILED : ExitCodes.OK;
  }

  /** The tables and the verdict; node names whole up to {@code nameWidth} characters. */
  static void print(DeployReport r, int nameWidth, PrintWriter out) {
    SaturationReport s = r.saturation();
    List<NodeSaturation> nodes = s.nodes();
    if (!nodes.isEmpty()) {
      int w =
          Math.max(
              4,
              nodes.stream()
                  .mapToInt(n -> SensitivityCommand.clip(n.node(), nameWidth).length())
                  .max()
                  .orElse(4));
      String row = "%-" + w + "s  %-6s %12s %12s %8s %9s %10s %10s %8s%n";
      out.printf(
          Locale.ROOT,
          row,
          "NODE",
          "KERNEL",
          "PAIRS",
          "SATURATED",
          "SHARE",
          "LARGEST",
          "CHANGED",
          "MAX |ERR|",
          "REL ERR");
      for (NodeSaturation n : nodes) {
        out.printf(
            Locale.ROOT,
            row,
            SensitivityCommand.clip(n.node(), nameWidth),
            n.kernel(),
            Figures.count(n.pairs()),
            Figures.count(n.saturatedPairs()),
            Figures.share(n.saturatedShare()),
            n.saturates() ? "+" + Figures.count(n.largestOverflow()) : "-",
            Figures.share(n.outputs() == 0 ? null : n.outputsChanged() / (double) n.outputs()),
            n.maxAbsError() == null ? "-" : Figures.diff(n.maxAbsError()),
            Figures.share(n.relativeError()));
      }
      out.println(
          "Emulated on "
              + Figures.count(s.samples())
              + " samples in "
              + s.runs()
              + (s.runs() == 1 ? " run" : " runs")
              + (r.samplesFrom() == null ? "" : " (" + r.samplesFrom().describe() + ")")
              + "; "
              + thisCpu(s.thisCpu()));
    }
    for (String note : s.notes()) {
      out.println("note: " + note);
    }
    if (r.alternative() != null && r.alternativeSaturation() != null) {
      out.println(
          "With "
              + r.alternative().options()
              + " (emulated on the same samples): "
              + r.alternative().saturatingNodes()
              + " saturating nodes, "
              + Figures.count(r.alternative().saturatedPairs())
              + " saturated pairs");
    }
    List<RuntimeSupport.Problem> problems = r.runtimeProblems();
    if (!problems.isEmpty()) {
      out.println("Where it will run:");
      List<String> lines = new ArrayList<>();
      for (RuntimeSupport.Problem p : problems) {
        lines.add(
            String.format(
                Locale.ROOT,
                "  %-7s %-8s %s (%d node%s)",
                p.target(),
                p.severity(),
                p.message(),
                p.nodes(),
                p.nodes() == 1 ? "" : "s"));
      }
      lines.forEach(out::println);
    }
    out.println("Verdict: " + r.verdict());
  }

  private static String thisCpu(String cpu) {
    return switch (cpu) {
      case "exact" ->
          "ONNX Runtime on this CPU computed the exact sums (it has VNNI, or nothing"
              + " saturated)";
      case "saturating" -> "ONNX Runtime on this CPU computed the clamped sums, as emulated";
      case "mixed" -> "ONNX Runtime on this CPU matched neither emulation everywhere";
      default -> "nothing emulated";
    };
  }
}
