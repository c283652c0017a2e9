// SPDX-License-Identifier: Apache-2.0
package org.quantscope.sensitivity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.quantscope.bench.Environment;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.ParityCheck;
import org.quantscope.parity.ParityOptions;
import org.quantscope.parity.ParityReport;
import org.quantscope.progress.Cancellation;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.quantize.Quantizability;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.quantize.WeightCache;
import org.quantscope.runtime.ModelRunner;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.runtime.SharedWeights;

/**
 * Variants of one model, each with a subset of its quantizable nodes in int8, built in memory and
 * compared with the float model on fixed samples. Each variant is quantized by the quantizer itself
 * (the candidates left out go to {@code nodes_to_exclude}), so it is exactly what {@code quantize}
 * and ORT's {@code quantize_dynamic} give for that exclusion list; weights are computed once and
 * taken from a {@link WeightCache} afterwards. The float model runs once. Variants that turn out to
 * quantize the same nodes run once. Evaluations run on a pool of worker threads; a caller
 * interrupted while waiting cancels them all. Close it to stop the workers.
 */
final class Variants implements AutoCloseable {
  private final OnnxModel model;
  private final QuantizeOptions options;
  private final List<Map<String, NdArray>> feeds;
  private final ParityOptions parity;
  private final OrtRuntime.SessionConfig sessions;
  private final List<String> warnings;
  private final List<QuantizableNode> candidates;
  private final List<String> ids;
  private final WeightCache cache = new WeightCache();
  private final Map<List<String>, ParityReport> memo = new ConcurrentHashMap<>();
  private final ExecutorService pool;
  private final int parallelism;
  private final AtomicInteger variantsRun = new AtomicInteger();
  private final AtomicInteger trials = new AtomicInteger();
  private ParityCheck.Outputs reference;
  private SharedWeights shared;
  private Trial full;
  private QuantizationResult fullResult;

  /**
   * One evaluated variant.
   *
   * @param quantize the candidates asked to be quantized
   * @param quantized the nodes the quantizer did quantize (a Transpose follows its input)
   * @param report the variant against the float model
   */
  record Trial(Set<String> quantize, List<String> quantized, ParityReport report) {
    VariantError error() {
      return VariantError.of(report, quantized.size());
    }

    /** Passed with at least one node in int8. */
    boolean useful() {
      return report.passed() && !quantized.isEmpty();
    }
  }

  /** Counts finished evaluations for the progress callback; thread-safe. */
  static final class Steps {
    private final Progress progress;
    private final AtomicLong done = new AtomicLong();
    private volatile long total;

    Steps(Progress progress, long total) {
      this.progress = progress;
      this.total = total;
    }

    void total(long t) {
      total = t;
    }

    void step(String message) {
      long d = done.incrementAndGet();
      progress.report(d, Math.max(d, total), message);
    }

    long doneCount() {
      return done.get();
    }

    void finish(String message) {
      long d = done.get();
      progress.report(d, d, message);
    }
  }

