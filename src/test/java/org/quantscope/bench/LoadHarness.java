// SPDX-License-Identifier: Apache-2.0
package org.quantscope.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.quantscope.graph.ModelSummary;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.quantize.Summaries;

/**
 * Measures opening a model: {@code ModelFiles.load} and the {@code inspect} summary, wall time per
 * repetition, and the heap the loaded model holds. Not a test; run it by hand:
 *
 * <pre>
 * ./mvnw -q test-compile
 * java -Xmx4g -cp "target/test-classes:target/classes:target/lib/*" \
 *     org.quantscope.bench.LoadHarness MODEL [REPETITIONS]
 * </pre>
 */
public final class LoadHarness {
  private LoadHarness() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    long size = Files.size(file);
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    double[] loadMs = new double[reps];
    double[] summaryMs = new double[reps];
    long heldBytes = 0;
    for (int i = 0; i < reps; i++) {
      System.gc();
      long before = mem.getHeapMemoryUsage().getUsed();
      long t0 = System.nanoTime();
      OnnxModel m = ModelFiles.load(file);
      long t1 = System.nanoTime();
      ModelSummary s = Summaries.summarize(m);
      long t2 = System.nanoTime();
      System.gc();
      heldBytes = mem.getHeapMemoryUsage().getUsed() - before;
      loadMs[i] = (t1 - t0) / 1e6;
      summaryMs[i] = (t2 - t1) / 1e6;
      if (s.nodeCount() < 0 || m.proto() == null) {
        throw new AssertionError();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%s: %.1f MB%nload    ms: %s (best %.0f)%nsummary ms: %s (best %.0f)%n"
            + "heap held by the loaded model: %.1f MB (%.2fx the file)%n",
        file.getFileName(),
        size / 1e6,
        Arrays.toString(round(loadMs)),
        Arrays.stream(loadMs).min().orElse(0),
        Arrays.toString(round(summaryMs)),
        Arrays.stream(summaryMs).min().orElse(0),
        heldBytes / 1e6,
        heldBytes / (double) size);
  }

  private static long[] round(double[] v) {
    return Arrays.stream(v).mapToLong(Math::round).toArray();
  }
}
