// SPDX-License-Identifier: Apache-2.0
package org.quantscope.sensitivity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quantscope.bench.Environment;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.ParityOptions;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;

/**
 * Per-node sensitivity analysis: which quantizable node breaks parity? For each node the quantizer
 * would quantize under the given options, the model is quantized with only that node in int8, and
 * with every candidate but that one in int8; each variant runs on the samples and is compared with
 * the float model using the parity metrics. Nodes are ranked by {@link NodeSensitivity#impact()}.
 *
 * <p>Variants are built in memory and sessions created from bytes; the float model runs once;
 * weights are quantized once. Several variants are evaluated at the same time (by default one per
 * core, each session with one ONNX Runtime thread). Progress is reported per variant; an
 * interrupted analysis throws {@link java.util.concurrent.CancellationException}, stops every
 * session it started and returns nothing.
 */
public final class Sensitivity {
  private Sensitivity() {}

  /** At most this many variants at once by default: each holds a copy of the int8 model. */
  static final int MAX_AUTO_PARALLELISM = 4;

  /**
   * Analyses every quantizable node with automatic parallelism.
   *
   * @param model the float model
   * @param options quantization options; the candidates are the nodes these would quantize
   * @param feeds the samples, as for {@code ParityCheck.run}
   * @param parity tolerances and threshold the variants are judged with
   * @param sessions ONNX Runtime settings; with 0 threads, each session gets its share of the cores
   * @throws NothingToQuantizeException if no node would be quantized
   * @throws IOException if a model cannot be run on the samples
   */
  public static SensitivityReport analyze(
      OnnxModel model,
      QuantizeOptions options,
      List<Map<String, NdArray>> feeds,
      ParityOptions parity,
      OrtRuntime.SessionConfig sessions,
      Progress progress)
      throws IOException, NothingToQuantizeException {
    return analyze(model, options, feeds, parity, sessions, 0, progress);
  }

  /**
   * Analyses every quantizable node.
   *
   * @param parallelism variants evaluated at the same time; 0 chooses (see {@link #plan})
   * @see #analyze(OnnxModel, QuantizeOptions, List, ParityOptions, OrtRuntime.SessionConfig,
   *     Progress)
   */
  public static SensitivityReport analyze(
      OnnxModel model,
      QuantizeOptions options,
      List<Map<String, NdArray>> feeds,
      ParityOptions parity,
      OrtRuntime.SessionConfig sessions,
      int parallelism,
      Progress progress)
      throws IOException, NothingToQuantizeException {
    long t0 = System.nanoTime();
    Plan plan = plan(sessions, parallelism);
    Variants.Steps steps = new Variants.Steps(progress, 0);
    try (Variants v =
        Variants.open(
            model,
            options,
            feeds,
            parity,
            plan.sessions(),
            plan.parallelism(),
            warnings(plan.sessions()),
            steps)) {
      return analyze(v, steps, t0);
    }
  }

  /**
   * How many variants run at once, and with how many ONNX Runtime threads each.
   *
   * @param parallelism variants evaluated at the same time
   * @param sessions the session settings every variant (and the float model) runs with
   */
  public record Plan(int parallelism, OrtRuntime.SessionConfig sessions) {}

  /**
   * The plan for a request: given parallelism and threads are kept; 0 parallelism means one variant
   * per share of the cores (per core when threads are 0, at most {@value #MAX_AUTO_PARALLELISM}); 0
   * threads with several variants at once means the cores split between them.
   */
  public static Plan plan(OrtRuntime.SessionConfig sessions, int parallelism) {
    if (parallelism < 0) {
      throw new IllegalArgumentException("parallelism must be >= 0, got " + parallelism);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    int threads = sessions.intraOpThreads();
    int p = parallelism;
    if (p == 0) {
      p = threads > 0 ? Math.max(1, cores / threads) : Math.min(cores, MAX_AUTO_PARALLELISM);
    }
    if (threads == 0 && p > 1) {
      threads = Math.max(1, cores / p);
    }
    return new Plan(
        p,
        new OrtRuntime.SessionConfig(threads, sessions.optLevel(), sessions.x64QuantPrecision()));
  }

  /** The parity command's warning about CPUs whose int8 kernels may saturate, when it applies. */
  static List<String> warnings(OrtRuntime.SessionConfig sessions) {
    if (sessions.x64QuantPrecision()) {
      return List.of();
    }
    String w = Environment.detect(OrtRuntime.version(), sessions.intraOpThreads()).int8Warning();
    return w == null ? List.of() : List.of(w);
  }

  /** The two variants per candidate on open variants, ranked. */
  static SensitivityReport analyze(Variants v, Variants.Steps steps, long t0) throws IOException {
    List<String> ids = v.ids();
    steps.total(2 + 2L * ids.size());
    List<Set<String>> sets = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (String id : ids) {
      sets.add(Set.of(id));
      labels.add("only " + id + " in int8");
      Set<String> others = new LinkedHashSet<>(ids);
      others.remove(id);
      sets.add(others);
      labels.add("all but " + id + " in int8");
    }
    List<Variants.Trial> trials = v.evaluateAll(sets, labels, steps);
    double full = v.full().error().toleranceRatio();
    Map<String, Double> sqnr = sqnrByNode(v.fullResult());
    List<NodeSensitivity> nodes = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      VariantError only = trials.get(2 * i).error();
      VariantError allBut = trials.get(2 * i + 1).error();
      double saved = Math.max(0, full - allBut.toleranceRatio());
      double impact = (only.toleranceRatio() + saved) / 2;
      nodes.add(
          new NodeSensitivity(
              ids.get(i),
              v.candidates().get(i).op(),
              0,
              impact,
              only,
              allBut,
              sqnr.get(ids.get(i))));
    }
    List<NodeSensitivity> ranked = rank(nodes);
    steps.finish("ranked " + ids.size() + " nodes");
    return new SensitivityReport(
        ranked,
        v.full().report(),
        ids.size(),
        v.variantsRun(),
        v.samples(),
        v.parallelism(),
        v.sessions().intraOpThreads(),
        (System.nanoTime() - t0) / 1_000_000,
        v.warnings());
  }

  /**
   * Sorts by impact, then by decision flips of the only-this variant, then by graph order, and
   * numbers the ranks from 1.
   */
  static List<NodeSensitivity> rank(List<NodeSensitivity> nodes) {
    Map<NodeSensitivity, Integer> order = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      order.put(nodes.get(i), i);
    }
    List<NodeSensitivity> sorted = new ArrayList<>(nodes);
    sorted.sort(
        Comparator.comparingDouble(NodeSensitivity::impact)
            .reversed()
            .thenComparing(
                Comparator.comparingLong((NodeSensitivity n) -> n.onlyThis().decisionFlips())
                    .reversed())
            .thenComparing(order::get));
    List<NodeSensitivity> out = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      NodeSensitivity n = sorted.get(i);
      out.add(
          new NodeSensitivity(
              n.node(), n.op(), i + 1, n.impact(), n.onlyThis(), n.allButThis(), n.sqnrDb()));
    }
    return out;
  }

  private static Map<String, Double> sqnrByNode(QuantizationResult r) {
    Map<String, Double> out = new HashMap<>();
    for (QuantizationResult.NodeReport n : r.quantized()) {
      for (QuantizationResult.WeightReport w : n.weights()) {
        out.merge(n.node(), w.sqnrDb(), Math::min);
      }
    }
    return out;
  }
}
