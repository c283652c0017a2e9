// SPDX-License-Identifier: Apache-2.0
package org.quantscope.worker;

import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.parity.ParityOptions;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.OrtRuntime;

/**
 * What the worker is asked to do, as written to {@code job.json} in the job's folder. The samples
 * are beside it in {@code feeds.bin}; the models are files (the float model's own file when it has
 * one, else a copy in the job's folder).
 *
 * @param kind the run
 * @param reference the float model's file
 * @param referenceName the float model's name in the reports
 * @param referenceBytes the float model's size in the benchmark report
 * @param candidate the int8 model's file (parity and benchmark); null otherwise
 * @param candidateName the int8 model's name in the reports
 * @param candidateBytes the int8 model's size in the benchmark report
 * @param sessions ONNX Runtime settings
 * @param parity tolerances (parity, sensitivity, auto-exclude); null for the benchmark
 * @param bench warm-up and runs (benchmark); null otherwise
 * @param quantize quantization options (sensitivity, auto-exclude); null otherwise
 * @param parallelism variants at once (sensitivity, auto-exclude); 0 chooses
 */
record WorkerJob(
    Kind kind,
    String reference,
    String referenceName,
    long referenceBytes,
    String candidate,
    String candidateName,
    long candidateBytes,
    OrtRuntime.SessionConfig sessions,
    ParityOptions parity,
    LatencyBenchmark.Options bench,
    QuantizeOptions quantize,
    int parallelism) {

  /** The runs a worker performs; each names what it is doing for messages. */
  enum Kind {
    PARITY("checking parity"),
    BENCH("benchmarking"),
    SENSITIVITY("analysing sensitivity"),
    AUTO_EXCLUDE("searching for nodes to leave in float");

    final String doing;

    Kind(String doing) {
      this.doing = doing;
    }
  }
}
