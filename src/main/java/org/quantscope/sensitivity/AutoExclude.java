// SPDX-License-Identifier: Apache-2.0
package org.quantscope.sensitivity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.ParityOptions;
import org.quantscope.progress.Cancellation;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;

/**
 * Automatic exclusion: the smallest set of nodes to leave in float so that the int8 model passes
 * the parity tolerances on the given samples.
 *
 * <p>When the fully quantized model passes, nothing is excluded. Otherwise the nodes are ranked by
 * {@link Sensitivity}, and the greedy step leaves the most harmful ones in float, one more at a
 * time, until the model passes. A second pass then tries to put each excluded node back in int8,
 * least harmful first, keeping it there when the model still passes. The result is a local optimum:
 * no excluded node can be re-quantized on its own. Nodes the user excluded stay excluded. Both
 * steps evaluate as many candidate subsets at once as the analysis does and take the first (in the
 * order above) that passes, so the outcome is the one a one-at-a-time search gives.
 */
public final class AutoExclude {
  private AutoExclude() {}

  /**
   * Searches with automatic parallelism, analysing sensitivity first when needed.
   *
   * @see Sensitivity#analyze(OnnxModel, QuantizeOptions, List, ParityOptions,
   *     OrtRuntime.SessionConfig, Progress)
   * @throws NothingToQuantizeException if no node would be quantized
   */
  public static AutoExcludeResult search(
      OnnxModel model,
      QuantizeOptions options,
      List<Map<String, NdArray>> feeds,
      ParityOptions parity,
      OrtRuntime.SessionConfig sessions,
      Progress progress)
      throws IOException, NothingToQuantizeException {
    return search(model, options, feeds, parity, sessions, 0, null, progress);
  }

  /**
   * Searches.
   *
   * @param parallelism variants evaluated at the same time; 0 chooses (see {@link
   *     Sensitivity#plan})
   * @param known a sensitivity report of the same model, options, samples and tolerances, whose
   *     ranking is used instead of analysing again; null to analyse when needed
   * @throws NothingToQuantizeException if no node would be quantized
   * @throws IOException if a model cannot be run on the samples
   */
  public static AutoExcludeResult search(
      OnnxModel model,
      QuantizeOptions options,
      List<Map<String, NdArray>> feeds,
      ParityOptions parity,
      OrtRuntime.SessionConfig sessions,
      int parallelism,
      SensitivityReport known,
      Progress progress)
      throws IOException, NothingToQuantizeException {
    long t0 = System.nanoTime();
    Sensitivity.Plan plan = Sensitivity.plan(sessions, parallelism);
    Variants.Steps steps = new Variants.Steps(progress, 2);
    try (Variants v =
        Variants.open(
            model,
            options,
            feeds,
            parity,
            plan.sessions(),
            plan.parallelism(),
            Sensitivity.warnings(plan.sessions()),
            steps)) {
      return new Search(v, steps, t0).run(known);
    }
  }

  /** One search over open variants. */
  private static final class Search {
    private final Variants v;
    private final Variants.Steps steps;
    private final long t0;

    Search(Variants v, Variants.Steps steps, long t0) {
      this.v = v;
      this.steps = steps;
      this.t0 = t0;
    }

    AutoExcludeResult run(SensitivityReport known) throws IOException, NothingToQuantizeException {
      Variants.Trial full = v.full();
      if (full.useful()) {
        steps.finish("the fully quantized model passes");
        return result(full, List.of(), List.of(), List.of(), null);
      }
      SensitivityReport s = known != null ? known : Sensitivity.analyze(v, steps, t0);
      List<String> order = ranking(s);
      int n = order.size();
      steps.total(steps.doneCount() + 2L * n);

      // greedy: leave the k most harmful nodes in float, for the smallest k that passes
      Variants.Trial best = null;
      int k = n;
      for (int start = 1; start < n && best == null; start += v.parallelism()) {
        int end = Math.min(n - 1, start + v.parallelism() - 1);
        List<Set<String>> sets = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int j = start; j <= end; j++) {
          sets.add(quantizing(order.subList(0, j)));
          labels.add("greedy: " + j + " of " + n + " nodes in float");
        }
        List<Variants.Trial> trials = v.evaluateAll(sets, labels, steps);
        for (int j = 0; j < trials.size(); j++) {
          if (trials.get(j).useful()) {
            best = trials.get(j);
            k = start + j;
            break;
          }
        }
      }
      List<String> greedy = List.copyOf(order.subList(0, k));

