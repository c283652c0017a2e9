// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.ArrayList;
import java.util.List;
import org.quantscope.trace.NodeError;
import org.quantscope.trace.TraceReport;

/**
 * The nodes an error trace blames for a failed parity, which the window offers to leave in float in
 * one click: the node that introduces the most error, and those after it that introduce at least
 * half as much noise (within {@value #WITHIN_DB} dB of its SQNR), at most {@value #MAX}. Leaving
 * fewer in float keeps more of the speed and size of int8; the user can always exclude more.
 */
final class Culprits {
  private Culprits() {}

  /** How far above the worst node's introduced-error SQNR (in dB) a node is still a culprit. */
  static final double WITHIN_DB = 3;

  /** At most this many culprits are offered at once. */
  static final int MAX = 3;

  /** The culprits of {@code r}, worst first; empty without a trace or when no node adds error. */
  static List<String> of(TraceReport r) {
    List<String> out = new ArrayList<>();
    if (r == null || r.nodes().isEmpty()) {
      return out;
    }
    Double worst = r.nodes().get(0).introducedDb();
    if (worst == null || worst.isInfinite()) {
      return out;
    }
    for (NodeError n : r.nodes()) {
      Double d = n.introducedDb();
      if (out.size() == MAX || d == null || d > worst + WITHIN_DB) {
        break;
      }
      out.add(n.node());
    }
    return out;
  }
}
