// SPDX-License-Identifier: Apache-2.0
package org.quantscope.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.ParityOptions;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;

/**
 * One run of the pipeline: quantize -> parity -> bench, any subset, then the report. Built with
 * {@link #quantize}, {@link #reuse} or {@link #given}, and the {@code with...} steps.
 *
 * @param reference the float model
 * @param quantize the options to quantize with; with {@code quantized}, the options it was made
 *     with; null with a given candidate
 * @param quantized an int8 model made earlier from {@code reference} with {@code quantize}, reused
 *     instead of quantizing again; null otherwise
 * @param candidate a given int8 model (a file the user chose); null to quantize
 * @param candidateName how the int8 model is named in the reports
 * @param parity tolerances and outputs; null skips the parity check
 * @param trace whether the parity check is an error trace (every tensor, see {@code ErrorTrace})
 * @param feeds samples for the parity check (or trace)
 * @param bench warm-up and runs; null skips the benchmark
 * @param benchFeeds samples for the benchmark (a few are enough; they are reused in turn)
 * @param sessions how ONNX Runtime sessions are made
 */
public record Plan(
    OnnxModel reference,
    QuantizeOptions quantize,
    DynamicQuantizer.Output quantized,
    OnnxModel candidate,
    String candidateName,
    ParityOptions parity,
    boolean trace,
    List<Map<String, NdArray>> feeds,
    LatencyBenchmark.Options bench,
    List<Map<String, NdArray>> benchFeeds,
    OrtRuntime.SessionConfig sessions) {

  /** The name of an int8 model quantized by the run, which has no file. */
  public static final String QUANTIZED_IN_MEMORY = "int8 (quantized in memory)";

  /** At most this many samples are timed by default: they are reused in turn. */
  public static final int BENCH_SAMPLES = 4;

  public Plan {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(sessions, "sessions");
    if (candidate == null && quantize == null) {
      throw new IllegalArgumentException("a plan quantizes, or is given an int8 model");
    }
    feeds = feeds == null ? List.of() : List.copyOf(feeds);
    benchFeeds = benchFeeds == null ? List.of() : List.copyOf(benchFeeds);
    if (parity != null && feeds.isEmpty()) {
      throw new IllegalArgumentException("a parity check needs samples");
    }
    if (bench != null && benchFeeds.isEmpty()) {
      throw new IllegalArgumentException("a benchmark needs samples");
    }
  }

  /** Quantize {@code reference} with {@code options}; nothing else yet. */
  public static Plan quantize(OnnxModel reference, QuantizeOptions options) {
    return new Plan(
        reference,
        options,
        null,
        null,
        QUANTIZED_IN_MEMORY,
        null,
        false,
        null,
        null,
        null,
        OrtRuntime.SessionConfig.DEFAULT);
  }

  /**
   * Use {@code quantized}, made earlier from {@code reference} with {@code options}, or quantize
   * when it is null.
   */
  public static Plan reuse(
      OnnxModel reference, DynamicQuantizer.Output quantized, QuantizeOptions options) {
    return new Plan(
        reference,
        options,
        quantized,
        null,
        QUANTIZED_IN_MEMORY,
        null,
        false,
        null,
        null,
        null,
        OrtRuntime.SessionConfig.DEFAULT);
  }

  /** Compare {@code reference} with a given int8 model called {@code name} in the reports. */
  public static Plan given(OnnxModel reference, OnnxModel candidate, String name) {
    return new Plan(
        reference,
        null,
        null,
        Objects.requireNonNull(candidate, "candidate"),
        name,
        null,
        false,
        null,
        null,
        null,
        OrtRuntime.SessionConfig.DEFAULT);
  }

  /** The same plan with a parity check on {@code samples}. */
  public Plan withParity(ParityOptions options, List<Map<String, NdArray>> samples) {
    return new Plan(
        reference,
        quantize,
        quantized,
        candidate,
        candidateName,
        options,
        false,
        samples,
        bench,
        benchFeeds,
        sessions);
  }

  /**
   * The same plan with an error trace on {@code samples}: every intermediate tensor compared, and
   * the graph outputs as the parity check compares them (the trace includes it).
   */
  public Plan withTrace(ParityOptions options, List<Map<String, NdArray>> samples) {
    return new Plan(
        reference,
        quantize,
        quantized,
        candidate,
        candidateName,
        options,
        true,
        samples,
        bench,
        benchFeeds,
        sessions);
  }

  /** The same plan with a benchmark on {@code samples}. */
  public Plan withBench(LatencyBenchmark.Options options, List<Map<String, NdArray>> samples) {
    return new Plan(
        reference,
        quantize,
        quantized,
        candidate,
        candidateName,
        parity,
        trace,
        feeds,
        options,
        samples,
        sessions);
  }

  /** The same plan with other session settings. */
  public Plan withSessions(OrtRuntime.SessionConfig s) {
    return new Plan(
        reference,
        quantize,
        quantized,
        candidate,
        candidateName,
        parity,
        trace,
        feeds,
        bench,
        benchFeeds,
        s);
  }

  /** The same plan quantizing afresh with other options (nothing reused). */
  public Plan withQuantize(QuantizeOptions options) {
    return new Plan(
        reference,
        options,
        null,
        null,
        QUANTIZED_IN_MEMORY,
        parity,
        trace,
        feeds,
        bench,
        benchFeeds,
        sessions);
  }

  /** The same plan with the int8 model named {@code name} in the reports. */
  public Plan withCandidateName(String name) {
    return new Plan(
        reference,
        quantize,
        quantized,
        candidate,
        name,
        parity,
        trace,
        feeds,
        bench,
        benchFeeds,
        sessions);
  }

  /** The samples a benchmark times by default: the first few of {@code samples}. */
  public static List<Map<String, NdArray>> benchSamples(List<Map<String, NdArray>> samples) {
    return samples.subList(0, Math.min(BENCH_SAMPLES, samples.size()));
  }

  /** Whether the run quantizes (rather than reusing or being given the int8 model). */
  boolean quantizes() {
    return candidate == null && quantized == null;
  }
}
