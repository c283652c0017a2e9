// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.quantize.QuantizationResult;

/**
 * The PDF report's node tables: every quantized node with its weights (shape, scales, SQNR, bytes
 * before and after) on a new page, then the nodes left in float with the reason; both continue over
 * as many pages as they need, with their header repeated.
 */
final class PdfNodeTables {
  private PdfNodeTables() {}

  /** Writes both tables; a report without a quantization writes nothing. */
  static void write(PdfPages pages, Report report) throws IOException {
    QuantizationResult q = report.quantization();
    if (q == null) {
      return;
    }
    quantized(pages, q);
    skipped(pages, q);
  }

  private static void quantized(PdfPages pages, QuantizationResult q) throws IOException {
    if (q.quantized().isEmpty()) {
      return;
    }
    pages.newSection();
    pages.heading("Quantized nodes (" + q.quantizedCount() + ")");
    List<String[]> rows = new ArrayList<>();
    for (QuantizationResult.NodeReport n : q.quantized()) {
      if (n.weights().isEmpty()) {
        rows.add(new String[] {n.node(), n.op(), "", "", "", "", n.action()});
      }
      boolean first = true;
      for (QuantizationResult.WeightReport w : n.weights()) {
        rows.add(
            new String[] {
              first ? n.node() : "",
              first ? n.op() : "",
              Figures.shape(w.dims()),
              w.perChannel() ? w.channels() + " ch" : "tensor",
              w.channels() == 1
                  ? Figures.scale(w.scaleMin())
                  : Figures.scale(w.scaleMin()) + " – " + Figures.scale(w.scaleMax()),
              Figures.db(w.sqnrDb()),
              Figures.count(w.bytesBefore()) + " → " + Figures.count(w.bytesAfter())
            });
        first = false;
      }
    }
    String[] header = {"Node", "Op", "Weight shape", "Scales", "Scale range", "SQNR", "Bytes"};
    pages.table(header, pages.fitted(header, rows, 0), rows, 0, header.length - 1);
  }

  private static void skipped(PdfPages pages, QuantizationResult q) throws IOException {
    if (q.skipped().isEmpty()) {
      return;
    }
    pages.down(8);
    pages.heading("Left in float (" + q.skipped().size() + ")");
    List<String[]> rows = new ArrayList<>();
    for (QuantizableNode n : q.skipped()) {
      rows.add(new String[] {n.node(), n.op(), n.reason() == null ? "" : n.reason()});
    }
    String[] header = {"Node", "Op", "Reason"};
    float[] fractions = pages.fitted(header, rows, 2);
    // Node and Op as measured (the node name at most a third), the reason wraps in the rest.
    float node = Math.min(fractions[0], 0.34f);
    float op = Math.min(fractions[1], 0.16f);
    pages.table(header, new float[] {node, op, 1f - node - op}, rows, 0, 2);
  }
}
