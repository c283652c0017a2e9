// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import de.rototor.pdfbox.graphics2d.PdfBoxGraphics2D;
import java.awt.Color;
import java.awt.Graphics2D;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.util.Matrix;

/**
 * The page-layout kit of the PDF report: pages with a margin, a cursor that moves down the page and
 * starts a new page when the rest does not fit, text in the embedded fonts (made safe for them
 * first), wrapped paragraphs, label-value facts, tables whose header is repeated on every page they
 * continue on, vector drawings (charts, the graph) and a footer with the page number on every page.
 * It knows nothing of reports; the sections ({@code PdfFirstPage}, {@code PdfChartPage}, {@code
 * PdfNodeTables}, {@code PdfGraphPages}) decide what goes where. Units are PDF points (1/72 inch),
 * y grows upwards, and the cursor is the baseline of the last line written.
 */
final class PdfPages {
  /** Space left free around every page. */
  static final float MARGIN = 48;

  /** Size of body text, table cells and facts. */
  static final float BODY = 9.5f;

  /** Size of small print: the first line, the legend and the footers. */
  static final float SMALL = 8f;

  /** Colour of labels and small print. */
  static final Color MUTED = new Color(0x5f6b7a);

  private static final Color RULE = new Color(0xd5dbe3);
  private static final Color HEAD_FILL = new Color(0xeef1f5);

  /** The longest text {@link #prose} writes, in characters. */
  static final int PROSE_CHARS = 8000;

  /** Longer cells do not widen their column in {@link #fitted}; they wrap or are cut. */
  private static final int MEASURED_CHARS = 24;

  /** The fonts embedded in the document. */
  final PdfFonts fonts;

  /** The width between the margins. */
  final float width;

  private final PDDocument doc;
  private final PDRectangle paper;
  private PDPageContentStream cs;
  private float y;

  PdfPages(PDDocument doc, PDRectangle paper) throws IOException {
    this.doc = doc;
    this.fonts = new PdfFonts(doc);
    this.paper = paper;
    this.width = paper.getWidth() - 2 * MARGIN;
  }

  // Pages and the cursor

  /** Height of a page. */
  float pageHeight() {
    return paper.getHeight();
  }

  /** The cursor: the baseline of the last line written, or the top margin of a new page. */
  float y() {
    return y;
  }

  /** Moves the cursor down by {@code points}. */
  void down(float points) {
    y -= points;
  }

  /** Ends the current page and starts a new one, the cursor at its top margin. */
  void newPage() throws IOException {
    close();
    PDPage page = new PDPage(paper);
    doc.addPage(page);
    cs = new PDPageContentStream(doc, page);
    y = paper.getHeight() - MARGIN;
  }

  /**
   * Starts a section on a new page, unless the current page holds only the last few lines of the
   * section before (less than a third of it used): the section then follows on the same page, so
   * that an overflow of a few lines does not leave a page nearly empty.
   */
  void newSection() throws IOException {
    float used = paper.getHeight() - MARGIN - y;
    if (cs != null && used < (paper.getHeight() - 2 * MARGIN) / 3) {
      y -= 18;
      return;
    }
    newPage();
  }

  /** Ends the current page; call it once the last section is written. */
  void close() throws IOException {
    if (cs != null) {
      cs.close();
      cs = null;
    }
  }

  /** Starts a new page when less than {@code h} points are left; true if it did. */
  boolean ensure(float h) throws IOException {
    if (y - h < MARGIN + 14) {
      newPage();
      return true;
    }
    return false;
  }

  // Text

  /** A section heading, on a new page when fewer than 48 points are left. */
  void heading(String title) throws IOException {
    ensure(48);
    y -= 22;
    text(fonts.bold, 12, Color.BLACK, MARGIN, title);
    y -= 8;
  }

  /** One line of text on the cursor's baseline. */
  void text(PDFont font, float size, Color color, float x, String s) throws IOException {
    text(font, size, color, x, y, s);
  }

  /** One line of text on {@code baseline}, made safe for the font; empty text writes nothing. */
  void text(PDFont font, float size, Color color, float x, float baseline, String s)
      throws IOException {
    String t = fonts.safe(font, s);
    if (t.isEmpty()) {
      return;
    }
    cs.beginText();
    cs.setFont(font, size);
    cs.setNonStrokingColor(color);
    cs.newLineAtOffset(x, baseline);
    cs.showText(t);
    cs.endText();
  }

  /** Text wrapped to {@code w} points, starting one line below the cursor. */
  void paragraph(PDFont font, float size, Color color, String s, float w) throws IOException {
    for (String line : wrap(font, size, fonts.safe(font, s), w)) {
      ensure(size + 4);
      y -= size + 3;
      text(font, size, color, MARGIN, line);
    }
  }

