// SPDX-License-Identifier: Apache-2.0
package org.quantscope.oracle;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.quantscope.onnx.StringStringEntryProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.onnx.TensorProto.DataType;

/**
 * A tensor's values as the oracle's {@code fingerprint.py} sees them: what onnx 1.12's {@code
 * numpy_helper.to_array} returns (the version that made the goldens), held as the canonical
 * little-endian bytes that {@code canonical_bytes} hashes, with numpy's dtype kind ({@code f}
 * float, {@code i} signed, {@code u} unsigned, {@code b} bool, {@code O} string, {@code c} complex)
 * and item size.
 *
 * <p>The rules copied from onnx 1.12: raw_data is taken as is (bfloat16 widened to float32); typed
 * fields are cast like numpy's {@code astype} (8- and 16-bit integers wrap from int32_data, bool is
 * {@code != 0}, uint32 keeps the low half of uint64_data, float16 and bfloat16 keep the low 16 bits
 * of int32_data); external data is read from {@code location}, {@code offset}, {@code length} under
 * the model's folder. Anything numpy_helper refuses (segments, unknown types, a payload that does
 * not fill the dims) is refused with an {@link IllegalArgumentException}.
 */
record TensorArray(char kind, int itemSize, int numel, byte[] bytes, List<String> strings) {

