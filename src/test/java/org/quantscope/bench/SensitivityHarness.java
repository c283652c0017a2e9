// SPDX-License-Identifier: Apache-2.0
package org.quantscope.bench;

import java.nio.file.Path;
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
import org.quantscope.quantize.WeightCache;
import org.quantscope.runtime.ModelRunner;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.runtime.SharedWeights;
import org.quantscope.runtime.Synthesizer;
import org.quantscope.sensitivity.AutoExclude;
import org.quantscope.sensitivity.AutoExcludeResult;
import org.quantscope.sensitivity.Sensitivity;
import org.quantscope.sensitivity.SensitivityReport;
import org.quantscope.sensitivity.Study;

/**
 * Times a sensitivity analysis and an automatic exclusion in one JVM, and the parts one variant
 * costs (quantize in memory with cached weights, serialize, create the session, run the samples).
 * Not a test; run it by hand:
 *
 * <pre>
 * ./mvnw -q test-compile
 * java -cp "target/test-classes:target/classes:target/lib/*" \
 *     org.quantscope.bench.SensitivityHarness MODEL SAMPLES [OP_TYPES] [PARALLELISM] [FIRST]
 * </pre>
 *
 * OP_TYPES is a comma-separated list or "all"; FIRST analyses only the first FIRST samples (to see
 * how far a ranking on a slice is from the ranking on all of them); the harness prints a digest of
 * the top 20 (nodes and figures) and of the auto-exclude choice, and with {@code -Dharness.list=1}
 * every node (rank, name, impact); samples are made up, tolerances are the parity defaults (0.04 /
 * 0.01). The made-up samples are one token long unless {@code -Dharness.sequence=N} says otherwise:
 * issue 17's figures for MiniLM were all taken on such samples (the synthesizer then took the
 * exporter's [1, 512] position ids for the position table; the command line now makes up 128
 * tokens, as documented), and keeping them keeps those figures comparable.
 */
public final class SensitivityHarness {
  private SensitivityHarness() {}

  public static void main(String[] args) throws Exception {
    Path in = Path.of(args[0]);
    int samples = Integer.parseInt(args[1]);
    Set<String> ops =
        args.length > 2 && !args[2].equals("all")
            ? new LinkedHashSet<>(List.of(args[2].split(",")))
            : Set.of();
    int parallelism = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    QuantizeOptions options = QuantizeOptions.builder().opTypes(ops).build();
    OnnxModel m = ModelFiles.load(in);
    List<Map<String, NdArray>> feeds =
        Synthesizer.synthesize(
            m,
            new Synthesizer.Options(
                samples,
                0,
                Map.of("sequence", Long.getLong("harness.sequence", 1)),
                Synthesizer.Distribution.NORMAL));
    if (args.length > 4) {
      feeds = feeds.subList(0, Integer.parseInt(args[4]));
    }
    OrtRuntime.SessionConfig cfg = OrtRuntime.SessionConfig.DEFAULT;

    // the parts of one variant, on one thread
    Study study = new Study(m, options, feeds, ParityOptions.DEFAULTS, cfg, parallelism);
    Study plan = study.resolved();
    WeightCache cache = new WeightCache();
    DynamicQuantizer.quantize(m, options, Progress.NONE, cache);
    long t0 = System.nanoTime();
    DynamicQuantizer.Output o = DynamicQuantizer.quantize(m, options, Progress.NONE, cache);
    long t1 = System.nanoTime();
    byte[] bytes = ModelFiles.inline(o.model()).toByteArray();
    long t2 = System.nanoTime();
    long open;
    long run;
    try (ModelRunner r = ModelRunner.open(o.model(), plan.sessions())) {
      open = r.loadNanos();
      long t3 = System.nanoTime();
      ParityCheck.run(r, feeds, Progress.NONE);
      run = System.nanoTime() - t3;
    }
    System.out.printf(
        Locale.ROOT,
        "%s: %d candidates; one variant serialized whole: quantize (cached weights) %.0f ms,"
            + " serialize %.0f ms (%.1f MB), create session %.0f ms (serializing included), %d runs"
            + " %.0f ms"
            + " (%d ORT threads)%n",
        in.getFileName(),
        o.result().candidateCount(),
        (t1 - t0) / 1e6,
        (t2 - t1) / 1e6,
        bytes.length / 1e6,
        open / 1e6,
        samples,
        run / 1e6,
        plan.sessions().intraOpThreads());

    // the same variant as the analysis opens it: the weights it shares with the float and the
    // fully quantized model handed to ONNX Runtime once, only the rest serialized
    try (SharedWeights shared = SharedWeights.of(List.of(m, o.model()), SharedWeights.MIN_BYTES)) {
      long u0 = System.nanoTime();
      try (ModelRunner r = shared.open(o.model(), plan.sessions())) {
        long u1 = System.nanoTime();
        System.out.printf(
            Locale.ROOT,
            "  as the analysis opens it (%d weights shared): stub and serialize %.0f ms, create"
                + " session %.0f ms%n",
            shared.count(),
            (u1 - u0 - r.loadNanos()) / 1e6,
            r.loadNanos() / 1e6);
      }
    }

    long s0 = System.nanoTime();
    SensitivityReport s = Sensitivity.analyze(study, Progress.NONE);
    long s1 = System.nanoTime();
    System.out.printf(
        Locale.ROOT,
        "sensitivity: %d variants on %d samples, %d at once x %d threads: %.1f s; worst %s%n",
        s.variants(),
        s.samples(),
        s.parallelism(),
        s.intraOpThreads(),
        (s1 - s0) / 1e9,
        s.nodes().get(0).node());

    List<org.quantscope.sensitivity.NodeSensitivity> top =
        s.nodes().subList(0, Math.min(20, s.nodes().size()));
    System.out.printf(Locale.ROOT, "top %d: digest %08x%n", top.size(), top.hashCode());
    if (System.getProperty("harness.list") != null) {
      for (org.quantscope.sensitivity.NodeSensitivity n : s.nodes()) {
        System.out.printf(Locale.ROOT, "  %d %s %.6f%n", n.rank(), n.node(), n.impact());
      }
    }

    long a0 = System.nanoTime();
    AutoExcludeResult a = AutoExclude.search(study, s, Progress.NONE);
    long a1 = System.nanoTime();
    System.out.printf(
        Locale.ROOT,
        "auto-exclude (ranking reused): %s, %d of %d left in float (digest %08x), %d more"
            + " variants, %.1f s%n",
        a.passed() ? "passed" : "nothing passes",
        a.excluded().size(),
        a.candidates(),
        a.excluded().hashCode(),
        a.variants(),
        (a1 - a0) / 1e9);
  }
}
