// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

/** The PDF page-layout kit on its own: wrapping, tables over several pages, footers. */
class PdfPagesTest {
  @Test
  void wrapBreaksAtSpacesAndLongNamesAfterASeparator() throws Exception {
    try (PDDocument doc = new PDDocument()) {
      PdfFonts fonts = new PdfFonts(doc);
      float size = PdfPages.BODY;
      String words = "alpha beta gamma";
      assertThat(PdfPages.wrap(fonts.regular, size, words, 1000)).containsExactly(words);
      float oneWord = PdfFonts.width(fonts.regular, "gamma ", size);
      assertThat(PdfPages.wrap(fonts.regular, size, words, oneWord))
          .containsExactly("alpha", "beta", "gamma");

      String name = "/encoder/layer.3/attention/self/query/MatMul_quantized";
      float w = PdfFonts.width(fonts.regular, "/encoder/layer.3/att", size);
      List<String> lines = PdfPages.wrap(fonts.regular, size, name, w);
      assertThat(lines).hasSizeGreaterThan(1);
      assertThat(String.join("", lines)).isEqualTo(name);
      for (String line : lines) {
        assertThat(PdfFonts.width(fonts.regular, line, size)).as(line).isLessThanOrEqualTo(w);
      }
      for (String line : lines.subList(0, lines.size() - 1)) {
        assertThat(line).as("broken after a separator").matches(".*[/._]");
      }
    }
  }

  @Test
  void aLongTableRepeatsItsHeaderAndEveryPageHasItsNumber() throws Exception {
    try (PDDocument doc = new PDDocument()) {
      PdfPages pages = new PdfPages(doc, PDRectangle.A4);
      pages.newPage();
      pages.heading("Rows");
      List<String[]> rows = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        rows.add(new String[] {"row" + i, "value " + i});
      }
      String[] header = {"Name", "Value"};
      pages.table(header, pages.fitted(header, rows, 1), rows);
      pages.close();
      pages.footers("kit test \u0007footer");

      int n = doc.getNumberOfPages();
      assertThat(n).isGreaterThan(1);
      PDFTextStripper all = new PDFTextStripper();
      String text = all.getText(doc);
      assertThat(text).contains("row0").contains("row149").doesNotContain("\u0007");
      for (int p = 1; p <= n; p++) {
        PDFTextStripper one = new PDFTextStripper();
        one.setStartPage(p);
        one.setEndPage(p);
        String page = one.getText(doc);
        assertThat(page).as("page %d", p).contains("Name").contains("Value");
        assertThat(page).as("page %d", p).contains("page " + p + " of " + n);
        assertThat(page).as("page %d", p).contains("kit test  footer");
      }
    }
  }
}
