// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.nio.file.Path;
import java.util.Locale;

/** What File > Export report writes. */
public enum ReportFormat {
  /** The whole report as a PDF document. */
  PDF,
  /** The four charts as one PNG image. */
  CHARTS_PNG,
  /** The graph, quantized nodes coloured, as a PNG image. */
  GRAPH_PNG,
  /** Everything, machine-readable. */
  JSON;

  /** The format a file name asks for by its extension, or null. */
  public static ReportFormat byName(Path file) {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".pdf")
        ? PDF
        : n.endsWith(".json") ? JSON : n.endsWith(".png") ? CHARTS_PNG : null;
  }
}
