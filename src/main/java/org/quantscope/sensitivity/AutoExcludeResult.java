// SPDX-License-Identifier: Apache-2.0
package org.quantscope.sensitivity;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.quantscope.bench.LatencyStats;
import org.quantscope.parity.ParityReport;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantizationResult;

/**
 * The outcome of {@link AutoExclude#search}: the nodes to leave in float so that the int8 model
 * passes the parity tolerances on the samples, that model, and what it costs.
 *
 * @param passed a model with at least one node in int8 passes; false when no subset found does
 * @param excluded the nodes the search leaves in float, in graph order (the user's own {@code
 *     nodes_to_exclude} are not listed; they stay excluded)
 * @param greedyExcluded what the greedy step excluded, most harmful first, before the pass that
 *     re-quantizes nodes excluded without need
 * @param requantized nodes the greedy step had excluded and the second pass put back in int8
 * @param smallest every set of nodes that would leave fewer weight bytes in float was tried too
 *     (the search does so when there are at most {@value AutoExclude#EXACT_BUDGET} such sets), so
 *     no passing set keeps more weight bytes in int8; false when the result is the greedy search's
 *     local optimum
 * @param candidates number of quantizable nodes under the options
 * @param quantizedNodes nodes quantized in the result (0 when it failed)
 * @param before the fully quantized model against the float model
 * @param after the result against the float model; null when no subset passes
 * @param fp32Bytes size of the float model (its files, or serialized when it lives in memory)
 * @param fullInt8Bytes serialized size of the fully quantized model
 * @param int8Bytes serialized size of the result; -1 when no subset passes
 * @param trials variant evaluations of the search, analysis included (repeats cost nothing)
 * @param variants distinct variants built and run
 * @param elapsedMillis wall time
 * @param latency the float model, the fully quantized one and the result timed together by {@link
 *     AutoExclude#benchmark} (roles "reference", "full int8", "candidate"); null when not measured
 * @param message why nothing passes, for the user; null when it passed
 * @param sensitivity the ranking used; null when the fully quantized model already passes
 * @param output the quantized result in memory; null when no subset passes
 */
@JsonPropertyOrder({"passed", "excluded"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AutoExcludeResult(
    boolean passed,
    List<String> excluded,
    @JsonProperty("greedy_excluded") List<String> greedyExcluded,
    List<String> requantized,
    boolean smallest,
    int candidates,
    @JsonProperty("quantized_nodes") int quantizedNodes,
    ParityReport before,
    ParityReport after,
    @JsonProperty("fp32_bytes") long fp32Bytes,
    @JsonProperty("full_int8_bytes") long fullInt8Bytes,
    @JsonProperty("int8_bytes") long int8Bytes,
    int trials,
    int variants,
    @JsonProperty("elapsed_ms") long elapsedMillis,
    List<LatencyStats> latency,
    String message,
    SensitivityReport sensitivity,
    @JsonIgnore DynamicQuantizer.Output output) {

  public AutoExcludeResult {
    excluded = List.copyOf(excluded);
    greedyExcluded = List.copyOf(greedyExcluded);
    requantized = List.copyOf(requantized);
    latency = latency == null ? null : List.copyOf(latency);
  }

  /** What the result's quantization did (null when no subset passes). */
  @JsonProperty("quantization")
  public QuantizationResult quantization() {
    return output == null ? null : output.result();
  }

  /** The same result with another output, e.g. one whose result knows the written file's size. */
  public AutoExcludeResult withOutput(DynamicQuantizer.Output o) {
    return new AutoExcludeResult(
        passed,
        excluded,
        greedyExcluded,
        requantized,
        smallest,
        candidates,
        quantizedNodes,
        before,
        after,
        fp32Bytes,
        fullInt8Bytes,
        int8Bytes,
        trials,
        variants,
        elapsedMillis,
        latency,
        message,
        sensitivity,
        o);
  }

  /** The same result with latency figures. */
  public AutoExcludeResult withLatency(List<LatencyStats> stats) {
    return new AutoExcludeResult(
        passed,
        excluded,
        greedyExcluded,
        requantized,
        smallest,
        candidates,
        quantizedNodes,
        before,
        after,
        fp32Bytes,
        fullInt8Bytes,
        int8Bytes,
        trials,
        variants,
        elapsedMillis,
        stats,
        message,
        sensitivity,
        output);
  }
}
