// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.List;
import org.quantscope.trace.TraceReport;

/**
 * The nodes an error trace blames for a failed parity, by name, which the window offers to leave in
 * float in one click: the same nodes the report names ({@link org.quantscope.report.Culprits}).
 */
final class Culprits {
  private Culprits() {}

  /** The culprits of {@code r}, worst first; empty without a trace or when no node adds error. */
  static List<String> of(TraceReport r) {
    if (r == null) {
      return List.of();
    }
    return org.quantscope.report.Culprits.names(org.quantscope.report.Culprits.of(r));
  }
}
