// SPDX-License-Identifier: Apache-2.0
package org.quantscope.trace;

/**
 * What {@code DynamicQuantizeLinear} does to an activation at run time, emulated in Java with ONNX
 * Runtime's formulas (ONNX spec semantics): the range of the whole tensor is widened to include 0,
 * scale = (max - min) / 255, zero point = saturate(round(-min / scale)), q = saturate(round(x /
 * scale) + zero point), rounding half to even, in float32.
 */
final class DynamicQuantization {
  private DynamicQuantization() {}

  /**
   * The uint8 step (scale) and zero point of one tensor.
   *
   * @param scale the step between two uint8 levels; 0 for an all-zero tensor
   * @param zeroPoint the uint8 level of 0.0
   */
  record Params(float scale, float zeroPoint) {}

  static Params params(float[] x) {
    float min = 0;
    float max = 0;
    for (float v : x) {
      if (v < min) {
        min = v;
      }
      if (v > max) {
        max = v;
      }
    }
    float scale = (max - min) / 255f;
    if (scale == 0) {
      return new Params(0, 0);
    }
    float zp = (float) Math.rint(Math.max(0f, Math.min(255f, 0f - min / scale)));
    return new Params(scale, zp);
  }

  /** The value {@code x} comes back as after quantizing and dequantizing with {@code p}. */
  static float roundTrip(float x, Params p) {
    if (p.scale() == 0) {
      return x;
    }
    float q = Math.max(0f, Math.min(255f, (float) Math.rint(x / p.scale()) + p.zeroPoint()));
    return (q - p.zeroPoint()) * p.scale();
  }
}
