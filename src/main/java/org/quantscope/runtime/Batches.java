// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows per run. Dynamic quantization takes one activation scale over each run's whole input tensor,
 * batch included, so the same samples give different int8 outputs in one batch and one row at a
 * time: how samples are grouped into runs is part of a verdict. This regroups feeds along the first
 * axis of every input, keeping the rows' order.
 */
public final class Batches {
  private Batches() {}

  /** Every row in one run. */
  public static final int ALL = 0;

  /**
   * The same rows, {@code rows} per run (the last run may hold fewer), or all in one run for {@link
   * #ALL}.
   *
   * @param inputs the model's inputs, to refuse a batch its first axis cannot take
   * @throws IllegalArgumentException if an input has no first axis, the inputs of a run disagree on
   *     its length, the runs differ beyond it, or the model fixes it to another size
   */
  public static List<Map<String, NdArray>> regroup(
      List<Map<String, NdArray>> feeds, int rows, List<InputSpec> inputs) {
    if (rows < 0) {
      throw new IllegalArgumentException("--batch must be a number >= 1 or all, got " + rows);
    }
    if (feeds.isEmpty()) {
      return feeds;
    }
    long total = 0;
    for (Map<String, NdArray> feed : feeds) {
      total += rows(feed);
    }
    int per = rows == ALL ? (int) Math.min(Integer.MAX_VALUE, total) : rows;
    for (InputSpec in : inputs) {
      if (!feeds.get(0).containsKey(in.name()) || in.dims().isEmpty()) {
        continue;
      }
      Object first = in.dims().get(0);
      if (first instanceof Long fixed && fixed != Math.min(per, total)) {
        // a fixed first axis takes that many rows in every run
        throw new IllegalArgumentException(
            "the model's input '"
                + in.name()
                + "' takes exactly "
                + fixed
                + " row(s) per run ("
                + in.describe()
                + "); --batch "
                + (rows == ALL ? "all" : rows)
                + " cannot be used with it");
      }
    }
    List<Map<String, NdArray>> out = new ArrayList<>();
    for (long start = 0; start < total; start += per) {
      int n = (int) Math.min(per, total - start);
      Map<String, NdArray> run = new LinkedHashMap<>();
      for (String name : feeds.get(0).keySet()) {
        run.put(name, slice(feeds, name, start, n));
      }
      out.add(run);
    }
    return out;
  }

  /** Rows in a run: the length of the first axis its inputs share. */
  public static long rows(Map<String, NdArray> feed) {
    long rows = -1;
    for (Map.Entry<String, NdArray> e : feed.entrySet()) {
      long[] shape = e.getValue().shape();
      if (shape.length == 0) {
        throw new IllegalArgumentException(
            "input '" + e.getKey() + "' is a scalar: it has no rows to group into runs");
      }
      if (rows >= 0 && shape[0] != rows) {
        throw new IllegalArgumentException(
            "the inputs of a run have different numbers of rows ("
                + rows
                + " and "
                + shape[0]
                + " for '"
                + e.getKey()
                + "'): they cannot be regrouped");
      }
      rows = shape[0];
    }
    return Math.max(rows, 0);
  }

  /** The most rows any run has (1 for scalar-only feeds), the batch a verdict holds for. */
  public static long largest(List<Map<String, NdArray>> feeds) {
    long max = 0;
    for (Map<String, NdArray> feed : feeds) {
      long r = 1;
      for (NdArray a : feed.values()) {
        r = a.shape().length == 0 ? 1 : a.shape()[0];
        break;
      }
      max = Math.max(max, r);
    }
    return max;
  }

  /** Rows {@code [start, start + n)} of input {@code name} over the runs, as one array. */
  private static NdArray slice(List<Map<String, NdArray>> feeds, String name, long start, int n) {
    NdArray head = feeds.get(0).get(name);
    long[] shape = head.shape().clone();
    int rowSize = 1;
    for (int i = 1; i < shape.length; i++) {
      rowSize = Math.multiplyExact(rowSize, (int) shape[i]);
    }
    Object data = Array.newInstance(head.data().getClass().getComponentType(), n * rowSize);
    long skip = start;
    int filled = 0;
    for (Map<String, NdArray> feed : feeds) {
      NdArray a = feed.get(name);
      if (a == null) {
        throw new IllegalArgumentException(
            "input '" + name + "' is missing from some runs: they cannot be regrouped");
      }
      if (a.type() != head.type() || !sameRow(a.shape(), head.shape())) {
        throw new IllegalArgumentException(
            "input '"
                + name
                + "' has different row shapes or types across runs ("
                + a.describe()
                + " and "
                + head.describe()
                + "): they cannot be regrouped");
      }
      long have = a.shape()[0];
      if (skip >= have) {
        skip -= have;
        continue;
      }
      int take = (int) Math.min(have - skip, n - filled);
      System.arraycopy(a.data(), (int) skip * rowSize, data, filled * rowSize, take * rowSize);
      filled += take;
      skip = 0;
      if (filled == n) {
        break;
      }
    }
    shape[0] = n;
    return new NdArray(head.type(), shape, data);
  }

  private static boolean sameRow(long[] a, long[] b) {
    if (a.length != b.length) {
      return false;
    }
    for (int i = 1; i < a.length; i++) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    return true;
  }
}
