// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import java.util.ArrayList;
import java.util.List;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.NodeProto;

/**
 * One graph of a model with its place in the nesting: the main graph has an empty path; a
 * subgraph's path names the node that owns it and the attribute, e.g. {@code loop.body} or {@code
 * loop.body/cond.then_branch}.
 *
 * @param path where the graph sits; "" for the main graph
 * @param graph the graph itself
 * @param parent the enclosing scope, or null for the main graph
 * @param owner the node whose attribute holds this graph, or null for the main graph
 *     <p>Equality and hash code are by identity: value semantics would compare whole graphs,
 *     weights included.
 */
public record Scope(String path, GraphProto graph, Scope parent, NodeProto owner) {

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  public boolean isMain() {
    return parent == null;
  }

  /** Nesting depth: 0 for the main graph. */
  public int depth() {
    return parent == null ? 0 : parent.depth() + 1;
  }

  /** A label for users: "main" or the path. */
  public String label() {
    return path.isEmpty() ? "main" : path;
  }

  /** The main graph and every subgraph below it, parents before children. */
  public static List<Scope> all(GraphProto main) {
    List<Scope> out = new ArrayList<>();
    collect(new Scope("", main, null, null), out);
    return out;
  }

  private static void collect(Scope s, List<Scope> out) {
    out.add(s);
    List<NodeProto> nodes = s.graph.getNodeList();
    for (int i = 0; i < nodes.size(); i++) {
      NodeProto n = nodes.get(i);
      String owner = NodeId.of(n, i);
      for (AttributeProto a : n.getAttributeList()) {
        String prefix = (s.path.isEmpty() ? "" : s.path + "/") + owner + "." + a.getName();
        if (a.hasG()) {
          collect(new Scope(prefix, a.getG(), s, n), out);
        }
        for (int k = 0; k < a.getGraphsCount(); k++) {
          collect(new Scope(prefix + "[" + k + "]", a.getGraphs(k), s, n), out);
        }
      }
    }
  }
}
