// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

import java.util.Optional;

/**
 * The element types of ONNX tensors ({@code TensorProto.DataType}), with their storage facts: bits
 * per element and which typed field holds them when {@code raw_data} is not used.
 */
public enum ElementType {
  FLOAT(1, "float", "float32", 32, Field.FLOAT_DATA),
  UINT8(2, "uint8", "uint8", 8, Field.INT32_DATA),
  INT8(3, "int8", "int8", 8, Field.INT32_DATA),
  UINT16(4, "uint16", "uint16", 16, Field.INT32_DATA),
  INT16(5, "int16", "int16", 16, Field.INT32_DATA),
  INT32(6, "int32", "int32", 32, Field.INT32_DATA),
  INT64(7, "int64", "int64", 64, Field.INT64_DATA),
  STRING(8, "string", "str", 0, Field.STRING_DATA),
  BOOL(9, "bool", "bool", 8, Field.INT32_DATA),
  FLOAT16(10, "float16", "float16", 16, Field.INT32_DATA),
  DOUBLE(11, "double", "float64", 64, Field.DOUBLE_DATA),
  UINT32(12, "uint32", "uint32", 32, Field.UINT64_DATA),
  UINT64(13, "uint64", "uint64", 64, Field.UINT64_DATA),
  COMPLEX64(14, "complex64", "complex64", 64, Field.FLOAT_DATA),
  COMPLEX128(15, "complex128", "complex128", 128, Field.DOUBLE_DATA),
  BFLOAT16(16, "bfloat16", "bfloat16", 16, Field.INT32_DATA),
  FLOAT8E4M3FN(17, "float8e4m3fn", "float8e4m3fn", 8, Field.INT32_DATA),
  FLOAT8E4M3FNUZ(18, "float8e4m3fnuz", "float8e4m3fnuz", 8, Field.INT32_DATA),
  FLOAT8E5M2(19, "float8e5m2", "float8e5m2", 8, Field.INT32_DATA),
  FLOAT8E5M2FNUZ(20, "float8e5m2fnuz", "float8e5m2fnuz", 8, Field.INT32_DATA),
  UINT4(21, "uint4", "uint4", 4, Field.INT32_DATA),
  INT4(22, "int4", "int4", 4, Field.INT32_DATA),
  FLOAT4E2M1(23, "float4e2m1", "float4e2m1", 4, Field.INT32_DATA),
  FLOAT8E8M0(24, "float8e8m0", "float8e8m0", 8, Field.INT32_DATA);

  /** The TensorProto field that holds the values of a type when raw_data is not used. */
  public enum Field {
    FLOAT_DATA,
    INT32_DATA,
    STRING_DATA,
    INT64_DATA,
    DOUBLE_DATA,
    UINT64_DATA
  }

  private static final ElementType[] BY_CODE = new ElementType[25];

  static {
    for (ElementType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;
  private final String onnxName;
  private final String numpyName;
  private final int bits;
  private final Field field;

  ElementType(int code, String onnxName, String numpyName, int bits, Field field) {
    this.code = code;
    this.onnxName = onnxName;
    this.numpyName = numpyName;
    this.bits = bits;
    this.field = field;
  }

  /** The type with this {@code TensorProto.DataType} code, if it is a known, defined one. */
  public static Optional<ElementType> of(int code) {
    return code > 0 && code < BY_CODE.length ? Optional.of(BY_CODE[code]) : Optional.empty();
  }

  public int code() {
    return code;
  }

  /** The name ONNX uses in type strings, as in {@code tensor(float)}. */
  public String onnxName() {
    return onnxName;
  }

  /** The name numpy uses, as in {@code float32}. */
  public String numpyName() {
    return numpyName;
  }

  /** Bits per element in raw_data; 0 for STRING, whose elements have no fixed size. */
  public int bits() {
    return bits;
  }

  public Field field() {
    return field;
  }

  /** True for the types a quantizer treats as float weights or activations. */
  public boolean isFloatingPoint() {
    return this == FLOAT || this == FLOAT16 || this == DOUBLE || this == BFLOAT16;
  }

  /**
   * Bytes that {@code elements} values of this type occupy in raw_data (4-bit types pack two
   * elements per byte). Throws {@link ArithmeticException} on overflow.
   */
  public long rawBytes(long elements) {
    if (bits == 4) {
      return (elements + 1) / 2;
    }
    return Math.multiplyExact(elements, (long) (bits / 8));
  }

  /**
   * How many entries of the typed field {@link #field()} hold {@code elements} values: complex
   * types take two, 4-bit types pack two elements per entry.
   */
  public long typedFieldEntries(long elements) {
    return switch (this) {
      case COMPLEX64, COMPLEX128 -> Math.multiplyExact(elements, 2L);
      case UINT4, INT4, FLOAT4E2M1 -> (elements + 1) / 2;
      default -> elements;
    };
  }
}
