// SPDX-License-Identifier: Apache-2.0
package org.quantscope.trace;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Where one quantized node stands in the error of the int8 model: what came in, what its own
 * quantization adds (its input squeezed to uint8, its weight), what goes out, and the error
 * introduced here, which tells a node that makes error from one that passes on what it received.
 * All in dB of signal over noise: higher is better, Infinity is exact, null is unknown.
 *
 * @param rank 1 for the node whose error counts most at the graph outputs ({@code outputShare}),
 *     then by error introduced
 * @param node the node's name (or an id such as {@code MatMul#2})
 * @param op its op type in the float model
 * @param position its index in the float model's node order (topological)
 * @param activations its inputs quantized to uint8 at run time
 * @param output the output compared
 * @param inputSqnrDb SQNR of its (worst) quantized input as it arrives, int8 run against float run
 * @param activationSqnrDb SQNR of that input against its uint8 round trip: what dynamic
 *     quantization of the input adds
 * @param weightSqnrDb SQNR of its (worst) quantized weight; null when the int8 model was given
 * @param outputSqnrDb SQNR of its output, int8 run against float run
 * @param introducedDb the error made here: the output's noise-to-signal ratio minus the input's, in
 *     dB (Infinity when the node adds none)
 */
public record NodeError(
    int rank,
    String node,
    String op,
    int position,
    List<String> activations,
    String output,
    @JsonProperty("input_sqnr_db") Double inputSqnrDb,
    @JsonProperty("activation_sqnr_db") Double activationSqnrDb,
    @JsonProperty("weight_sqnr_db") Double weightSqnrDb,
    @JsonProperty("output_sqnr_db") Double outputSqnrDb,
    @JsonProperty("introduced_db") Double introducedDb,
    @JsonProperty("output_share") Double outputShare) {}
