// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.nio.FloatBuffer;

/**
 * Quantizes one float tensor per tensor or per channel with {@link QuantMath}, and measures the
 * error it introduces. Reads the values straight from the (possibly memory-mapped) payload.
 */
public final class WeightQuantizer {
  private WeightQuantizer() {}

  /**
   * @param values the tensor's values, row-major
   * @param dims its dims
   * @param axis channel axis (one scale per slice along it), or -1 for one scale
   */
  public static QuantizedWeight quantize(
      FloatBuffer values,
      long[] dims,
      int axis,
      QuantType type,
      boolean symmetric,
      boolean reduceRange,
      double minimumRealRange) {
    int n = values.remaining();
    int channels = 1;
    int inner = n;
    if (axis >= 0) {
      channels = (int) dims[axis];
      inner = 1;
      for (int d = axis + 1; d < dims.length; d++) {
        inner *= (int) dims[d];
      }
    }
    int block = channels * inner; // elements per outer index
    int outer = block == 0 ? 0 : n / block;
    int base = values.position();

    float[] min = new float[channels];
    float[] max = new float[channels];
    java.util.Arrays.fill(min, Float.POSITIVE_INFINITY);
    java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
    for (int o = 0; o < outer; o++) {
      for (int c = 0; c < channels; c++) {
        int start = base + o * block + c * inner;
        float lo = min[c];
        float hi = max[c];
        for (int j = 0; j < inner; j++) {
          float x = values.get(start + j);
          if (x < lo) {
            lo = x;
          }
          if (x > hi) {
            hi = x;
          }
        }
        min[c] = lo;
        max[c] = hi;
      }
    }

    float[] scales = new float[channels];
    int[] zps = new int[channels];
    boolean empty = n == 0 || (axis >= 0 && outer * inner == 0);
    for (int c = 0; c < channels; c++) {
      QuantMath.Params p =
          QuantMath.params(min[c], max[c], type, symmetric, reduceRange, minimumRealRange, empty);
      scales[c] = p.scale();
      zps[c] = p.zeroPoint();
    }

    byte[] q = new byte[n];
    double signal = 0;
    double noise = 0;
    double maxErr = 0;
    for (int o = 0; o < outer; o++) {
      for (int c = 0; c < channels; c++) {
        float scale = scales[c];
        int zp = zps[c];
        int start = o * block + c * inner;
        for (int j = 0; j < inner; j++) {
          float x = values.get(base + start + j);
          int v = QuantMath.quantize(x, scale, zp, type);
          q[start + j] = (byte) v;
          double err = x - (double) (v - zp) * scale;
          signal += (double) x * x;
          noise += err * err;
          double a = Math.abs(err);
          if (a > maxErr) {
            maxErr = a;
          }
        }
      }
    }
    double sqnr = noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
    return new QuantizedWeight(dims.clone(), type, axis, scales, zps, q, maxErr, sqnr);
  }
}
