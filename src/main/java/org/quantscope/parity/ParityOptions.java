// SPDX-License-Identifier: Apache-2.0
package org.quantscope.parity;

import java.util.Set;
import org.quantscope.runtime.SampleOrigin;

/**
 * What counts as parity.
 *
 * @param absTol largest allowed absolute difference (seed default 0.04)
 * @param meanTol largest allowed mean absolute difference (seed default 0.01)
 * @param threshold decision threshold for single-score or binary outputs (default 0.5)
 * @param outputs outputs to compare; empty means all float and integer outputs
 * @param bins bins of the absolute-difference histogram
 * @param metric what the verdict judges
 * @param metricTol for {@link Metric#COSINE} the smallest row cosine allowed, for {@link
 *     Metric#TOP1} the smallest share of decisions that must agree; unused for {@link Metric#ABS}
 * @param samplesFrom where the samples came from, said again by every report of the check (null
 *     when the caller does not say)
 */
public record ParityOptions(
    double absTol,
    double meanTol,
    double threshold,
    Set<String> outputs,
    int bins,
    Metric metric,
    double metricTol,
    @com.fasterxml.jackson.annotation.JsonProperty("samples_from") SampleOrigin samplesFrom) {

  public static final ParityOptions DEFAULTS = new ParityOptions(0.04, 0.01, 0.5, Set.of(), 40);

  /** Default tolerance of {@link Metric#COSINE}. */
  public static final double COSINE_TOL = 0.99;

  /** Default tolerance of {@link Metric#TOP1}. */
  public static final double TOP1_TOL = 0.99;

  /** The seed's verdict: |d| against both tolerances. */
  public ParityOptions(
      double absTol, double meanTol, double threshold, Set<String> outputs, int bins) {
    this(absTol, meanTol, threshold, outputs, bins, Metric.ABS, 0, null);
  }

  public ParityOptions(
      double absTol,
      double meanTol,
      double threshold,
      Set<String> outputs,
      int bins,
      Metric metric,
      double metricTol) {
    this(absTol, meanTol, threshold, outputs, bins, metric, metricTol, null);
  }

  /**
   * The same options for samples from {@code origin}: every report of the check says where its
   * samples came from.
   */
  public ParityOptions withSamplesFrom(SampleOrigin origin) {
    return new ParityOptions(absTol, meanTol, threshold, outputs, bins, metric, metricTol, origin);
  }

  /** The same options judged by another metric. */
  public ParityOptions withMetric(Metric m, double tol) {
    return new ParityOptions(absTol, meanTol, threshold, outputs, bins, m, tol, samplesFrom);
  }

  public ParityOptions {
    if (!(absTol >= 0) || !(meanTol >= 0)) {
      throw new IllegalArgumentException(
          "tolerances must be numbers >= 0, got abs " + absTol + " and mean " + meanTol);
    }
    if (!Double.isFinite(threshold)) {
      throw new IllegalArgumentException("threshold must be a number, got " + threshold);
    }
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be >= 1, got " + bins);
    }
    outputs = Set.copyOf(outputs);
    java.util.Objects.requireNonNull(metric, "metric");
    if (metric == Metric.COSINE && !(metricTol >= -1 && metricTol <= 1)) {
      throw new IllegalArgumentException(
          "--cosine-tol must be a number from -1 to 1, got " + metricTol);
    }
    if (metric == Metric.TOP1 && !(metricTol >= 0 && metricTol <= 1)) {
      throw new IllegalArgumentException(
          "--top1-tol must be a share from 0 to 1, got " + metricTol);
    }
  }
}
