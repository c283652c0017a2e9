// SPDX-License-Identifier: Apache-2.0
package org.quantscope.sensitivity;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How much one quantizable node costs in parity, seen two ways (as AIMET does): the error when only
 * this node is quantized, and the error when every other candidate is quantized and this one stays
 * in float.
 *
 * @param node the node's name or stable id, as {@code inspect} shows it and the node filters take
 *     it
 * @param op its op type
 * @param rank 1 for the node with the largest impact
 * @param impact the mean of the only-this tolerance ratio and of what leaving the node in float
 *     saves from the fully quantized model's ratio ({@code max(0, full - all_but_this)}), in units
 *     of the tolerance: larger means quantizing this node hurts parity more
 * @param onlyThis the variant with only this node quantized
 * @param allButThis the variant with every candidate but this one quantized
 * @param sqnrDb the lowest SQNR of the node's weights in dB (lower is worse), or null when the node
 *     quantizes no weight of its own
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeSensitivity(
    String node,
    String op,
    int rank,
    double impact,
    @JsonProperty("only_this") VariantError onlyThis,
    @JsonProperty("all_but_this") VariantError allButThis,
    @JsonProperty("sqnr_db") Double sqnrDb) {}
