// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.quantscope.onnx.TensorProto;

/**
 * Quantized weights kept between quantizations of the same model, so that quantizing many subsets
 * of its nodes (sensitivity analysis, automatic exclusion) computes each weight once. A weight is
 * found again when its float tensor (compared by content, so the transposed copy of a Gemm weight
 * made anew by each run matches too) and its quantization parameters are the same; the output is
 * byte for byte the one an uncached run gives. Thread-safe; holds the 8-bit copies of every weight
 * seen, so keep it only as long as the model.
 */
public final class WeightCache {
  private final Map<Key, QuantizedWeight> weights = new ConcurrentHashMap<>();

  /** What decides a weight's quantized values. */
  private record Key(
      TensorProto source,
      QuantType type,
      boolean symmetric,
      boolean reduceRange,
      int axis,
      List<Long> quantDims) {}

  private static Key keyOf(WeightJob job) {
    List<Long> dims = new ArrayList<>(job.quantDims().length);
    for (long d : job.quantDims()) {
      dims.add(d);
    }
    return new Key(
        job.source(),
        job.type(),
        job.symmetric(),
        job.reduceRange(),
        job.axis(),
        List.copyOf(dims));
  }

  QuantizedWeight get(WeightJob job) {
    return weights.get(keyOf(job));
  }

  void put(WeightJob job, QuantizedWeight w) {
    weights.putIfAbsent(keyOf(job), w);
  }

  /** Number of weights held. */
  public int size() {
    return weights.size();
  }
}
