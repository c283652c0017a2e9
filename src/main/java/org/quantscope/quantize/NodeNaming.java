// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.Map;
import org.quantscope.graph.NodeId;
import org.quantscope.graph.Scope;
import org.quantscope.onnx.NodeProto;

/**
 * How the quantizer names nodes in its verdicts and matches the node filters: by {@link NodeId}, in
 * the model the user opened. When the quantizer works on a rewritten copy (a model converted to
 * opset 11 first has new Constant nodes, which move the positions that unnamed nodes are known by),
 * the ids and subgraph paths are those of the original model, so that what {@code inspect} and the
 * window show is what {@code --nodes-to-exclude} accepts.
 */
public interface NodeNaming {
  /** The model's own positions. */
  NodeNaming SAME =
      new NodeNaming() {
        @Override
        public String id(Scope scope, NodeProto node, int index) {
          return NodeId.of(scope, node, index);
        }

        @Override
        public String label(Scope scope) {
          return scope.label();
        }
      };

  /** The id of node {@code index} of {@code scope} (a scope of the model quantized). */
  String id(Scope scope, NodeProto node, int index);

  /** The graph label of a scope: "main" or its path in the original model. */
  String label(Scope scope);

  /**
   * Positions mapped back to the original model.
   *
   * @param paths scope path in the rewritten model to the path in the original one
   * @param indexes scope path in the rewritten model to, per node, its index in the original graph
   *     (-1 for nodes the rewrite added)
   */
  static NodeNaming mapped(Map<String, String> paths, Map<String, int[]> indexes) {
    return new NodeNaming() {
      @Override
      public String id(Scope scope, NodeProto node, int index) {
        if (!node.getName().isEmpty()) {
          return node.getName();
        }
        int[] map = indexes.get(scope.path());
        int original = map != null && index < map.length && map[index] >= 0 ? map[index] : index;
        String path = paths.getOrDefault(scope.path(), scope.path());
        String id = node.getOpType() + "#" + original;
        return scope.isMain() ? id : path + "/" + id;
      }

      @Override
      public String label(Scope scope) {
        return scope.isMain() ? "main" : paths.getOrDefault(scope.path(), scope.path());
      }
    };
  }
}
