// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

/**
 * Quantizes float tensors per tensor or per channel with {@link QuantMath}, and measures the error
 * it introduces. Values are read straight from the (possibly memory-mapped) payload. A tensor is
 * processed in slices, so that many tensors (or one large one) spread evenly over all cores: first
 * the range of every slice, then, once each tensor's scales are known, the values.
 */
public final class WeightQuantizer {
  private WeightQuantizer() {}

  /** Elements per unit of parallel work. */
  static final int SLICE = 1 << 20;

  /** Values are copied out of the buffer in chunks of this many floats. */
  static final int CHUNK = 1 << 14;

  /** One tensor to quantize. */
  public record Spec(
      FloatBuffer values,
      long[] dims,
      int axis,
      QuantType type,
      boolean symmetric,
      boolean reduceRange,
      double minimumRealRange) {
    int size() {
      return values.remaining();
    }

    int channels() {
      return axis < 0 ? 1 : (int) dims[axis];
    }

    int inner() {
      if (axis < 0) {
        return Math.max(size(), 1);
      }
      int inner = 1;
      for (int d = axis + 1; d < dims.length; d++) {
        inner *= (int) dims[d];
      }
      return inner;
    }
  }

  /** Quantizes one tensor on the calling thread. */
  public static QuantizedWeight quantize(
      FloatBuffer values,
      long[] dims,
      int axis,
      QuantType type,
      boolean symmetric,
      boolean reduceRange,
      double minimumRealRange) {
    return quantizeAll(
            List.of(new Spec(values, dims, axis, type, symmetric, reduceRange, minimumRealRange)),
            false)
        .get(0);
  }

  /**
   * Quantizes tensors, in parallel over slices of all of them when {@code parallel}.
   *
   * @return one result per spec, in order
   */
  public static List<QuantizedWeight> quantizeAll(List<Spec> specs, boolean parallel) {
    List<Slice> slices = new ArrayList<>();
    List<Job> jobs = new ArrayList<>();
    for (Spec s : specs) {
      Job j = new Job(s);
      jobs.add(j);
      for (int start = 0; start < s.size(); start += SLICE) {
        slices.add(new Slice(j, start, Math.min(s.size(), start + SLICE)));
      }
    }
    StreamSupport.stream(slices.spliterator(), parallel).forEach(Slice::range);
    for (Job j : jobs) {
      j.params();
    }
    StreamSupport.stream(slices.spliterator(), parallel).forEach(Slice::quantize);
    List<QuantizedWeight> out = new ArrayList<>(jobs.size());
    for (Job j : jobs) {
      out.add(j.result());
    }
    return out;
  }

  /** A tensor's shared state across its slices. */
  private static final class Job {
    final Spec spec;
    final int channels;
    final int inner;
    final float[] min;
    final float[] max;
    float[] scales;
    int[] zps;

    /**
     * No value of the tensor rounds outside its type, so that clamping changes nothing: {@link
     * #quantizeRunUnclamped}'s condition.
     */
    boolean clampFree;

    /**
     * The quantized bytes, made by the first slice that needs them: on the threads that fill them,
     * rather than all up front on one (their zeroing and first touch were a tenth of the work).
     */
    private byte[] q;

    synchronized byte[] q() {
      if (q == null) {
        q = new byte[spec.size()];
      }
      return q;
    }

    double signal;
    double noise;
    float maxErr;

    Job(Spec spec) {
      this.spec = spec;
      this.channels = spec.channels();
      this.inner = spec.inner();
      // 0, not +/-infinity: ORT's range always includes 0 (QuantMath.params), so starting there
      // changes no scale or zero point
      this.min = new float[channels];
      this.max = new float[channels];
    }

    synchronized void mergeRange(float[] lo, float[] hi) {
      for (int c = 0; c < channels; c++) {
        min[c] = Math.min(min[c], lo[c]);
        max[c] = Math.max(max[c], hi[c]);
      }
    }

    void params() {
      scales = new float[channels];
      zps = new int[channels];
      boolean empty = spec.size() == 0;
      for (int c = 0; c < channels; c++) {
        QuantMath.Params p =
            QuantMath.params(
                min[c],
                max[c],
                spec.type(),
                spec.symmetric(),
                spec.reduceRange(),
                spec.minimumRealRange(),
                empty);
        scales[c] = p.scale();
        zps[c] = p.zeroPoint();
      }
      float typeMin = spec.type().typeMin();
      float typeMax = spec.type().typeMax();
      clampFree = true;
      for (int c = 0; c < channels && clampFree; c++) {
        clampFree = roundsInside(min[c], max[c], scales[c], zps[c], typeMin, typeMax);
      }
    }

