// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.ParityOptions;
import org.quantscope.pipeline.Plan;
import org.quantscope.pipeline.SampleSource;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.runtime.Synthesizer;
import org.quantscope.sensitivity.Study;

/**
 * Everything a run needs, taken on the FX thread when it starts (options can change later); the
 * samples are read on the worker thread, once per run.
 */
final class RunRequest {
  private final OnnxModel model;
  private final DynamicQuantizer.Output previous;
  private final QuantizeOptions previousOptions;
  private final QuantizeOptions quantize;
  private ParityOptions parity;
  private final SampleSource samples;
  private final int benchRuns;
  private final int threads;
  private List<Map<String, NdArray>> feeds;

  /**
   * @param model the open model
   * @param previous the int8 model of the last run, or null
   * @param previousOptions the options {@code previous} was quantized with
   * @param o the options as they are now
   */
  RunRequest(
      OnnxModel model,
      DynamicQuantizer.Output previous,
      QuantizeOptions previousOptions,
      OptionsViewModel o) {
    this.model = model;
    this.previous = previous;
    this.previousOptions = previousOptions;
    this.quantize = o.quantizeOptions();
    this.parity = o.parityOptions();
    this.samples = samples(o);
    this.benchRuns = o.benchRunCount();
    this.threads = o.benchThreadCount();
  }

  private static SampleSource samples(OptionsViewModel o) {
    SampleSource s = source(o);
    Integer rows = o.batchRows();
    return rows == null ? s : s.batched(rows);
  }

  private static SampleSource source(OptionsViewModel o) {
    return switch (o.sampleSourceProperty().get()) {
      case FILE -> new SampleSource.File(o.sampleFileProperty().get());
      case TEXT ->
          new SampleSource.Text(
              o.textFileProperty().get(), o.tokenizerFileProperty().get(), java.util.Map.of());
      case EXAMPLE -> new SampleSource.Example();
      case SYNTHETIC ->
          new SampleSource.Synthetic(Synthesizer.Options.of(o.sampleCount(), o.seedValue()));
    };
  }

  static OrtRuntime.SessionConfig sessions(int threads) {
    return new OrtRuntime.SessionConfig(threads, OrtRuntime.OptLevel.ALL, false);
  }

  OrtRuntime.SessionConfig sessions() {
    return sessions(threads);
  }

  QuantizeOptions quantize() {
    return quantize;
  }

  private List<Map<String, NdArray>> feeds() throws IOException {
    if (feeds == null) {
      feeds = samples.read(model);
      parity = parity.withSamplesFrom(samples.origin(model, feeds));
    }
    return feeds;
  }

  /** Quantize afresh with the current options. */
  Plan fresh() {
    return Plan.quantize(model, quantize).withSessions(sessions());
  }

  /** Reuse the int8 model of the last run, or quantize when there is none. */
  Plan reused() {
    return previous == null
        ? fresh()
        : Plan.reuse(model, previous, previousOptions).withSessions(sessions());
  }

  /** The plan with a parity check on the samples. */
  Plan checked(Plan p) throws IOException {
    List<Map<String, NdArray>> f = feeds();
    return p.withParity(parity, f);
  }

  /** The plan with an error trace on the samples (it includes the parity check). */
  Plan traced(Plan p) throws IOException {
    List<Map<String, NdArray>> f = feeds();
    return p.withTrace(parity, f);
  }

  /** The plan with a benchmark on the first few samples. */
  Plan timed(Plan p) throws IOException {
    return p.withBench(
        new LatencyBenchmark.Options(Math.min(10, benchRuns), benchRuns, 0),
        Plan.benchSamples(feeds()));
  }

  /** The samples (read once per run). */
  List<Map<String, NdArray>> samples() throws IOException {
    return feeds();
  }

  /** Where the samples came from, once read. */
  org.quantscope.runtime.SampleOrigin samplesFrom() {
    return parity.samplesFrom();
  }

  Study study() throws IOException {
    List<Map<String, NdArray>> f = feeds();
    return Study.of(model, quantize, f, parity, sessions());
  }
}
