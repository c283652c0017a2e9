// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

/**
 * The fonts a report embeds (subsets, so text stays searchable and copyable): DejaVu Sans or Arial
 * when the system has them, otherwise the Liberation Sans that PDFBox carries. Characters a font
 * lacks are written as "?" instead of failing the report.
 */
final class PdfFonts {
  final PDFont regular;
  final PDFont bold;
  private final Map<PDFont, Map<Integer, Boolean>> known = new HashMap<>();

  private static final List<String> REGULAR =
      List.of(
          "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
          "/usr/share/fonts/dejavu/DejaVuSans.ttf",
          "/usr/share/fonts/TTF/DejaVuSans.ttf",
          "C:/Windows/Fonts/arial.ttf",
          "/System/Library/Fonts/Supplemental/Arial.ttf",
          "/Library/Fonts/Arial.ttf");

  private static final List<String> BOLD =
      List.of(
          "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
          "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
          "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
          "C:/Windows/Fonts/arialbd.ttf",
          "/System/Library/Fonts/Supplemental/Arial Bold.ttf",
          "/Library/Fonts/Arial Bold.ttf");

  private static final String BUNDLED =
      "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";

  PdfFonts(PDDocument doc) throws IOException {
    PDFont r = load(doc, REGULAR);
    PDFont b = load(doc, BOLD);
    if (r == null) {
      r = bundled(doc);
    }
    this.regular = r;
    this.bold = b != null ? b : r;
  }

  private static PDFont load(PDDocument doc, List<String> candidates) {
    for (String c : candidates) {
      Path p = Path.of(c);
      if (Files.isReadable(p)) {
        try {
          return PDType0Font.load(doc, p.toFile());
        } catch (IOException e) {
          // a broken font file: try the next
        }
      }
    }
    return null;
  }

  private static PDFont bundled(PDDocument doc) throws IOException {
    try (InputStream in = PDFont.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new IOException("no font to embed: PDFBox's Liberation Sans is missing");
      }
      return PDType0Font.load(doc, in);
    }
  }

  /** {@code s} made safe for the font: clean, and characters it cannot show replaced by "?". */
  String safe(PDFont font, String s) {
    return safe(font, s, Texts.MAX_CHARS);
  }

  /** {@link #safe(PDFont, String)}, cut at {@code maxChars} characters instead. */
  String safe(PDFont font, String s, int maxChars) {
    String t = Texts.clean(s, maxChars);
    Map<Integer, Boolean> k = known.computeIfAbsent(font, f -> new HashMap<>());
    StringBuilder sb = new StringBuilder(t.length());
    t.codePoints()
        .forEach(
            cp -> {
              boolean ok =
                  k.computeIfAbsent(
                      cp,
                      c -> {
                        try {
                          font.encode(new String(Character.toChars(c)));
                          return true;
                        } catch (IOException | IllegalArgumentException e) {
                          return false;
                        }
                      });
              sb.appendCodePoint(ok ? cp : '?');
            });
    return sb.toString();
  }

  /** Width of {@code s} (already safe) at {@code size} points. */
  static float width(PDFont font, String s, float size) {
    try {
      return font.getStringWidth(s) / 1000f * size;
    } catch (IOException | IllegalArgumentException e) {
      return s.length() * size * 0.6f;
    }
  }
}
