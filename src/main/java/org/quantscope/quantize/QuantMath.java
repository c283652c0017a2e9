// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

/**
 * ONNX Runtime's weight quantization arithmetic, step for step (see the spec, section 3): the range
 * always contains zero; its width is computed in float32, the scale in double and then rounded to
 * float32; the zero point uses the double scale; each value is divided in float32, rounded half to
 * even and clamped to the full type range.
 */
public final class QuantMath {
  private QuantMath() {}

  /** Smallest normal float; a smaller range means "all zero" and gives scale 1, zero point 0. */
  static final double FLT_MIN = 1.17549435e-38;

  /** Scale and zero point of one tensor or channel. */
  public record Params(float scale, int zeroPoint, float rmin, float rmax) {}

  /**
   * The (qmin, qmax) used to compute parameters: reduced ranges are (-64, 64) and (0, 127),
   * symmetric full INT8 is (-127, 127).
   */
  public static int[] qRange(QuantType type, boolean reduceRange, boolean symmetric) {
    if (type == QuantType.QInt8) {
      if (reduceRange) {
        return new int[] {-64, 64};
      }
      return symmetric ? new int[] {-127, 127} : new int[] {-128, 127};
    }
    return reduceRange ? new int[] {0, 127} : new int[] {0, 255};
  }

  /**
   * Parameters for data whose minimum and maximum are {@code min} and {@code max} (float32).
   *
   * @param minimumRealRange if not NaN, the range is widened to at least this
   */
  public static Params params(
      float min,
      float max,
      QuantType type,
      boolean symmetric,
      boolean reduceRange,
      double minimumRealRange,
      boolean empty) {
    if (empty) {
      return new Params(1.0f, 0, 0f, 0f);
    }
    float rmin = Math.min(min, 0f);
    float rmax = Math.max(max, 0f);
    if (!Double.isNaN(minimumRealRange)) {
      rmax = Math.max(rmax, (float) (rmin + minimumRealRange));
    }
    if (symmetric) {
      float a = Math.max(Math.abs(rmin), Math.abs(rmax));
      rmin = -a;
      rmax = a;
    }
    int[] q = qRange(type, reduceRange, symmetric);
    int qmin = q[0];
    int qmax = q[1];
    double dr = (double) (rmax - rmin); // float32 subtraction, then widened
    double scaleD = dr / (double) (qmax - qmin);
    if (scaleD < FLT_MIN) {
      return new Params(1.0f, 0, rmin, rmax);
    }
    int zp =
        symmetric
            ? (int) Math.rint((qmin + qmax) / 2.0)
            : (int) Math.rint(qmin - (double) rmin / scaleD);
    return new Params((float) scaleD, zp, rmin, rmax);
  }

  /**
   * 2^23: from here on every float is an integer, and below it a float's spacing is less than 1.
   */
  private static final float TWO_23 = 0x1.0p23f;

  /**
   * {@code (float) Math.rint(v)}, the same value bit for bit (signed zeros and infinities included;
   * a NaN stays a NaN), in float arithmetic: below 2^23, {@code |v| + 2^23} lands where floats are
   * one apart, so the addition itself rounds to the nearest integer, ties to even (2^23 is even),
   * and the subtraction is exact. Unlike {@code Math.rint}, which is only fast once C2 has compiled
   * the caller (C1 calls {@code StrictMath.rint}), it is fast from the first call: the weight loops
   * run most of a one-shot {@code quantize} before C2 is done.
   */
  public static float rint(float v) {
    float a = Math.abs(v);
    if (a < TWO_23) {
      return Math.copySign((a + TWO_23) - TWO_23, v);
    }
    return v;
  }

  /** One value quantized with a float32 scale: divide, round half to even, add, clamp. */
  public static int quantize(float x, float scale, int zeroPoint, QuantType type) {
    float v = x / scale;
    v = rint(v) + zeroPoint;
    if (v < type.typeMin()) {
      return type.typeMin();
    }
    if (v > type.typeMax()) {
      return type.typeMax();
    }
    return (int) v; // NaN casts to 0, as numpy's cast of NaN to an int type does here
  }
}
