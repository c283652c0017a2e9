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
   * Multiplies A [rows, k] (uint8 values 0..255) by B [k, n] (int8 values -128..127).
   *
   * @param aZero A's zero point
   * @param bZero B's zero point per column (length n) or per tensor (length 1)
   */
  static Product multiply(int[] a, int aZero, byte[] b, int[] bZero, int rows, int k, int n) {
    int[] exact = new int[rows * n];
    int[] clamped = new int[rows * n];
    long saturated = 0;
    int largest = 0;
    int[] colSum = new int[n];
    for (int kk = 0; kk < k; kk++) {
      for (int j = 0; j < n; j++) {
        colSum[j] += b[kk * n + j];
      }
    }
    int[] pairSum = new int[n];
    for (int r = 0; r < rows; r++) {
      int base = r * k;
      long rowSum = 0;
      for (int kk = 0; kk < k; kk++) {
        rowSum += a[base + kk];
      }
      long[] ex = new long[n];
      long[] cl = new long[n];
      for (int kk = 0; kk < k; kk += 2) {
        int a0 = a[base + kk];
        int a1 = kk + 1 < k ? a[base + kk + 1] : 0;
        int o0 = kk * n;
        int o1 = (kk + 1) * n;
        for (int j = 0; j < n; j++) {
          int s = a0 * b[o0 + j] + (kk + 1 < k ? a1 * b[o1 + j] : 0);
          pairSum[j] = s;
        }
        for (int j = 0; j < n; j++) {
          int s = pairSum[j];
          ex[j] += s;
          if (s > MAX16) {
            saturated++;
            largest = Math.max(largest, s - MAX16);
            cl[j] += MAX16;
          } else if (s < MIN16) {
            saturated++;
            largest = Math.max(largest, MIN16 - s);
            cl[j] += MIN16;
          } else {
            cl[j] += s;
          }
        }
      }
      for (int j = 0; j < n; j++) {
        int zb = bZero.length == 1 ? bZero[0] : bZero[j];
        long correction = -zb * rowSum - (long) aZero * colSum[j] + (long) k * aZero * zb;
        exact[r * n + j] = (int) (ex[j] + correction);
        clamped[r * n + j] = (int) (cl[j] + correction);
      }
    }
    long pairs = (long) rows * n * ((k + 1) / 2);
    return new Product(exact, clamped, pairs, saturated, largest);
  }
}
