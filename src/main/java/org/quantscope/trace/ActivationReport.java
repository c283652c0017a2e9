// SPDX-License-Identifier: Apache-2.0
package org.quantscope.trace;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One activation that dynamic quantization squeezes to uint8 at run time (a quantized node's float
 * input), as the int8 model computes it. Its outlier ratio predicts the loss: one scale covers the
 * whole tensor, batch included, so a few large values widen the step for every other value.
 *
 * @param name the tensor
 * @param consumers the quantized nodes that read it
 * @param elements values seen (all runs)
 * @param runs runs (each one quantization with its own scale)
 * @param min smallest value
 * @param max largest value
 * @param maxAbs largest |x|
 * @param p999Abs the 99.9th percentile of |x| (within 1.1 %)
 * @param outlierRatio {@code maxAbs / p999Abs}: 1 for an even spread, large when a few values stand
 *     out
 * @param stepMin smallest uint8 step (scale) of a run
 * @param stepMax largest uint8 step of a run
 * @param stepMean mean uint8 step over the runs
 * @param quantSqnrDb SQNR of the activation against its uint8 round trip, in dB: the error that
 *     quantizing this input adds
 * @param rowMaxAbs the largest |x| of every row (first axis), in run order
 * @param worstRow the row with the largest |x|
 * @param worstRowRatio that row's largest |x| over the median row's
 * @param histogramRange the histogram covers [-range, range]
 * @param histogram counts of x in equal bins over [-range, range]
 */
public record ActivationReport(
    String name,
    List<String> consumers,
    long elements,
    int runs,
    float min,
    float max,
    @JsonProperty("max_abs") float maxAbs,
    @JsonProperty("p999_abs") float p999Abs,
    @JsonProperty("outlier_ratio") double outlierRatio,
    @JsonProperty("step_min") float stepMin,
    @JsonProperty("step_max") float stepMax,
    @JsonProperty("step_mean") double stepMean,
    @JsonProperty("quant_sqnr_db") double quantSqnrDb,
    @JsonProperty("row_max_abs") float[] rowMaxAbs,
    @JsonProperty("worst_row") int worstRow,
    @JsonProperty("worst_row_ratio") double worstRowRatio,
    @JsonProperty("histogram_range") double histogramRange,
    long[] histogram) {}
