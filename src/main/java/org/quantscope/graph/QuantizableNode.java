// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import java.util.List;

/**
 * The verdict on one node of a quantizable op type.
 *
 * @param node the node's name, or its stable id when unnamed (see {@link NodeId})
 * @param op the op type
 * @param graph "main" or the subgraph path
 * @param weight the constant input that would be quantized (weight, table), or null
 * @param weightShape dims of that weight when it is an initializer, else null
 * @param willQuantize whether the quantizer rewrites this node with these criteria
 * @param reason why not, when {@code willQuantize} is false; null otherwise
 * @param action what the rewrite produces when {@code willQuantize} is true (e.g. {@code
 *     MatMulInteger}); null otherwise
 * @param index position of the node in its graph's node list
 */
public record QuantizableNode(
    String node,
    String op,
    String graph,
    String weight,
    List<Long> weightShape,
    boolean willQuantize,
    String reason,
    String action,
    int index) {}
