// SPDX-License-Identifier: Apache-2.0
package org.quantscope.sensitivity;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.SaveOptions;
import org.quantscope.parity.ParityOptions;
import org.quantscope.progress.Cancellation;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.ModelRunner;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;

/**
 * Automatic exclusion: the nodes to leave in float so that the int8 model passes the parity
 * tolerances on the given samples, keeping the most weight bytes in int8 (what quantization is
 * for): of two passing sets, the one leaving fewer float bytes wins, not the one with fewer nodes.
 *
 * <p>When the fully quantized model passes, nothing is excluded. Otherwise the nodes are ranked by
 * {@link Sensitivity}, and the greedy step leaves the most harmful ones in float, one more at a
 * time, until the model passes. A second pass then tries to put each excluded node back in int8,
 * least harmful first, keeping it there when the model still passes. Last, when there are few
 * enough sets (at most {@value #EXACT_BUDGET}), every one that would leave fewer bytes in float is
 * tried, so that on small models the result keeps the most weight bytes in int8 of all passing
 * sets, not only a local optimum. Nodes the user excluded stay excluded. Every step evaluates as
 * many candidate sets at once as the analysis does and takes the first (in its order) that passes,
 * so the outcome is the one a one-at-a-time search gives.
 */
public final class AutoExclude {
  private AutoExclude() {}

  /**
   * Most variants the exact check may run: with up to this many smaller sets to try (e.g. every set
   * of 1 or 2 of 8 candidates), the result is the best passing set (every set of up to 6 candidates
   * is tried).
   */
  static final int EXACT_BUDGET = 64;

  /**
   * Searches, analysing sensitivity first when needed.
   *
   * @param known a sensitivity report of the same study, whose ranking is used instead of analysing
   *     again; null to analyse when needed
   * @throws NothingToQuantizeException if no node would be quantized
   * @throws IOException if a model cannot be run on the samples
   */
  public static AutoExcludeResult search(Study study, SensitivityReport known, Progress progress)
      throws IOException, NothingToQuantizeException {
    long t0 = System.nanoTime();
    Variants.Steps steps = new Variants.Steps(progress, 2);
    try (Variants v = Variants.open(study.resolved(), steps)) {
      return new Search(v, steps, t0, EXACT_BUDGET).run(known);
    }
  }

  /** One search over open variants. */
  private static final class Search {
    private final Variants v;
    private final Variants.Steps steps;
    private final long t0;
    private final int exactBudget;

    Search(Variants v, Variants.Steps steps, long t0, int exactBudget) {
      this.v = v;
      this.steps = steps;
      this.t0 = t0;
      this.exactBudget = exactBudget;
    }

    AutoExcludeResult run(SensitivityReport known) throws IOException, NothingToQuantizeException {
      Variants.Trial full = v.full();
      if (full.useful()) {
        steps.finish("the fully quantized model passes");
        return result(full, List.of(), List.of(), List.of(), true, null);
      }
      SensitivityReport s = known != null ? known : Sensitivity.analyze(v, steps, t0);
      List<String> order = ranking(s);
      List<String> alone =
          s.nodes().stream()
              .filter(n -> n.onlyThis().passed() && n.onlyThis().quantizedNodes() > 0)
              .sorted(Comparator.comparingDouble(n -> n.onlyThis().toleranceRatio()))
              .map(NodeSensitivity::node)
              .toList();
      steps.total(steps.doneCount() + 2L * order.size());
      Map<Set<String>, Variants.Trial> tried = new HashMap<>();
      ExclusionSearch.Choice c =
          ExclusionSearch.choose(
              order,
              alone,
              v.parallelism(),
              exactBudget,
              weightBytes(),
              (inFloat, labels) -> {
                List<Set<String>> sets = inFloat.stream().map(this::quantizing).toList();
                List<Variants.Trial> trials = v.evaluateAll(sets, labels, steps);
                List<Boolean> ok = new ArrayList<>();
                for (int i = 0; i < trials.size(); i++) {
                  tried.put(Set.copyOf(inFloat.get(i)), trials.get(i));
                  ok.add(trials.get(i).useful());
                }
                return ok;
              });
      if (c.excluded() == null) {
        steps.finish("no subset passes");
        return failed(s, c.greedy());
      }
      Variants.Trial best = tried.get(Set.copyOf(c.excluded()));
      if (best == null) { // the best single node, as the analysis ran it (the memo answers)
        best =
            v.evaluateAll(List.of(quantizing(c.excluded())), List.of("the chosen set"), steps)
                .get(0);
      }
      List<String> inFloat = v.ids().stream().filter(c.excluded()::contains).toList();
      steps.finish(inFloat.size() + " nodes left in float");
      return result(best, inFloat, c.greedy(), c.requantized(), c.exact(), s);
    }

