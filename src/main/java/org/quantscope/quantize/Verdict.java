// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.ArrayList;
import java.util.List;

/**
 * An op's verdict on one node and, when positive, the values it adds to ORT's quantized-value map
 * (which a later Transpose on them depends on).
 *
 * @param willQuantize whether the node is rewritten
 * @param text the action when it is, the reason when not
 * @param quantized the values that are 8-bit once the node is rewritten
 */
record Verdict(boolean willQuantize, String text, List<String> quantized) {
  static Verdict no(String reason) {
    return new Verdict(false, reason, List.of());
  }

  /** A positive verdict; null and empty value names are left out. */
  static Verdict yes(String action, String... quantized) {
    List<String> q = new ArrayList<>();
    for (String v : quantized) {
      if (v != null && !v.isEmpty()) {
        q.add(v);
      }
    }
    return new Verdict(true, action, List.copyOf(q));
  }
}