  /**
   * Text of the report's own making (any names in it cleaned and cut already), wrapped to the width
   * less {@code indent} and starting one line below the cursor, {@code indent} points in. Unlike
   * {@link #paragraph} it is not cut at {@link Texts#MAX_CHARS} characters (only at {@value
   * #PROSE_CHARS}).
   */
  void prose(PDFont font, float size, Color color, String s, float indent) throws IOException {
    for (String line : wrap(font, size, fonts.safe(font, s, PROSE_CHARS), width - indent)) {
      ensure(size + 4);
      y -= size + 3;
      text(font, size, color, MARGIN + indent, line);
    }
  }

  /**
   * {@code s} (already safe for the font) broken into lines of at most {@code w} points at spaces;
   * a word wider than a line is broken too, after a '/', '.' or '_' when one is in its second half.
   */
  static List<String> wrap(PDFont font, float size, String s, float w) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : s.split(" ")) {
      String candidate = line.length() == 0 ? word : line + " " + word;
      if (PdfFonts.width(font, candidate, size) <= w || line.length() == 0) {
        if (line.length() == 0 && PdfFonts.width(font, word, size) > w) {
          // one word wider than the line: break it
          String rest = word;
          while (PdfFonts.width(font, rest, size) > w) {
            int cut = rest.length() - 1;
            while (cut > 1 && PdfFonts.width(font, rest.substring(0, cut), size) > w) {
              cut--;
            }
            // prefer to break after a separator of a node or file name
            int sep = Math.max(rest.lastIndexOf('/', cut - 1), rest.lastIndexOf('.', cut - 1));
            sep = Math.max(sep, rest.lastIndexOf('_', cut - 1));
            if (sep >= cut / 2) {
              cut = sep + 1;
            }
            lines.add(rest.substring(0, cut));
            rest = rest.substring(cut);
          }
          line.append(rest);
        } else {
          line.setLength(0);
          line.append(candidate);
        }
      } else {
        lines.add(line.toString());
        line.setLength(0);
        line.append(word);
      }
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return lines;
  }

  /** Label-value pairs, the labels muted, the values wrapped beside them. */
  void facts(List<String[]> rows) throws IOException {
    float labelW = 92;
    for (String[] r : rows) {
      List<String> lines =
          wrap(fonts.regular, BODY, fonts.safe(fonts.regular, r[1]), width - labelW);
      ensure(BODY + 4);
      y -= BODY + 3;
      text(fonts.regular, BODY, MUTED, MARGIN, r[0]);
      for (int i = 0; i < lines.size(); i++) {
        if (i > 0) {
          ensure(BODY + 4);
          y -= BODY + 3;
        }
        text(fonts.regular, BODY, Color.BLACK, MARGIN + labelW, lines.get(i));
      }
      y -= 2;
    }
  }

  // Tables

  /**
   * Column fractions that fit the widest cell of each column; column {@code flex} takes what the
   * others leave (at least a fifth of the width). Only the first {@code header.length} cells of a
   * row are measured, and only cells of up to {@link #MEASURED_CHARS} characters.
   */
  float[] fitted(String[] header, List<String[]> rows, int flex) {
    float[] w = new float[header.length];
    for (int c = 0; c < header.length; c++) {
      w[c] = PdfFonts.width(fonts.bold, header[c], BODY);
    }
    for (String[] r : rows) {
      for (int c = 0; c < header.length; c++) {
        String t = fonts.safe(fonts.regular, r[c]);
        if (t.length() <= MEASURED_CHARS) {
          w[c] = Math.max(w[c], PdfFonts.width(fonts.regular, t, BODY));
        }
      }
    }
    float[] f = new float[header.length];
    float fixed = 0;
    for (int c = 0; c < header.length; c++) {
      if (c != flex) {
        f[c] = Math.min((w[c] + 8) / width, 0.3f);
        fixed += f[c];
      }
    }
    float rest = 1f - fixed;
    if (rest < 0.2f) {
      float shrink = 0.8f / fixed;
      for (int c = 0; c < header.length; c++) {
        f[c] *= shrink;
      }
      rest = 0.2f;
    }
    f[flex] = rest;
    return f;
  }

  /**
   * A table with a header row, continued on new pages with the header repeated. Cells of the {@code
   * wrapped} columns wrap onto more lines; the other cells are cut with an ellipsis.
   */
  void table(String[] header, float[] fractions, List<String[]> rows, int... wrapped)
      throws IOException {
    float[] xs = new float[fractions.length + 1];
    xs[0] = MARGIN;
    for (int i = 0; i < fractions.length; i++) {
      xs[i + 1] = xs[i] + fractions[i] * width;
    }
    float rowH = BODY + 5;
    tableHeader(header, xs, rowH);
    for (String[] r : rows) {
      List<List<String>> cells = new ArrayList<>();
      int lines = 1;
      for (int c = 0; c < r.length; c++) {
        String safe = fonts.safe(fonts.regular, r[c]);
        float colW = xs[c + 1] - xs[c] - 6;
        List<String> cell;
        if (contains(wrapped, c)) {
          cell = wrap(fonts.regular, BODY, safe, colW);
        } else {
          cell = List.of(Texts.fit(safe, colW, t -> PdfFonts.width(fonts.regular, t, BODY)));
        }
        cells.add(cell);
        lines = Math.max(lines, cell.size());
      }
      float h = rowH + (lines - 1) * (BODY + 2);
      if (ensure(h + 2)) {
        tableHeader(header, xs, rowH);
      }
      float base = y - BODY - 1;
      for (int c = 0; c < r.length; c++) {
        List<String> cell = cells.get(c);
        for (int i = 0; i < cell.size(); i++) {
          text(fonts.regular, BODY, Color.BLACK, xs[c] + 3, base - i * (BODY + 2), cell.get(i));
        }
      }
      y -= h;
      cs.setStrokingColor(RULE);
      cs.setLineWidth(0.4f);
      cs.moveTo(MARGIN, y);
      cs.lineTo(MARGIN + width, y);
      cs.stroke();
    }
  }

  private static boolean contains(int[] values, int v) {
    for (int x : values) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }

  private void tableHeader(String[] header, float[] xs, float rowH) throws IOException {
    cs.setNonStrokingColor(HEAD_FILL);
    cs.addRect(MARGIN, y - rowH, width, rowH);
    cs.fill();
    for (int c = 0; c < header.length; c++) {
      text(fonts.bold, BODY, Color.BLACK, xs[c] + 3, y - BODY - 1, header[c]);
    }
    y -= rowH;
  }

  // Shapes and drawings

  /** A filled rectangle, given by its lower-left corner. */
  void fillRect(float x, float bottom, float w, float h, Color fill) throws IOException {
    cs.setNonStrokingColor(fill);
    cs.addRect(x, bottom, w, h);
    cs.fill();
  }

  /** A filled rectangle with a thin outline, given by its lower-left corner. */
  void outlinedRect(float x, float bottom, float w, float h, Color fill, Color outline)
      throws IOException {
    cs.setNonStrokingColor(fill);
    cs.setStrokingColor(outline);
    cs.setLineWidth(0.5f);
    cs.addRect(x, bottom, w, h);
    cs.fillAndStroke();
  }

  /**
   * A vector drawing: {@code painter} draws into a Java2D canvas of {@code formW} x {@code formH}
   * (through PDFBox's Graphics2D bridge, so text and shapes stay vectors), which is placed with its
   * lower-left corner at ({@code x}, {@code bottom}) and scaled by {@code scale}.
   */
  void drawing(
      float x, float bottom, float formW, float formH, float scale, Consumer<Graphics2D> painter)
      throws IOException {
    PdfBoxGraphics2D g = new PdfBoxGraphics2D(doc, formW, formH);
    try {
      painter.accept(g);
    } finally {
      g.dispose();
    }
    cs.saveGraphicsState();
    cs.transform(Matrix.getTranslateInstance(x, bottom));
    if (scale != 1f) {
      cs.transform(Matrix.getScaleInstance(scale, scale));
    }
    cs.drawForm(g.getXFormObject());
    cs.restoreGraphicsState();
  }

  // Footers

  /**
   * Writes the footer of every page, {@code left} at the left and "page i of n" at the right. Call
   * it last, after {@link #close}, when the number of pages is known.
   */
  void footers(String left) throws IOException {
    int n = doc.getNumberOfPages();
    String safeLeft = fonts.safe(fonts.regular, left);
    for (int i = 0; i < n; i++) {
      PDPage p = doc.getPage(i);
      try (PDPageContentStream f =
          new PDPageContentStream(doc, p, PDPageContentStream.AppendMode.APPEND, true, true)) {
        String right = "page " + (i + 1) + " of " + n;
        f.beginText();
        f.setFont(fonts.regular, SMALL);
        f.setNonStrokingColor(MUTED);
        f.newLineAtOffset(MARGIN, MARGIN - 22);
        f.showText(safeLeft);
        f.endText();
        f.beginText();
        f.setFont(fonts.regular, SMALL);
        f.newLineAtOffset(
            MARGIN + width - PdfFonts.width(fonts.regular, right, SMALL), MARGIN - 22);
        f.showText(right);
        f.endText();
      }
    }
  }
}
