// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.ArrayList;
import java.util.List;
import org.quantscope.trace.NodeError;
import org.quantscope.trace.TraceReport;

/**
 * The nodes an error trace blames for a failed parity, which the window offers to leave in float in
 * one click. The trace ranks the nodes by their share of the error at the graph outputs; the
 * culprits are the first node and those after it whose share is at least half of its share, at most
 * {@value #MAX}. When the trace could not estimate the shares, the error each node introduces
 * decides instead (the first node and those within {@value #WITHIN_DB} dB of its SQNR). Leaving
 * fewer in float keeps more of the speed and size of int8; the user can always exclude more.
 */
final class Culprits {
  private Culprits() {}

  /** A node whose share is at least this fraction of the first node's is still a culprit. */
  static final double SHARE_FRACTION = 0.5;

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
    NodeError first = r.nodes().get(0);
    if (first.outputShare() != null) {
      double top = first.outputShare();
      for (NodeError n : r.nodes()) {
        Double s = n.outputShare();
        if (out.size() == MAX || s == null || !(s > 0) || s < top * SHARE_FRACTION) {
          break;
        }
        out.add(n.node());
      }
      return out;
    }
    Double worst = first.introducedDb();
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
