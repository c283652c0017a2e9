// SPDX-License-Identifier: Apache-2.0
package org.quantscope.bench;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Latency of one model.
 *
 * @param path the model file (or its name)
 * @param role "reference" (fp32) or "candidate" (int8)
 * @param sizeBytes model file plus external data
 * @param loadMs time to create the ONNX Runtime session
 * @param runs measured runs (after warm-up)
 * @param batch samples per run
 * @param meanMs mean latency of one run
 * @param stdevMs sample standard deviation
 * @param p50Ms median (percentiles by linear interpolation, as numpy)
 * @param p90Ms 90th percentile
 * @param p95Ms 95th percentile
 * @param p99Ms 99th percentile
 * @param throughputPerS samples per second: batch / mean
 */
public record LatencyStats(
    String path,
    String role,
    @JsonProperty("size_bytes") long sizeBytes,
    @JsonProperty("load_ms") double loadMs,
    int runs,
    int batch,
    @JsonProperty("mean_ms") double meanMs,
    @JsonProperty("stdev_ms") double stdevMs,
    @JsonProperty("p50_ms") double p50Ms,
    @JsonProperty("p90_ms") double p90Ms,
    @JsonProperty("p95_ms") double p95Ms,
    @JsonProperty("p99_ms") double p99Ms,
    @JsonProperty("throughput_per_s") double throughputPerS) {

  /** Statistics of run times in nanoseconds. */
  static LatencyStats of(
      String path, String role, long sizeBytes, long loadNanos, long[] nanos, int batch) {
    int n = nanos.length;
    double[] ms = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      ms[i] = nanos[i] / 1e6;
      sum += ms[i];
    }
    double mean = n == 0 ? 0 : sum / n;
    double var = 0;
    for (double v : ms) {
      var += (v - mean) * (v - mean);
    }
    double stdev = n > 1 ? Math.sqrt(var / (n - 1)) : 0;
    double[] sorted = ms.clone();
    java.util.Arrays.sort(sorted);
    return new LatencyStats(
        path,
        role,
        sizeBytes,
        loadNanos / 1e6,
        n,
        batch,
        mean,
        stdev,
        percentile(sorted, 50),
        percentile(sorted, 90),
        percentile(sorted, 95),
        percentile(sorted, 99),
        mean > 0 ? batch * 1000.0 / mean : 0);
  }

  /** numpy.percentile's default: linear interpolation between closest ranks. */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    double pos = (sorted.length - 1) * p / 100.0;
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }
}
