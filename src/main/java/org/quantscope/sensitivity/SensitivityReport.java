// SPDX-License-Identifier: Apache-2.0
package org.quantscope.sensitivity;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Optional;
import org.quantscope.parity.ParityReport;

/**
 * Which quantizable nodes break parity: every node the quantizer would quantize under the given
 * options, ranked by {@link NodeSensitivity#impact()}, with the figures of the fully quantized
 * model for comparison.
 *
 * @param nodes one entry per candidate node, most harmful first
 * @param full the model with every candidate quantized (what {@code quantize} writes), against the
 *     float model
 * @param candidates number of quantizable nodes analysed
 * @param variants number of distinct variants built and run (variants that turn out identical, and
 *     the float model itself, are run once or not at all)
 * @param samples samples the variants ran on (rows over all runs)
 * @param parallelism variants evaluated at the same time
 * @param intraOpThreads ONNX Runtime threads per session
 * @param elapsedMillis wall time of the analysis, reference run included
 * @param warnings as in the parity report (e.g. a CPU whose int8 kernels may saturate)
 */
@JsonPropertyOrder({"nodes", "full"})
public record SensitivityReport(
    List<NodeSensitivity> nodes,
    ParityReport full,
    int candidates,
    int variants,
    long samples,
    int parallelism,
    @JsonProperty("intra_op_threads") int intraOpThreads,
    @JsonProperty("elapsed_ms") long elapsedMillis,
    List<String> warnings) {

  public SensitivityReport {
    nodes = List.copyOf(nodes);
    warnings = List.copyOf(warnings);
  }

  /** The entry of one node, by name or id. */
  public Optional<NodeSensitivity> node(String id) {
    return nodes.stream().filter(n -> n.node().equals(id)).findFirst();
  }
}
