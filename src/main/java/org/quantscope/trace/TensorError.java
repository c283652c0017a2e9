// SPDX-License-Identifier: Apache-2.0
package org.quantscope.trace;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How far one intermediate tensor of the int8 model is from the same tensor of the float model,
 * over every element of every run: the error as it stands at that point of the graph (made there or
 * carried from upstream).
 *
 * @param name the tensor's name, the same in both models
 * @param producer the node that computes it in the float model (its name, or an id such as {@code
 *     MatMul#2})
 * @param op the producer's op type
 * @param position the producer's index in the float model's node order (topological): the depth
 * @param elements values compared (all runs)
 * @param maxAbsDiff largest |int8 - float|
 * @param meanAbsDiff mean |int8 - float|
 * @param rmsReference root mean square of the float values
 * @param relativeError RMS of the difference over RMS of the float values
 * @param cosine cosine similarity of the two as vectors
 * @param sqnrDb float signal power over difference power, in dB (higher is better; Infinity:
 *     identical)
 */
public record TensorError(
    String name,
    String producer,
    String op,
    int position,
    long elements,
    @JsonProperty("max_abs_diff") double maxAbsDiff,
    @JsonProperty("mean_abs_diff") double meanAbsDiff,
    @JsonProperty("rms_reference") double rmsReference,
    @JsonProperty("relative_error") double relativeError,
    double cosine,
    @JsonProperty("sqnr_db") double sqnrDb) {}