  /** Decodes {@code t}; {@code baseDir} resolves external data (null: none can be read). */
  static TensorArray of(TensorProto t, Path baseDir) throws IOException {
    if (t.hasSegment()) {
      throw new IllegalArgumentException("ValueError: Currently not supporting loading segments.");
    }
    int dt = t.getDataType();
    if (dt == DataType.UNDEFINED_VALUE) {
      throw new IllegalArgumentException(
          "TypeError: The element type in the input tensor is not defined.");
    }
    DataType type = DataType.forNumber(dt);
    if (type == null || dt > DataType.BFLOAT16_VALUE) {
      throw new IllegalArgumentException("KeyError: " + dt);
    }
    long count = 1;
    for (long d : t.getDimsList()) {
      count = Math.multiplyExact(count, d);
    }
    if (count < 0 || count > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("ValueError: dims " + t.getDimsList() + " out of range");
    }
    int n = (int) count;
    if (type == DataType.STRING) {
      return strings(t, n);
    }
    ByteString raw = null;
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      raw = external(t, baseDir);
    } else if (t.hasRawData()) {
      raw = t.getRawData();
    }
    char kind = kind(type);
    int item = itemSize(type);
    if (raw != null) {
      if (type == DataType.BFLOAT16) {
        checkBuffer(raw.size(), 2, n, t);
        ByteBuffer in = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = buffer(n * 4L);
        for (int i = 0; i < n; i++) {
          out.putInt((in.getShort(2 * i) & 0xffff) << 16);
        }
        return new TensorArray('f', 4, n, out.array(), null);
      }
      checkBuffer(raw.size(), item, n, t);
      return new TensorArray(kind, item, n, raw.toByteArray(), null);
    }
    return typed(t, type, kind, item, n);
  }

  /** The canonical bytes fingerprint.py hashes (length-prefixed UTF-8 for strings). */
  byte[] canonicalBytes() {
    if (strings == null) {
      return bytes;
    }
    var out = new java.io.ByteArrayOutputStream();
    for (String s : strings) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(buffer(8).putLong(b.length).array());
      out.writeBytes(b);
    }
    return out.toByteArray();
  }

  /** Element {@code i} as numpy's {@code astype(np.float64)} gives it (ints and floats). */
  double real(int i) {
    if (kind == 'f') {
      return switch (itemSize) {
        case 2 -> halfToFloat((short) le(i * 2, 2));
        case 4 -> Float.intBitsToFloat((int) le(i * 4, 4));
        default -> Double.longBitsToDouble(le(i * 8, 8));
      };
    }
    if (kind == 'u' && itemSize == 8) {
      long v = le(i * 8, 8);
      return v >= 0 ? v : ((double) ((v >>> 1) | (v & 1))) * 2.0;
    }
    return integer(i);
  }

  /** Element {@code i} of an integer or bool tensor (uint64 wraps to negative above 2^63). */
  long integer(int i) {
    return switch (kind) {
      case 'b' -> bytes[i] != 0 ? 1 : 0;
      case 'u' ->
          switch (itemSize) {
            case 1 -> bytes[i] & 0xffL;
            case 2 -> le(i * 2, 2) & 0xffffL;
            case 4 -> le(i * 4, 4) & 0xffffffffL;
            default -> le(i * 8, 8);
          };
      case 'i' ->
          switch (itemSize) {
            case 1 -> bytes[i];
            case 2 -> (short) le(i * 2, 2);
            case 4 -> (int) le(i * 4, 4);
            default -> le(i * 8, 8);
          };
      default -> throw new IllegalStateException("not an integer tensor: kind " + kind);
    };
  }

  /** Element {@code i} as Python's {@code tolist()} gives it: an exact integer (uint64 too). */
  Object exactInteger(int i) {
    long v = integer(i);
    if (kind == 'b') {
      return v != 0;
    }
    if (kind == 'u' && itemSize == 8 && v < 0) {
      return new BigInteger(Long.toUnsignedString(v));
    }
    return v;
  }

  /** The bits of float element {@code i} (float16, float32 or float64), for ulp distances. */
  long floatBits(int i) {
    return switch (itemSize) {
      case 2 -> (short) le(i * 2, 2);
      case 4 -> (int) le(i * 4, 4);
      default -> le(i * 8, 8);
    };
  }

  /** The little-endian value of {@code size} bytes at {@code p}, zero-extended. */
  private long le(int p, int size) {
    long v = 0;
    for (int k = size - 1; k >= 0; k--) {
      v = (v << 8) | (bytes[p + k] & 0xff);
    }
    return v;
  }

  /** float16 to float32, exactly (Java 17 has no {@code Float.float16ToFloat}). */
  static float halfToFloat(short h) {
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

  private static TensorArray strings(TensorProto t, int n) {
    List<String> out = new ArrayList<>(t.getStringDataCount());
    for (ByteString s : t.getStringDataList()) {
      try {
        out.add(
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(s.asReadOnlyByteBuffer())
                .toString());
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException("UnicodeDecodeError: " + e.getMessage(), e);
      }
    }
    if (out.size() != n) {
      throw new IllegalArgumentException(
          "ValueError: cannot reshape array of size "
              + out.size()
              + " into shape "
              + t.getDimsList());
    }
    return new TensorArray('O', 8, n, null, List.copyOf(out));
  }

  /** The typed-field path: {@code np.asarray(field, storage dtype).astype(dtype)}. */
  private static TensorArray typed(TensorProto t, DataType type, char kind, int item, int n) {
    int present =
        switch (type) {
          case FLOAT, COMPLEX64 -> t.getFloatDataCount();
          case DOUBLE, COMPLEX128 -> t.getDoubleDataCount();
          case INT64 -> t.getInt64DataCount();
          case UINT32, UINT64 -> t.getUint64DataCount();
          default -> t.getInt32DataCount();
        };
    int perElement = kind == 'c' ? 2 : 1;
    if (present != (long) n * perElement) {
      throw new IllegalArgumentException(
          "ValueError: cannot reshape array of size "
              + present / perElement
              + " into shape "
              + t.getDimsList());
    }
    ByteBuffer out = buffer((long) n * item);
    for (int i = 0; i < present; i++) {
      switch (type) {
        case FLOAT, COMPLEX64 -> out.putFloat(t.getFloatData(i));
        case DOUBLE, COMPLEX128 -> out.putDouble(t.getDoubleData(i));
        case INT64 -> out.putLong(t.getInt64Data(i));
        case UINT64 -> out.putLong(t.getUint64Data(i));
        case UINT32 -> out.putInt((int) t.getUint64Data(i));
        case INT32 -> out.putInt(t.getInt32Data(i));
        case INT16, UINT16, FLOAT16 -> out.putShort((short) t.getInt32Data(i));
        case INT8, UINT8 -> out.put((byte) t.getInt32Data(i));
        case BOOL -> out.put((byte) (t.getInt32Data(i) != 0 ? 1 : 0));
        case BFLOAT16 -> out.putInt(t.getInt32Data(i) << 16);
        default -> throw new IllegalArgumentException("KeyError: " + type.getNumber());
      }
    }
    return new TensorArray(kind, item, n, out.array(), null);
  }

  /** onnx's {@code load_external_data_for_tensor}: the bytes the entries point at. */
  static ByteString external(TensorProto t, Path baseDir) throws IOException {
    String location = null;
    long offset = 0;
    long length = -1;
    for (StringStringEntryProto e : t.getExternalDataList()) {
      switch (e.getKey()) {
        case "location" -> location = e.getValue();
        case "offset" -> offset = Long.parseLong(e.getValue());
        case "length" -> length = Long.parseLong(e.getValue());
        default -> {}
      }
    }
    if (location == null || baseDir == null) {
      throw new IllegalArgumentException(
          "FileNotFoundError: external data of '" + t.getName() + "' cannot be located");
    }
    try (RandomAccessFile f = new RandomAccessFile(baseDir.resolve(location).toFile(), "r")) {
      long size = f.length() - offset;
      int n = (int) Math.min(length > 0 ? length : size, size);
      byte[] data = new byte[Math.max(n, 0)];
      f.seek(offset);
      f.readFully(data);
      return ByteString.copyFrom(data);
    }
  }

  private static void checkBuffer(int size, int item, int n, TensorProto t) {
    if (size % item != 0) {
      throw new IllegalArgumentException(
          "ValueError: buffer size must be a multiple of element size");
    }
    if (size / item != n) {
      throw new IllegalArgumentException(
          "ValueError: cannot reshape array of size "
              + size / item
              + " into shape "
              + t.getDimsList());
    }
  }

  private static ByteBuffer buffer(long size) {
    return ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static char kind(DataType type) {
    return switch (type) {
      case FLOAT, DOUBLE, FLOAT16, BFLOAT16 -> 'f';
      case INT8, INT16, INT32, INT64 -> 'i';
      case UINT8, UINT16, UINT32, UINT64 -> 'u';
      case BOOL -> 'b';
      case COMPLEX64, COMPLEX128 -> 'c';
      default -> throw new IllegalArgumentException("KeyError: " + type.getNumber());
    };
  }

  private static int itemSize(DataType type) {
    return switch (type) {
      case INT8, UINT8, BOOL -> 1;
      case INT16, UINT16, FLOAT16 -> 2;
      case FLOAT, INT32, UINT32, BFLOAT16 -> 4;
      case COMPLEX128 -> 16;
      default -> 8;
    };
  }
}
