// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;

/**
 * Fits an array read from a sample file to the model input it feeds: the shape must fit, and the
 * element type is converted only where no value changes. Its messages name the file and the input.
 */
final class InputFit {
  /** The element types an NdArray holds, so the input types sample files can feed. */
  static final Set<ElementType> SUPPORTED =
      Collections.unmodifiableSet(
          EnumSet.of(
              ElementType.FLOAT,
              ElementType.DOUBLE,
              ElementType.INT64,
              ElementType.INT32,
              ElementType.INT8,
              ElementType.UINT8,
              ElementType.BOOL));

  static final String SUPPORTED_NAMES = "float32, float64, int64, int32, int8, uint8, bool";

  private InputFit() {}

  /**
   * The array as the input takes it: the shape must fit, and the values are converted to the
   * input's type when no value changes (any number to float32 or float64; integers and bools to a
   * wider or equal integer type, or to a narrower one when every value fits). Floats to integers
   * and anything but bool to bool are refused.
   */
  static NdArray fit(NdArray a, InputSpec spec, String where) throws ModelFormatException {
    if (!SUPPORTED.contains(spec.type())) {
      throw new ModelFormatException(
          String.format(
              "%s: input '%s' expects %s, which sample files cannot feed; they feed %s inputs",
              where, spec.name(), spec.describe(), SUPPORTED_NAMES));
    }
    if (!spec.accepts(a.shape())) {
      throw new ModelFormatException(
          String.format(
              "%s holds %s, but input '%s' expects %s",
              where, a.describe(), spec.name(), spec.describe()));
    }
    ElementType to = spec.type();
    if (a.type() == to) {
      return a;
    }
    long[] shape = a.shape();
    switch (to) {
      case FLOAT -> {
        double[] d = a.toDoubles();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
          f[i] = (float) d[i];
        }
        return NdArray.of(f, shape);
      }
      case DOUBLE -> {
        return NdArray.of(a.toDoubles(), shape);
      }
      case BOOL ->
          throw new ModelFormatException(
              String.format(
                  "%s holds %s values, but input '%s' expects %s; save the array as bool",
                  where, a.type().numpyName(), spec.name(), spec.describe()));
      default -> {
        if (a.isFloat()) {
          throw new ModelFormatException(
              String.format(
                  "%s holds %s values, but input '%s' expects %s; converting floats to integers"
                      + " could change them, so save the array as %s",
                  where, a.type().numpyName(), spec.name(), spec.describe(), to.numpyName()));
        }
        return narrow(longs(a), shape, spec, where);
      }
    }
  }

  private static long[] longs(NdArray a) {
    int n = a.size();
    long[] out = new long[n];
    switch (a.type()) {
      case INT64 -> System.arraycopy((long[]) a.data(), 0, out, 0, n);
      case INT32 -> {
        int[] v = (int[]) a.data();
        for (int i = 0; i < n; i++) {
          out[i] = v[i];
        }
      }
      case INT8 -> {
        byte[] v = (byte[]) a.data();
        for (int i = 0; i < n; i++) {
          out[i] = v[i];
        }
      }
      case UINT8 -> {
        byte[] v = (byte[]) a.data();
        for (int i = 0; i < n; i++) {
          out[i] = v[i] & 0xff;
        }
      }
      case BOOL -> {
        boolean[] v = (boolean[]) a.data();
        for (int i = 0; i < n; i++) {
          out[i] = v[i] ? 1 : 0;
        }
      }
      default -> throw new IllegalArgumentException(a.type() + " is not an integer type");
    }
    return out;
  }

  private static NdArray narrow(long[] v, long[] shape, InputSpec spec, String where)
      throws ModelFormatException {
    ElementType to = spec.type();
    long min;
    long max;
    switch (to) {
      case INT32 -> {
        min = Integer.MIN_VALUE;
        max = Integer.MAX_VALUE;
      }
      case INT8 -> {
        min = Byte.MIN_VALUE;
        max = Byte.MAX_VALUE;
      }
      case UINT8 -> {
        min = 0;
        max = 255;
      }
      default -> {
        min = Long.MIN_VALUE;
        max = Long.MAX_VALUE;
      }
    }
    for (int i = 0; i < v.length; i++) {
      if (v[i] < min || v[i] > max) {
        throw new ModelFormatException(
            String.format(
                "%s: value %d at %s does not fit input '%s', which expects %s",
                where, v[i], index(i, shape), spec.name(), spec.describe()));
      }
    }
    Object data =
        switch (to) {
          case INT64 -> v;
          case INT32 -> {
            int[] out = new int[v.length];
            for (int i = 0; i < v.length; i++) {
              out[i] = (int) v[i];
            }
            yield out;
          }
          default -> {
            byte[] out = new byte[v.length];
            for (int i = 0; i < v.length; i++) {
              out[i] = (byte) v[i];
            }
            yield out;
          }
        };
    return new NdArray(to, shape, data);
  }

  /** The row-major index of flat position {@code flat}, e.g. {@code [0, 2]}. */
  private static String index(int flat, long[] shape) {
    long[] idx = new long[shape.length];
    long rest = flat;
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = rest % shape[d];
      rest /= shape[d];
    }
    return Arrays.toString(idx);
  }
}
