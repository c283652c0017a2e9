// SPDX-License-Identifier: Apache-2.0
package org.quantscope.parity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quantscope.progress.Cancellation;
import org.quantscope.progress.Progress;
import org.quantscope.runtime.Batches;
import org.quantscope.runtime.ModelRunner;
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;

/**
 * Runs the reference and the candidate on the same samples (or the candidate alone, against
 * expected outputs) and compares their outputs with {@link ParityReport}'s statistics.
 */
public final class ParityCheck {
  private ParityCheck() {}

  /**
   * The parity step of every run, in this process or in the worker: runs the reference, then the
   * candidate (one session open at a time) on the feeds, and compares them.
   *
   * @param warnings notes for the report (e.g. a CPU whose int8 kernels may saturate)
   * @throws IOException if ONNX Runtime cannot load or run a model on the feeds
   * @throws IllegalArgumentException if an output to compare is missing
   */
  public static ParityReport check(
      ModelSource reference,
      ModelSource candidate,
      List<Map<String, NdArray>> feeds,
      ParityOptions options,
      OrtRuntime.SessionConfig sessions,
      List<String> warnings,
      Progress progress)
      throws IOException {
    List<Map<String, NdArray>> ones = oneRowEach(feeds);
    int parts = ones == null ? 2 : 4;
    Outputs a;
    Outputs a1 = null;
    try (ModelRunner r = reference.open(sessions)) {
      if (ones != null && !rowsFirst(r, reference)) {
        ones = null;
      }
      a = run(r, feeds, progress.part(0, parts, "fp32 "));
      if (ones != null) {
        a1 = runOrNull(r, ones, progress.part(1, parts, "fp32, one row per run: "));
        ones = a1 == null ? null : ones;
      }
    }
    Cancellation.check();
    Outputs b;
    Outputs b1 = null;
    try (ModelRunner r = candidate.open(sessions)) {
      b = run(r, feeds, progress.part(parts / 2, parts, "int8 "));
      if (ones != null) {
        b1 = runOrNull(r, ones, progress.part(3, parts, "int8, one row per run: "));
        ones = b1 == null ? null : ones;
      }
    }
    ParityReport report = compare(a, b, options, reference.name(), candidate.name(), warnings);
    return ones == null
        ? report
        : atBatchOne(
            report, compare(a1, b1, options, reference.name(), candidate.name(), warnings));
  }

