// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import static org.quantscope.report.PdfPages.BODY;

import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.quantscope.parity.ParityReport;
import org.quantscope.sensitivity.AutoExcludeResult;
import org.quantscope.trace.NodeError;

/**
 * The end of a FAILED report: what to do. The nodes the error trace names as culprits ({@link
 * Culprits}) with the option that leaves them in float, and the auto-exclude search's result when
 * one ran (or how to run it); without a trace, how to get one. Reports that passed or were not
 * checked write nothing.
 */
final class PdfWhatToDo {
  private PdfWhatToDo() {}

  static final String TITLE = "What to do";

  /** Height of a heading ({@link PdfPages#heading}). */
  private static final float HEADING_H = 30;

  /**
   * Writes the section from the cursor on: on a new page when it does not fit in the rest of this
   * one, so that the report's last page holds all of it (unless it is longer than a page).
   */
  static void write(PdfPages pages, Report report) throws IOException {
    if (!Report.FAILED.equals(report.summary().verdict()) || report.parity() == null) {
      return;
    }
    List<Block> blocks = blocks(report);
    float h = HEADING_H;
    for (Block b : blocks) {
      h += b.height(pages);
    }
    pages.down(8);
    pages.ensure(h);
    pages.heading(TITLE);
    for (Block b : blocks) {
      pages.down(b.before());
      pages.prose(
          b.bold() ? pages.fonts.bold : pages.fonts.regular,
          b.size(),
          b.color(),
          b.text(),
          b.indent());
    }
  }

  /** One paragraph of the section: {@code before} points of space, then the wrapped text. */
  private record Block(
      String text, float indent, float before, boolean bold, float size, Color color) {
    static Block of(String text, float indent, float before) {
      return new Block(text, indent, before, false, BODY, Color.BLACK);
    }

    /** An option to type, in bold, further in. */
    static Block code(String text) {
      return new Block(text, 2 * INDENT, 2, true, BODY, Color.BLACK);
    }

    float height(PdfPages pages) {
      PdfFonts fonts = pages.fonts;
      var font = bold ? fonts.bold : fonts.regular;
      int lines =
          PdfPages.wrap(
                  font, size, fonts.safe(font, text, PdfPages.PROSE_CHARS), pages.width - indent)
              .size();
      return before + lines * (size + 3);
    }
  }

  private static List<Block> blocks(Report report) {
    List<Block> out = new ArrayList<>();
    out.add(Block.of(failure(report.parity()), 0, 0));
    boolean given = report.settings() == null;
    List<String> excluded = given ? List.of() : report.settings().nodesToExclude();
    if (report.trace() == null) {
      out.add(
          Block.of(
              "1. Find the nodes that make the error: make the report with its error trace"
                  + " (report traces unless --no-trace is given), or run quantscope trace.",
              0,
              6));
    } else {
      List<NodeError> culprits = Culprits.of(report.trace());
      if (culprits.isEmpty()) {
        out.add(
            Block.of(
                "1. The error trace found no quantized node that makes error of its own; see"
                    + " \u201c"
                    + PdfTracePages.TITLE
                    + "\u201d for where the difference grows.",
                0,
                6));
      } else {
        out.add(
            Block.of(
                "1. Leave "
                    + (culprits.size() == 1
                        ? "the node whose error counts most at the outputs"
                        : "the "
                            + culprits.size()
                            + " nodes whose error counts most at the outputs")
                    + " in float (see \u201c"
                    + PdfTracePages.TITLE
                    + "\u201d):",
                0,
                6));
        for (NodeError n : culprits) {
          out.add(Block.of(culprit(n), INDENT, 0));
        }
        out.add(
            Block.code(
                (given ? "quantize the float model again with " : "")
                    + Culprits.excludeOption(excluded, Culprits.names(culprits))));
        out.add(
            Block.of(
                "Then check parity again. This may not be enough, or more than is needed: the"
                    + " auto-exclude search finds the nodes to leave in float that keep the most"
                    + " weight bytes in int8.",
                INDENT,
                2));
      }
    }
    AutoExcludeResult a = report.autoExclude();
    if (a != null) {
      autoExclude(out, a, excluded);
    } else if (!given) {
      out.add(
          Block.of(
              "2. Or let the search find the least to leave in float: quantscope quantize"
                  + " MODEL -o OUT --auto-exclude, with the options and samples of this report"
                  + " (report --auto-exclude ends the report with its result).",
              0,
              6));
    }
    out.add(
        new Block(
            "Or loosen --abs-tol and --mean-tol, if the model's use allows the difference"
                + " measured here.",
            0,
            6,
            false,
            PdfPages.SMALL,
            PdfPages.MUTED));
    return out;
  }

  /** Indent of the lines under a numbered step. */
  private static final float INDENT = 14;

  private static String failure(ParityReport p) {
    List<String> over = new ArrayList<>();
    if (p.maxAbsDiff() > p.absTol()) {
      over.add(
          "max |difference| " + Figures.diff(p.maxAbsDiff()) + " > " + Figures.diff(p.absTol()));
    }
    if (p.meanAbsDiff() > p.meanTol()) {
      over.add(
          "mean |difference| " + Figures.diff(p.meanAbsDiff()) + " > " + Figures.diff(p.meanTol()));
    }
    return "Parity failed on "
        + p.samples()
        + " samples"
        + (over.isEmpty() ? "" : ": " + String.join(", ", over))
        + ".";
  }

  private static String culprit(NodeError n) {
    StringBuilder sb =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "\u2022 %s (%s, rank %d): %s",
                Texts.clean(n.node()),
                Texts.clean(n.op()),
                n.rank(),
                Report.TopNode.of(n).figures()));
    if (n.inputSqnrDb() != null && n.outputSqnrDb() != null) {
      sb.append("; its input arrives at ")
          .append(PdfTracePages.db(n.inputSqnrDb()))
          .append(" SQNR, its output leaves at ")
          .append(PdfTracePages.db(n.outputSqnrDb()));
    }
    return sb.append('.').toString();
  }

  private static void autoExclude(List<Block> out, AutoExcludeResult a, List<String> excluded) {
    if (!a.passed()) {
      out.add(
          Block.of(
              "2. Auto-exclude searched "
                  + a.variants()
                  + " variants: "
                  + (a.message() == null ? "no subset of the nodes passes." : a.message()),
              0,
              6));
      return;
    }
    if (a.excluded().isEmpty()) {
      out.add(Block.of("2. Auto-exclude: the fully quantized model passes on its samples.", 0, 6));
      return;
    }
    ParityReport after = a.after();
    out.add(
        Block.of(
            String.format(
                Locale.ROOT,
                "2. Auto-exclude searched %d variants: leaving %d of %d nodes in float passes (max"
                    + " |difference| %s <= %s, mean |difference| %s <= %s); %d nodes stay in int8%s."
                    + "%s",
                a.variants(),
                a.excluded().size(),
                a.candidates(),
                Figures.diff(after.maxAbsDiff()),
                Figures.diff(after.absTol()),
                Figures.diff(after.meanAbsDiff()),
                Figures.diff(after.meanTol()),
                a.quantizedNodes(),
                a.int8Bytes() > 0 ? " and the model is " + Figures.size(a.int8Bytes()) : "",
                a.smallest()
                    ? " No passing set keeps more weight bytes in int8."
                    : " Other sets were not all tried."),
            0,
            6));
    out.add(Block.code(Culprits.excludeOption(excluded, a.excluded())));
  }
}
