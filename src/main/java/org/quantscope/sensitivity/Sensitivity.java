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
 */
public final class Sensitivity {
  private Sensitivity() {}

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
      return analyze(v, steps, t0);
    }
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