  private Variants(Study study) {
    this.model = study.model();
    this.options = study.options();
    this.feeds = study.feeds();
    this.parity = study.parity();
    this.sessions = study.sessions();
    this.parallelism = study.parallelism();
    this.warnings = Environment.detectInt8Notes(sessions);
    this.candidates =
        Quantizability.classify(model.graph(), options.criteria()).stream()
            .filter(QuantizableNode::willQuantize)
            .toList();
    this.ids = candidates.stream().map(QuantizableNode::node).toList();
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            parallelism,
            r -> {
              Thread t = new Thread(r, "quantscope-variant-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Quantizes every candidate, runs the float model and the fully quantized one (in parallel), and
   * keeps the float model's outputs.
   *
   * @param study a {@linkplain Study#resolved() resolved} study: its parallelism and threads as
   *     they run
   * @throws NothingToQuantizeException if no node would be quantized
   * @throws IllegalArgumentException if there are no samples
   */
  static Variants open(Study study, Steps steps) throws IOException, NothingToQuantizeException {
    if (study.feeds().isEmpty()) {
      throw new IllegalArgumentException("no samples to compare the variants on");
    }
    Variants v = new Variants(study);
    try {
      v.start(steps);
      return v;
    } catch (IOException | NothingToQuantizeException | RuntimeException | Error e) {
      v.close();
      throw e;
    }
  }

  private void start(Steps steps) throws IOException, NothingToQuantizeException {
    DynamicQuantizer.Output all = DynamicQuantizer.quantize(model, options, Progress.NONE, cache);
    fullResult = all.result();
    Cancellation.check();
    shared = SharedWeights.of(List.of(model, all.model()), SharedWeights.MIN_BYTES);
    Future<ParityCheck.Outputs> ref = pool.submit(() -> run(model));
    Future<ParityCheck.Outputs> quantized = pool.submit(() -> run(all.model()));
    List<Future<?>> both = List.of(ref, quantized);
    reference = await(ref, both);
    steps.step("ran the float model");
    ParityCheck.Outputs q = await(quantized, both);
    List<String> done = quantizedIds(all.result());
    ParityReport r = compare(q, done);
    memo.put(done, r);
    variantsRun.incrementAndGet();
    trials.incrementAndGet();
    full = new Trial(Set.copyOf(ids), done, r);
    steps.step("all " + done.size() + " nodes in int8");
  }

  /** The nodes the quantizer would quantize under the options, in graph order. */
  List<QuantizableNode> candidates() {
    return candidates;
  }

  /** The candidates' names or ids, in graph order. */
  List<String> ids() {
    return ids;
  }

  /** Every candidate quantized: what {@code quantize} writes with the options. */
  Trial full() {
    return full;
  }

  /** What the full quantization did, with weight errors. */
  QuantizationResult fullResult() {
    return fullResult;
  }

  OnnxModel model() {
    return model;
  }

  ParityOptions parity() {
    return parity;
  }

  int parallelism() {
    return parallelism;
  }

  OrtRuntime.SessionConfig sessions() {
    return sessions;
  }

  List<String> warnings() {
    return warnings;
  }

  long samples() {
    return reference.samples();
  }

  /** Distinct variants built and run so far, the fully quantized one included. */
  int variantsRun() {
    return variantsRun.get();
  }

  /** Evaluations asked for so far (some answered from earlier runs). */
  int trials() {
    return trials.get();
  }

  /** The options that quantize exactly {@code quantize} of the candidates. */
  QuantizeOptions optionsFor(Set<String> quantize) {
    for (String id : quantize) {
      if (!ids.contains(id)) {
        throw new IllegalArgumentException(
            "'" + id + "' is not one of the " + ids.size() + " quantizable nodes " + ids);
      }
    }
    Set<String> excluded = new LinkedHashSet<>(options.nodesToExclude());
    for (String id : ids) {
      if (!quantize.contains(id)) {
        excluded.add(id);
      }
    }
    return options.toBuilder().nodesToExclude(excluded).build();
  }

  /** The variant quantizing {@code quantize}, in memory, its weights from the cache. */
  DynamicQuantizer.Output quantize(Set<String> quantize)
      throws ModelFormatException, NothingToQuantizeException {
    return DynamicQuantizer.quantize(model, optionsFor(quantize), Progress.NONE, cache);
  }

  /**
   * Evaluates the variants on the worker threads; results in the order asked. Each finished
   * evaluation is a step of {@code steps}, named by {@code labels}.
   *
   * @throws CancellationException if the calling thread is interrupted; every evaluation is
   *     cancelled and nothing is returned
   */
  List<Trial> evaluateAll(List<Set<String>> sets, List<String> labels, Steps steps)
      throws IOException {
    Cancellation.check();
    List<Future<Trial>> futures = new ArrayList<>();
    for (int i = 0; i < sets.size(); i++) {
      Set<String> s = Set.copyOf(sets.get(i));
      String label = labels.get(i);
      futures.add(
          pool.submit(
              () -> {
                Trial t = evaluate(s);
                steps.step(label);
                return t;
              }));
    }
    List<Future<?>> all = List.copyOf(futures);
    List<Trial> out = new ArrayList<>();
    for (Future<Trial> f : futures) {
      out.add(await(f, all));
    }
    return out;
  }

  /** One variant, on the calling thread. */
  private Trial evaluate(Set<String> quantize) throws IOException {
    Cancellation.check();
    trials.incrementAndGet();
    DynamicQuantizer.Output out;
    try {
      out = quantize(quantize);
    } catch (NothingToQuantizeException e) {
      return new Trial(quantize, List.of(), floatReport());
    }
    List<String> done = quantizedIds(out.result());
    ParityReport known = memo.get(done);
    if (known != null) {
      return new Trial(quantize, done, known);
    }
    Cancellation.check();
    ParityReport r = compare(run(out.model()), done);
    memo.putIfAbsent(done, r);
    variantsRun.incrementAndGet();
    return new Trial(quantize, done, r);
  }

  /** The float model against itself: no difference, same shape of report. */
  private ParityReport floatReport() {
    return memo.computeIfAbsent(List.of(), k -> compare(reference, k));
  }

  /** Runs a model; a variant gets the float weights it keeps from {@link #shared}. */
  private ParityCheck.Outputs run(OnnxModel m) throws IOException {
    try (ModelRunner r =
        shared == null ? ModelRunner.open(m, sessions) : shared.open(m, sessions)) {
      return ParityCheck.run(r, feeds, Progress.NONE);
    }
  }

  private ParityReport compare(ParityCheck.Outputs candidate, List<String> quantized) {
    return ParityCheck.compare(
        reference,
        candidate,
        parity,
        model.displayName(),
        "int8 with " + quantized.size() + " of " + ids.size() + " nodes quantized",
        warnings);
  }

  private static List<String> quantizedIds(QuantizationResult r) {
    return r.quantized().stream().map(QuantizationResult.NodeReport::node).toList();
  }

  /**
   * Waits for one future; on interruption or failure cancels {@code all} and throws (the cause of a
   * failure unwrapped).
   */
  private static <T> T await(Future<T> f, List<Future<?>> all) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      all.forEach(x -> x.cancel(true));
      Thread.currentThread().interrupt();
      throw new CancellationException("cancelled");
    } catch (CancellationException e) {
      all.forEach(x -> x.cancel(true));
      throw e;
    } catch (ExecutionException e) {
      all.forEach(x -> x.cancel(true));
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    }
  }

  /** Stops the workers and waits for them, so that no session outlives the analysis. */
  @Override
  public void close() {
    pool.shutdownNow();
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        try {
          if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
            break;
          }
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (shared != null) {
        shared.close();
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
