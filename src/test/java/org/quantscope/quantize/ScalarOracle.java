// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

/**
 * ONNX Runtime's weight quantization re-computed one scalar at a time, written from the spec
 * (/work/shared/docs/dynamic-quantization.md, section 3) and sharing no code with {@link QuantMath}
 * or {@link WeightQuantizer}: no slices, no chunks, no cursor; the channel of element {@code i} is
 * {@code (i / inner) % channels}; values are dequantized in float32 as DequantizeLinear does, and
 * the error sums are taken in double. It is the oracle the sliced, parallel quantizer is compared
 * with, element for element.
 */
final class ScalarOracle {
  private ScalarOracle() {}

  /** What the spec says a quantized tensor holds. */
  record Expected(
      float[] scales, int[] zeroPoints, byte[] data, double maxAbsError, double sqnrDb) {}

  /** Elements per step along the channel axis: the product of the dims after it. */
  static long inner(long[] dims, int axis) {
    long inner = 1;
    for (int d = axis + 1; d < dims.length; d++) {
      inner *= dims[d];
    }
    return inner;
  }

  /** The channel of row-major element {@code i}. */
  static int channelOf(long i, long[] dims, int axis) {
    return axis < 0 ? 0 : (int) ((i / inner(dims, axis)) % dims[axis]);
  }

  static Expected quantize(
      float[] x,
      long[] dims,
      int axis,
      QuantType type,
      boolean symmetric,
      boolean reduceRange,
      double minimumRealRange) {
    int channels = axis < 0 ? 1 : (int) dims[axis];
    long inner = axis < 0 ? Long.MAX_VALUE : inner(dims, axis);
    float[] min = new float[channels];
    float[] max = new float[channels];
    boolean[] seen = new boolean[channels];
    for (int i = 0; i < x.length; i++) {
      int c = (int) ((i / inner) % channels);
      if (!seen[c] || x[i] < min[c]) {
        min[c] = x[i];
      }
      if (!seen[c] || x[i] > max[c]) {
        max[c] = x[i];
      }
      seen[c] = true;
    }

    // the (qmin, qmax) table of section 3
    int qmin;
    int qmax;
    if (type == QuantType.QInt8) {
      qmin = reduceRange ? -64 : symmetric ? -127 : -128;
      qmax = reduceRange ? 64 : 127;
    } else {
      qmin = 0;
      qmax = reduceRange ? 127 : 255;
    }

    float[] scales = new float[channels];
    int[] zps = new int[channels];
    for (int c = 0; c < channels; c++) {
      scales[c] = 1f;
      if (x.length == 0) {
        continue;
      }
      float rmin = Math.min(min[c], 0f);
      float rmax = Math.max(max[c], 0f);
      if (!Double.isNaN(minimumRealRange)) {
        rmax = Math.max(rmax, (float) (rmin + minimumRealRange));
      }
      if (symmetric) {
        float a = Math.max(Math.abs(rmin), Math.abs(rmax));
        rmin = -a;
        rmax = a;
      }
      float width = rmax - rmin; // float32 subtraction
      double scale = (double) width / (qmax - qmin);
      if (scale < 1.17549435e-38) {
        continue;
      }
      zps[c] = (int) (symmetric ? Math.rint((qmin + qmax) / 2.0) : Math.rint(qmin - rmin / scale));
      scales[c] = (float) scale;
    }

    byte[] data = new byte[x.length];
    double signal = 0;
    double noise = 0;
    double maxErr = 0;
    for (int i = 0; i < x.length; i++) {
      int c = (int) ((i / inner) % channels);
      float v = (float) Math.rint(x[i] / scales[c]) + zps[c];
      int q = (int) Math.min(Math.max(v, type.typeMin()), type.typeMax());
      data[i] = (byte) q;
      // dequantized as DequantizeLinear does it, in float32
      float dequantized = (q - zps[c]) * scales[c];
      double err = x[i] - dequantized;
      signal += (double) x[i] * x[i];
      noise += err * err;
      maxErr = Math.max(maxErr, Math.abs(err));
    }
    double sqnr = noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
    return new Expected(scales, zps, data, maxErr, sqnr);
  }
}
