// SPDX-License-Identifier: Apache-2.0
package org.quantscope.trace;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Optional;
import org.quantscope.parity.ParityReport;

/**
 * Where the error of an int8 model enters: the float and the int8 model run side by side on the
 * same samples with their intermediate tensors exposed and matched by name across the rewrite (a
 * quantized node's output keeps its name).
 *
 * @param samples rows run (the batch rule of {@code parity})
 * @param runs ONNX Runtime runs per model
 * @param nodes the quantized nodes, the one introducing the most error first
 * @param activations the activations quantized at run time, in graph order
 * @param tensors every matched float tensor, in graph order
 * @param parity the graph outputs: {@code parity} of the same models on the same samples
 * @param notes what could not be traced, and why
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TraceReport(
    long samples,
    int runs,
    List<NodeError> nodes,
    List<ActivationReport> activations,
    List<TensorError> tensors,
    ParityReport parity,
    List<String> notes) {

  /** The node of that name or id. */
  public Optional<NodeError> node(String id) {
    return nodes.stream().filter(n -> n.node().equals(id)).findFirst();
  }

  /** The activation of that name. */
  public Optional<ActivationReport> activation(String name) {
    return activations.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  /** The tensor of that name. */
  public Optional<TensorError> tensor(String name) {
    return tensors.stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
