// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.quantscope.deploy.RuntimeSupport;
import org.quantscope.deploy.TargetOptions;
import org.quantscope.json.JsonDocument;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.SaveOptions;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.quantize.QuantizationDetector;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.report.Figures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quantscope quantize}: ONNX Runtime's dynamic INT8 quantization. */
@Command(
    name = "quantize",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Quantize a model like ONNX Runtime's quantize_dynamic.",
      "",
      "INT8 weights, activations quantized at run time; the defaults give ORT's output byte for"
          + " byte. Writes OUT atomically, prints its size, and exits 1 without writing when"
          + " nothing in the model would be quantized.",
      "",
      "With --auto-exclude, finds the nodes to leave in float, keeping the most weight bytes in"
          + " int8, so that the model passes"
          + " --abs-tol and --mean-tol on the samples (--inputs, or made up), writes that model,"
          + " and exits 1 without writing when no subset passes."
    })
final class QuantizeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ModelArgument model;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "OUT",
      description = "Where to write the quantized model (default: MODEL with .int8.onnx).")
  Path output;

  @Mixin QuantizeFlags quantize;

  @Option(
      names = "--like",
      paramLabel = "INT8",
      description =
          "Read how INT8 (an int8 model made from this float model) was quantized and quantize"
              + " the same way; the flags above change what it read.")
  Path like;

  @Option(
      names = "--target",
      paramLabel = "cpu|web|cuda|mobile",
      description =
          "Where the model will run: chooses the options that avoid what that runtime cannot run"
              + " (uint8 weights for Conv on cpu and web, Conv, LSTM and Attention left in float"
              + " for the reduced mobile package) and says what no option avoids (CUDA).")
  String runtimeTarget;

  @Option(
      names = "--external-data",
      description = "Write the weights to OUT.data beside OUT (automatic above 2 GB).")
  boolean externalData;

  @Option(
      names = {"--report", "--json"},
      paramLabel = "FILE",
      description =
          "Also write what was quantized (per node: weights, scales, error) as JSON; '-' is"
              + " standard output (the text then goes to standard error).")
  Path report;

  @Option(
      names = "--auto-exclude",
      description =
          "Leave in float the least needed for parity within the tolerances, keeping the most"
              + " weight bytes in int8 (ranked by sensitivity, greedy, a pass putting back nodes"
              + " excluded without need, then every set that would keep more bytes in int8 when"
              + " there are few).")
  boolean autoExclude;

  @Mixin SampleOptions samples;

  @Mixin ToleranceOptions tolerances;

  @Option(
      names = "--bench",
      description = "With --auto-exclude: also time fp32, all-int8 and the result.")
  boolean bench;

  @Option(
      names = "--search-report",
      paramLabel = "FILE",
      description =
          "With --auto-exclude: write the search (excluded nodes, parity before and after,"
              + " sizes, the sensitivity ranking) as JSON; '-' is standard output.")
  Path searchReport;

  /** Options that only mean something with --auto-exclude. */
  private static final List<String> AUTO_EXCLUDE_ONLY =
      List.of(
          "--inputs",
          "--samples",
          "--seed",
          "--dim",
          "--distribution",
          "--threads",
          "--opt-level",
          "--x64-quant-precision",
          "--abs-tol",
          "--mean-tol",
          "--threshold",
          "--bench",
          "--search-report");

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path in = model.path();
    Path target = output != null ? output : defaultOutput(in);
    if (in.toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize())
        || (Files.exists(target) && Files.exists(in) && Files.isSameFile(in, target))) {
      throw new IllegalArgumentException(
          "the output " + target + " is the input model; choose another name with -o");
    }
    if (!autoExclude) {
      for (String name : AUTO_EXCLUDE_ONLY) {
        if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
          throw new IllegalArgumentException(name + " is only used with --auto-exclude");
        }
      }
    }
    if (like != null && quantize.recipe != null) {
      throw new IllegalArgumentException("give --like or --recipe, not both");
    }
    OnnxModel m = EarlyModel.load(in);
    QuantizeOptions options = options(m, err);
    if (runtimeTarget != null) {
      TargetOptions.Choice c =
          TargetOptions.choose(
              RuntimeSupport.Target.of(runtimeTarget),
              options,
              m.graph(),
              quantize.weightType != null);
      c.changes().forEach(x -> err.println("target " + runtimeTarget + ": " + x));
      c.notes().forEach(x -> err.println("target " + runtimeTarget + ": note: " + x));
      options = c.options();
    }
    SaveOptions save = externalData ? SaveOptions.withExternalData() : SaveOptions.DEFAULT;
    Outputs.check(
        java.util.Arrays.asList(
            target,
            externalData ? target.resolveSibling(target.getFileName() + ".data") : null,
            report,
            searchReport),
        m);
    DynamicQuantizer.Output o;
    try {
      if (autoExclude) {
        return new AutoExcludeRun(samples, tolerances, bench, searchReport, out, err)
            .run(m, in, target, options, save, report);
      }
      o = DynamicQuantizer.quantizeTo(m, options, target, save, new ProgressLine(err));
    } catch (NothingToQuantizeException e) {
      err.println("quantscope: " + in.getFileName() + ": " + e.getMessage());
      err.println("Nothing was written. See 'quantscope inspect " + in + "' for every node.");
      return ExitCodes.CHECK_FAILED;
    }
    QuantizationResult r = o.result();
    PrintWriter text = JsonOut.text(out, err, report);
    if (report != null) {
      JsonOut.write(report, JsonDocument.QUANTIZATION, r, out);
    }
    text.println("Wrote " + target);
    JsonOut.wrote(report, text);
    text.println(summary(r));
    return ExitCodes.OK;
  }

  static Path defaultOutput(Path in) {
    String name = in.getFileName().toString();
    String base =
        name.toLowerCase(Locale.ROOT).endsWith(".onnx")
            ? name.substring(0, name.length() - 5)
            : name;
    return in.resolveSibling(base + ".int8.onnx");
  }

  static String summary(QuantizationResult r) {
    StringBuilder sb = new StringBuilder();
    if (r.fileBytesBefore() > 0 && r.fileBytesAfter() > 0) {
      sb.append(Figures.size(r.fileBytesBefore()))
          .append(" -> ")
          .append(Figures.size(r.fileBytesAfter()))
          .append(
              String.format(
                  Locale.ROOT,
                  " (%.1fx smaller), ",
                  (double) r.fileBytesBefore() / r.fileBytesAfter()));
    }
    return sb.append(r.quantizedCount())
        .append(" of ")
        .append(r.candidateCount())
        .append(" nodes quantized")
        .toString();
  }

  private QuantizeOptions options(OnnxModel m, PrintWriter err) throws java.io.IOException {
    if (like == null) {
      return quantize.options(m.proto());
    }
    QuantizationDetector.Detection d = QuantizationDetector.detect(EarlyModel.load(like));
    if (!d.facts().quantized()) {
      throw new org.quantscope.model.ModelFormatException(
          like + ": not quantized, so there is nothing to be like; expected an int8 model");
    }
    if (!d.facts().method().equals("dynamic")) {
      throw new org.quantscope.model.ModelFormatException(
          like
              + ": quantized as "
              + d.facts().method()
              + "; --like reproduces ONNX Runtime's dynamic quantization only");
    }
    err.println("like " + like.getFileName() + ": " + d.headline());
    return quantize.on(d.options());
  }
}
