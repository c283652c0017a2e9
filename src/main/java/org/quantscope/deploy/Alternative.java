// SPDX-License-Identifier: Apache-2.0
package org.quantscope.deploy;

/**
 * The quantization a verdict recommends instead, and what emulating it gave.
 *
 * @param options the options, as the quantize verb spells them (e.g. "--reduce-range")
 * @param emulated true when the alternative was quantized from the float model and emulated on the
 *     same samples; false when no float model was given (the claim then rests on the bound: 7-bit
 *     weights, |w| {@code <=} 64, keep every pair within 2 x 255 x 64 = 32,640)
 * @param saturatingNodes nodes that still saturate with it (0 when not emulated: by the bound)
 * @param saturatedPairs pair sums that still saturate with it
 */
public record Alternative(
    String options, boolean emulated, int saturatingNodes, long saturatedPairs) {}
