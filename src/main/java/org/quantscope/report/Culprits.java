// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.quantscope.trace.NodeError;
import org.quantscope.trace.TraceReport;

/**
 * The nodes a failed report suggests leaving in float first, and the option that does it: one rule
 * for the PDF's "What to do" and the command line. The culprits are the node whose error counts
 * most at the graph outputs (the trace's rank 1, by its share of the output error) and those with
 * at least {@value #SHARE_FRACTION} of its share (at most twice less noise at the outputs), at most
 * {@value #MAX}: the nodes that stand out in the trace's ranking. Where the trace could not
 * estimate shares, the error introduced decides instead, within {@value #MARGIN_DB} dB of the worst
 * (the same factor of two in noise). Whether leaving them in float is enough is for parity to say;
 * the auto-exclude search finds the set that is and keeps the most weight bytes in int8.
 */
public final class Culprits {
  private Culprits() {}

  /** Culprits named at most. */
  public static final int MAX = 3;

  /** A node is a culprit when its share of the output error is at least this part of the top's. */
  public static final double SHARE_FRACTION = 0.5;

  /**
   * Without shares, a node is a culprit when it introduces at most this many dB less SQNR than the
   * worst.
   */
  public static final double MARGIN_DB = 3;

  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:#@%+=,-]+");

  /** The trace's culprits, the worst first; empty when no node makes error. */
  public static List<NodeError> of(TraceReport trace) {
    List<NodeError> ranked = Report.makingError(trace, MAX);
    List<NodeError> out = new ArrayList<>();
    if (ranked.isEmpty()) {
      return out;
    }
    Double topShare = ranked.get(0).outputShare();
    for (NodeError n : ranked) {
      if (topShare != null && !topShare.isNaN()) {
        if (n.outputShare() != null && n.outputShare() >= SHARE_FRACTION * topShare) {
          out.add(n);
        }
      } else if (n.introducedDb() <= ranked.get(0).introducedDb() + MARGIN_DB) {
        out.add(n);
      }
    }
    return out;
  }

  /**
   * The quantize option that leaves {@code nodes} in float besides the nodes {@code excluded}
   * already, as one shell word: {@code --nodes-to-exclude a,b}, quoted when a name needs it.
   */
  public static String excludeOption(List<String> excluded, List<String> nodes) {
    Set<String> all = new LinkedHashSet<>();
    for (String n : excluded == null ? List.<String>of() : excluded) {
      all.add(Texts.clean(n));
    }
    for (String n : nodes) {
      all.add(Texts.clean(n));
    }
    String list = String.join(",", all);
    if (!SHELL_SAFE.matcher(list).matches()) {
      list = "'" + list.replace("'", "'\\''") + "'";
    }
    return "--nodes-to-exclude " + list;
  }

  /** The node names of {@code nodes}, in order. */
  public static List<String> names(List<NodeError> nodes) {
    return nodes.stream().map(NodeError::node).toList();
  }
}
