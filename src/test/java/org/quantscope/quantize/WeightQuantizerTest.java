// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sliced quantizer against {@link ScalarOracle}: every byte, scale, zero point and error figure
 * equals ORT's formulas re-computed one element at a time. The big tensors are cut into two slices
 * (a little more than {@link WeightQuantizer#SLICE} elements: the second slice starts in the middle
 * of a channel's run or phase, is longer than a chunk and not a whole number of chunks), and each
 * is quantized both sequentially and in parallel: per tensor, per channel in runs (channel axis not
 * last; runs that cross chunk and slice boundaries) and interleaved (channel axis last; a channel
 * count that does not divide a chunk). Channels get ranges of their own, so an element counted in
 * the wrong channel changes a scale.
 */
class WeightQuantizerTest {
  private static final int SLICE = WeightQuantizer.SLICE;
  private static final int CHUNK = WeightQuantizer.CHUNK;

  /** Seeded values in [lo, hi). */
  private static float[] uniform(int n, float lo, float hi, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo + r.nextFloat() * (hi - lo);
    }
    return v;
  }

  /**
   * Seeded values whose range depends on the channel: channel c spans about {@code 0.25 c - 0.6 +-
   * (0.5 + 0.8 c)}, so every channel has its own minimum, maximum, scale and (asymmetric) zero
   * point.
   */
  private static float[] perChannel(long[] dims, int axis, long seed) {
    int n = (int) size(dims);
    long inner = axis < 0 ? Long.MAX_VALUE : ScalarOracle.inner(dims, axis);
    long channels = axis < 0 ? 1 : dims[axis];
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      int c = (int) ((i / inner) % channels);
      v[i] = 0.25f * c - 0.6f + (0.5f + 0.8f * c) * (r.nextFloat() * 2 - 1);
    }
    return v;
  }

  private static long size(long[] dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    return n;
  }

  private static void assertMatches(
      QuantizedWeight w,
      ScalarOracle.Expected e,
      long[] dims,
      int axis,
      QuantType type,
      String what) {
    assertThat(w.dims()).as(what + ": dims").containsExactly(dims);
    assertThat(w.axis()).as(what + ": axis").isEqualTo(axis);
    assertThat(w.type()).as(what + ": type").isEqualTo(type);
    assertThat(w.scales()).as(what + ": scales").containsExactly(e.scales());
    assertThat(w.zeroPoints()).as(what + ": zero points").containsExactly(e.zeroPoints());
    assertThat(w.data()).as(what + ": size").hasSize(e.data().length);
    int at = Arrays.mismatch(w.data(), e.data());
    assertThat(at)
        .as(
            "%s: first element that differs from the oracle (%s vs %s)",
            what, at < 0 ? "-" : w.data()[at], at < 0 ? "-" : e.data()[at])
        .isEqualTo(-1);
    // both dequantize in float32; the quantizer also subtracts in float32, the oracle in double:
    // half an ulp of an error below 0.1 at most
    assertThat(w.maxAbsError()).as(what + ": max error").isCloseTo(e.maxAbsError(), within(1e-8));
    if (Double.isInfinite(e.sqnrDb())) {
      assertThat(w.sqnrDb()).as(what + ": SQNR").isEqualTo(Double.POSITIVE_INFINITY);
    } else {
      // float32 sums per chunk: a relative error of 1e-4 at most, i.e. well under 0.01 dB
      assertThat(w.sqnrDb()).as(what + ": SQNR").isCloseTo(e.sqnrDb(), within(0.01));
    }
  }

  /** Sequential and parallel results both equal the oracle, hence each other. */
  private static void slicedMatchesOracle(
      float[] v, long[] dims, int axis, QuantType type, boolean symmetric, boolean reduceRange) {
    String what =
        String.format(
            "dims %s axis %d %s symmetric=%b reduceRange=%b",
            Arrays.toString(dims), axis, type, symmetric, reduceRange);
    ScalarOracle.Expected e =
        ScalarOracle.quantize(v, dims, axis, type, symmetric, reduceRange, Double.NaN);
    QuantizedWeight sequential =
        WeightQuantizer.quantize(
            FloatBuffer.wrap(v), dims, axis, type, symmetric, reduceRange, Double.NaN);
    QuantizedWeight parallel =
        WeightQuantizer.quantizeAll(
                List.of(
                    new WeightQuantizer.Spec(
                        FloatBuffer.wrap(v), dims, axis, type, symmetric, reduceRange, Double.NaN)),
                true)
            .get(0);
    assertMatches(sequential, e, dims, axis, type, "sequential, " + what);
    assertMatches(parallel, e, dims, axis, type, "parallel, " + what);
    assertThat(parallel.data()).isEqualTo(sequential.data());
    assertThat(parallel.scales()).isEqualTo(sequential.scales());
  }

  @Test
  void oneScaleForABigTensorIsTheOraclesOverEverySliceAndChunk() {
    int n = SLICE + CHUNK + 123;
    int lastSlice = n - SLICE;
    assertThat(lastSlice).isGreaterThan(CHUNK); // the last slice has a full and a partial chunk
    assertThat(lastSlice % CHUNK).isNotZero();
    float[] v = uniform(n, -2f, 3f, 11);
    long[] dims = {n};
    slicedMatchesOracle(v, dims, -1, QuantType.QUInt8, false, false); // zero point 102
    slicedMatchesOracle(v, dims, -1, QuantType.QInt8, true, true);
  }

  @Test
  void channelRunsThatCrossChunksAndSlicesKeepTheirChannel() {
    // [71000, 5, 3] on axis 1: runs of 3 elements, channel after channel
    long[] dims = {71000, 5, 3};
    int inner = 3;
    long n = size(dims);
    assertThat(CHUNK % inner).isNotZero(); // a run is cut at every chunk boundary
    assertThat(SLICE % inner).isNotZero(); // the second slice starts inside a run
    assertThat(n - SLICE).isGreaterThan(CHUNK);
    assertThat((n - SLICE) % CHUNK).isNotZero();
    float[] v = perChannel(dims, 1, 12);
    slicedMatchesOracle(v, dims, 1, QuantType.QUInt8, false, false);
    slicedMatchesOracle(v, dims, 1, QuantType.QInt8, true, false);
  }

  @Test
  void longChannelsOnTheFirstAxisSpanSlices() {
    // [7, 152000] on axis 0: each channel is one run of 152000 elements over many chunks, and
    // the second slice starts in the middle of channel 6
    long[] dims = {7, 152000};
    assertThat(size(dims)).isGreaterThan(SLICE);
    assertThat(SLICE / 152000).isEqualTo(6);
    assertThat(SLICE % 152000).isNotZero();
    float[] v = perChannel(dims, 0, 13);
    slicedMatchesOracle(v, dims, 0, QuantType.QUInt8, false, false);
    slicedMatchesOracle(v, dims, 0, QuantType.QInt8, true, true);
  }

  @Test
  void interleavedChannelsOnTheLastAxisCarryTheirPhaseAcrossChunks() {
    // [152200, 7] on axis 1: the channel changes with every element; 7 divides neither a chunk
    // nor a slice, so each chunk and slice starts at another channel
    long[] dims = {152200, 7};
    long n = size(dims);
    assertThat(CHUNK % 7).isNotZero();
    assertThat(SLICE % 7).isNotZero();
    assertThat(n - SLICE).isGreaterThan(CHUNK);
    assertThat((n - SLICE) % CHUNK).isNotZero();
    float[] v = perChannel(dims, 1, 14);
    slicedMatchesOracle(v, dims, 1, QuantType.QUInt8, false, false);
    slicedMatchesOracle(v, dims, 1, QuantType.QInt8, true, true);
  }

  @Test
  void manyTensorsInOneCallEachGetTheirOwnResultInOrder() {
    List<long[]> shapes =
        List.of(
            new long[] {152200, 7},
            new long[] {40, 3, 5},
            new long[] {5},
            new long[] {3, 0},
            new long[] {1},
            new long[] {3000, 2});
    int[] axes = {1, 1, -1, 0, -1, 0};
    QuantType[] types = {
      QuantType.QUInt8,
      QuantType.QInt8,
      QuantType.QUInt8,
      QuantType.QInt8,
      QuantType.QInt8,
      QuantType.QUInt8
    };
    List<float[]> values = new ArrayList<>();
    List<WeightQuantizer.Spec> specs = new ArrayList<>();
    for (int k = 0; k < shapes.size(); k++) {
      float[] v = perChannel(shapes.get(k), axes[k], 20 + k);
      values.add(v);
      boolean symmetric = types[k] == QuantType.QInt8;
      specs.add(
          new WeightQuantizer.Spec(
              FloatBuffer.wrap(v), shapes.get(k), axes[k], types[k], symmetric, false, Double.NaN));
    }
    for (boolean parallel : new boolean[] {true, false}) {
      List<QuantizedWeight> out = WeightQuantizer.quantizeAll(specs, parallel);
      assertThat(out).hasSize(specs.size());
      for (int k = 0; k < specs.size(); k++) {
        ScalarOracle.Expected e =
            ScalarOracle.quantize(
                values.get(k),
                shapes.get(k),
                axes[k],
                types[k],
                types[k] == QuantType.QInt8,
                false,
                Double.NaN);
        assertMatches(
            out.get(k),
            e,
            shapes.get(k),
            axes[k],
            types[k],
            "tensor " + k + (parallel ? " in parallel" : " in sequence"));
      }
    }
  }

  @Test
  void emptyTensorsGetScaleOneAndZeroPointZeroInEveryChannel() {
    List<long[]> shapes = List.of(new long[] {3, 0}, new long[] {0, 4}, new long[] {0});
    int[] axes = {0, 1, -1};
    int[] channels = {3, 4, 1};
    for (int k = 0; k < shapes.size(); k++) {
      WeightQuantizer.Spec spec =
          new WeightQuantizer.Spec(
              FloatBuffer.wrap(new float[0]),
              shapes.get(k),
              axes[k],
              QuantType.QUInt8,
              false,
              false,
              Double.NaN);
      for (boolean parallel : new boolean[] {true, false}) {
        QuantizedWeight w = WeightQuantizer.quantizeAll(List.of(spec), parallel).get(0);
        float[] ones = new float[channels[k]];
        Arrays.fill(ones, 1f);
        assertThat(w.scales()).containsExactly(ones);
        assertThat(w.zeroPoints()).containsExactly(new int[channels[k]]);
        assertThat(w.data()).isEmpty();
        assertThat(w.maxAbsError()).isZero();
        assertThat(w.sqnrDb()).isEqualTo(Double.POSITIVE_INFINITY);
      }
    }
  }

  @Test
  void valuesAreReadFromTheBufferPositionAndTheBufferIsLeftAsItWas() {
    // a weight that starts inside a larger payload, as a memory-mapped external data file gives it
    long[] dims = {152200, 7};
    int n = (int) size(dims);
    float[] v = perChannel(dims, 1, 15);
    float[] payload = new float[n + 9];
    Arrays.fill(payload, 1000f); // values outside the weight would ruin every scale
    System.arraycopy(v, 0, payload, 5, n);
    FloatBuffer buffer = FloatBuffer.wrap(payload, 5, n);
    QuantizedWeight w =
        WeightQuantizer.quantizeAll(
                List.of(
                    new WeightQuantizer.Spec(
                        buffer, dims, 1, QuantType.QUInt8, false, false, Double.NaN)),
                true)
            .get(0);
    assertMatches(
        w,
        ScalarOracle.quantize(v, dims, 1, QuantType.QUInt8, false, false, Double.NaN),
        dims,
        1,
        QuantType.QUInt8,
        "weight at position 5");
    assertThat(buffer.position()).isEqualTo(5);
    assertThat(buffer.remaining()).isEqualTo(n);
  }

  /**
   * Values on the quantizer's edges, each channel scaled by exactly 1: quotients halfway between
   * two integers (rounded to the even one, -0.5 to -0), the type's bounds and beyond them, signed
   * zeros, NaN (cast to 0) and infinite weights (an infinite scale). Every byte is {@link
   * QuantMath#quantize}'s for that element, per tensor and with the channels interleaved.
   */
  @Test
  void halfwayClampedSignedZeroNanAndInfiniteValuesAreQuantizedAsOneAtATime() {
    float[] edges = {
      -127f,
      127f,
      0.5f,
      1.5f,
      2.5f,
      -0.5f,
      -1.5f,
      -2.5f,
      126.5f,
      -126.5f,
      -0f,
      0f,
      0.49999997f,
      63.5f,
      -63.5f,
      100.25f
    };
    int rows = CHUNK / 3 + 17; // the rows cross a chunk boundary
    for (boolean withNan : new boolean[] {false, true}) {
      for (boolean withInfinity : new boolean[] {false, true}) {
        float[] v = new float[rows * 4];
        for (int i = 0; i < v.length; i++) {
          v[i] = edges[(i / 4 + i % 4) % edges.length];
        }
        v[3] = 127f; // every channel spans [-127, 127]: scale 1 for symmetric QInt8
        v[4] = -127f;
        if (withNan) {
          v[rows * 2 + 1] = Float.NaN;
        }
        if (withInfinity) {
          v[rows * 3 + 2] = Float.POSITIVE_INFINITY;
        }
        for (long[] dims : List.of(new long[] {v.length}, new long[] {rows, 4})) {
          int axis = dims.length == 1 ? -1 : 1;
          for (QuantType type : QuantType.values()) {
            boolean symmetric = type == QuantType.QInt8;
            QuantizedWeight w =
                WeightQuantizer.quantize(
                    FloatBuffer.wrap(v), dims, axis, type, symmetric, false, Double.NaN);
            String what =
                String.format("%s axis %d nan=%b infinity=%b", type, axis, withNan, withInfinity);
            if (!withInfinity && symmetric) {
              assertThat(w.scales()).as(what).containsOnly(1f);
            }
            byte[] expected = new byte[v.length];
            for (int i = 0; i < v.length; i++) {
              int c = axis < 0 ? 0 : i % 4;
              expected[i] = (byte) QuantMath.quantize(v[i], w.scales()[c], w.zeroPoints()[c], type);
            }
            int at = Arrays.mismatch(w.data(), expected);
            assertThat(at)
                .as("%s: first element that differs (value %s)", what, at < 0 ? "-" : v[at])
                .isEqualTo(-1);
            if (withNan || withInfinity) {
              assertThat(w.maxAbsError()).as(what).isNaN();
            } else {
              assertMatches(
                  w,
                  ScalarOracle.quantize(v, dims, axis, type, symmetric, false, Double.NaN),
                  dims,
                  axis,
                  type,
                  what);
            }
          }
        }
      }
    }
  }

  @Test
  void theClampFreeLoopIsTakenOnlyWhenBothEndsOfTheRangeRoundInsideTheType() {
    // symmetric QInt8, scale 1: 127.49 rounds to 127, 127.5 to 128 (ties to even)
    assertThat(WeightQuantizer.roundsInside(-127f, 127.49f, 1f, 0, -128f, 127f)).isTrue();
    assertThat(WeightQuantizer.roundsInside(-127f, 127.5f, 1f, 0, -128f, 127f)).isFalse();
    assertThat(WeightQuantizer.roundsInside(-128.5f, 0f, 1f, 0, -128f, 127f)).isTrue();
    assertThat(WeightQuantizer.roundsInside(-128.51f, 0f, 1f, 0, -128f, 127f)).isFalse();
    // QUInt8 over [-127, 127]: zero point 128, and 127 / (254 / 255) = 127.5 rounds to 256
    QuantMath.Params p =
        QuantMath.params(-127f, 127f, QuantType.QUInt8, false, false, Double.NaN, false);
    assertThat(p.zeroPoint()).isEqualTo(128);
    assertThat(WeightQuantizer.roundsInside(-127f, 127f, p.scale(), 128, 0f, 255f)).isFalse();
    assertThat(WeightQuantizer.roundsInside(-127f, 126f, p.scale(), 128, 0f, 255f)).isTrue();
    // a range that no scale covers
    assertThat(WeightQuantizer.roundsInside(0f, Float.POSITIVE_INFINITY, 1f, 0, -128f, 127f))
        .isFalse();
    assertThat(WeightQuantizer.roundsInside(0f, 1f, 0f, 0, -128f, 127f)).isFalse();
    assertThat(WeightQuantizer.roundsInside(0f, 0f, 0f, 0, -128f, 127f)).isFalse();
    assertThat(WeightQuantizer.roundsInside(0f, 1f, Float.NaN, 0, -128f, 127f)).isFalse();
  }

  static Stream<Arguments> everyParameterRule() {
    List<Arguments> all = new ArrayList<>();
    for (QuantType type : QuantType.values()) {
      for (boolean symmetric : new boolean[] {true, false}) {
        for (boolean reduceRange : new boolean[] {true, false}) {
          for (double minimumRealRange : new double[] {Double.NaN, 9.0}) {
            all.add(Arguments.of(type, symmetric, reduceRange, minimumRealRange));
          }
        }
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} symmetric={1} reduceRange={2} minimumRealRange={3}")
  @MethodSource("everyParameterRule")
  void everyRangeRuleOnEveryAxisIsTheOracles(
      QuantType type, boolean symmetric, boolean reduceRange, double minimumRealRange) {
    long[] dims = {40, 6, 5};
    for (int axis = -1; axis < dims.length; axis++) {
      float[] v = perChannel(dims, axis, 30 + axis);
      ScalarOracle.Expected e =
          ScalarOracle.quantize(v, dims, axis, type, symmetric, reduceRange, minimumRealRange);
      QuantizedWeight w =
          WeightQuantizer.quantize(
              FloatBuffer.wrap(v), dims, axis, type, symmetric, reduceRange, minimumRealRange);
      assertMatches(w, e, dims, axis, type, "axis " + axis);
    }
  }
}