  /**
   * True when the first axis of the model's inputs holds rows that can run one at a time: no input
   * fixes it to more than one, and (when the model is at hand) none names it as a sequence or time
   * axis, as an LSTM's [seq_length, batch, input] does.
   */
  private static boolean rowsFirst(ModelRunner r, ModelSource source) throws IOException {
    if (r.fixesFirstAxisAboveOne()) {
      return false;
    }
    if (source.model() != null) {
      for (org.quantscope.runtime.InputSpec in : OrtRuntime.inputs(source.model())) {
        if (!in.dims().isEmpty()
            && in.dims().get(0) instanceof String name
            && name.toLowerCase(java.util.Locale.ROOT).matches(".*(seq|time|len|step).*")) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The outputs one row per run, or null when the model cannot run them so (the check is extra).
   */
  private static Outputs runOrNull(
      ModelRunner model, List<Map<String, NdArray>> feeds, Progress progress) throws IOException {
    try {
      return run(model, feeds, progress);
    } catch (IOException e) {
      Cancellation.check();
      return null;
    }
  }

  /** Most samples for which {@link #check} also runs every row on its own. */
  static final long BATCH_ONE_LIMIT = 100_000;

  /**
   * The feeds one row per run, when they have runs of several rows that can be split (and not so
   * many rows that doing it twice would cost too much); null otherwise.
   */
  private static List<Map<String, NdArray>> oneRowEach(List<Map<String, NdArray>> feeds) {
    long samples = 0;
    for (Map<String, NdArray> f : feeds) {
      samples += batch(f);
    }
    if (Batches.largest(feeds) <= 1 || samples > BATCH_ONE_LIMIT) {
      return null;
    }
    try {
      return Batches.regroup(feeds, 1, List.of());
    } catch (IllegalArgumentException e) {
      return null; // inputs without a shared row axis: the verdict is only for the runs given
    }
  }

  /**
   * The report of the runs as given, with what one row per run gives beside it, and a warning when
   * the two verdicts differ: dynamic quantization takes one activation scale over each run's whole
   * batch, so one far row can widen every other row's uint8 step.
   */
  static ParityReport atBatchOne(ParityReport asGiven, ParityReport oneEach) {
    ParityReport.AtBatchOne one =
        new ParityReport.AtBatchOne(
            oneEach.maxAbsDiff(),
            oneEach.meanAbsDiff(),
            oneEach.passed(),
            "cosine".equals(oneEach.metric()) ? oneEach.rowCosineMin() : null,
            "top1".equals(oneEach.metric()) ? oneEach.top1Agreement() : null);
    List<String> warnings = new ArrayList<>(asGiven.warnings());
    if (oneEach.passed() != asGiven.passed()) {
      warnings.add(
          String.format(
              java.util.Locale.ROOT,
              "this verdict holds for batch %d: one row per run, the model %s (%s), because"
                  + " dynamic quantization takes one activation scale over each run's whole batch;"
                  + " `trace` shows each row's activation range",
              asGiven.batch(),
              oneEach.passed() ? "passes" : "fails",
              one.describe()));
    }
    return asGiven.with(one, warnings);
  }

  /**
   * Runs the candidate on the feeds and compares one of its outputs with expected values.
   *
   * @param output the output to compare, or null for the float output whose size matches
   * @param expectedName what the expected values are called in the report (their file)
   */
  public static ParityReport checkExpected(
      ModelSource candidate,
      List<Map<String, NdArray>> feeds,
      NdArray expected,
      String output,
      String expectedName,
      ParityOptions options,
      OrtRuntime.SessionConfig sessions,
      List<String> warnings,
      Progress progress)
      throws IOException {
    Outputs got;
    try (ModelRunner c = candidate.open(sessions)) {
      got = run(c, feeds, progress);
    }
    String name = output != null ? output : pickOutput(got, expected);
    return compareExpected(got, expected, name, options, candidate.name(), expectedName, warnings);
  }

  /** The float output whose size matches the expected array. */
  private static String pickOutput(Outputs got, NdArray want) {
    for (Map.Entry<String, List<NdArray>> e : got.byName().entrySet()) {
      long n = e.getValue().stream().mapToLong(NdArray::size).sum();
      if (n == want.size() && e.getValue().get(0).isFloat()) {
        return e.getKey();
      }
    }
    throw new IllegalArgumentException(
        "no output of the candidate has the "
            + want.size()
            + " values of the expected file; name one with --output (outputs: "
            + got.byName().keySet()
            + ")");
  }

  /** The outputs of one model over all feeds, by output name. */
  /**
   * The outputs of one model over all feeds.
   *
   * @param samples rows over all runs
   * @param batch the most rows of any run: the batch the comparison holds for
   */
  public record Outputs(
      Map<String, List<NdArray>> byName, long samples, long batch, List<NdArray> masks) {
    /** Outputs of runs without an attention mask. */
    public Outputs(Map<String, List<NdArray>> byName, long samples, long batch) {
      this(byName, samples, batch, null);
    }
  }

  /**
   * The attention mask of a run: the integer [N, T] input named attention_mask, or else the only
   * one whose name contains "mask"; null without one.
   */
  static NdArray mask(Map<String, NdArray> feed) {
    NdArray named = feed.get("attention_mask");
    if (named != null && !named.isFloat() && named.shape().length == 2) {
      return named;
    }
    NdArray found = null;
    for (Map.Entry<String, NdArray> e : feed.entrySet()) {
      NdArray a = e.getValue();
      if (e.getKey().toLowerCase(java.util.Locale.ROOT).contains("mask")
          && !a.isFloat()
          && a.shape().length == 2) {
        if (found != null) {
          return null;
        }
        found = a;
      }
    }
    return found;
  }

  /**
   * Runs a model over the feeds; progress per run, cancellation between runs. The reference's
   * outputs can be computed once and compared with several candidates.
   */
  public static Outputs run(ModelRunner model, List<Map<String, NdArray>> feeds, Progress progress)
      throws IOException {
    Map<String, List<NdArray>> out = new LinkedHashMap<>();
    List<NdArray> masks = new ArrayList<>();
    boolean anyMask = false;
    long samples = 0;
    for (int i = 0; i < feeds.size(); i++) {
      Cancellation.check();
      Map<String, NdArray> feed = feeds.get(i);
      samples += batch(feed);
      NdArray mask = mask(feed);
      masks.add(mask);
      anyMask |= mask != null;
      for (Map.Entry<String, NdArray> e : model.run(feed).entrySet()) {
        out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
      }
      progress.report(i + 1, feeds.size(), "run " + (i + 1) + " of " + feeds.size());
    }
    return new Outputs(out, samples, Batches.largest(feeds), anyMask ? masks : null);
  }

  /** Compares candidate outputs with reference outputs of the same feeds. */
  public static ParityReport compare(
      Outputs reference,
      Outputs candidate,
      ParityOptions options,
      String referenceName,
      String candidateName,
      List<String> warnings) {
    List<OutputParity> outputs = new ArrayList<>();
    RowCosines.Stats cosines = RowCosines.Stats.NONE;
    for (Map.Entry<String, List<NdArray>> e : reference.byName().entrySet()) {
      String name = e.getKey();
      if (!options.outputs().isEmpty() && !options.outputs().contains(name)) {
        continue;
      }
      List<NdArray> cand = candidate.byName().get(name);
      if (cand == null) {
        throw new IllegalArgumentException(
            "the candidate has no output '" + name + "'; it has " + candidate.byName().keySet());
      }
      OutputParity p = DiffStats.compare(name, e.getValue(), cand, options);
      outputs.add(p);
      if (p.isFloat()) {
        cosines = cosines.plus(RowCosines.of(e.getValue(), cand, reference.masks()));
      }
    }
    for (String wanted : options.outputs()) {
      if (!reference.byName().containsKey(wanted)) {
        throw new IllegalArgumentException(
            "no output '" + wanted + "' to compare; the model has " + reference.byName().keySet());
      }
    }
    return summarize(
        outputs,
        options,
        reference.samples(),
        reference.batch(),
        reference.byName().values().stream().mapToLong(List::size).max().orElse(0),
        referenceName,
        candidateName,
        null,
        warnings,
        cosines);
  }

  /**
   * Compares one candidate output, concatenated over all runs along its first axis, with expected
   * values (e.g. probabilities exported from the original scikit-learn model).
   */
  public static ParityReport compareExpected(
      Outputs candidate,
      NdArray expected,
      String output,
      ParityOptions options,
      String candidateName,
      String expectedName,
      List<String> warnings) {
    List<NdArray> runs = candidate.byName().get(output);
    if (runs == null) {
      throw new IllegalArgumentException(
          "the candidate has no output '" + output + "'; it has " + candidate.byName().keySet());
    }
    NdArray got = concat(runs);
    NdArray want = expected;
    if (!java.util.Arrays.equals(got.shape(), want.shape())) {
      if (got.size() == want.size()) {
        want = new NdArray(want.type(), got.shape(), want.data());
      } else {
        throw new IllegalArgumentException(
            expectedName
                + " holds "
                + want.describe()
                + ", but output '"
                + output
                + "' is "
                + got.describe()
                + " over all samples");
      }
    }
    OutputParity p =
        DiffStats.compare(output, List.of(toFloat(want)), List.of(toFloat(got)), options);
    return summarize(
        List.of(p),
        options,
        candidate.samples(),
        candidate.batch(),
        runs.size(),
        null,
        candidateName,
        expectedName,
        warnings,
        RowCosines.of(List.of(toFloat(want)), List.of(toFloat(got)), null));
  }

  private static NdArray toFloat(NdArray a) {
    if (a.isFloat()) {
      return a;
    }
    double[] d = a.toDoubles();
    return new NdArray(org.quantscope.model.ElementType.DOUBLE, a.shape(), d);
  }

  /** Arrays of one output joined along the first axis. */
  static NdArray concat(List<NdArray> runs) {
    if (runs.size() == 1) {
      return runs.get(0);
    }
    long[] shape = runs.get(0).shape();
    long rows = 0;
    int total = 0;
    for (NdArray a : runs) {
      rows += a.shape().length == 0 ? 1 : a.shape()[0];
      total += a.size();
    }
    double[] all = new double[total];
    int k = 0;
    for (NdArray a : runs) {
      double[] d = a.toDoubles();
      System.arraycopy(d, 0, all, k, d.length);
      k += d.length;
    }
    long[] joined = shape.length == 0 ? new long[] {rows} : shape.clone();
    if (shape.length > 0) {
      joined[0] = rows;
    }
    return new NdArray(org.quantscope.model.ElementType.DOUBLE, joined, all);
  }

  private static ParityReport summarize(
      List<OutputParity> outputs,
      ParityOptions options,
      long samples,
      long batch,
      long runs,
      String reference,
      String candidate,
      String expected,
      List<String> warnings,
      RowCosines.Stats cosines) {
    double max = 0;
    double sum = 0;
    long elements = 0;
    long flips = 0;
    long near = 0;
    long labels = 0;
    long decisions = 0;
    long disagree = 0;
    for (OutputParity p : outputs) {
      if (p.isFloat() && p.decisionFlips() != null && p.rows() != null) {
        decisions += p.rows();
        disagree += p.decisionFlips();
      } else if (!p.isFloat()) {
        decisions += p.elements();
        disagree += p.labelMismatches();
      }
      if (p.isFloat()) {
        max = Math.max(max, p.maxAbsDiff());
        sum += p.meanAbsDiff() * p.elements();
        elements += p.elements();
        flips += p.decisionFlips() == null ? 0 : p.decisionFlips();
        near += p.nearThreshold() == null ? 0 : p.nearThreshold();
      } else {
        labels += p.labelMismatches();
      }
    }
    double mean = elements == 0 ? 0 : sum / elements;
    Double top1 = decisions == 0 ? null : 1.0 - (double) disagree / decisions;
    Double cosMin = cosines.rows() == 0 ? null : cosines.min();
    Double cosMean = cosines.rows() == 0 ? null : cosines.mean();
    boolean passed =
        switch (options.metric()) {
          case ABS -> max <= options.absTol() && mean <= options.meanTol();
          case COSINE -> {
            if (cosMin == null) {
              throw new IllegalArgumentException(
                  "--metric cosine needs a float output to compare; there is none");
            }
            yield cosMin >= options.metricTol();
          }
          case TOP1 -> {
            if (top1 == null) {
              throw new IllegalArgumentException(
                  "--metric top1 needs a classifier output: [N, C] scores, one score per row,"
                      + " or integer labels; there is none");
            }
            yield top1 >= options.metricTol();
          }
        };
    return new ParityReport(
        max,
        mean,
        passed,
        options.absTol(),
        options.meanTol(),
        options.threshold(),
        samples,
        runs,
        elements,
        flips,
        near,
        labels,
        reference,
        candidate,
        expected,
        outputs,
        List.copyOf(warnings),
        batch,
        null,
        options.metric().id(),
        options.metric() == Metric.ABS ? null : options.metricTol(),
        cosMin,
        cosMean,
        top1,
        options.samplesFrom());
  }

  /** Rows in a feed: the first dim of its first input (1 for scalars). */
  static long batch(Map<String, NdArray> feed) {
    for (NdArray a : feed.values()) {
      return a.shape().length == 0 ? 1 : a.shape()[0];
    }
    return 1;
  }
}
