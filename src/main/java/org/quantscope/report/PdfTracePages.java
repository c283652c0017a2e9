// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import static org.quantscope.report.PdfPages.BODY;
import static org.quantscope.report.PdfPages.MARGIN;
import static org.quantscope.report.PdfPages.MUTED;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.quantscope.trace.ActivationReport;
import org.quantscope.trace.NodeError;
import org.quantscope.trace.TraceReport;

/**
 * The PDF report's section "Where the error enters", from the error trace: the error along the
 * depth of the graph ({@link TraceCharts#depth}), the nodes whose error counts most at the graph
 * outputs (their share of it, the error they introduce, with what came in, what quantizing their
 * input and their weight costs, and what goes out), and the statistics of those nodes' inputs as
 * dynamic quantization squeezes them to uint8 at run time. A report without a trace writes nothing.
 */
final class PdfTracePages {
  private PdfTracePages() {}

  /** Nodes in the table at most. */
  static final int TOP_NODES = 10;

  /** Height of the depth chart on the page, in points. */
  private static final float CHART_H = 270;

  /** The chart is laid out at this width and scaled to the page, as on the chart page. */
  private static final float CHART_W = 800;

  static final String TITLE = "Where the error enters";

  /**
   * Room a table's heading needs below it on the page: the heading, the table's header and three
   * rows, so that a heading never stands alone at the foot of a page.
   */
  private static final float TABLE_START = 30 + 4 * (BODY + 5) + 10;

  /** Writes the section on a new page. */
  static void write(PdfPages pages, Report report) throws IOException {
    TraceReport t = report.trace();
    if (t == null) {
      return;
    }
    PdfFonts fonts = pages.fonts;
    pages.newPage();
    pages.heading(TITLE);
    pages.prose(
        fonts.regular,
        BODY,
        Color.BLACK,
        String.format(
            Locale.ROOT,
            "Both models ran on the same %d samples with every intermediate tensor compared"
                + " (%d tensors, %d quantized nodes). Nodes are ranked by their share of the"
                + " error at the graph outputs: the error each makes, carried through the rest of"
                + " the graph with the gains this run measured (an estimate; the sensitivity"
                + " analysis measures it exactly, at far greater cost). A node's error introduced"
                + " is the error of its output beyond the error its input brought: a low figure"
                + " marks a node that makes error, not one that passes on what it received. Other"
                + " figures are SQNR, int8 against float, in dB: higher is better; exact means no"
                + " difference.",
            t.samples(),
            t.tensors().size(),
            t.nodes().size()),
        0);
    pages.down(8);
    if (!t.tensors().isEmpty()) {
      chart(pages, TraceCharts.depth(t));
    }
    List<NodeError> top = t.nodes().subList(0, Math.min(TOP_NODES, t.nodes().size()));
    if (top.isEmpty()) {
      pages.paragraph(
          fonts.regular, BODY, Color.BLACK, "No quantized node could be traced.", pages.width);
    } else {
      nodes(pages, t, top);
      activations(pages, t, top);
    }
    notes(pages, t.notes());
  }

  private static void chart(PdfPages pages, JFreeChart c) throws IOException {
    pages.ensure(CHART_H + 10);
    float k = pages.width / CHART_W;
    float lh = CHART_H / k;
    pages.drawing(
        MARGIN,
        pages.y() - CHART_H,
        CHART_W,
        lh,
        k,
        g -> c.draw(g, new Rectangle2D.Double(0, 0, CHART_W, lh)));
    pages.down(CHART_H + 4);
  }

  private static void nodes(PdfPages pages, TraceReport t, List<NodeError> top) throws IOException {
    pages.ensure(TABLE_START);
    pages.heading(
        top.size() == t.nodes().size()
            ? "Quantized nodes by share of the output error"
            : "The "
                + top.size()
                + " of "
                + t.nodes().size()
                + " nodes whose error counts most at the outputs");
    List<String[]> rows = new ArrayList<>();
    for (NodeError n : top) {
      rows.add(
          new String[] {
            Integer.toString(n.rank()),
            n.node(),
            n.op(),
            Figures.share(n.outputShare()),
            db(n.introducedDb()),
            db(n.outputSqnrDb()),
            db(n.inputSqnrDb()),
            db(n.activationSqnrDb()),
            db(n.weightSqnrDb())
          });
    }
    String[] header = {
      "#", "Node", "Op", "Share", "Introduced", "Output", "Input", "uint8 input", "Weight"
    };
    pages.table(header, pages.fitted(header, rows, 1), rows, 1);
    pages.prose(
        pages.fonts.regular,
        PdfPages.SMALL,
        MUTED,
        "Share: of the error at the graph outputs, estimated from this run; the shares add up"
            + " to 100 %. Introduced: the error made at the node. Output and Input: the error its output and its"
            + " (worst) quantized input carry. uint8 input: its input against that input's uint8"
            + " round trip, the error dynamic quantization adds to it at run time. Weight: its"
            + " weight against the int8 weight. A dash: unknown (no quantized input, or a given"
            + " int8 model).",
        0);
  }

  private static void activations(PdfPages pages, TraceReport t, List<NodeError> top)
      throws IOException {
    Map<String, List<String>> inputOf = new LinkedHashMap<>();
    for (NodeError n : top) {
      for (String a : n.activations()) {
        inputOf.computeIfAbsent(a, k -> new ArrayList<>()).add("#" + n.rank());
      }
    }
    List<String[]> rows = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : inputOf.entrySet()) {
      ActivationReport a = t.activation(e.getKey()).orElse(null);
      if (a == null) {
        continue;
      }
      rows.add(
          new String[] {
            a.name(),
            String.join(", ", e.getValue()),
            Figures.scale(a.maxAbs()),
            Figures.scale(a.p999Abs()),
            Figures.ratio(a.outlierRatio(), 1),
            Figures.scale(a.stepMax()),
            worstRow(a)
          });
    }
    if (rows.isEmpty()) {
      return;
    }
    pages.down(6);
    pages.ensure(TABLE_START);
    pages.heading("Their inputs, quantized to uint8 at run time");
    String[] header = {
      "Activation", "Input of", "max |x|", "p99.9 |x|", "Outlier", "uint8 step", "Worst row"
    };
    pages.table(header, pages.fitted(header, rows, 0), rows, 0, 1, header.length - 1);
    pages.prose(
        pages.fonts.regular,
        PdfPages.SMALL,
        MUTED,
        "Input of: the ranks of the nodes above that read it. Outlier: max |x| over p99.9 |x|."
            + " One uint8 step (the widest run's is shown) covers the whole tensor, batch"
            + " included, so a few large values, or one large row, widen it for every value."
            + " Worst row: the row (first axis, in run order) with the largest |x|, and its"
            + " largest |x| against the median row's.",
        0);
  }

  private static String worstRow(ActivationReport a) {
    if (a.rowMaxAbs() == null || a.rowMaxAbs().length < 2) {
      return "-";
    }
    return "row " + a.worstRow() + ": " + Figures.ratio(a.worstRowRatio(), 1);
  }

  private static void notes(PdfPages pages, List<String> notes) throws IOException {
    if (notes == null || notes.isEmpty()) {
      return;
    }
    pages.down(6);
    pages.heading("Not traced");
    for (String n : notes) {
      pages.prose(pages.fonts.regular, BODY, Color.BLACK, "\u2022 " + n, 0);
      pages.down(3);
    }
  }

  /** A dB figure of the trace; null (unknown) as a dash. */
  static String db(Double v) {
    return v == null || v.isNaN() ? "-" : Figures.db(v);
  }
}