    private AutoExcludeResult result(
        Variants.Trial trial,
        List<String> excluded,
        List<String> greedy,
        List<String> requantized,
        boolean smallest,
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
          smallest,
          v.ids().size(),
          out.result().quantizedCount(),
          v.full().report(),
          trial.report(),
          ModelFiles.sizeBytes(v.model()),
          ModelFiles.sizeBytes(all.model()),
          ModelFiles.sizeBytes(out.model()),
          v.trials(),
          v.variantsRun(),
          (System.nanoTime() - t0) / 1_000_000,
          null,
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
          exactBudget > 0
              && ExclusionSearch.setsUpTo(v.ids().size(), v.ids().size() - 1, exactBudget)
                  <= exactBudget,
          v.ids().size(),
          0,
          v.full().report(),
          null,
          ModelFiles.sizeBytes(v.model()),
          ModelFiles.sizeBytes(all.model()),
          -1,
          v.trials(),
          v.variantsRun(),
          (System.nanoTime() - t0) / 1_000_000,
          null,
          nothingPasses(s, v.parity()),
          s,
          null);
    }

    /** Per candidate, the float weight bytes its quantization turns into 8 bits. */
    private Map<String, Long> weightBytes() {
      Map<String, Long> out = new HashMap<>();
      for (QuantizationResult.NodeReport n : v.fullResult().quantized()) {
        long b = 0;
        for (QuantizationResult.WeightReport w : n.weights()) {
          b += w.bytesBefore();
        }
        out.merge(n.node(), Math.max(1, b), Long::sum);
      }
      return out;
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

  /**
   * Writes the result's model to {@code target} atomically (via {@link ModelFiles#save}) and
   * returns the result with the written file's size.
   *
   * @throws IllegalArgumentException if the search found no passing model: nothing is written
   * @throws IOException if the file cannot be written; nothing is left behind
   */
  public static AutoExcludeResult write(AutoExcludeResult r, Path target, SaveOptions save)
      throws IOException {
    if (!r.passed() || r.output() == null) {
      throw new IllegalArgumentException("no model to write: " + r.message());
    }
    Cancellation.check();
    DynamicQuantizer.Output o = r.output();
    ModelFiles.Saved saved = ModelFiles.save(o.model(), target, save);
    QuantizationResult q = o.result().withFileSizes(r.fp32Bytes(), saved.totalBytes());
    return r.withOutput(new DynamicQuantizer.Output(o.model(), q));
  }

  /**
   * Times the float model, the fully quantized one and the result together (interleaved, see {@link
   * LatencyBenchmark}) and returns the result with the figures.
   *
   * @param model the float model the search ran on
   * @param options the options the search ran with
   * @throws IllegalArgumentException if the search found no passing model
   */
  public static AutoExcludeResult benchmark(
      AutoExcludeResult r,
      OnnxModel model,
      QuantizeOptions options,
      List<Map<String, NdArray>> feeds,
      OrtRuntime.SessionConfig sessions,
      LatencyBenchmark.Options bench,
      Progress progress)
      throws IOException, NothingToQuantizeException {
    if (!r.passed() || r.output() == null) {
      throw new IllegalArgumentException("no model to time: " + r.message());
    }
    OnnxModel full = DynamicQuantizer.quantize(model, options, Progress.NONE).model();
    try (ModelRunner a = ModelRunner.open(model, sessions);
        ModelRunner b = ModelRunner.open(full, sessions);
        ModelRunner c = ModelRunner.open(r.output().model(), sessions)) {
      List<LatencyBenchmark.Subject> subjects =
          List.of(
              new LatencyBenchmark.Subject(a, model.displayName(), "reference", r.fp32Bytes()),
              new LatencyBenchmark.Subject(b, "all nodes in int8", "full int8", r.fullInt8Bytes()),
              new LatencyBenchmark.Subject(
                  c,
                  r.excluded().size() + " nodes left in float",
                  "candidate",
                  r.quantization().fileBytesAfter() > 0
                      ? r.quantization().fileBytesAfter()
                      : r.int8Bytes()));
      return r.withLatency(LatencyBenchmark.measure(subjects, feeds, bench, progress));
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
        "no subset of the %d quantizable nodes passes: each one breaks the tolerances even when"
            + " it is the only node in int8; the least harmful, %s %s, gives max_abs_diff %.6f"
            + " (tolerance %s) and mean_abs_diff %.6f (tolerance %s)",
        s.candidates(),
        least.op(),
        least.node(),
        e.maxAbsDiff(),
        parity.absTol(),
        e.meanAbsDiff(),
        parity.meanTol());
  }
}
