// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.quantscope.graph.GraphLayout;
import org.quantscope.model.AtomicFile;

/**
 * The report as a PDF: a first page with the verdict and the summary table, the environment, the
 * model and the options; the charts as vector graphics; where the error enters (when the error was
 * traced); the per-node table and the nodes left in float, continued over as many pages as they
 * need; the graph when it fits on a few pages; and, when parity failed, what to do. Text is real
 * text in an embedded font; every page has a footer with its number. The sections are {@link
 * PdfFirstPage}, {@link PdfChartPage}, {@link PdfTracePages}, {@link PdfNodeTables}, {@link
 * PdfGraphPages} and {@link PdfWhatToDo}, written with the page-layout kit {@link PdfPages}.
 */
public final class ReportPdf {
  /** Paper sizes. */
  public enum Paper {
    A4(PDRectangle.A4),
    LETTER(PDRectangle.LETTER);

    final PDRectangle size;

    Paper(PDRectangle size) {
      this.size = size;
    }
  }

  /** Graphs that need more pages than this at a readable scale are left to the graph PNG. */
  static final int MAX_GRAPH_PAGES = 6;

  /** Below this scale a graph's labels are too small to read in print. */
  static final double MIN_GRAPH_SCALE = 0.45;

  private ReportPdf() {}

  /**
   * Writes the report atomically.
   *
   * @param graph the main graph's layout, or null to leave the graph out
   */
  public static void write(Report report, GraphLayout.Result graph, Paper paper, Path file)
      throws IOException {
    try (PDDocument doc = new PDDocument()) {
      PdfPages pages = new PdfPages(doc, paper.size);
      PDDocumentInformation info = doc.getDocumentInformation();
      info.setTitle(Texts.clean(report.title()));
      info.setCreator("QuantScope " + report.quantscopeVersion());
      info.setProducer("QuantScope " + report.quantscopeVersion());
      pages.newPage();
      PdfFirstPage.write(pages, report);
      PdfChartPage.write(pages, report);
      PdfTracePages.write(pages, report);
      PdfNodeTables.write(pages, report);
      PdfGraphPages.write(pages, report, graph, paper);
      PdfWhereItRuns.write(pages, report);
      PdfWhatToDo.write(pages, report);
      pages.close();
      pages.footers("QuantScope report · " + fileName(report));
      AtomicFile.write(file, doc::save);
    }
  }

  /** Whether a graph is drawn in the PDF (otherwise it belongs in a separate PNG). */
  public static boolean graphFits(GraphLayout.Result graph, Paper paper) {
    double w = paper.size.getWidth() - 2 * PdfPages.MARGIN;
    double h = paper.size.getHeight() - 2 * PdfPages.MARGIN - 40;
    double s = Math.min(1.0, w / Math.max(1, graph.width()));
    return s >= MIN_GRAPH_SCALE && Math.ceil(graph.height() * s / h) <= MAX_GRAPH_PAGES;
  }

  /** The verdict's one line of figures, also used for the PNG header. */
  static String verdictLine(Report report) {
    Report.Summary s = report.summary();
    List<String> parts = new ArrayList<>();
    org.quantscope.parity.ParityReport p = report.parity();
    // the figure the verdict was decided by comes first when it is not |d|
    if (p != null && "cosine".equals(p.metric()) && p.rowCosineMin() != null) {
      parts.add(
          "min row cosine "
              + Figures.cosine(p.rowCosineMin())
              + (p.rowCosineMin() >= p.metricTol() ? " >= " : " < ")
              + Figures.number(p.metricTol()));
    } else if (p != null && "top1".equals(p.metric()) && p.top1Agreement() != null) {
      parts.add(
          "top-1 agreement "
              + Figures.share(p.top1Agreement())
              + (p.top1Agreement() >= p.metricTol() ? " >= " : " < ")
              + Figures.share(p.metricTol()));
    }
    if (s.maxAbsDiff() != null) {
      parts.add(
          "max |d| "
              + Figures.diff(s.maxAbsDiff())
              + (s.maxAbsDiff() <= s.absTol() ? " <= " : " > ")
              + Figures.diff(s.absTol()));
      parts.add(
          "mean |d| "
              + Figures.diff(s.meanAbsDiff())
              + (s.meanAbsDiff() <= s.meanTol() ? " <= " : " > ")
              + Figures.diff(s.meanTol()));
    } else {
      parts.add("parity was not checked");
    }
    if (s.sizeRatio() != null) {
      parts.add(Figures.sizeChange(s.sizeRatio()));
    }
    if (s.speedup() != null) {
      parts.add(Figures.ratio(s.speedup()) + " faster (p50)");
    }
    return String.join("  ·  ", parts);
  }

  /** The model's file name without its folder, "" for a model in memory. */
  private static String fileName(Report report) {
    String file = report.model().file() == null ? "" : report.model().file();
    return file.substring(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  }
}
