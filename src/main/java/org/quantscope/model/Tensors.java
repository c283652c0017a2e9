// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

import com.google.protobuf.ByteString;
import com.google.protobuf.Internal;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.quantscope.onnx.TensorProto;

/**
 * Tensor payloads as primitive buffers: element counts and sizes from dims and type, the typed
 * fields turned into little-endian bytes, bytes turned into floats, and builders for new tensors.
 * Reading a payload that may live in an external file goes through {@link OnnxModel#payload}.
 */
public final class Tensors {
  private Tensors() {}

  /** The element type of a tensor, or an error naming the tensor when the code is unknown. */
  public static ElementType elementType(TensorProto t) throws ModelFormatException {
    return ElementType.of(t.getDataType())
        .orElseThrow(
            () ->
                new ModelFormatException(
                    "tensor '"
                        + t.getName()
                        + "' has data_type "
                        + t.getDataType()
                        + ", expected a defined TensorProto.DataType (1..24)"));
  }

  /** Number of elements its dims describe; negative dims and overflow are format errors. */
  public static long elementCount(TensorProto t) throws ModelFormatException {
    long n = 1;
    for (long d : t.getDimsList()) {
      if (d < 0) {
        throw new ModelFormatException(
            "tensor '" + t.getName() + "' has a negative dimension " + t.getDimsList());
      }
      try {
        n = Math.multiplyExact(n, d);
      } catch (ArithmeticException e) {
        throw new ModelFormatException(
            "tensor '"
                + t.getName()
                + "' has dims "
                + t.getDimsList()
                + " whose product overflows");
      }
    }
    return n;
  }

  /** Product of dims, for dims known to be valid. */
  public static long elementCount(long... dims) {
    long n = 1;
    for (long d : dims) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** Bytes the payload occupies in raw form, or -1 for strings, which have no fixed size. */
  public static long rawBytes(TensorProto t) throws ModelFormatException {
    ElementType type = elementType(t);
    if (type == ElementType.STRING) {
      return -1;
    }
    try {
      return type.rawBytes(elementCount(t));
    } catch (ArithmeticException e) {
      throw new ModelFormatException("tensor '" + t.getName() + "' is too large to address");
    }
  }

  /** Size of the tensor's data: raw bytes, or for strings the sum of their UTF-8 lengths. */
  public static long dataBytes(TensorProto t) throws ModelFormatException {
    long raw = rawBytes(t);
    if (raw >= 0) {
      return raw;
    }
    long sum = 0;
    for (ByteString s : t.getStringDataList()) {
      sum += s.size();
    }
    return sum;
  }

  /**
   * True if the tensor's payload is in an external data file. (Large raw_data of a loaded model is
   * also read lazily from the model file, but it is raw_data, not external data.)
   */
  public static boolean isExternalFile(TensorProto t) {
    return ExternalData.isExternal(t) && !ExternalData.isSelf(t);
  }

  /** Which storage a tensor uses, for reports: raw_data, a typed field, or external. */
  public static String storage(TensorProto t) {
    if (isExternalFile(t)) {
      return "external";
    }
    if (t.hasRawData() || ExternalData.isSelf(t)) {
      return "raw_data";
    }
    if (t.getFloatDataCount() > 0) {
      return "float_data";
    }
    if (t.getInt32DataCount() > 0) {
      return "int32_data";
    }
    if (t.getInt64DataCount() > 0) {
      return "int64_data";
    }
    if (t.getDoubleDataCount() > 0) {
      return "double_data";
    }
    if (t.getUint64DataCount() > 0) {
      return "uint64_data";
    }
    if (t.getStringDataCount() > 0) {
      return "string_data";
    }
    return "empty";
  }

  /** Number of entries in the typed field that holds values of {@code type}. */
  static int typedCount(TensorProto t, ElementType type) {
    return switch (type.field()) {
      case FLOAT_DATA -> t.getFloatDataCount();
      case INT32_DATA -> t.getInt32DataCount();
      case STRING_DATA -> t.getStringDataCount();
      case INT64_DATA -> t.getInt64DataCount();
      case DOUBLE_DATA -> t.getDoubleDataCount();
      case UINT64_DATA -> t.getUint64DataCount();
    };
  }

  /** Encodes the typed field of an inline tensor as little-endian raw bytes. */
  static ByteBuffer typedToRaw(TensorProto t, ElementType type, long rawBytes) {
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(rawBytes)).order(ByteOrder.LITTLE_ENDIAN);
    switch (type.field()) {
      case FLOAT_DATA -> {
        Internal.FloatList v = (Internal.FloatList) t.getFloatDataList();
        for (int i = 0; i < v.size(); i++) {
          out.putFloat(v.getFloat(i));
        }
      }
      case DOUBLE_DATA -> {
        Internal.DoubleList v = (Internal.DoubleList) t.getDoubleDataList();
        for (int i = 0; i < v.size(); i++) {
          out.putDouble(v.getDouble(i));
        }
      }
      case INT64_DATA -> {
        Internal.LongList v = (Internal.LongList) t.getInt64DataList();
        for (int i = 0; i < v.size(); i++) {
          out.putLong(v.getLong(i));
        }
      }
      case UINT64_DATA -> {
        Internal.LongList v = (Internal.LongList) t.getUint64DataList();
        for (int i = 0; i < v.size(); i++) {
          if (type == ElementType.UINT32) {
            out.putInt((int) v.getLong(i));
          } else {
            out.putLong(v.getLong(i));
          }
        }
      }
      case INT32_DATA -> {
        Internal.IntList v = (Internal.IntList) t.getInt32DataList();
        int width = type.bits() == 4 ? 8 : type.bits();
        for (int i = 0; i < v.size(); i++) {
          int x = v.getInt(i);
          switch (width) {
            case 8 -> out.put((byte) x);
            case 16 -> out.putShort((short) x);
            default -> out.putInt(x);
          }
        }
      }
      case STRING_DATA -> throw new IllegalArgumentException("strings have no raw form");
    }
    return out.flip();
  }

