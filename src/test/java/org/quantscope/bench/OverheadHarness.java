// SPDX-License-Identifier: Apache-2.0
package org.quantscope.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.progress.Progress;
import org.quantscope.runtime.ModelRunner;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.runtime.Synthesizer;

/**
 * Measures what {@link LatencyBenchmark}'s loop adds over a bare {@code session.run} loop: both run
 * the same session on the same pre-made tensors N times, alternately, several rounds; the wall time
 * of each loop is compared. Not a test; run by hand:
 *
 * <pre>
 * java -cp "target/test-classes:target/classes:target/lib/*" \
 *     org.quantscope.bench.OverheadHarness MODEL [RUNS] [ROUNDS]
 * </pre>
 */
public final class OverheadHarness {
  private OverheadHarness() {}

  public static void main(String[] args) throws Exception {
    OnnxModel model = ModelFiles.load(Path.of(args[0]));
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    List<Map<String, NdArray>> feeds = Synthesizer.synthesize(model, Synthesizer.Options.of(1, 0));
    try (ModelRunner runner = ModelRunner.open(model, OrtRuntime.SessionConfig.DEFAULT)) {
      OrtSession s = runner.session();
      Map<String, OnnxTensor> t = runner.tensors(feeds.get(0));
      LatencyBenchmark.Subject subject =
          new LatencyBenchmark.Subject(runner, args[0], "reference", 0);
      LatencyBenchmark.Options opts = new LatencyBenchmark.Options(0, runs, 0);
      for (int w = 0; w < runs; w++) {
        s.run(t).close();
      }
      double bareTotal = 0;
      double oursTotal = 0;
      double[] ratios = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < runs; i++) {
          try (OrtSession.Result res = s.run(t)) {
            res.size();
          }
        }
        long bare = System.nanoTime() - t0;
        long t1 = System.nanoTime();
        LatencyBenchmark.measure(List.of(subject), feeds, opts, Progress.NONE);
        long ours = System.nanoTime() - t1;
        bareTotal += bare;
        oursTotal += ours;
        ratios[r] = (double) ours / bare;
        System.out.printf(
            Locale.ROOT,
            "round %d: bare %.2f us/run, benchmark loop %.2f us/run (%+.2f%%)%n",
            r + 1,
            bare / 1e3 / runs,
            ours / 1e3 / runs,
            100.0 * (ours - bare) / bare);
      }
      java.util.Arrays.sort(ratios);
      System.out.printf(
          Locale.ROOT,
          "overall: benchmark loop adds %+.2f%% over the bare loop (total time); median of rounds"
              + " %+.2f%%%n",
          100.0 * (oursTotal - bareTotal) / bareTotal,
          100.0 * (ratios[rounds / 2] - 1));
      t.values().forEach(OnnxTensor::close);
    }
    // What the loop does besides session.run, timed without ORT: two clock reads, a
    // cancellation check and a store per run.
    long[] times = new long[1 << 20];
    long t0 = System.nanoTime();
    int n = 20_000_000;
    for (int i = 0; i < n; i++) {
      org.quantscope.progress.Cancellation.check();
      long a = System.nanoTime();
      times[i & (times.length - 1)] = System.nanoTime() - a;
    }
    double perRun = (System.nanoTime() - t0) / (double) n;
    System.out.printf(Locale.ROOT, "loop bookkeeping: %.1f ns per run%n", perRun);
  }
}
