// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import org.quantscope.onnx.NodeProto;

/**
 * Stable identifiers for nodes. A named node is known by its name; an unnamed one (common in
 * hand-built graphs) by its op type and its position in the graph's node list, e.g. {@code
 * MatMul#2}. Node filters accept both forms.
 */
public final class NodeId {
  private NodeId() {}

  public static String of(NodeProto node, int index) {
    return node.getName().isEmpty() ? node.getOpType() + "#" + index : node.getName();
  }

  /** The identifier with the graph path in front for nodes of subgraphs. */
  public static String of(Scope scope, NodeProto node, int index) {
    String id = of(node, index);
    return scope.isMain() || !node.getName().isEmpty() ? id : scope.path() + "/" + id;
  }
}
