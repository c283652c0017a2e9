// SPDX-License-Identifier: Apache-2.0
package org.quantscope.parity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.IntToDoubleFunction;
import org.quantscope.runtime.NdArray;

/** The statistics of one output, from the reference and candidate arrays of every sample. */
final class DiffStats {
  private DiffStats() {}

  /** Relative differences are taken against max(|reference|, this). */
  static final double REL_EPS = 1e-6;

  /**
   * Compares one output over all samples.
   *
   * @param ref the reference arrays, one per run
   * @param cand the candidate arrays, same shapes
   */
  static OutputParity compare(
      String name, List<NdArray> ref, List<NdArray> cand, ParityOptions options) {
    NdArray first = ref.get(0);
    List<Long> shape = new ArrayList<>();
    for (long d : first.shape()) {
      shape.add(d);
    }
    long elements = 0;
    for (int i = 0; i < ref.size(); i++) {
      if (!Arrays.equals(ref.get(i).shape(), cand.get(i).shape())) {
        throw new IllegalArgumentException(
            "output '"
                + name
                + "' has shape "
                + Arrays.toString(ref.get(i).shape())
                + " in the reference but "
                + Arrays.toString(cand.get(i).shape())
                + " in the candidate");
      }
      elements += ref.get(i).size();
    }
    if (!first.isFloat()) {
      long mismatches = 0;
      for (int i = 0; i < ref.size(); i++) {
        double[] a = ref.get(i).toDoubles();
        double[] b = cand.get(i).toDoubles();
        for (int k = 0; k < a.length; k++) {
          if (a[k] != b[k]) {
            mismatches++;
          }
        }
      }
      return new OutputParity(
          name,
          first.type().numpyName(),
          shape,
          elements,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          mismatches);
    }

    float[] abs = new float[Math.toIntExact(elements)];
    double sum = 0;
    double sumSq = 0;
    double max = 0;
    double maxRel = 0;
    double dot = 0;
    double normA = 0;
    double normB = 0;
    int k = 0;
    for (int i = 0; i < ref.size(); i++) {
      double[] a = ref.get(i).toDoubles();
      double[] b = cand.get(i).toDoubles();
      for (int j = 0; j < a.length; j++) {
        double d = a[j] - b[j];
        double ad = Math.abs(d);
        abs[k++] = (float) ad;
        sum += ad;
        sumSq += d * d;
        max = Math.max(max, ad);
        maxRel = Math.max(maxRel, ad / Math.max(Math.abs(a[j]), REL_EPS));
        dot += a[j] * b[j];
        normA += a[j] * a[j];
        normB += b[j] * b[j];
      }
    }
    double mean = elements == 0 ? 0 : sum / elements;
    double rmse = elements == 0 ? 0 : Math.sqrt(sumSq / elements);
    double cosine =
        normA == 0 && normB == 0
            ? 1.0
            : (normA == 0 || normB == 0 ? 0.0 : dot / Math.sqrt(normA * normB));
    Ranked ranked = new Ranked(abs, 50, 90, 99);
    Decisions dec = decisions(ref, cand, options);
    return new OutputParity(
        name,
        first.type().numpyName(),
        shape,
        elements,
        max,
        mean,
        ranked.percentile(50),
        ranked.percentile(90),
        ranked.percentile(99),
        rmse,
        maxRel,
        cosine,
        histogram(abs, max, options),
        dec == null ? null : dec.rows,
        dec == null ? null : dec.flips,
        dec == null ? null : dec.near,
        null);
  }

  /** numpy.percentile's default (linear interpolation between closest ranks). */
  static double percentile(float[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return interpolate(p, sorted.length, r -> sorted[r]);
  }

  private static double interpolate(double p, int n, IntToDoubleFunction at) {
    double pos = (n - 1) * p / 100.0;
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, n - 1);
    double frac = pos - lo;
    float a = (float) at.applyAsDouble(lo);
    return a + ((float) at.applyAsDouble(hi) - (double) a) * frac;
  }

  /**
   * The percentiles of absolute differences (each at least +0, or NaN) as {@link
   * #percentile(float[], double)} gives them on the sorted values (NaN last), without sorting them
   * all: a radix select on the values' bits, which for such floats order as the values do ({@link
   * Float#floatToIntBits} makes every NaN the one largest pattern). One counting pass over the high
   * 16 bits, then one over the low 16 bits per bucket a needed rank falls in. Sorting was a tenth
   * of a sensitivity analysis's Java time (its outputs hold 100 samples' values).
   */
  static final class Ranked {
    /** Below this many values a plain sort is cheaper than the counting tables. */
    private static final int SORT_BELOW = 1 << 12;

