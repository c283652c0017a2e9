// SPDX-License-Identifier: Apache-2.0
package org.quantscope.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.SaveOptions;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantizeOptions;

/**
 * Times the phases of a quantization run (load, quantize in memory, write) in one JVM. Not a test;
 * run it by hand:
 *
 * <pre>
 * ./mvnw -q test-compile
 * java -cp "target/test-classes:target/classes:target/lib/*" \
 *     org.quantscope.bench.QuantizeHarness MODEL OUT [--per-channel] [REPETITIONS]
 * </pre>
 */
public final class QuantizeHarness {
  private QuantizeHarness() {}

  public static void main(String[] args) throws Exception {
    Path in = Path.of(args[0]);
    Path out = Path.of(args[1]);
    boolean pc = args.length > 2 && args[2].equals("--per-channel");
    int reps = args.length > (pc ? 3 : 2) ? Integer.parseInt(args[pc ? 3 : 2]) : 3;
    QuantizeOptions options = QuantizeOptions.builder().perChannel(pc).build();
    for (int r = 0; r < reps; r++) {
      long t0 = System.nanoTime();
      OnnxModel m = ModelFiles.load(in);
      long t1 = System.nanoTime();
      DynamicQuantizer.Output o = DynamicQuantizer.quantize(m, options, Progress.NONE);
      long t2 = System.nanoTime();
      ModelFiles.save(o.model(), out, SaveOptions.DEFAULT);
      long t3 = System.nanoTime();
      System.out.printf(
          Locale.ROOT,
          "run %d: load %.0f ms, quantize %.0f ms, write %.0f ms, total %.0f ms (%d nodes, %.1f MB"
              + " out)%n",
          r + 1,
          (t1 - t0) / 1e6,
          (t2 - t1) / 1e6,
          (t3 - t2) / 1e6,
          (t3 - t0) / 1e6,
          o.result().quantizedCount(),
          Files.size(out) / 1e6);
    }
  }
}
