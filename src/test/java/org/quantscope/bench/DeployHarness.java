// SPDX-License-Identifier: Apache-2.0
package org.quantscope.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quantscope.deploy.NodeSaturation;
import org.quantscope.deploy.SaturationCheck;
import org.quantscope.deploy.SaturationReport;
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

/**
 * What the saturation emulation of check-deploy costs against a parity check of the same models on
 * the same samples, in one JVM after one warm-up of each. Not a test; run it by hand:
 *
 * <pre>
 * ./mvnw -q test-compile dependency:copy-dependencies -DincludeScope=runtime \
 *     -DoutputDirectory=target/lib
 * java -cp "target/test-classes:target/classes:target/lib/*" \
 *     org.quantscope.bench.DeployHarness MODEL SAMPLES [REPETITIONS]
 * </pre>
 *
 * The model is quantized with the defaults in memory first (not timed); samples are made up (batch
 * 1, sequence 128 given explicitly), seed 0, one per run.
 */
public final class DeployHarness {
  private DeployHarness() {}

  public static void main(String[] args) throws Exception {
    Path in = Path.of(args[0]);
    int samples = Integer.parseInt(args[1]);
    int reps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    OnnxModel fp32 = ModelFiles.load(in);
    Synthesizer.Options o = Synthesizer.Options.of(samples, 0);
    List<Map<String, NdArray>> feeds =
        Synthesizer.synthesize(
            fp32,
            new Synthesizer.Options(
                samples, 0, Map.of("sequence", Synthesizer.DEFAULT_SEQUENCE), o.distribution()));
    DynamicQuantizer.Output q =
        DynamicQuantizer.quantize(fp32, QuantizeOptions.DEFAULTS, Progress.NONE);
    OrtRuntime.SessionConfig sessions = OrtRuntime.SessionConfig.DEFAULT;
    ModelSource a = ModelSource.of(fp32, "fp32", -1);
    ModelSource b = ModelSource.of(q.model(), "int8", -1);
    ParityOptions tol = new ParityOptions(1e9, 1e9, 0.5, java.util.Set.of(), 40);
    double parity = Double.MAX_VALUE;
    double check = Double.MAX_VALUE;
    SaturationReport last = null;
    for (int r = 0; r <= reps; r++) {
      long t0 = System.nanoTime();
      ParityCheck.check(a, b, feeds, tol, sessions, List.of(), Progress.NONE);
      long t1 = System.nanoTime();
      last = SaturationCheck.check(b, feeds, sessions, Progress.NONE);
      long t2 = System.nanoTime();
      if (r > 0) {
        parity = Math.min(parity, (t1 - t0) / 1e6);
        check = Math.min(check, (t2 - t1) / 1e6);
      }
    }
    long pairs = last.nodes().stream().mapToLong(NodeSaturation::pairs).sum();
    System.out.printf(
        Locale.ROOT,
        "%s: %d samples, %d nodes emulated, %,d pairs: parity %.0f ms, emulation %.0f ms (%.1fx),"
            + " best of %d%n",
        in.getFileName(),
        samples,
        last.nodes().size(),
        pairs,
        parity,
        check,
        check / parity,
        reps);
  }
}
