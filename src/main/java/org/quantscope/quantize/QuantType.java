// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import org.quantscope.model.ElementType;

/** The 8-bit types weights are quantized to, with ONNX Runtime's names. */
public enum QuantType {
  /** Signed int8, [-128, 127]; symmetric by default (zero point 0). */
  QInt8(ElementType.INT8, -128, 127),
  /** Unsigned uint8, [0, 255]; asymmetric by default. */
  QUInt8(ElementType.UINT8, 0, 255);

  private final ElementType elementType;
  private final int min;
  private final int max;

  QuantType(ElementType elementType, int min, int max) {
    this.elementType = elementType;
    this.min = min;
    this.max = max;
  }

  public ElementType elementType() {
    return elementType;
  }

  /** Smallest value of the type; quantized values are clamped to [typeMin, typeMax]. */
  public int typeMin() {
    return min;
  }

  public int typeMax() {
    return max;
  }

  /** Parses "QInt8"/"QUInt8" (also "int8"/"uint8"), case-insensitively. */
  public static QuantType parse(String s) {
    String k = s.trim().toLowerCase(java.util.Locale.ROOT);
    return switch (k) {
      case "qint8", "int8", "s8" -> QInt8;
      case "quint8", "uint8", "u8" -> QUInt8;
      default ->
          throw new IllegalArgumentException(
              "unknown weight type '" + s + "', expected QInt8 or QUInt8");
    };
  }
}
