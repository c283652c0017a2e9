// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.util.Locale;

/** Human-readable numbers for terminal output. */
final class Format {
  private Format() {}

  /** Bytes in decimal units, e.g. {@code 12.0 MB}, as file managers show them. */
  static String bytes(long n) {
    if (n < 0) {
      return "-";
    }
    if (n < 1000) {
      return n + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = n;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** A shape as {@code [batch, 128, 768]}. */
  static String shape(java.util.List<?> dims) {
    if (dims == null) {
      return "?";
    }
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < dims.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      Object d = dims.get(i);
      sb.append(d == null ? "?" : d);
    }
    return sb.append(']').toString();
  }
}
