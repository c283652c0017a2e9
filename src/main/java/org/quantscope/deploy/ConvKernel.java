// SPDX-License-Identifier: Apache-2.0
package org.quantscope.deploy;

/**
 * ONNX Runtime's CPU ConvInteger, emulated as it computes it: per image and group, the uint8 input
 * is unrolled by im2col into a matrix [K, P] (K = channels of the group x kernel positions, row (c
 * x kh + i) x kw + j; P = output positions; padding filled with the input zero point), and MLAS
 * multiplies the weight [M / group, K] as its matrix A by that matrix as B.
 *
 * <p>Which MLAS kernel that takes, read at microsoft/onnxruntime: conv_integer.cc (commits
 * 009855cfa44f9a364069f01fce5d59141c8a1bb4, uint8 weights only, and
 * 6c6e2ebcd5fec75999d54f1ab39a415081ec06dc: {@code gemm_params.A} is the weight, {@code B} the
 * im2col buffer; in the current tree, after PR #26585 (ONNX Runtime 1.24), {@code AIsSigned} = the
 * weight is int8), qgemm.h's {@code MlasGemmQuantGetDispatch} (commit
 * 05ed598db0f4d826fe1377d620769534a81df777 threw "not supported on this device" for a signed A on
 * x86, as platform.cpp at 01ac345d3c3304b89b8dbbed585447d4471c946b had no S8U8 dispatch) and, in a
 * recent copy of MLAS whose commit the reference index did not give, qgemm.h, platform.cpp and
 * mlasi.h: a signed A with an unsigned B takes {@code GemmS8U8Dispatch}, which on x86 defaults to
 * MLAS's portable C++ kernel (int32 products, no 16-bit pair sums) and is replaced only on CPUs
 * with AVX-VNNI-INT8, whose kernels are exact too. Not checked on a CPU without VNNI. uint8 weights
 * take the U8U8 kernel, which widens to 16 bits before multiplying. So no ConvInteger saturates on
 * a CPU without VNNI: the weights are on the side of the product that the saturating u8 x s8 kernel
 * never sees. The emulation still recomputes every output exactly, to check the reading against
 * what ONNX Runtime computes here.
 */
final class ConvKernel {
  private ConvKernel() {}

  /** Rows of K summed in int before going to long: no int overflow. */
  private static final int BLOCK = 16384;

  /**
   * A 2-D ConvInteger's geometry and weight.
   *
   * @param w the weight [M, C / group, kh, kw], raw bytes
   * @param signed true for int8 weights
   * @param wZero the weight zero point
   * @param pads top, left, bottom, right
   */
  record Geometry(
      byte[] w,
      boolean signed,
      int wZero,
      int m,
      int cPerGroup,
      int kh,
      int kw,
      int group,
      int[] pads,
      int[] strides,
      int[] dilations) {
    int k() {
      return cPerGroup * kh * kw;
    }

    int weight(int i) {
      return signed ? w[i] : w[i] & 0xff;
    }
  }

  /**
   * The exact int32 result of the ConvInteger for uint8 input x [n, c, h, w] with zero point xz,
   * laid out as ONNX Runtime writes it: [n, m, oh, ow].
   */
  static int[] exact(int[] x, int xz, long[] shape, Geometry g, int oh, int ow) {
    int n = (int) shape[0];
    int c = (int) shape[1];
    int h = (int) shape[2];
    int wd = (int) shape[3];
    int k = g.k();
    int p = oh * ow;
    int mg = g.m() / g.group();
    int[] out = new int[n * g.m() * p];
    int[] col = new int[k * p];
    int[] acc = new int[p];
    long[] wide = new long[p];
    for (int img = 0; img < n; img++) {
      for (int grp = 0; grp < g.group(); grp++) {
        // im2col, less the input zero point: row (c x kh + i) x kw + j, column oy x ow + ox
        for (int ch = 0; ch < g.cPerGroup(); ch++) {
          int plane = (img * c + grp * g.cPerGroup() + ch) * h * wd;
          for (int i = 0; i < g.kh(); i++) {
            for (int j = 0; j < g.kw(); j++) {
              int row = (ch * g.kh() + i) * g.kw() + j;
              for (int oy = 0; oy < oh; oy++) {
                int y = oy * g.strides()[0] - g.pads()[0] + i * g.dilations()[0];
                for (int ox = 0; ox < ow; ox++) {
                  int xx = ox * g.strides()[1] - g.pads()[1] + j * g.dilations()[1];
                  boolean inside = y >= 0 && y < h && xx >= 0 && xx < wd;
                  col[row * p + oy * ow + ox] = inside ? x[plane + y * wd + xx] - xz : 0;
                }
              }
            }
          }
        }
        // the GEMM: weight rows of this group (A) times the columns (B), zero points applied
        for (int mm = 0; mm < mg; mm++) {
          int wBase = (grp * mg + mm) * k;
          int oBase = (img * g.m() + grp * mg + mm) * p;
          // row by row of K over all positions: a loop the JIT vectorizes; int holds K x 255 x 255
          // up to K = 33,025, beyond that the rows go through long
          java.util.Arrays.fill(acc, 0);
          java.util.Arrays.fill(wide, 0);
          for (int from = 0; from < k; from += BLOCK) {
            int to = Math.min(k, from + BLOCK);
            for (int kk = from; kk < to; kk++) {
              int wv = g.weight(wBase + kk) - g.wZero();
              if (wv == 0) {
                continue;
              }
              int o = kk * p;
              for (int q = 0; q < p; q++) {
                acc[q] += wv * col[o + q];
              }
            }
            for (int q = 0; q < p; q++) {
              wide[q] += acc[q];
              acc[q] = 0;
            }
          }
          for (int q = 0; q < p; q++) {
            out[oBase + q] = (int) wide[q];
          }
        }
      }
    }
    return out;
  }
}
