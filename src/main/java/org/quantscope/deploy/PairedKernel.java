// SPDX-License-Identifier: Apache-2.0
package org.quantscope.deploy;

/**
 * The integer product of MLAS's u8 x s8 GEMM on x86 CPUs without VNNI, emulated: {@code vpmaddubsw}
 * multiplies a uint8 activation by an int8 weight and adds adjacent pairs into a signed 16-bit
 * value that saturates to [-32768, 32767]; {@code vpmaddwd} by ones then widens the pairs to int32
 * exactly. MLAS packs matrix A row by row and matrix B in groups of four consecutive K rows per
 * column (QgemmU8S8KernelAvx2.S, MlasGemmU8S8CopyPackBAvx2; the GEMV kernel for one row interleaves
 * B the same way), K padded with zeros to a multiple of 4, so the pairs over K are (0, 1), (2, 3),
 * ... in every K block (blocks start at multiples of 4). Zero points are applied after, with exact
 * row and column sums: the clamp acts on the raw products only.
 *
 * <p>Read at microsoft/onnxruntime onnxruntime/core/mlas/lib: x86_64/QgemmU8S8KernelAvx2.S (commit
 * 08d70586928cdc18449c73d956563c86f599d28e), qgemm_kernel_avx2.cpp (commit
 * 018e21be94ac9afc029e010c546c808c83c5e73c: U8S8 data takes the saturating U8S8 kernel, U8U8 data
 * the widening U8U8 kernel that cannot saturate), x86_64/QgemvU8S8KernelAvx2.S and platform.cpp.
 */
final class PairedKernel {
  private PairedKernel() {}

  static final int MIN16 = Short.MIN_VALUE;
  static final int MAX16 = Short.MAX_VALUE;

  /**
   * One product and what the clamp did to it.
   *
   * @param exact the int32 result with exact accumulation, zero points applied, [rows, n]
   * @param clamped the same with every pair sum clamped to 16 bits, [rows, n]
   * @param pairs pair sums computed (rows x n x ceil(k / 2))
   * @param saturated pair sums outside [-32768, 32767]
   * @param largestOverflow the largest distance of a pair sum beyond the bound it crossed (0 if
   *     none)
   */
  record Product(int[] exact, int[] clamped, long pairs, long saturated, int largestOverflow) {}

  /**
   * An int8 weight B [k, n] ready for {@link #multiply}: with, per pair of rows (2p, 2p + 1), the
   * columns whose two weights can make a pair sum leave 16 bits with some uint8 activations (both
   * of one sign, |b0| + |b1| of at least 129: 255 x 129 = 32,895). Only those are checked for the
   * clamp; every other pair sum fits whatever the activations.
   */
  record Weights(byte[] b, int k, int n, int[] riskyStart, int[] riskyColumns) {
    static Weights of(byte[] b, int k, int n) {
      int pairs = (k + 1) / 2;
      int[] start = new int[pairs + 1];
      int[] cols = new int[16];
      int count = 0;
      for (int p = 0; p < pairs; p++) {
        start[p] = count;
        int o0 = 2 * p * n;
        int o1 = (2 * p + 1) * n;
        for (int j = 0; j < n; j++) {
          int b0 = b[o0 + j];
          int b1 = 2 * p + 1 < k ? b[o1 + j] : 0;
          if ((b0 > 0 && b1 > 0 && b0 + b1 >= 129) || (b0 < 0 && b1 < 0 && -(b0 + b1) >= 129)) {
            if (count == cols.length) {
              cols = java.util.Arrays.copyOf(cols, cols.length * 2);
            }
            cols[count++] = j;
          }
        }
      }
      start[pairs] = count;
      return new Weights(b, k, n, start, java.util.Arrays.copyOf(cols, count));
    }
  }

  /** Rows of K summed in int before being added to the long totals: no int overflow. */
  private static final int BLOCK = 16384;

  /**
   * Multiplies A [rows, k] (uint8 values 0..255) by B [k, n] (int8 values -128..127).
   *
   * @param aZero A's zero point
   * @param bZero B's zero point per column (length n) or per tensor (length 1)
   */
  static Product multiply(int[] a, int aZero, byte[] b, int[] bZero, int rows, int k, int n) {
    return multiply(a, aZero, Weights.of(b, k, n), bZero, rows);
  }

  /** As above, with the weight's risky pairs found once. */
  static Product multiply(int[] a, int aZero, Weights w, int[] bZero, int rows) {
    int k = w.k();
    int n = w.n();
    byte[] b = w.b();
    int[] exact = new int[rows * n];
    int[] clamped = new int[rows * n];
    long saturated = 0;
    int largest = 0;
    long[] colSum = new long[n];
    for (int kk = 0; kk < k; kk++) {
      for (int j = 0; j < n; j++) {
        colSum[j] += b[kk * n + j];
      }
    }
    int[] acc = new int[n];
    long[] ex = new long[n];
    long[] fix = new long[n];
    int[] riskyStart = w.riskyStart();
    int[] risky = w.riskyColumns();
    for (int r = 0; r < rows; r++) {
      int base = r * k;
      long rowSum = 0;
      for (int kk = 0; kk < k; kk++) {
        rowSum += a[base + kk];
      }
      java.util.Arrays.fill(ex, 0);
      java.util.Arrays.fill(fix, 0);
      for (int from = 0; from < k; from += BLOCK) {
        int to = Math.min(k, from + BLOCK);
        java.util.Arrays.fill(acc, 0);
        for (int kk = from; kk < to; kk++) {
          int av = a[base + kk];
          if (av == 0) {
            continue;
          }
          int o = kk * n;
          for (int j = 0; j < n; j++) {
            acc[j] += av * b[o + j];
          }
        }
        for (int j = 0; j < n; j++) {
          ex[j] += acc[j];
        }
      }
      // the clamp, only where a pair sum can leave 16 bits
      for (int p = 0; p < riskyStart.length - 1; p++) {
        int a0 = a[base + 2 * p];
        int a1 = 2 * p + 1 < k ? a[base + 2 * p + 1] : 0;
        int o0 = 2 * p * n;
        int o1 = (2 * p + 1) * n;
        for (int i = riskyStart[p]; i < riskyStart[p + 1]; i++) {
          int j = risky[i];
          int s = a0 * b[o0 + j] + (2 * p + 1 < k ? a1 * b[o1 + j] : 0);
          if (s > MAX16) {
            saturated++;
            largest = Math.max(largest, s - MAX16);
            fix[j] += MAX16 - s;
          } else if (s < MIN16) {
            saturated++;
            largest = Math.max(largest, MIN16 - s);
            fix[j] += MIN16 - s;
          }
        }
      }
      for (int j = 0; j < n; j++) {
        int zb = bZero.length == 1 ? bZero[0] : bZero[j];
        long correction = -zb * rowSum - aZero * colSum[j] + (long) k * aZero * zb;
        exact[r * n + j] = (int) (ex[j] + correction);
        clamped[r * n + j] = (int) (ex[j] + fix[j] + correction);
      }
    }
    long pairs = (long) rows * n * ((k + 1) / 2);
    return new Product(exact, clamped, pairs, saturated, largest);
  }
}
