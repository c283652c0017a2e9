// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.NodeProto;

/**
 * Which nodes of a rewritten graph (the int8 model) stand for which nodes of the original (the
 * float model), main graphs only. A node kept by the rewrite keeps its name. A replaced node's work
 * is done by a chain that ends in a node writing the original's output tensor (the Mul that scales
 * MatMulInteger's result writes the MatMul's output; the DequantizeLinear after a Gather on an
 * 8-bit table writes the Gather's): that node, and every new node whose outputs are read only by
 * nodes of the chain (the Cast, the MatMulInteger, the Mul of the scales), stand for the original.
 * A new node feeding several chains (a DynamicQuantizeLinear shared by the Q, K and V projections)
 * belongs to each of them. What is left is added (in the rewrite only) or removed (in the original
 * only).
 *
 * @param toRewritten original node id to the ids of the nodes standing for it, in graph order
 * @param toOriginal rewritten node id to the original nodes it stands for
 * @param removed original nodes nothing stands for
 * @param added rewritten nodes that stand for no original node
 */
public record RewriteMatch(
    Map<String, List<String>> toRewritten,
    Map<String, List<String>> toOriginal,
    List<String> removed,
    List<String> added) {

  /** Matches the nodes of {@code rewritten} to those of {@code original}. */
  public static RewriteMatch match(GraphProto original, GraphProto rewritten) {
    List<String> aIds = ids(original);
    List<String> bIds = ids(rewritten);
    Set<String> aNames = new LinkedHashSet<>(aIds);
    Map<String, String> producedInA = new HashMap<>();
    for (int i = 0; i < original.getNodeCount(); i++) {
      for (String out : original.getNode(i).getOutputList()) {
        if (!out.isEmpty()) {
          producedInA.putIfAbsent(out, aIds.get(i));
        }
      }
    }
    // who the rewritten nodes stand for: kept names first, then the ends of chains
    List<Set<String>> owners = new ArrayList<>();
    for (int j = 0; j < rewritten.getNodeCount(); j++) {
      Set<String> o = new LinkedHashSet<>();
      String id = bIds.get(j);
      if (aNames.contains(id)) {
        o.add(id);
      } else {
        for (String out : rewritten.getNode(j).getOutputList()) {
          String a = producedInA.get(out);
          if (a != null) {
            o.add(a);
          }
        }
      }
      owners.add(o);
    }
    // new nodes read only by a chain belong to it; backwards, so chains grow from their ends
    Map<String, List<Integer>> readers = new HashMap<>();
    for (int j = 0; j < rewritten.getNodeCount(); j++) {
      for (String in : rewritten.getNode(j).getInputList()) {
        readers.computeIfAbsent(in, k -> new ArrayList<>()).add(j);
      }
    }
    Set<String> rewrittenOutputs = new LinkedHashSet<>();
    rewritten.getOutputList().forEach(v -> rewrittenOutputs.add(v.getName()));
    for (int j = rewritten.getNodeCount() - 1; j >= 0; j--) {
      if (!owners.get(j).isEmpty() || aNames.contains(bIds.get(j))) {
        continue;
      }
      NodeProto n = rewritten.getNode(j);
      Set<String> o = new LinkedHashSet<>();
      boolean onlyChains = true;
      for (String out : n.getOutputList()) {
        if (rewrittenOutputs.contains(out)) {
          onlyChains = false;
        }
        for (int r : readers.getOrDefault(out, List.of())) {
          if (aNames.contains(bIds.get(r)) || owners.get(r).isEmpty()) {
            onlyChains = false;
          } else {
            o.addAll(owners.get(r));
          }
        }
      }
      if (onlyChains) {
        owners.set(j, o);
      }
    }
    Map<String, List<String>> toRewritten = new LinkedHashMap<>();
    Map<String, List<String>> toOriginal = new LinkedHashMap<>();
    List<String> added = new ArrayList<>();
    for (int j = 0; j < rewritten.getNodeCount(); j++) {
      String id = bIds.get(j);
      if (owners.get(j).isEmpty()) {
        added.add(id);
        continue;
      }
      toOriginal.put(id, List.copyOf(owners.get(j)));
      for (String a : owners.get(j)) {
        toRewritten.computeIfAbsent(a, k -> new ArrayList<>()).add(id);
      }
    }
    List<String> removed = new ArrayList<>();
    for (String a : aIds) {
      if (!toRewritten.containsKey(a)) {
        removed.add(a);
      }
    }
    toRewritten.replaceAll((k, v) -> List.copyOf(v));
    return new RewriteMatch(Map.copyOf(toRewritten), Map.copyOf(toOriginal), removed, added);
  }

  private static List<String> ids(GraphProto g) {
    List<String> ids = new ArrayList<>(g.getNodeCount());
    for (int i = 0; i < g.getNodeCount(); i++) {
      ids.add(NodeId.of(g.getNode(i), i));
    }
    return ids;
  }
}