    private final int n;
    private final float[] sorted; // the small case
    private final Map<Integer, Float> byRank = new HashMap<>(); // the others: the ranks needed

    Ranked(float[] values, double... percentiles) {
      n = values.length;
      if (n < SORT_BELOW) {
        sorted = values.clone();
        Arrays.sort(sorted);
        return;
      }
      sorted = null;
      TreeSet<Integer> ranks = new TreeSet<>();
      for (double p : percentiles) {
        int lo = (int) Math.floor((n - 1) * p / 100.0);
        ranks.add(lo);
        ranks.add(Math.min(lo + 1, n - 1));
      }
      int[] high = new int[1 << 16];
      for (float v : values) {
        high[Float.floatToIntBits(v) >>> 16]++;
      }
      int bucket = 0;
      int below = 0; // values in the buckets before `bucket`
      int[] low = null; // counts of the low bits in `bucket`, once a rank falls in it
      int l = 0;
      int lowBelow = 0; // `below` plus the values in `bucket` whose low bits are below `l`
      for (int rank : ranks) {
        while (below + high[bucket] <= rank) {
          below += high[bucket++];
          low = null;
        }
        if (low == null) {
          low = lowBits(values, bucket);
          l = 0;
          lowBelow = below;
        }
        while (lowBelow + low[l] <= rank) {
          lowBelow += low[l++];
        }
        byRank.put(rank, Float.intBitsToFloat(bucket << 16 | l));
      }
    }

    private static int[] lowBits(float[] values, int bucket) {
      int[] low = new int[1 << 16];
      for (float v : values) {
        int bits = Float.floatToIntBits(v);
        if (bits >>> 16 == bucket) {
          low[bits & 0xffff]++;
        }
      }
      return low;
    }

    double percentile(double p) {
      return sorted != null ? DiffStats.percentile(sorted, p) : interpolate(p, n, byRank::get);
    }
  }

  static OutputParity.Histogram histogram(float[] abs, double max, ParityOptions options) {
    int bins = options.bins();
    double top = Math.max(max, options.absTol());
    if (top <= 0) {
      top = 1e-6;
    }
    double width = top / bins;
    long[] counts = new long[bins];
    for (float v : abs) {
      int b = (int) (v / width);
      counts[Math.min(Math.max(b, 0), bins - 1)]++;
    }
    List<Double> edges = new ArrayList<>(bins + 1);
    for (int i = 0; i <= bins; i++) {
      edges.add(i == bins ? top : i * width);
    }
    List<Long> c = new ArrayList<>(bins);
    for (long x : counts) {
      c.add(x);
    }
    return new OutputParity.Histogram(edges, c);
  }

  private record Decisions(long rows, long flips, long near) {}

  /**
   * Decisions of classifier-like outputs: rank 2 ([N, C]) or rank 1 ([N]). More than two columns:
   * argmax; one or two (the positive class): the score against the threshold.
   */
  private static Decisions decisions(List<NdArray> ref, List<NdArray> cand, ParityOptions o) {
    long[] s = ref.get(0).shape();
    if (s.length < 1 || s.length > 2) {
      return null;
    }
    long rows = 0;
    long flips = 0;
    long near = 0;
    for (int i = 0; i < ref.size(); i++) {
      long[] shape = ref.get(i).shape();
      int n = (int) shape[0];
      int c = shape.length == 2 ? (int) shape[1] : 1;
      if (c == 0) {
        continue;
      }
      double[] a = ref.get(i).toDoubles();
      double[] b = cand.get(i).toDoubles();
      for (int r = 0; r < n; r++) {
        rows++;
        if (c > 2) {
          if (argmax(a, r * c, c) != argmax(b, r * c, c)) {
            flips++;
          }
        } else {
          double ra = a[r * c + c - 1];
          double rb = b[r * c + c - 1];
          if ((ra >= o.threshold()) != (rb >= o.threshold())) {
            flips++;
          }
          if (Math.abs(ra - o.threshold()) <= o.absTol()) {
            near++;
          }
        }
      }
    }
    return new Decisions(rows, flips, near);
  }

  private static int argmax(double[] v, int from, int len) {
    int best = 0;
    for (int j = 1; j < len; j++) {
      if (v[from + j] > v[from + best]) {
        best = j;
      }
    }
    return best;
  }
}