    synchronized void mergeError(double s2, double e2, float m) {
      signal += s2;
      noise += e2;
      maxErr = Math.max(maxErr, m);
    }

    QuantizedWeight result() {
      double sqnr = noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
      return new QuantizedWeight(
          spec.dims().clone(), spec.type(), spec.axis(), scales, zps, q(), maxErr, sqnr);
    }
  }

  /** Elements [start, end) of one tensor. */
  private record Slice(Job job, int start, int end) {

    void range() {
      Job j = job;
      int channels = j.channels;
      float[] lo = new float[channels]; // from 0, as the job's range
      float[] hi = new float[channels];
      float[] buf = new float[Math.min(CHUNK, end - start)];
      FloatBuffer values = j.spec.values();
      int base = values.position();
      Cursor cur = new Cursor(channels, j.inner, start);
      for (int off = start; off < end; off += buf.length) {
        int len = Math.min(buf.length, end - off);
        values.get(base + off, buf, 0, len);
        if (j.inner == 1 && channels > 1) {
          cur.channel = rangeInterleaved(buf, len, lo, hi, cur.channel);
          continue;
        }
        int i = 0;
        while (i < len) {
          int run = Math.min(len - i, cur.remaining());
          rangeRun(buf, i, i + run, lo, hi, cur.channel);
          cur.advance(run);
          i += run;
        }
      }
      j.mergeRange(lo, hi);
    }

    void quantize() {
      Job j = job;
      int channels = j.channels;
      float typeMin = j.spec.type().typeMin();
      float typeMax = j.spec.type().typeMax();
      float[] buf = new float[Math.min(CHUNK, end - start)];
      FloatBuffer values = j.spec.values();
      int base = values.position();
      int[] zps = j.zps;
      byte[] q = j.q();
      // [sum x^2, sum err^2, max |err|] in float per chunk, summed in double across chunks:
      // plenty for figures shown to 0.1 dB
      float[] acc = new float[3];
      double signal = 0;
      double noise = 0;
      float maxErr = 0;
      Cursor cur = new Cursor(channels, j.inner, start);
      for (int off = start; off < end; off += buf.length) {
        int len = Math.min(buf.length, end - off);
        values.get(base + off, buf, 0, len);
        acc[0] = 0;
        acc[1] = 0;
        acc[2] = 0;
        if (j.inner == 1 && channels > 1) {
          cur.channel =
              quantizeInterleaved(
                  buf, len, j.scales, zps, cur.channel, typeMin, typeMax, j.clampFree, q, off, acc);
        } else {
          int i = 0;
          while (i < len) {
            int run = Math.min(len - i, cur.remaining());
            int c = cur.channel;
            if (j.clampFree) {
              quantizeRunUnclamped(
                  buf, i, i + run, j.scales[c], zps[c], typeMin, typeMax, q, off, acc);
            } else {
              quantizeRun(buf, i, i + run, j.scales[c], zps[c], typeMin, typeMax, q, off, acc);
            }
            cur.advance(run);
            i += run;
          }
        }
        signal += acc[0];
        noise += acc[1];
        maxErr = Math.max(maxErr, acc[2]);
      }
      j.mergeError(signal, noise, maxErr);
    }
  }

  // The hot loops, kept small so the JIT compiles them early.

  private static void rangeRun(float[] buf, int from, int to, float[] lo, float[] hi, int c) {
    float a = lo[c];
    float b = hi[c];
    for (int k = from; k < to; k++) {
      float x = buf[k];
      if (x < a) {
        a = x;
      }
      if (x > b) {
        b = x;
      }
    }
    lo[c] = a;
    hi[c] = b;
  }

  /** Channels along the last axis: the channel changes with every element. */
  private static int rangeInterleaved(float[] buf, int len, float[] lo, float[] hi, int c) {
    int channels = lo.length;
    int k = 0;
    while (k < len) {
      // one row: elements k.. have channels c..
      int run = Math.min(len - k, channels - c);
      int shift = k - c;
      for (int ch = c; ch < c + run; ch++) {
        float x = buf[ch + shift];
        if (x < lo[ch]) {
          lo[ch] = x;
        }
        if (x > hi[ch]) {
          hi[ch] = x;
        }
      }
      k += run;
      c = c + run == channels ? 0 : c + run;
    }
    return c;
  }

  /**
   * 1.5 * 2^23: a float of magnitude below 2^22 added to it lands where floats are one apart, so
   * the addition rounds it to an integer, half to even (the magic number is even), and the sum's
   * low mantissa bits hold that integer plus 2^22 (whose low byte is 0).
   */
  private static final float MAGIC = 0x1.8p23f;

