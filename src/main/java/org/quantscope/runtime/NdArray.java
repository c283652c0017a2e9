// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import java.util.Arrays;
import org.quantscope.model.ElementType;

/**
 * A dense array with an element type and a shape, in row-major order: the neutral form of model
 * inputs and outputs between sample files, ONNX Runtime and the statistics.
 *
 * @param type element type: FLOAT, DOUBLE, INT64, INT32, INT8, UINT8 or BOOL
 * @param shape dims
 * @param data {@code float[]} (FLOAT), {@code double[]} (DOUBLE), {@code long[]} (INT64), {@code
 *     int[]} (INT32), {@code byte[]} (INT8, UINT8), {@code boolean[]} (BOOL)
 */
public record NdArray(ElementType type, long[] shape, Object data) {

  public NdArray {
    shape = shape.clone();
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    int len =
        switch (type) {
          case FLOAT -> ((float[]) data).length;
          case DOUBLE -> ((double[]) data).length;
          case INT64 -> ((long[]) data).length;
          case INT32 -> ((int[]) data).length;
          case INT8, UINT8 -> ((byte[]) data).length;
          case BOOL -> ((boolean[]) data).length;
          default -> throw new IllegalArgumentException("unsupported element type " + type);
        };
    if (len != n) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + len);
    }
  }

  public static NdArray of(float[] v, long... shape) {
    return new NdArray(ElementType.FLOAT, shape, v);
  }

  public static NdArray of(long[] v, long... shape) {
    return new NdArray(ElementType.INT64, shape, v);
  }

  public static NdArray of(int[] v, long... shape) {
    return new NdArray(ElementType.INT32, shape, v);
  }

  public static NdArray of(boolean[] v, long... shape) {
    return new NdArray(ElementType.BOOL, shape, v);
  }

  public static NdArray of(double[] v, long... shape) {
    return new NdArray(ElementType.DOUBLE, shape, v);
  }

  /** Number of elements. */
  public int size() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return (int) n;
  }

  public long[] shape() {
    return shape.clone();
  }

  /** True for FLOAT and DOUBLE. */
  public boolean isFloat() {
    return type == ElementType.FLOAT || type == ElementType.DOUBLE;
  }

  /** The values as doubles (integers and booleans converted). */
  public double[] toDoubles() {
    int n = size();
    double[] out = new double[n];
    switch (type) {
      case FLOAT -> {
        float[] v = (float[]) data;
        for (int i = 0; i < n; i++) {
          out[i] = v[i];
        }
      }
      case DOUBLE -> System.arraycopy((double[]) data, 0, out, 0, n);
      case INT64 -> {
        long[] v = (long[]) data;
        for (int i = 0; i < n; i++) {
          out[i] = v[i];
        }
      }
      case INT32 -> {
        int[] v = (int[]) data;
        for (int i = 0; i < n; i++) {
          out[i] = v[i];
        }
      }
      case INT8 -> {
        byte[] v = (byte[]) data;
        for (int i = 0; i < n; i++) {
          out[i] = v[i];
        }
      }
      case UINT8 -> {
        byte[] v = (byte[]) data;
        for (int i = 0; i < n; i++) {
          out[i] = v[i] & 0xff;
        }
      }
      case BOOL -> {
        boolean[] v = (boolean[]) data;
        for (int i = 0; i < n; i++) {
          out[i] = v[i] ? 1 : 0;
        }
      }
      default -> throw new IllegalStateException();
    }
    return out;
  }

  /** A short description for messages, e.g. {@code float32[32, 4]}. */
  public String describe() {
    return type.numpyName() + Arrays.toString(shape);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof NdArray other)) {
      return false;
    }
    return type == other.type
        && Arrays.equals(shape, other.shape)
        && Arrays.deepEquals(new Object[] {data}, new Object[] {other.data});
  }

  @Override
  public int hashCode() {
    return type.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return "NdArray[" + describe() + "]";
  }
}
