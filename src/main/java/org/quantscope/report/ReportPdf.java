// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import de.rototor.pdfbox.graphics2d.PdfBoxGraphics2D;
import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.graphics.form.PDFormXObject;
import org.apache.pdfbox.util.Matrix;
import org.jfree.chart.JFreeChart;
import org.quantscope.bench.Environment;
import org.quantscope.graph.GraphLayout;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.model.AtomicFile;
import org.quantscope.quantize.QuantizationResult;

/**
 * The report as a PDF: a first page with the verdict and the summary table, the environment, the
 * model and the options; the charts as vector graphics; the per-node table and the nodes left in
 * float, continued over as many pages as they need; the graph when it fits on a few pages. Text is
 * real text in an embedded font; every page has a footer with its number.
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

  private static final float MARGIN = 48;
  private static final float BODY = 9.5f;
  private static final float SMALL = 8f;
  private static final Color MUTED = new Color(0x5f6b7a);
  private static final Color RULE = new Color(0xd5dbe3);
  private static final Color HEAD_FILL = new Color(0xeef1f5);

  private final Report report;
  private final GraphLayout.Result graph;
  private final PDDocument doc;
  private final PdfFonts fonts;
  private final PDRectangle paper;
  private final float width;
  private PDPage page;
  private PDPageContentStream cs;
  private float y;

  private ReportPdf(Report report, GraphLayout.Result graph, PDDocument doc, Paper paper)
      throws IOException {
    this.report = report;
    this.graph = graph;
    this.doc = doc;
    this.fonts = new PdfFonts(doc);
    this.paper = paper.size;
    this.width = this.paper.getWidth() - 2 * MARGIN;
  }

  /**
   * Writes the report atomically.
   *
   * @param graph the main graph's layout, or null to leave the graph out
   */
  public static void write(Report report, GraphLayout.Result graph, Paper paper, Path file)
      throws IOException {
    try (PDDocument doc = new PDDocument()) {
      new ReportPdf(report, graph, doc, paper).build();
      AtomicFile.write(file, doc::save);
    }
  }

  /** Whether a graph is drawn in the PDF (otherwise it belongs in a separate PNG). */
  public static boolean graphFits(GraphLayout.Result graph, Paper paper) {
    double w = paper.size.getWidth() - 2 * MARGIN;
    double h = paper.size.getHeight() - 2 * MARGIN - 40;
    double s = Math.min(1.0, w / Math.max(1, graph.width()));
    return s >= MIN_GRAPH_SCALE && Math.ceil(graph.height() * s / h) <= MAX_GRAPH_PAGES;
  }

  // Document

  private void build() throws IOException {
    PDDocumentInformation info = doc.getDocumentInformation();
    info.setTitle(Texts.clean(report.title()));
    info.setCreator("QuantScope " + report.quantscopeVersion());
    info.setProducer("QuantScope " + report.quantscopeVersion());
    newPage();
    first();
    charts();
    nodes();
    skipped();
    graphPages();
    close();
    footers();
  }

  private void first() throws IOException {
    text(fonts.regular, SMALL, MUTED, MARGIN, "QuantScope report");
    y -= 14;
    paragraph(fonts.bold, 17, Color.BLACK, report.title(), width);
    y -= 16;
    Environment env = report.environment();
    text(
        fonts.regular,
        BODY,
        MUTED,
        MARGIN,
        "Created "
            + created()
            + "  ·  QuantScope "
            + report.quantscopeVersion()
            + (env == null ? "" : "  ·  ONNX Runtime " + env.ortVersion()));
    y -= 18;
    verdict();
    y -= 10;
    summaryTable();
    if (env != null) {
      heading("Environment");
      facts(
          List.of(
              new String[] {"CPU", env.cpuModel() + " (" + env.cores() + " cores)"},
              new String[] {
                "int8 features",
                (env.flags().isEmpty() ? "unknown" : String.join(" ", env.flags()))
                    + (env.vnni() ? " (VNNI)" : " (no VNNI)")
              },
              new String[] {
                "Threads", env.intraOpThreads() == 0 ? "ORT default" : "" + env.intraOpThreads()
              },
              new String[] {"System", env.os() + ", Java " + env.javaVersion()},
              new String[] {"ONNX Runtime", env.ortVersion()}));
    }
    Report.ModelFacts m = report.model();
    heading("Model");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"File", m.file() == null ? "(in memory)" : m.file()});
    rows.add(
        new String[] {
          "Size", Figures.bytes(m.sizeBytes()) + " (" + Figures.megabytes(m.sizeBytes()) + ")"
        });
    rows.add(new String[] {"Producer", m.producer().isEmpty() ? "-" : m.producer()});
    StringBuilder opsets = new StringBuilder("IR " + m.irVersion());
    m.opsets().forEach((k, v) -> opsets.append(", ").append(k).append(' ').append(v));
    rows.add(new String[] {"Versions", opsets.toString()});
    rows.add(new String[] {"Inputs", values(m.inputs())});
    rows.add(new String[] {"Outputs", values(m.outputs())});
    rows.add(
        new String[] {
          "Nodes",
          m.nodes()
              + " nodes"
              + (m.subgraphs() > 0 ? " (" + m.subgraphs() + " subgraphs)" : "")
              + ", "
              + m.quantizableNodes()
              + " of a quantizable op type"
        });
    facts(rows);
    Report.Settings s = report.settings();
    heading("Options");
    if (s == null) {
      facts(
          List.<String[]>of(
              new String[] {"", "An existing int8 model was compared; its options are unknown."}));
    } else {
      List<String[]> o = new ArrayList<>();
      o.add(
          new String[] {
            "Weights",
            s.weightType()
                + (s.perChannel() ? ", per channel" : ", per tensor")
                + (s.reduceRange() ? ", reduce range" : "")
          });
      o.add(new String[] {"Op types", String.join(", ", s.opTypes())});
      if (!s.nodesToQuantize().isEmpty()) {
        o.add(new String[] {"Only nodes", String.join(", ", s.nodesToQuantize())});
      }
      o.add(
          new String[] {
            "Excluded",
            s.nodesToExclude().isEmpty() ? "none" : String.join(", ", s.nodesToExclude())
          });
      if (!s.extraOptions().isEmpty()) {
        StringBuilder sb = new StringBuilder();
        s.extraOptions()
            .forEach(
                (k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        o.add(new String[] {"Extra options", sb.toString()});
      }
      o.add(
          new String[] {
            "Beyond ORT", s.extensions().isEmpty() ? "none" : String.join(", ", s.extensions())
          });
      facts(o);
    }
    List<String> warnings = new ArrayList<>();
    if (report.parity() != null && report.parity().warnings() != null) {
      warnings.addAll(report.parity().warnings());
    }
    if (report.bench() != null && report.bench().warnings() != null) {
      for (String w : report.bench().warnings()) {
        if (!warnings.contains(w)) {
          warnings.add(w);
        }
      }
    }
    if (!warnings.isEmpty()) {
      heading("Warnings");
      for (String w : warnings) {
        paragraph(fonts.regular, BODY, Color.BLACK, "• " + w, width);
        y -= 3;
      }
    }
  }

  private String created() {
    try {
      return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
          .format(Instant.parse(report.created()).atOffset(ZoneOffset.UTC));
    } catch (DateTimeParseException | NullPointerException e) {
      return String.valueOf(report.created());
    }
  }

  private static String values(List<org.quantscope.graph.ModelSummary.ValueSummary> vs) {
    List<String> parts = new ArrayList<>();
    for (var v : vs) {
      parts.add(v.name() + " " + v.type() + " " + Figures.shape(v.shape()));
    }
    return String.join("; ", parts);
  }

  private void verdict() throws IOException {
    Report.Summary s = report.summary();
    Color fill =
        switch (s.verdict()) {
          case Report.PASSED -> new Color(0x2E7D32);
          case Report.FAILED -> new Color(0xC62828);
          default -> new Color(0x6b7280);
        };
    float vw = PdfFonts.width(fonts.bold, s.verdict(), 20);
    float textX = MARGIN + 28 + vw;
    List<String> lines =
        wrap(
            fonts.regular,
            BODY,
            fonts.safe(fonts.regular, verdictLine(s)),
            MARGIN + width - 12 - textX);
    float h = Math.max(40, 16 + lines.size() * (BODY + 3));
    cs.setNonStrokingColor(fill);
    cs.addRect(MARGIN, y - h, width, h);
    cs.fill();
    text(fonts.bold, 20, Color.WHITE, MARGIN + 12, y - h / 2 - 7, s.verdict());
    float first = y - h / 2 + (lines.size() - 1) * (BODY + 3) / 2f - BODY / 2 + 1;
    for (int i = 0; i < lines.size(); i++) {
      text(fonts.regular, BODY, Color.WHITE, textX, first - i * (BODY + 3), lines.get(i));
    }
    y -= h;
  }

  /** The verdict's one line of figures, also used for the PNG header. */
  static String verdictLine(Report.Summary s) {
    List<String> parts = new ArrayList<>();
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

  private void summaryTable() throws IOException {
    Report.Summary s = report.summary();
    List<String[]> rows = new ArrayList<>();
    if (s.fp32Bytes() != null) {
      rows.add(
          new String[] {
            "Model size",
            Figures.bytes(s.fp32Bytes()),
            s.int8Bytes() == null ? "-" : Figures.bytes(s.int8Bytes()),
            s.sizeRatio() == null ? "" : Figures.sizeChange(s.sizeRatio())
          });
    }
    if (s.quantizedNodes() != null) {
      rows.add(
          new String[] {
            "Quantized nodes", "", s.quantizedNodes() + " of " + s.candidateNodes(), ""
          });
    }
    if (s.maxAbsDiff() != null) {
      rows.add(
          new String[] {
            "Max |difference|",
            "tolerance " + Figures.diff(s.absTol()),
            Figures.diff(s.maxAbsDiff()),
            s.maxAbsDiff() <= s.absTol() ? "within" : "EXCEEDED"
          });
      rows.add(
          new String[] {
            "Mean |difference|",
            "tolerance " + Figures.diff(s.meanTol()),
            Figures.diff(s.meanAbsDiff()),
            s.meanAbsDiff() <= s.meanTol() ? "within" : "EXCEEDED"
          });
      rows.add(
          new String[] {
            "Decision flips", "", s.decisionFlips() + " of " + s.samples() + " samples", ""
          });
    }
    if (s.fp32Latency() != null) {
      for (String[] p :
          List.of(
              new String[] {"p50", "50"}, new String[] {"p90", "90"}, new String[] {"p99", "99"})) {
        double a = pick(s.fp32Latency(), p[1]);
        Double b = s.int8Latency() == null ? null : pick(s.int8Latency(), p[1]);
        rows.add(
            new String[] {
              "Latency " + p[0],
              Figures.ms(a),
              b == null ? "-" : Figures.ms(b),
              b == null || b <= 0
                  ? ""
                  : Figures.ratio(a / b) + (p[0].equals("p50") ? " speedup" : "")
            });
      }
    }
    table(
        new String[] {"", "fp32 / limit", "int8", ""},
        new float[] {0.28f, 0.26f, 0.26f, 0.20f},
        rows);
  }

  private static double pick(Report.Latency l, String p) {
    return switch (p) {
      case "50" -> l.p50();
      case "90" -> l.p90();
      default -> l.p99();
    };
  }

  private void charts() throws IOException {
    List<JFreeChart> charts = ReportCharts.of(report, 15);
    if (charts.isEmpty()) {
      return;
    }
    newPage();
    heading("Charts");
    float h = 320;
    for (JFreeChart c : charts) {
      ensure(h + 10);
      chart(c, MARGIN, y - h, width, h);
      y -= h + 12;
    }
  }

  /** Charts are laid out at this size and scaled to the page, so their text prints at 8-9 pt. */
  private static final float CHART_W = 800;

  private void chart(JFreeChart chart, float x, float bottom, float w, float h) throws IOException {
    float k = w / CHART_W;
    float lh = h / k;
    PdfBoxGraphics2D g = new PdfBoxGraphics2D(doc, CHART_W, lh);
    try {
      chart.draw(g, new Rectangle2D.Double(0, 0, CHART_W, lh));
    } finally {
      g.dispose();
    }
    PDFormXObject form = g.getXFormObject();
    cs.saveGraphicsState();
    cs.transform(Matrix.getTranslateInstance(x, bottom));
    cs.transform(Matrix.getScaleInstance(k, k));
    cs.drawForm(form);
    cs.restoreGraphicsState();
  }

  private void nodes() throws IOException {
    QuantizationResult q = report.quantization();
    if (q == null || q.quantized().isEmpty()) {
      return;
    }
    newPage();
    heading("Quantized nodes (" + q.quantizedCount() + ")");
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
    table(header, fitted(header, rows, 0), rows, 0, header.length - 1);
  }

  private void skipped() throws IOException {
    QuantizationResult q = report.quantization();
    if (q == null || q.skipped().isEmpty()) {
      return;
    }
    y -= 8;
    heading("Left in float (" + q.skipped().size() + ")");
    List<String[]> rows = new ArrayList<>();
    for (QuantizableNode n : q.skipped()) {
      rows.add(new String[] {n.node(), n.op(), n.reason() == null ? "" : n.reason()});
    }
    String[] header = {"Node", "Op", "Reason"};
    float[] fractions = fitted(header, rows, 2);
    // Node and Op as measured (the node name at most a third), the reason wraps in the rest.
    float node = Math.min(fractions[0], 0.34f);
    float op = Math.min(fractions[1], 0.16f);
    table(header, new float[] {node, op, 1f - node - op}, rows, 0, 2);
  }

  private void graphPages() throws IOException {
    if (graph == null || graph.boxes().isEmpty()) {
      return;
    }
    Map<String, GraphPicture.Status> statuses = GraphPicture.statuses(report);
    if (!graphFits(graph, Paper.A4) && !graphFits(graph, paperOf())) {
      y -= 8;
      heading("Graph");
      paragraph(
          fonts.regular,
          BODY,
          Color.BLACK,
          "The graph ("
              + graph.boxes().size()
              + " boxes) is too big to print legibly here; export it as a PNG image instead"
              + " (report --graph-png, or File > Export report in the window).",
          width);
      return;
    }
    double s = Math.min(1.0, width / Math.max(1, graph.width()));
    float top = paper.getHeight() - MARGIN - 28 - LEGEND_H;
    float avail = top - MARGIN - 10;
    double bandHeight = avail / s;
    int pages = (int) Math.ceil(graph.height() / bandHeight);
    for (int i = 0; i < pages; i++) {
      newPage();
      heading(pages == 1 ? "Graph" : "Graph (" + (i + 1) + " of " + pages + ")");
      if (i == 0) {
        legend();
      }
      double y0 = i * bandHeight;
      float h = (float) Math.min(avail, (graph.height() - y0) * s);
      PdfBoxGraphics2D g = new PdfBoxGraphics2D(doc, width, h);
      try {
        g.scale(s, s);
        g.translate(0, -y0);
        g.clip(new Rectangle2D.Double(0, y0, graph.width(), h / s));
        GraphPicture.draw(g, graph, statuses, new Rectangle2D.Double(0, y0, graph.width(), h / s));
      } finally {
        g.dispose();
      }
      cs.saveGraphicsState();
      cs.transform(Matrix.getTranslateInstance(MARGIN, y - h));
      cs.drawForm(g.getXFormObject());
      cs.restoreGraphicsState();
      y -= h;
    }
  }

  private Paper paperOf() {
    return paper.getHeight() == PDRectangle.LETTER.getHeight() ? Paper.LETTER : Paper.A4;
  }

  // Layout primitives

  private void newPage() throws IOException {
    close();
    page = new PDPage(paper);
    doc.addPage(page);
    cs = new PDPageContentStream(doc, page);
    y = paper.getHeight() - MARGIN;
  }

  private void close() throws IOException {
    if (cs != null) {
      cs.close();
      cs = null;
    }
  }

  /** Starts a new page when less than {@code h} points are left. */
  private boolean ensure(float h) throws IOException {
    if (y - h < MARGIN + 14) {
      newPage();
      return true;
    }
    return false;
  }

  private static final float LEGEND_H = 16;

  /** The colour key of the graph pictures, one line. */
  private void legend() throws IOException {
    String[][] keys = {
      {StatusColors.GOOD, "quantized, SQNR >= " + (int) StatusColors.GOOD_DB + " dB"},
      {StatusColors.FAIR, (int) StatusColors.FAIR_DB + "-" + (int) StatusColors.GOOD_DB + " dB"},
      {StatusColors.POOR, "< " + (int) StatusColors.FAIR_DB + " dB"},
      {StatusColors.EXCLUDED, "excluded"},
      {StatusColors.CANNOT, "left in float"},
      {StatusColors.INPUT, "input"},
      {StatusColors.WEIGHT, "weight"}
    };
    float x = MARGIN;
    float size = SMALL;
    float base = y - size - 2;
    for (String[] k : keys) {
      cs.setNonStrokingColor(Color.decode(k[0]));
      cs.setStrokingColor(Color.decode(StatusColors.STRONG_OUTLINE));
      cs.setLineWidth(0.5f);
      cs.addRect(x, base - 1, 12, size + 1);
      cs.fillAndStroke();
      x += 15;
      text(fonts.regular, size, Color.BLACK, x, base, k[1]);
      x += PdfFonts.width(fonts.regular, fonts.safe(fonts.regular, k[1]), size) + 10;
    }
    y -= LEGEND_H;
  }

  private void heading(String title) throws IOException {
    ensure(48);
    y -= 22;
    text(fonts.bold, 12, Color.BLACK, MARGIN, title);
    y -= 8;
  }

  private void text(PDFont font, float size, Color color, float x, String s) throws IOException {
    text(font, size, color, x, y, s);
  }

  private void text(PDFont font, float size, Color color, float x, float baseline, String s)
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
  private void paragraph(PDFont font, float size, Color color, String s, float w)
      throws IOException {
    for (String line : wrap(font, size, fonts.safe(font, s), w)) {
      ensure(size + 4);
      y -= size + 3;
      text(font, size, color, MARGIN, line);
    }
  }

  private static List<String> wrap(PDFont font, float size, String s, float w) {
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

  /** Label-value pairs, values wrapped. */
  private void facts(List<String[]> rows) throws IOException {
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

  /**
   * Column fractions that fit the widest cell of each column; column {@code flex} takes what the
   * others leave (at least a fifth of the width). Only the first {@code header.length} cells of a
   * row are measured, and only cells of up to {@link #MEASURED_CHARS} characters.
   */
  /** Longer cells do not widen their column in {@link #fitted}; they wrap or are cut. */
  private static final int MEASURED_CHARS = 24;

  private float[] fitted(String[] header, List<String[]> rows, int flex) {
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
  private void table(String[] header, float[] fractions, List<String[]> rows, int... wrapped)
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

  private void footers() throws IOException {
    int n = doc.getNumberOfPages();
    String file = report.model().file() == null ? "" : report.model().file();
    String model = file.substring(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
    for (int i = 0; i < n; i++) {
      PDPage p = doc.getPage(i);
      try (PDPageContentStream f =
          new PDPageContentStream(doc, p, PDPageContentStream.AppendMode.APPEND, true, true)) {
        String left = fonts.safe(fonts.regular, "QuantScope report · " + model);
        String right = "page " + (i + 1) + " of " + n;
        f.beginText();
        f.setFont(fonts.regular, SMALL);
        f.setNonStrokingColor(MUTED);
        f.newLineAtOffset(MARGIN, MARGIN - 22);
        f.showText(left);
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
