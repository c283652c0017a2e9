// SPDX-License-Identifier: Apache-2.0
package org.quantscope.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.ParityCheck;
import org.quantscope.parity.ParityOptions;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.runtime.Synthesizer;
import org.quantscope.sensitivity.NodeSensitivity;
import org.quantscope.sensitivity.Sensitivity;
import org.quantscope.sensitivity.SensitivityReport;
import org.quantscope.sensitivity.Study;
import org.quantscope.trace.ErrorTrace;
import org.quantscope.trace.NodeError;
import org.quantscope.trace.TraceReport;

/**
 * What an error trace costs against a parity check of the same models on the same samples, and how
 * its ranking compares with the sensitivity analysis. Not a test; run it by hand, one mode per
 * process so that the peak memory (VmHWM) is the mode's own:
 *
 * <pre>
 * ./mvnw -q test-compile dependency:copy-dependencies -DincludeScope=runtime \
 *     -DoutputDirectory=target/lib
 * java -cp "target/test-classes:target/classes:target/lib/*" \
 *     org.quantscope.bench.TraceHarness MODEL SAMPLES parity|trace|overlap [TOP]
 * </pre>
 *
 * The model is quantized with the defaults in memory first (not timed); samples are made up (batch
 * 1, sequence 128), seed 0. {@code overlap} runs both the trace and the sensitivity analysis and
 * prints how many of the TOP (default 5) nodes the two rankings share.
 */
public final class TraceHarness {
  private TraceHarness() {}

  public static void main(String[] args) throws Exception {
    Path in = Path.of(args[0]);
    int samples = Integer.parseInt(args[1]);
    String mode = args[2];
    int top = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    OnnxModel fp32 = ModelFiles.load(in);
    List<Map<String, NdArray>> feeds =
        Synthesizer.synthesize(fp32, Synthesizer.Options.of(samples, 0));
    DynamicQuantizer.Output q =
        DynamicQuantizer.quantize(fp32, QuantizeOptions.DEFAULTS, Progress.NONE);
    OrtRuntime.SessionConfig sessions = OrtRuntime.SessionConfig.DEFAULT;
    ModelSource a = ModelSource.of(fp32, "fp32", -1);
    ModelSource b = ModelSource.of(q.model(), "int8", -1);
    List<String> notes = Environment.detectInt8Notes(sessions);
    System.gc();
    long t0 = System.nanoTime();
    TraceReport trace = null;
    switch (mode) {
      case "parity" ->
          ParityCheck.check(a, b, feeds, ParityOptions.DEFAULTS, sessions, notes, Progress.NONE);
      case "trace", "overlap" ->
          trace =
              ErrorTrace.trace(
                  a, b, q.result(), feeds, ParityOptions.DEFAULTS, sessions, notes, Progress.NONE);
      default -> throw new IllegalArgumentException("mode: parity, trace or overlap");
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "%s %s: %d samples, %.1f s, peak RSS %.0f MB, heap used %.0f MB%n",
        in.getFileName(),
        mode,
        samples,
        seconds,
        peakRssMb(),
        (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1e6);
    if (trace == null) {
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "  %d tensors, %d activations, %d quantized nodes%n",
        trace.tensors().size(),
        trace.activations().size(),
        trace.nodes().size());
    List<String> traced = new ArrayList<>();
    for (NodeError n : trace.nodes().subList(0, Math.min(top, trace.nodes().size()))) {
      traced.add(n.node());
      System.out.printf(
          Locale.ROOT,
          "  trace %d. %s (introduced %.1f dB)%n",
          n.rank(),
          n.node(),
          n.introducedDb());
    }
    if (mode.equals("overlap")) {
      SensitivityReport s =
          Sensitivity.analyze(
              Study.of(fp32, QuantizeOptions.DEFAULTS, feeds, ParityOptions.DEFAULTS, sessions),
              Progress.NONE);
      Set<String> sens = new LinkedHashSet<>();
      for (NodeSensitivity n : s.nodes().subList(0, Math.min(top, s.nodes().size()))) {
        sens.add(n.node());
        System.out.printf(
            Locale.ROOT, "  sensitivity %d. %s (impact %.3f)%n", n.rank(), n.node(), n.impact());
      }
      long shared = traced.stream().filter(sens::contains).count();
      System.out.printf(
          Locale.ROOT,
          "  overlap of the top %d: %d; trace's first is sensitivity's rank %d%n",
          top,
          shared,
          s.nodes().stream()
              .filter(n -> n.node().equals(traced.get(0)))
              .findFirst()
              .map(NodeSensitivity::rank)
              .orElse(-1));
    }
  }

  /** The process's peak resident set (VmHWM), in MB; -1 where /proc is not there. */
  static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
        }
      }
    } catch (java.io.IOException e) {
      // no /proc
    }
    return -1;
  }
}
