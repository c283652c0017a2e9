// SPDX-License-Identifier: Apache-2.0
package org.quantscope.trace;

import java.util.Arrays;

/**
 * Running statistics of one activation that dynamic quantization squeezes to uint8 at run time, as
 * the int8 model computes it: its range, a histogram of |x| for quantiles (64 bins per octave, so
 * within 1.1 %), a drawable histogram of x, the uint8 step of every run, the error the uint8 round
 * trip adds, and the largest |x| of every row (first axis), so that one outlier row shows. Memory
 * is fixed but for one float per row.
 */
final class ActivationAccumulator {
  /** Bins of the |x| histogram: float exponent and the top 6 mantissa bits. */
  private static final int SHIFT = 17;

  private static final int LOG_BINS = 1 << (31 - SHIFT);

  /** Bins of the drawable histogram over [-range, range]. */
  static final int BINS = 256;

  private final long[] logHistogram = new long[LOG_BINS];
  private final long[] histogram = new long[BINS];
  private double histogramRange;
  private long elements;
  private float min = Float.POSITIVE_INFINITY;
  private float max = Float.NEGATIVE_INFINITY;
  private float stepMin = Float.POSITIVE_INFINITY;
  private float stepMax;
  private double stepSum;
  private int runs;
  private double signal;
  private double noise;
  private float[] rowMaxAbs = new float[16];
  private int rows;

  /** Adds one run's value of the activation; its first axis is the batch. */
  void add(float[] x, long[] shape) {
    if (x.length == 0) {
      return;
    }
    DynamicQuantization.Params p = DynamicQuantization.params(x);
    runs++;
    stepMin = Math.min(stepMin, p.scale());
    stepMax = Math.max(stepMax, p.scale());
    stepSum += p.scale();
    int rowCount = shape.length >= 2 && shape[0] > 0 ? (int) shape[0] : 1;
    int rowLength = x.length / rowCount;
    double s2 = 0;
    double e2 = 0;
    for (int r = 0; r < rowCount; r++) {
      float rowMax = 0;
      int end = r == rowCount - 1 ? x.length : (r + 1) * rowLength;
      for (int i = r * rowLength; i < end; i++) {
        float v = x[i];
        if (v < min) {
          min = v;
        }
        if (v > max) {
          max = v;
        }
        float a = Math.abs(v);
        if (a > rowMax) {
          rowMax = a;
        }
        logHistogram[Float.floatToRawIntBits(a) >>> SHIFT]++;
        float d = v - DynamicQuantization.roundTrip(v, p);
        s2 += (double) v * v;
        e2 += (double) d * d;
      }
      addRow(rowMax);
    }
    signal += s2;
    noise += e2;
    elements += x.length;
    bin(x);
  }

  private void addRow(float rowMax) {
    if (rows == rowMaxAbs.length) {
      rowMaxAbs = Arrays.copyOf(rowMaxAbs, rows * 2);
    }
    rowMaxAbs[rows++] = rowMax;
  }

  /** The drawable histogram: symmetric around 0, its range doubled (bins merged) as needed. */
  private void bin(float[] x) {
    double top = Math.max(Math.abs((double) min), Math.abs((double) max));
    if (histogramRange == 0) {
      histogramRange = top > 0 ? Math.pow(2, Math.ceil(Math.log(top) / Math.log(2))) : 1;
    }
    while (top > histogramRange) {
      long[] merged = new long[BINS];
      for (int i = 0; i < BINS; i++) {
        merged[BINS / 4 + i / 2] += histogram[i];
      }
      System.arraycopy(merged, 0, histogram, 0, BINS);
      histogramRange *= 2;
    }
    double width = 2 * histogramRange / BINS;
    for (float v : x) {
      int b = (int) Math.floor((v + histogramRange) / width);
      histogram[Math.max(0, Math.min(BINS - 1, b))]++;
    }
  }

  long elements() {
    return elements;
  }

  int runs() {
    return runs;
  }

  float min() {
    return elements == 0 ? 0 : min;
  }

  float max() {
    return elements == 0 ? 0 : max;
  }

  float maxAbs() {
    return Math.max(Math.abs(min()), Math.abs(max()));
  }

  /**
   * The |x| below which a fraction {@code q} of the elements lie, from the log histogram: the
   * middle of its bin, within 1.1 %.
   */
  float quantileAbs(double q) {
    if (elements == 0) {
      return 0;
    }
    long above = (long) Math.floor((1 - q) * elements);
    long seen = 0;
    for (int b = LOG_BINS - 1; b >= 0; b--) {
      seen += logHistogram[b];
      if (seen > above) {
        return Math.min(maxAbs(), Float.intBitsToFloat((b << SHIFT) | (1 << (SHIFT - 1))));
      }
    }
    return 0;
  }

  float stepMin() {
    return runs == 0 ? 0 : stepMin;
  }

  float stepMax() {
    return stepMax;
  }

  double stepMean() {
    return runs == 0 ? 0 : stepSum / runs;
  }

  /** SQNR of x against its uint8 round trip, in dB (the error dynamic quantization adds here). */
  double sqnrDb() {
    return ErrorTrace.db(noise == 0 ? 0 : signal == 0 ? Double.POSITIVE_INFINITY : noise / signal);
  }

  float[] rowMaxAbs() {
    return Arrays.copyOf(rowMaxAbs, rows);
  }

  double histogramRange() {
    return histogramRange;
  }

  long[] histogram() {
    return histogram.clone();
  }
}