  /**
   * Decodes {@code n} values of a floating-point type from little-endian bytes into float32.
   * FLOAT16 and BFLOAT16 are widened exactly; DOUBLE is rounded to the nearest float.
   */
  public static float[] toFloats(ByteBuffer le, ElementType type, int n) {
    ByteBuffer b = le.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[n];
    switch (type) {
      case FLOAT -> b.asFloatBuffer().get(out);
      case DOUBLE -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) b.getDouble(b.position() + 8 * i);
        }
      }
      case FLOAT16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = halfToFloat(b.getShort(b.position() + 2 * i));
        }
      }
      case BFLOAT16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = Float.intBitsToFloat((b.getShort(b.position() + 2 * i) & 0xffff) << 16);
        }
      }
      default -> throw new IllegalArgumentException(type + " is not a floating-point type");
    }
    return out;
  }

  /** IEEE 754 half precision to float, exact for every value including subnormals and NaN. */
  public static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** Float to IEEE 754 half precision, rounding to nearest even (as numpy's astype does). */
  public static short floatToHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign;
      }
      mant |= 0x800000;
      int shift = 14 - e;
      int half = mant >>> shift;
      int rem = mant & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rem > mid || (rem == mid && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >>> 13);
    int rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
      half++;
    }
    return (short) (sign | half);
  }

  // Builders

  /** A tensor with its values in raw_data (little-endian), as numpy_helper.from_array writes. */
  public static TensorProto raw(String name, ElementType type, long[] dims, ByteBuffer bytes) {
    TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(type.code());
    for (long d : dims) {
      b.addDims(d);
    }
    return b.setRawData(UnsafeByteOperations.unsafeWrap(bytes.duplicate())).build();
  }

  /** A float32 tensor in raw_data. */
  public static TensorProto rawFloats(String name, long[] dims, float... values) {
    ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    return raw(name, ElementType.FLOAT, dims, buf);
  }

  /** A float32 tensor in float_data, as helper.make_tensor writes. */
  public static TensorProto floatData(String name, long[] dims, float... values) {
    TensorProto.Builder b =
        TensorProto.newBuilder().setName(name).setDataType(ElementType.FLOAT.code());
    for (long d : dims) {
      b.addDims(d);
    }
    for (float v : values) {
      b.addFloatData(v);
    }
    return b.build();
  }

  /** An int64 tensor in int64_data. */
  public static TensorProto int64Data(String name, long[] dims, long... values) {
    TensorProto.Builder b =
        TensorProto.newBuilder().setName(name).setDataType(ElementType.INT64.code());
    for (long d : dims) {
      b.addDims(d);
    }
    for (long v : values) {
      b.addInt64Data(v);
    }
    return b.build();
  }

  /** A tensor of a small integer type (8/16/32-bit, BOOL) in int32_data. */
  public static TensorProto int32Data(String name, ElementType type, long[] dims, int... values) {
    if (type.field() != ElementType.Field.INT32_DATA) {
      throw new IllegalArgumentException(type + " is not stored in int32_data");
    }
    TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(type.code());
    for (long d : dims) {
      b.addDims(d);
    }
    for (int v : values) {
      b.addInt32Data(v);
    }
    return b.build();
  }

  /** The dims of a tensor as an array. */
  public static long[] dims(TensorProto t) {
    List<Long> d = t.getDimsList();
    long[] out = new long[d.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = d.get(i);
    }
    return out;
  }
}