  /**
   * ORT's per-element steps: float32 division, round half to even, add the zero point, clamp to the
   * type; and the error of the dequantized value.
   *
   * <p>The same bytes and errors as {@link #quantizeRunExact}, in fewer and simpler steps: clamping
   * the quotient to {@code [typeMin - zp, typeMax - zp]} before rounding gives what rounding and
   * then clamping gives (the bounds are integers, and rounding keeps order), leaves a magnitude
   * below 512 that {@link #MAGIC} rounds (a zero point lies in its type: {@link QuantMath#params}
   * puts it between qmin and qmax), and the quantized byte is the sum's low byte plus the zero
   * point. A quotient that is NaN (a NaN weight, or an infinite scale) would come out otherwise; it
   * makes an error NaN, so a run whose error sum is NaN is done again the exact way.
   */
  private static void quantizeRun(
      float[] buf,
      int from,
      int to,
      float scale,
      int zp,
      float typeMin,
      float typeMax,
      byte[] q,
      int qOffset,
      float[] acc) {
    float lo = typeMin - zp;
    float hi = typeMax - zp;
    float s2 = 0;
    float e2 = 0;
    float m = acc[2];
    for (int k = from; k < to; k++) {
      float x = buf[k];
      float v = x / scale;
      v = v < lo ? lo : v;
      v = v > hi ? hi : v;
      float t = v + MAGIC;
      q[qOffset + k] = (byte) (Float.floatToRawIntBits(t) + zp);
      float err = x - (t - MAGIC) * scale;
      s2 += x * x;
      e2 += err * err;
      float a = Math.abs(err);
      m = a > m ? a : m;
    }
    if (!addSums(acc, s2, e2, m)) {
      quantizeRunExact(buf, from, to, scale, zp, typeMin, typeMax, q, qOffset, acc);
    }
  }

  /**
   * Whether every value in {@code [min, max]} quantizes inside {@code [typeMin, typeMax]} without
   * clamping: division by a positive scale and rounding both keep order, so the ends decide. False
   * for a NaN or infinite end (a zero scale gives one).
   */
  static boolean roundsInside(
      float min, float max, float scale, int zp, float typeMin, float typeMax) {
    return QuantMath.rint(min / scale) + zp >= typeMin
        && QuantMath.rint(max / scale) + zp <= typeMax;
  }

  /**
   * {@link #quantizeRun} for a tensor whose values all round inside the type ({@link
   * #roundsInside}): the clamps are left out, which gives the same bytes and errors. Apart from
   * fewer steps, this keeps the JIT's code stable: a clamp that the first tensors never reach is
   * compiled as a trap, and the first value that reaches it sends the loop back to the interpreter
   * to be compiled again (two or three times in a BERT-base run).
   */
  private static void quantizeRunUnclamped(
      float[] buf,
      int from,
      int to,
      float scale,
      int zp,
      float typeMin,
      float typeMax,
      byte[] q,
      int qOffset,
      float[] acc) {
    float s2 = 0;
    float e2 = 0;
    float m = acc[2];
    for (int k = from; k < to; k++) {
      float x = buf[k];
      float t = x / scale + MAGIC;
      q[qOffset + k] = (byte) (Float.floatToRawIntBits(t) + zp);
      float err = x - (t - MAGIC) * scale;
      s2 += x * x;
      e2 += err * err;
      float a = Math.abs(err);
      m = a > m ? a : m;
    }
    if (!addSums(acc, s2, e2, m)) {
      quantizeRunExact(buf, from, to, scale, zp, typeMin, typeMax, q, qOffset, acc);
    }
  }

  /**
   * Adds a fast loop's sums and maximum to {@code acc}; false, adding nothing, when the error sum
   * is NaN and the elements are to be done again the exact way.
   */
  private static boolean addSums(float[] acc, float s2, float e2, float m) {
    if (Float.isNaN(e2)) {
      return false;
    }
    acc[0] += s2;
    acc[1] += e2;
    acc[2] = m;
    return true;
  }

  /** {@link #quantizeRun}'s steps as ORT writes them; NaN quotients cast to 0. */
  private static void quantizeRunExact(
      float[] buf,
      int from,
      int to,
      float scale,
      float zp,
      float typeMin,
      float typeMax,
      byte[] q,
      int qOffset,
      float[] acc) {
    float s2 = 0;
    float e2 = 0;
    float m = acc[2];
    for (int k = from; k < to; k++) {
      float x = buf[k];
      float v = QuantMath.rint(x / scale) + zp;
      v = Math.max(typeMin, Math.min(typeMax, v));
      q[qOffset + k] = (byte) (int) v;
      float err = x - (v - zp) * scale;
      s2 += x * x;
      e2 += err * err;
      m = Math.max(m, Math.abs(err));
    }
    acc[0] += s2;
    acc[1] += e2;
    acc[2] = m;
  }

