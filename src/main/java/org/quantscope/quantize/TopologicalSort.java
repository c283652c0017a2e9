// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.quantscope.model.ModelFormatException;
import org.quantscope.onnx.NodeProto;

/**
 * ORT's {@code ONNXModel.topological_sort}, reproduced exactly so the node order of our output
 * matches theirs: nodes without inputs first (in list order), then the nodes released by the
 * initializers and graph inputs taken in sorted name order, then those released by the outputs of
 * the nodes appended so far, breadth first. Each occurrence of a name in a node's inputs counts
 * once.
 */
final class TopologicalSort {
  private TopologicalSort() {}

  static List<NodeProto> sort(List<NodeProto> nodes, List<String> graphNames)
      throws ModelFormatException {
    int n = nodes.size();
    int[] deps = new int[n];
    Map<String, List<Integer>> consumers = new HashMap<>();
    List<NodeProto> sorted = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      NodeProto node = nodes.get(i);
      int count = 0;
      for (String in : node.getInputList()) {
        if (!in.isEmpty()) {
          count++;
        }
      }
      deps[i] = count;
      if (count == 0) {
        sorted.add(node);
        continue;
      }
      for (String in : node.getInputList()) {
        if (!in.isEmpty()) {
          consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
        }
      }
    }
    List<String> names = new ArrayList<>(graphNames);
    names.sort(TopologicalSort::compareCodePoints);
    String previous = null;
    for (String name : names) {
      if (name.equals(previous)) {
        continue;
      }
      previous = name;
      release(name, consumers, deps, nodes, sorted);
    }
    for (int start = 0; start < sorted.size(); start++) {
      for (String out : sorted.get(start).getOutputList()) {
        release(out, consumers, deps, nodes, sorted);
      }
    }
    if (sorted.size() != n) {
      throw new ModelFormatException(
          "the quantized graph is not a DAG: " + (n - sorted.size()) + " nodes wait on inputs");
    }
    return sorted;
  }

  private static void release(
      String name,
      Map<String, List<Integer>> consumers,
      int[] deps,
      List<NodeProto> nodes,
      List<NodeProto> sorted) {
    List<Integer> cs = consumers.get(name);
    if (cs == null) {
      return;
    }
    for (int c : cs) {
      if (--deps[c] == 0) {
        sorted.add(nodes.get(c));
      }
    }
  }

  /** Python's string order: by Unicode code point (Java's compareTo uses UTF-16 units). */
  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