      // second pass: put excluded nodes back in int8, least harmful first, while it still passes
      Set<String> excluded = new LinkedHashSet<>(greedy);
      List<String> tryBack = new ArrayList<>(greedy);
      Collections.reverse(tryBack);
      List<String> requantized = new ArrayList<>();
      int i = 0;
      while (i < tryBack.size()) {
        int end = Math.min(tryBack.size(), i + v.parallelism());
        List<Set<String>> sets = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int j = i; j < end; j++) {
          Set<String> without = new LinkedHashSet<>(excluded);
          without.remove(tryBack.get(j));
          sets.add(quantizing(without));
          labels.add("second pass: " + tryBack.get(j) + " back in int8?");
        }
        List<Variants.Trial> trials = v.evaluateAll(sets, labels, steps);
        int accepted = -1;
        for (int j = 0; j < trials.size(); j++) {
          if (trials.get(j).useful()) {
            accepted = j;
            break;
          }
        }
        if (accepted < 0) {
          i = end;
        } else {
          String node = tryBack.get(i + accepted);
          excluded.remove(node);
          requantized.add(node);
          best = trials.get(accepted);
          i = i + accepted + 1;
        }
      }
      if (best == null) {
        steps.finish("no subset passes");
        return failed(s, greedy);
      }
      List<String> inFloat = v.ids().stream().filter(excluded::contains).toList();
      steps.finish(inFloat.size() + " nodes left in float");
      return result(best, inFloat, greedy, requantized, s);
    }

    private AutoExcludeResult result(
        Variants.Trial trial,
        List<String> excluded,
        List<String> greedy,
        List<String> requantized,
        SensitivityReport s)
        throws IOException, NothingToQuantizeException {
      Cancellation.check();
      DynamicQuantizer.Output out = v.quantize(trial.quantize());
      DynamicQuantizer.Output all = v.quantize(Set.copyOf(v.ids()));
      return new AutoExcludeResult(
          true,
          excluded,
          greedy,
          requantized,
          v.ids().size(),
          out.result().quantizedCount(),
          v.full().report(),
          trial.report(),
          sizeBytes(v.model()),
          sizeBytes(all.model()),
          sizeBytes(out.model()),
          v.trials(),
          v.variantsRun(),
          (System.nanoTime() - t0) / 1_000_000,
          null,
          s,
          out);
    }

    private AutoExcludeResult failed(SensitivityReport s, List<String> greedy)
        throws IOException, NothingToQuantizeException {
      DynamicQuantizer.Output all = v.quantize(Set.copyOf(v.ids()));
      return new AutoExcludeResult(
          false,
          v.ids(),
          greedy,
          List.of(),
          v.ids().size(),
          0,
          v.full().report(),
          null,
          sizeBytes(v.model()),
          sizeBytes(all.model()),
          -1,
          v.trials(),
          v.variantsRun(),
          (System.nanoTime() - t0) / 1_000_000,
          nothingPasses(s, v.parity()),
          s,
          null);
    }

    /** The candidates in order of the ranking (most harmful first). */
    private List<String> ranking(SensitivityReport s) {
      List<String> order = new ArrayList<>();
      for (NodeSensitivity n : s.nodes()) {
        if (v.ids().contains(n.node())) {
          order.add(n.node());
        }
      }
      if (order.size() != v.ids().size()) {
        throw new IllegalArgumentException(
            "the sensitivity report ranks "
                + order.size()
                + " of the "
                + v.ids().size()
                + " quantizable nodes; analyse again with the same options");
      }
      return order;
    }

    /** The candidates not in {@code inFloat}. */
    private Set<String> quantizing(Collection<String> inFloat) {
      Set<String> q = new LinkedHashSet<>(v.ids());
      q.removeAll(inFloat);
      return q;
    }
  }

  /** Why no subset passes: the least harmful node alone, with its figures. */
  static String nothingPasses(SensitivityReport s, ParityOptions parity) {
    NodeSensitivity least =
        s.nodes().stream()
            .min(Comparator.comparingDouble(n -> n.onlyThis().toleranceRatio()))
            .orElseThrow();
    VariantError e = least.onlyThis();
    return String.format(
        Locale.ROOT,
        "no subset of the %d quantizable nodes passes: even the least harmful one alone, %s %s,"
            + " gives max_abs_diff %.6f (tolerance %s) and mean_abs_diff %.6f (tolerance %s)",
        s.candidates(),
        least.op(),
        least.node(),
        e.maxAbsDiff(),
        parity.absTol(),
        e.meanAbsDiff(),
        parity.meanTol());
  }

  /** Bytes of a model: its files on disk, or its serialized size when it lives in memory. */
  static long sizeBytes(OnnxModel m) throws IOException {
    long onDisk = DynamicQuantizer.sizeOnDisk(m);
    return onDisk >= 0 ? onDisk : ModelFiles.inline(m).getSerializedSize();
  }
}