  /**
   * Channels along the last axis, row by row ({@link #quantizeRun}'s steps with a scale and zero
   * point per element, without the clamps when {@code clampFree}); a chunk whose error sum is NaN
   * is done again the exact way.
   */
  private static int quantizeInterleaved(
      float[] buf,
      int len,
      float[] scales,
      int[] zps,
      int c,
      float typeMin,
      float typeMax,
      boolean clampFree,
      byte[] q,
      int qOffset,
      float[] acc) {
    int channels = scales.length;
    int first = c;
    // the running sums and maximum, carried from row to row: the same additions in the same order
    // as one loop over the chunk
    float[] sums = {0, 0, acc[2]};
    int k = 0;
    while (k < len) {
      int run = Math.min(len - k, channels - c);
      if (clampFree) {
        quantizeRowUnclamped(buf, k - c, c, c + run, scales, zps, q, qOffset, sums);
      } else {
        quantizeRow(buf, k - c, c, c + run, scales, zps, typeMin, typeMax, q, qOffset, sums);
      }
      k += run;
      c = c + run == channels ? 0 : c + run;
    }
    if (!addSums(acc, sums[0], sums[1], sums[2])) {
      // again the exact way, one element at a time: the same float additions in the same order
      c = first;
      for (int i = 0; i < len; i++) {
        quantizeRunExact(buf, i, i + 1, scales[c], zps[c], typeMin, typeMax, q, qOffset, acc);
        c = c + 1 == channels ? 0 : c + 1;
      }
    }
    return c;
  }

  /** Channels {@code [from, to)} of one row, whose elements are at {@code ch + shift}. */
  private static void quantizeRow(
      float[] buf,
      int shift,
      int from,
      int to,
      float[] scales,
      int[] zps,
      float typeMin,
      float typeMax,
      byte[] q,
      int qOffset,
      float[] sums) {
    float s2 = sums[0];
    float e2 = sums[1];
    float m = sums[2];
    for (int ch = from; ch < to; ch++) {
      float x = buf[ch + shift];
      float scale = scales[ch];
      int zp = zps[ch];
      float v = x / scale;
      float lo = typeMin - zp;
      float hi = typeMax - zp;
      v = v < lo ? lo : v;
      v = v > hi ? hi : v;
      float t = v + MAGIC;
      q[qOffset + ch + shift] = (byte) (Float.floatToRawIntBits(t) + zp);
      float err = x - (t - MAGIC) * scale;
      s2 += x * x;
      e2 += err * err;
      float a = Math.abs(err);
      m = a > m ? a : m;
    }
    sums[0] = s2;
    sums[1] = e2;
    sums[2] = m;
  }

  /** {@link #quantizeRow} for a tensor whose channels all round inside the type. */
  private static void quantizeRowUnclamped(
      float[] buf,
      int shift,
      int from,
      int to,
      float[] scales,
      int[] zps,
      byte[] q,
      int qOffset,
      float[] sums) {
    float s2 = sums[0];
    float e2 = sums[1];
    float m = sums[2];
    for (int ch = from; ch < to; ch++) {
      float x = buf[ch + shift];
      float scale = scales[ch];
      float t = x / scale + MAGIC;
      q[qOffset + ch + shift] = (byte) (Float.floatToRawIntBits(t) + zps[ch]);
      float err = x - (t - MAGIC) * scale;
      s2 += x * x;
      e2 += err * err;
      float a = Math.abs(err);
      m = a > m ? a : m;
    }
    sums[0] = s2;
    sums[1] = e2;
    sums[2] = m;
  }

  /** Walks the channel index of consecutive row-major elements. */
  private static final class Cursor {
    private final int channels;
    private final int inner;
    int channel;
    private int j;

    Cursor(int channels, int inner, int start) {
      this.channels = channels;
      this.inner = inner;
      this.channel = (start / inner) % channels;
      this.j = start % inner;
    }

    /** Elements left in the current channel's run. */
    int remaining() {
      return inner - j;
    }

    /** Moves {@code n <= remaining()} elements ahead. */
    void advance(int n) {
      j += n;
      if (j == inner) {
        j = 0;
        if (++channel == channels) {
          channel = 0;
        }
      }
    }
  }
}
