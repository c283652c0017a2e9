// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import java.util.List;
import java.util.Map;

/**
 * What {@code inspect} reports about a model: metadata, interface, size of the graph and of its
 * weights, and the verdict on every quantizable node.
 *
 * @param file the model file, or null for models in memory
 * @param fileSizeBytes size of the model file (without external data), -1 if in memory
 * @param externalDataBytes bytes of tensor data stored in external files
 * @param producer producer_name
 * @param producerVersion producer_version
 * @param irVersion ir_version
 * @param opsets imported operator sets: domain ("ai.onnx" for the default one) to version
 * @param inputs graph inputs that are not initializers
 * @param outputs graph outputs
 * @param nodeCount nodes in all graphs, subgraphs included
 * @param opCounts op type to number of nodes, all graphs
 * @param subgraphCount number of If/Loop/Scan bodies and other graph attributes
 * @param functionCount number of model-local functions
 * @param functionNodeCount nodes inside those functions (not in {@code nodeCount}: functions are
 *     not inlined, so their nodes are neither counted above nor quantized)
 * @param initializerCount initializers in all graphs
 * @param initializerBytes bytes of initializer data (elements x element size; strings by length)
 * @param quantizable the verdict on every quantizable node with default options
 */
public record ModelSummary(
    String file,
    long fileSizeBytes,
    long externalDataBytes,
    String producer,
    String producerVersion,
    long irVersion,
    Map<String, Long> opsets,
    List<ValueSummary> inputs,
    List<ValueSummary> outputs,
    int nodeCount,
    Map<String, Integer> opCounts,
    int subgraphCount,
    int functionCount,
    int functionNodeCount,
    int initializerCount,
    long initializerBytes,
    List<QuantizableNode> quantizable) {

  /**
   * One graph input or output.
   *
   * @param name value name
   * @param type ONNX type string, e.g. {@code tensor(float)} or {@code seq(tensor(int64))}
   * @param shape dims: a number, a symbolic name, or null for an unknown dim; null if no shape
   */
  public record ValueSummary(String name, String type, List<Object> shape) {}

  /** Number of quantizable nodes that will be quantized. */
  public long willQuantizeCount() {
    return quantizable.stream().filter(QuantizableNode::willQuantize).count();
  }
}
