// SPDX-License-Identifier: Apache-2.0
package org.quantscope.sensitivity;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.ParityOptions;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;

/**
 * What a per-node study works on: the values that travel together through {@link Sensitivity},
 * {@link AutoExclude}, their variants and the worker process that runs them for the window.
 *
 * @param model the float model
 * @param options quantization options; the candidates are the nodes these would quantize
 * @param feeds the samples, as for {@code ParityCheck.run}
 * @param parity tolerances and threshold the variants are judged with
 * @param sessions ONNX Runtime settings; with 0 threads, each session gets its share of the cores
 * @param parallelism variants evaluated at the same time; 0 chooses (see {@link #resolved()})
 */
public record Study(
    OnnxModel model,
    QuantizeOptions options,
    List<Map<String, NdArray>> feeds,
    ParityOptions parity,
    OrtRuntime.SessionConfig sessions,
    int parallelism) {

  /** At most this many variants at once by default: each holds a copy of the int8 model. */
  static final int MAX_AUTO_PARALLELISM = 4;

  public Study {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(parity, "parity");
    Objects.requireNonNull(sessions, "sessions");
    feeds = List.copyOf(feeds);
    if (parallelism < 0) {
      throw new IllegalArgumentException("parallelism must be >= 0, got " + parallelism);
    }
  }

  /** The same study with automatic parallelism. */
  public static Study of(
      OnnxModel model,
      QuantizeOptions options,
      List<Map<String, NdArray>> feeds,
      ParityOptions parity,
      OrtRuntime.SessionConfig sessions) {
    return new Study(model, options, feeds, parity, sessions, 0);
  }

  /** The same study on another model (the worker's copy of it). */
  public Study withModel(OnnxModel m) {
    return new Study(m, options, feeds, parity, sessions, parallelism);
  }

  /**
   * The study as it runs: given parallelism and threads are kept; 0 parallelism means one variant
   * per share of the cores (per core when threads are 0, at most {@value #MAX_AUTO_PARALLELISM}); 0
   * threads with several variants at once means the cores split between them.
   */
  public Study resolved() {
    int cores = Runtime.getRuntime().availableProcessors();
    int threads = sessions.intraOpThreads();
    int p = parallelism;
    if (p == 0) {
      p = threads > 0 ? Math.max(1, cores / threads) : Math.min(cores, MAX_AUTO_PARALLELISM);
    }
    if (threads == 0 && p > 1) {
      threads = Math.max(1, cores / p);
    }
    return new Study(
        model,
        options,
        feeds,
        parity,
        new OrtRuntime.SessionConfig(threads, sessions.optLevel(), sessions.x64QuantPrecision()),
        p);
  }
}
