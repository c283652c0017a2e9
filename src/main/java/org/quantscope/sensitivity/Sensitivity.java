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
import org.quantscope.progress.Progress;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.quantize.QuantizationResult;

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
 *
 * <p><b>Stopping early.</b> Unless the study asks for {@linkplain Study#allSamples() all samples},
 * with at least {@code 2 x} {@value #SCREEN_MIN_RUNS} runs (feeds) the analysis first screens:
 * every variant runs on the first quarter of the runs (at least {@value #SCREEN_MIN_RUNS}) and the
 * nodes are ranked on that slice. Only the nodes that can matter then run on every sample: the
 * {@value #CONFIRM_TOP} most harmful on the slice (what {@code sensitivity} prints by default, and
 * where {@code --auto-exclude} takes the nodes it leaves in float) and every node whose impact on
 * the slice is at least {@value #CONFIRM_MARGIN} of the {@value #CONFIRM_TOP}th one's, so that a
 * node that only looks less harmful on the slice is confirmed too. The confirmed nodes are ranked
 * first, by their figures on all samples, exactly as a run on all samples ranks them among
 * themselves; the other nodes follow, ranked by their figures on the slice, and say so ({@link
 * NodeSensitivity#samples()}). This is measured, not proved: a node screened out would need an
 * impact on the rest of the samples more than twice its impact on the slice to belong in the top.
 * The ranking and figures of the confirmed nodes are the same as without screening (tests compare
 * both on fixtures; {@code measurements.md} on MiniLM).
 */
public final class Sensitivity {
  private Sensitivity() {}

  /** The least runs a slice holds; with fewer than twice as many runs nothing is screened. */
  static final int SCREEN_MIN_RUNS = 16;

  /** Nodes confirmed on all samples however their impacts compare. */
  static final int CONFIRM_TOP = 20;

  /** Also confirmed: a node at least this fraction of the top's last impact on the slice. */
  static final double CONFIRM_MARGIN = 0.5;

  /**
   * How the analysis stops early.
   *
   * @param minRuns the least runs in the slice ({@code 0}: never screen)
   * @param top nodes always confirmed on all samples
   * @param margin fraction of the top's last impact on the slice above which a node is confirmed
   */
  record Screen(int minRuns, int top, double margin) {
    static final Screen DEFAULT = new Screen(SCREEN_MIN_RUNS, CONFIRM_TOP, CONFIRM_MARGIN);
    static final Screen NONE = new Screen(0, 0, 0);

    /** The runs of the slice for {@code runs} feeds, or 0 when it would not save enough. */
    int sliceRuns(int runs) {
      if (minRuns <= 0) {
        return 0;
      }
      int slice = Math.max(minRuns, (runs + 3) / 4);
      return 2 * slice <= runs ? slice : 0;
    }
  }

  /**
   * Analyses every quantizable node of the study's model.
   *
   * @throws NothingToQuantizeException if no node would be quantized
   * @throws IOException if a model cannot be run on the samples
   */
  public static SensitivityReport analyze(Study study, Progress progress)
      throws IOException, NothingToQuantizeException {
    long t0 = System.nanoTime();
    Variants.Steps steps = new Variants.Steps(progress, 0);
    try (Variants v = Variants.open(study.resolved(), steps)) {
      return analyze(v, steps, t0, study.allSamples() ? Screen.NONE : Screen.DEFAULT);
    }
  }

  /** The two variants per candidate on open variants, on every sample, ranked. */
  static SensitivityReport analyze(Variants v, Variants.Steps steps, long t0) throws IOException {
    return analyze(v, steps, t0, Screen.NONE);
  }

  /** The two variants per candidate on open variants, ranked, screened as {@code screen} says. */
  static SensitivityReport analyze(Variants v, Variants.Steps steps, long t0, Screen screen)
      throws IOException {
    List<String> ids = v.ids();
    int slice = screen.sliceRuns(v.runs());
    List<NodeSensitivity> ranked;
    if (slice == 0) {
      steps.total(2 + 2L * ids.size());
      ranked = rank(measure(v, ids, steps, v.runs(), v.full()), 1);
    } else {
      steps.total(3 + 2L * ids.size());
      Variants.Trial fullOnSlice =
          v.evaluateAll(List.of(Set.copyOf(ids)), List.of("all in int8, first slice"), steps, slice)
              .get(0);
      List<NodeSensitivity> screened = rank(measure(v, ids, steps, slice, fullOnSlice), 1);
      int top = Math.min(screen.top(), screened.size());
      double bar = top == 0 ? Double.POSITIVE_INFINITY : screened.get(top - 1).impact();
      List<String> confirm = new ArrayList<>();
      for (int i = 0; i < screened.size(); i++) {
        NodeSensitivity n = screened.get(i);
        if (i < top || n.impact() >= screen.margin() * bar) {
          confirm.add(n.node());
        }
      }
      List<String> confirmed = ids.stream().filter(confirm::contains).toList();
      steps.total(steps.doneCount() + 2L * confirmed.size() + 1);
      List<NodeSensitivity> exact = rank(measure(v, confirmed, steps, v.runs(), v.full()), 1);
      List<NodeSensitivity> rest = new ArrayList<>();
      for (NodeSensitivity n : screened) {
        if (!confirm.contains(n.node())) {
          rest.add(n);
        }
      }
      ranked = new ArrayList<>(exact);
      ranked.addAll(rank(rest, exact.size() + 1));
    }
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
   * Both variants of each of {@code nodes} on the first {@code runs} feeds, unranked; {@code full}
   * is the fully quantized model on the same feeds.
   */
  private static List<NodeSensitivity> measure(
      Variants v, List<String> nodes, Variants.Steps steps, int runs, Variants.Trial full)
      throws IOException {
    List<String> ids = v.ids();
    String on = runs == v.runs() ? "" : ", first " + runs + " runs";
    List<Set<String>> sets = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (String id : nodes) {
      sets.add(Set.of(id));
      labels.add("only " + id + " in int8" + on);
      Set<String> others = new LinkedHashSet<>(ids);
      others.remove(id);
      sets.add(others);
      labels.add("all but " + id + " in int8" + on);
    }
    List<Variants.Trial> trials = v.evaluateAll(sets, labels, steps, runs);
    double fullRatio = full.error().toleranceRatio();
    Map<String, Double> sqnr = sqnrByNode(v.fullResult());
    long samples = v.samples(runs);
    List<NodeSensitivity> out = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      VariantError only = trials.get(2 * i).error();
      VariantError allBut = trials.get(2 * i + 1).error();
      double saved = Math.max(0, fullRatio - allBut.toleranceRatio());
      double impact = (only.toleranceRatio() + saved) / 2;
      String id = nodes.get(i);
      out.add(
          new NodeSensitivity(
              id,
              v.candidates().get(ids.indexOf(id)).op(),
              0,
              impact,
              only,
              allBut,
              sqnr.get(id),
              samples));
    }
    return out;
  }

  /**
   * Sorts by impact, then by decision flips of the only-this variant, then by graph order, and
   * numbers the ranks from {@code first}.
   */
  static List<NodeSensitivity> rank(List<NodeSensitivity> nodes, int first) {
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
              n.node(),
              n.op(),
              first + i,
              n.impact(),
              n.onlyThis(),
              n.allButThis(),
              n.sqnrDb(),
              n.samples()));
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
