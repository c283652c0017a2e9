// SPDX-License-Identifier: Apache-2.0
package org.quantscope.trace;

/**
 * Running statistics of the difference between one tensor in the float run and the same tensor in
 * the int8 run, over every element of every run: only sums and maxima are kept, never the values.
 */
final class DiffAccumulator {
  private long elements;
  private double sumAbs;
  private double maxAbs;
  private double sumD2;
  private double sumRef2;
  private double sumCand2;
  private double sumRefCand;

  /** Adds one run's values; {@code ref} and {@code cand} have the same length. */
  void add(float[] ref, float[] cand) {
    double sa = 0;
    double ma = maxAbs;
    double d2 = 0;
    double r2 = 0;
    double c2 = 0;
    double rc = 0;
    for (int i = 0; i < ref.length; i++) {
      double r = ref[i];
      double c = cand[i];
      double d = c - r;
      double ad = Math.abs(d);
      sa += ad;
      if (ad > ma) {
        ma = ad;
      }
      d2 += d * d;
      r2 += r * r;
      c2 += c * c;
      rc += r * c;
    }
    elements += ref.length;
    sumAbs += sa;
    maxAbs = ma;
    sumD2 += d2;
    sumRef2 += r2;
    sumCand2 += c2;
    sumRefCand += rc;
  }

  /** Sum of squared differences: the noise power, in the tensor's units squared. */
  double noise() {
    return sumD2;
  }

  /** Sum of the squared float values: the signal power. */
  double signal() {
    return sumRef2;
  }

  long elements() {
    return elements;
  }

  double maxAbsDiff() {
    return maxAbs;
  }

  double meanAbsDiff() {
    return elements == 0 ? 0 : sumAbs / elements;
  }

  /** Root mean square of the float run's values. */
  double rmsReference() {
    return elements == 0 ? 0 : Math.sqrt(sumRef2 / elements);
  }

  /** RMS of the difference over RMS of the reference; 0 when both are 0. */
  double relativeError() {
    if (sumD2 == 0) {
      return 0;
    }
    return sumRef2 == 0 ? Double.POSITIVE_INFINITY : Math.sqrt(sumD2 / sumRef2);
  }

  /** Cosine similarity of the two runs' values as vectors; 1 when both are all zero. */
  double cosine() {
    if (sumRef2 == 0 && sumCand2 == 0) {
      return 1;
    }
    if (sumRef2 == 0 || sumCand2 == 0) {
      return 0;
    }
    return sumRefCand / Math.sqrt(sumRef2 * sumCand2);
  }

  /** Noise (difference) power over signal (reference) power; 0 for an exact match. */
  double noiseToSignal() {
    if (sumD2 == 0) {
      return 0;
    }
    return sumRef2 == 0 ? Double.POSITIVE_INFINITY : sumD2 / sumRef2;
  }

  /** Signal-to-quantization-noise ratio in dB; +infinity for an exact match. */
  double sqnrDb() {
    return ErrorTrace.db(noiseToSignal());
  }
}
