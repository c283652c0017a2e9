// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;

/**
 * Reads NumPy {@code .npy} arrays (format versions 1.0, 2.0 and 3.0) into {@link NdArray}s, and
 * turns little-endian payloads, as .npy files and ONNX TensorProtos store them, into arrays. Only
 * the dtypes an NdArray holds are read; big-endian data, Fortran order and structured dtypes are
 * refused with a message that names the file, so that a user can re-save the array.
 */
final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR =
      Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
  private static final Pattern FORTRAN =
      Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");
  private static final String SUPPORTED_DTYPES =
      "float32 (<f4), float64 (<f8), int64 (<i8), int32 (<i4), int8 (|i1), uint8 (|u1) or bool"
          + " (|b1)";

  private Npy() {}

  /**
   * Parses a whole .npy file.
   *
   * @param where the file for messages, e.g. {@code x.npy} or {@code samples.npz/ids.npy}
   */
  static NdArray read(byte[] bytes, String where) throws ModelFormatException {
    if (bytes.length < 10 || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new ModelFormatException(
          where + " is not a NumPy .npy file: it does not start with \\x93NUMPY");
    }
    int major = bytes[6] & 0xff;
    int minor = bytes[7] & 0xff;
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength;
    int start;
    if (major == 1) {
      headerLength = b.getShort(8) & 0xffff;
      start = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.length < 12) {
        throw new ModelFormatException(where + " ends inside its .npy header");
      }
      headerLength = b.getInt(8) & 0xffffffffL;
      start = 12;
    } else {
      throw new ModelFormatException(
          String.format(
              "%s has .npy format version %d.%d; expected 1.0, 2.0 or 3.0", where, major, minor));
    }
    if (start + headerLength > bytes.length) {
      throw new ModelFormatException(
          String.format(
              "%s ends inside its .npy header: the header claims %d bytes, the file has %d after"
                  + " the prefix",
              where, headerLength, bytes.length - start));
    }
    String header =
        new String(
            bytes,
            start,
            (int) headerLength,
            major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    ElementType type = dtype(header, where);
    Matcher fortran = FORTRAN.matcher(header);
    if (!fortran.find()) {
      throw new ModelFormatException(
          where + " has an .npy header without 'fortran_order': " + header.strip());
    }
    if (fortran.group(1).equals("True")) {
      throw new ModelFormatException(
          where
              + " is stored in Fortran (column-major) order; expected C order: save"
              + " np.ascontiguousarray(a) instead");
    }
    long[] shape = shape(header, where);
    long count;
    long needed;
    try {
      count = product(shape);
      needed = Math.multiplyExact(count, (long) (type.bits() / 8));
    } catch (ArithmeticException e) {
      throw new ModelFormatException(
          where + " has shape " + Arrays.toString(shape) + ", too large to address");
    }
    if (count > Integer.MAX_VALUE - 8) {
      throw new ModelFormatException(
          String.format(
              "%s has %d elements, more than one array can hold (%d)",
              where, count, Integer.MAX_VALUE - 8));
    }
    long present = bytes.length - start - headerLength;
    if (present != needed) {
      throw new ModelFormatException(
          String.format(
              "%s has %d bytes of array data, but %s%s needs %d",
              where, present, type.numpyName(), Arrays.toString(shape), needed));
    }
    ByteBuffer data = ByteBuffer.wrap(bytes, (int) (start + headerLength), (int) needed).slice();
    return fromLittleEndian(data, type, shape);
  }

  private static ElementType dtype(String header, String where) throws ModelFormatException {
    Matcher m = DESCR.matcher(header);
    if (!m.find()) {
      throw new ModelFormatException(
          where
              + " has an .npy header without a simple 'descr' (structured arrays are not"
              + " supported): "
              + header.strip());
    }
    String descr = m.group(1);
    boolean hasOrder = !descr.isEmpty() && "<=|>".indexOf(descr.charAt(0)) >= 0;
    String order = hasOrder ? descr.substring(0, 1) : "";
    String code = hasOrder ? descr.substring(1) : descr;
    ElementType type =
        switch (code) {
          case "f4" -> ElementType.FLOAT;
          case "f8" -> ElementType.DOUBLE;
          case "i8" -> ElementType.INT64;
          case "i4" -> ElementType.INT32;
          case "i1" -> ElementType.INT8;
          case "u1" -> ElementType.UINT8;
          case "b1" -> ElementType.BOOL;
          default -> null;
        };
    if (type == null) {
      throw new ModelFormatException(
          where
              + " has dtype '"
              + descr
              + "', which is not supported; expected "
              + SUPPORTED_DTYPES);
    }
    if (order.equals(">") && type.bits() > 8) {
      throw new ModelFormatException(
          where
              + " has big-endian dtype '"
              + descr
              + "'; expected little-endian: save a.astype('<"
              + code
              + "') instead");
    }
    return type;
  }

  private static long[] shape(String header, String where) throws ModelFormatException {
    Matcher m = SHAPE.matcher(header);
    if (!m.find()) {
      throw new ModelFormatException(
          where + " has an .npy header without a 'shape' tuple: " + header.strip());
    }
    List<Long> dims = new ArrayList<>();
    for (String part : m.group(1).split(",", -1)) {
      String p = part.strip();
      if (p.endsWith("L")) {
        p = p.substring(0, p.length() - 1);
      }
      if (p.isEmpty()) {
        continue;
      }
      try {
        long d = Long.parseLong(p);
        if (d < 0) {
          throw new NumberFormatException();
        }
        dims.add(d);
      } catch (NumberFormatException e) {
        throw new ModelFormatException(
            where + " has an .npy shape with '" + part.strip() + "', expected a dimension >= 0");
      }
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  private static long product(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /**
   * An array from little-endian bytes holding exactly the values {@code shape} needs, of a type
   * NdArray holds (FLOAT, DOUBLE, INT64, INT32, INT8, UINT8, BOOL; bool bytes are true when
   * non-zero).
   */
  static NdArray fromLittleEndian(ByteBuffer bytes, ElementType type, long[] shape) {
    ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int n = Math.toIntExact(product(shape));
    Object data =
        switch (type) {
          case FLOAT -> {
            float[] v = new float[n];
            b.asFloatBuffer().get(v);
            yield v;
          }
          case DOUBLE -> {
            double[] v = new double[n];
            b.asDoubleBuffer().get(v);
            yield v;
          }
          case INT64 -> {
            long[] v = new long[n];
            b.asLongBuffer().get(v);
            yield v;
          }
          case INT32 -> {
            int[] v = new int[n];
            b.asIntBuffer().get(v);
            yield v;
          }
          case INT8, UINT8 -> {
            byte[] v = new byte[n];
            b.get(v);
            yield v;
          }
          case BOOL -> {
            boolean[] v = new boolean[n];
            for (int i = 0; i < n; i++) {
              v[i] = b.get() != 0;
            }
            yield v;
          }
          default -> throw new IllegalArgumentException("unsupported element type " + type);
        };
    return new NdArray(type, shape, data);
  }
}
