// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quantscope.graph.NodeId;
import org.quantscope.graph.Scope;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;

/**
 * Which weights ORT's {@code replace_gemm_with_matmul} transposes, in which graph and in which
 * order. ORT walks every graph of the model, If/Loop/Scan bodies included and whatever {@code
 * EnableSubgraph} says: node by node, descending into a node's subgraphs where it meets them. A
 * plain Gemm (alpha = beta = 1, transA = 0) with transB = 1 whose B is an initializer, looked up
 * from the Gemm's own graph outwards, has B replaced by its transpose under the same name in the
 * graph that owns it, appended to the end of that graph's initializers. So a Gemm in a branch can
 * move a weight of the main graph, and the order of the transposed weights follows that walk.
 *
 * <p>A weight read by two such Gemm nodes is transposed once (ORT transposes it twice, back to its
 * original layout, and computes a wrong result; it assumes B has no other reader).
 */
final class GemmPlan {
  private final Map<String, Set<String>> byGraph;

  private GemmPlan(Map<String, Set<String>> byGraph) {
    this.byGraph = byGraph;
  }

  /** The plan of a whole model: every plain Gemm of every graph. */
  static GemmPlan of(GraphProto main) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    Deque<Scope> path = new ArrayDeque<>();
    walk(new Scope("", main, null, null), path, out);
    return new GemmPlan(out);
  }

  /** The plan of one node only (a weight preview reads the one weight it shows). */
  static GemmPlan forNode(Scope scope, NodeProto node) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    if (GemmRewrite.isRewritable(node) && transB(node)) {
      for (Scope s = scope; s != null; s = s.parent()) {
        if (hasInitializer(s.graph(), node.getInput(1))) {
          out.computeIfAbsent(s.path(), k -> new LinkedHashSet<>()).add(node.getInput(1));
          break;
        }
      }
    }
    return new GemmPlan(out);
  }

  /** The names of the graph at {@code scopePath} that are transposed, in ORT's order. */
  List<String> transposedIn(String scopePath) {
    return List.copyOf(byGraph.getOrDefault(scopePath, Set.of()));
  }

  private static void walk(Scope scope, Deque<Scope> path, Map<String, Set<String>> out) {
    path.push(scope);
    List<NodeProto> nodes = scope.graph().getNodeList();
    for (int i = 0; i < nodes.size(); i++) {
      NodeProto n = nodes.get(i);
      String owner = NodeId.of(n, i);
      for (AttributeProto a : n.getAttributeList()) {
        String prefix =
            (scope.path().isEmpty() ? "" : scope.path() + "/") + owner + "." + a.getName();
        if (a.hasG()) {
          walk(new Scope(prefix, a.getG(), scope, n), path, out);
        }
        for (int k = 0; k < a.getGraphsCount(); k++) {
          walk(new Scope(prefix + "[" + k + "]", a.getGraphs(k), scope, n), path, out);
        }
      }
      if (GemmRewrite.isRewritable(n) && transB(n) && n.getInputCount() > 1) {
        for (Scope s : path) { // innermost first
          if (hasInitializer(s.graph(), n.getInput(1))) {
            out.computeIfAbsent(s.path(), k -> new LinkedHashSet<>()).add(n.getInput(1));
            break;
          }
        }
      }
    }
    path.pop();
  }

  private static boolean transB(NodeProto n) {
    return Quantizability.intAttr(n, "transB", 0) != 0;
  }

  private static boolean hasInitializer(GraphProto g, String name) {
    for (TensorProto t : g.getInitializerList()) {
      if (t.getName().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** For messages and tests: graph path to its transposed weights. */
  Map<String, List<String>> asMap() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    byGraph.forEach((k, v) -> m.put(k, new ArrayList<>(v)));
    return m;
  }
}
