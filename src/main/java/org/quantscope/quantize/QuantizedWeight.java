// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

/**
 * A float tensor quantized to 8 bits, with what that cost in accuracy.
 *
 * @param dims dims of the quantized data (as stored; LSTM weights come out transposed)
 * @param type the 8-bit type
 * @param axis channel axis for per-channel quantization, or -1 for one scale
 * @param scales one per channel (one for per-tensor)
 * @param zeroPoints one per channel
 * @param data the quantized values, row-major, one byte each
 * @param maxAbsError largest |x - dequantize(quantize(x))| over all elements
 * @param sqnrDb signal-to-quantization-noise ratio in dB, {@code 10 log10(sum x^2 / sum err^2)};
 *     +Infinity when there is no error
 */
public record QuantizedWeight(
    long[] dims,
    QuantType type,
    int axis,
    float[] scales,
    int[] zeroPoints,
    byte[] data,
    double maxAbsError,
    double sqnrDb) {

  public boolean perChannel() {
    return axis >= 0;
  }

  public float minScale() {
    float m = Float.POSITIVE_INFINITY;
    for (float s : scales) {
      m = Math.min(m, s);
    }
    return m;
  }

  public float maxScale() {
    float m = Float.NEGATIVE_INFINITY;
    for (float s : scales) {
      m = Math.max(m, s);
    }
    return m;
  }
}
