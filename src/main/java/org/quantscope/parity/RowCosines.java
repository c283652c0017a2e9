// SPDX-License-Identifier: Apache-2.0
package org.quantscope.parity;

import java.util.List;
import org.quantscope.runtime.NdArray;

/**
 * Cosine similarity of float and int8 per row of an output: what an embedding's user compares. A
 * [N, D] output gives N rows; a [N, T, D] output is mean-pooled over T first
 * (sentence-transformers' pooling), counting only positions whose attention mask is non-zero when
 * the run had one; a [N] output is one vector per run; more axes are flattened after N.
 */
final class RowCosines {
  private RowCosines() {}

  /** Smallest and mean cosine over rows, and the rows counted. */
  record Stats(double min, double mean, long rows) {
    static final Stats NONE = new Stats(Double.NaN, Double.NaN, 0);

    Stats plus(Stats o) {
      if (rows == 0) {
        return o;
      }
      if (o.rows == 0) {
        return this;
      }
      long n = rows + o.rows;
      return new Stats(Math.min(min, o.min), (mean * rows + o.mean * o.rows) / n, n);
    }
  }

  /**
   * @param masks per run, the attention mask ([N, T]) or null
   */
  static Stats of(List<NdArray> ref, List<NdArray> cand, List<NdArray> masks) {
    Stats all = Stats.NONE;
    for (int i = 0; i < ref.size(); i++) {
      all = all.plus(run(ref.get(i), cand.get(i), masks == null ? null : masks.get(i)));
    }
    return all;
  }

  private static Stats run(NdArray ref, NdArray cand, NdArray mask) {
    double[] a = ref.toDoubles();
    double[] b = cand.toDoubles();
    long[] shape = ref.shape();
    if (shape.length <= 1) {
      double c = cosine(a, b, 0, a.length);
      return new Stats(c, c, 1);
    }
    int n = (int) shape[0];
    if (n == 0) {
      return Stats.NONE;
    }
    double min = Double.POSITIVE_INFINITY;
    double sum = 0;
    if (shape.length == 3) {
      // mean-pooled over the tokens (the sum: a cosine ignores the scale), padding left out
      int t = (int) shape[1];
      int d = (int) shape[2];
      double[] m = pools(mask, shape) ? mask.toDoubles() : null;
      for (int r = 0; r < n; r++) {
        double[] pa = new double[d];
        double[] pb = new double[d];
        for (int s = 0; s < t; s++) {
          if (m != null && m[r * t + s] == 0) {
            continue;
          }
          for (int k = 0; k < d; k++) {
            pa[k] += a[(r * t + s) * d + k];
            pb[k] += b[(r * t + s) * d + k];
          }
        }
        double c = cosine(pa, pb, 0, d);
        min = Math.min(min, c);
        sum += c;
      }
      return new Stats(min, sum / n, n);
    }
    int len = a.length / n;
    for (int r = 0; r < n; r++) {
      double c = cosine(a, b, r * len, len);
      min = Math.min(min, c);
      sum += c;
    }
    return new Stats(min, sum / n, n);
  }

  /** True when the mask is [N, T] for an output [N, T, D]. */
  private static boolean pools(NdArray mask, long[] shape) {
    return mask != null
        && mask.shape().length == 2
        && mask.shape()[0] == shape[0]
        && mask.shape()[1] == shape[1];
  }

  /** Cosine of two slices; 1 when both are zero, 0 when one is. */
  static double cosine(double[] a, double[] b, int from, int len) {
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int k = from; k < from + len; k++) {
      ab += a[k] * b[k];
      aa += a[k] * a[k];
      bb += b[k] * b[k];
    }
    if (aa == 0 && bb == 0) {
      return 1;
    }
    if (aa == 0 || bb == 0) {
      return 0;
    }
    return Math.max(-1, Math.min(1, ab / Math.sqrt(aa * bb)));
  }
}
