// SPDX-License-Identifier: Apache-2.0
package org.quantscope.deploy;

/**
 * What the 16-bit pair sums of the u8 x s8 kernel on CPUs without VNNI do to one quantized MatMul,
 * over all runs.
 *
 * @param node the integer node (its name, or its QuantScope id when unnamed)
 * @param weight the int8 (or uint8) weight it multiplies by
 * @param kernel "u8s8" (saturating pairs on AVX2 / AVX-512 without VNNI), "s8u8" (a ConvInteger
 *     with int8 weights: MLAS's portable int32 kernel, cannot saturate, see ConvKernel) or "u8u8"
 *     (widened to 16 bits before multiplying: cannot saturate)
 * @param k the length of the dot products
 * @param n output columns (output channels for a ConvInteger)
 * @param pairs pair sums computed over all runs
 * @param saturatedPairs pair sums outside [-32768, 32767]
 * @param saturatedShare saturatedPairs / pairs
 * @param largestOverflow the largest distance of a pair sum beyond the bound it crossed, in integer
 *     product units (0 when none)
 * @param outputs output elements over all runs
 * @param outputsChanged output elements whose clamped result differs from the exact one
 * @param maxAbsError the largest |clamped - exact| in the node's output units (after both scales),
 *     null when the output scale could not be found
 * @param rmsError root mean square of clamped - exact in output units, null as above
 * @param relativeError rmsError over the root mean square of the exact output, null as above or
 *     when the output is all zero
 * @param ortEqualsExact output elements where ONNX Runtime on this CPU computed the exact result
 * @param ortEqualsClamped output elements where it computed the clamped result
 */
public record NodeSaturation(
    String node,
    String weight,
    String kernel,
    int k,
    int n,
    long pairs,
    long saturatedPairs,
    double saturatedShare,
    int largestOverflow,
    long outputs,
    long outputsChanged,
    Double maxAbsError,
    Double rmsError,
    Double relativeError,
    long ortEqualsExact,
    long ortEqualsClamped) {

  /** True when some pair sum saturated. */
  public boolean saturates() {
    return saturatedPairs > 0;
  }
}
