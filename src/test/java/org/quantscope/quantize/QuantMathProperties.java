// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;

/**
 * Properties of the weight arithmetic over many generated ranges and values (jqwik): the laws the
 * exact-value tests in {@link QuantMathTest} sample only at chosen points.
 */
class QuantMathProperties {
  private static QuantMath.Params params(
      float a, float b, QuantType type, boolean symmetric, boolean reduceRange) {
    return QuantMath.params(
        Math.min(a, b), Math.max(a, b), type, symmetric, reduceRange, Double.NaN, false);
  }

  private static float dequantize(int q, QuantMath.Params p) {
    return (q - p.zeroPoint()) * p.scale();
  }

  @Property(tries = 2000)
  void zeroIsExactAndTheZeroPointInRange(
      @ForAll @FloatRange(min = -1e4f, max = 1e4f) float a,
      @ForAll @FloatRange(min = -1e4f, max = 1e4f) float b,
      @ForAll QuantType type,
      @ForAll boolean symmetric,
      @ForAll boolean reduceRange) {
    Assume.that(type == QuantType.QInt8 || !symmetric);
    QuantMath.Params p = params(a, b, type, symmetric, reduceRange);
    assertThat(p.scale()).isPositive().isFinite();
    assertThat(p.zeroPoint()).isBetween(type.typeMin(), type.typeMax());
    assertThat(dequantize(QuantMath.quantize(0f, p.scale(), p.zeroPoint(), type), p)).isZero();
  }

  @Property(tries = 3000)
  void valuesInTheRangeComeBackWithinOneStep(
      @ForAll @FloatRange(min = -100f, max = 100f) float a,
      @ForAll @FloatRange(min = -100f, max = 100f) float b,
      @ForAll @FloatRange(min = 0f, max = 1f) float where,
      @ForAll QuantType type,
      @ForAll boolean reduceRange) {
    QuantMath.Params p = params(a, b, type, false, reduceRange);
    Assume.that(p.rmax() - p.rmin() > 1e-3f);
    float x = p.rmin() + where * (p.rmax() - p.rmin());
    int q = QuantMath.quantize(x, p.scale(), p.zeroPoint(), type);
    // half a step from rounding, and at the top of the range at most half a step more from the
    // rounded zero point meeting the clamp
    assertThat(Math.abs(dequantize(q, p) - x)).isLessThanOrEqualTo(p.scale() * 1.0001f + 1e-6f);
  }

  @Property(tries = 2000)
  void quantizationIsMonotonic(
      @ForAll @FloatRange(min = -50f, max = 50f) float x,
      @ForAll @FloatRange(min = -50f, max = 50f) float y,
      @ForAll @FloatRange(min = 0.001f, max = 2f) @Scale(4) float scale,
      @ForAll @IntRange(min = -128, max = 127) int zeroPoint) {
    float lo = Math.min(x, y);
    float hi = Math.max(x, y);
    assertThat(QuantMath.quantize(lo, scale, zeroPoint, QuantType.QInt8))
        .isLessThanOrEqualTo(QuantMath.quantize(hi, scale, zeroPoint, QuantType.QInt8));
  }

  @Property(tries = 1000)
  void symmetricWeightsQuantizeSymmetrically(
      @ForAll @FloatRange(min = 0.01f, max = 100f) float a,
      @ForAll @FloatRange(min = 0f, max = 1f) float where) {
    QuantMath.Params p = params(-a / 3, a, QuantType.QInt8, true, false);
    assertThat(p.zeroPoint()).isZero();
    float x = where * a;
    assertThat(QuantMath.quantize(-x, p.scale(), 0, QuantType.QInt8))
        .isEqualTo(-QuantMath.quantize(x, p.scale(), 0, QuantType.QInt8));
  }

  @Property(tries = 500)
  void halvesRoundToEven(@ForAll @IntRange(min = -100, max = 100) int k) {
    int q = QuantMath.quantize(k + 0.5f, 1f, 0, QuantType.QInt8);
    assertThat(q % 2).isZero();
    assertThat(q).isIn(k, k + 1);
  }

  @Property(tries = 1000)
  void everythingIsClampedToTheType(
      @ForAll float x,
      @ForAll @FloatRange(min = 1e-6f, max = 10f) @Scale(7) float scale,
      @ForAll QuantType type) {
    Assume.that(!Float.isNaN(x));
    int zp = type == QuantType.QInt8 ? 0 : 128;
    assertThat(QuantMath.quantize(x, scale, zp, type)).isBetween(type.typeMin(), type.typeMax());
  }
}
