// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import static org.quantscope.report.PdfPages.BODY;
import static org.quantscope.report.PdfPages.MARGIN;
import static org.quantscope.report.PdfPages.MUTED;
import static org.quantscope.report.PdfPages.SMALL;

import java.awt.Color;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.quantscope.bench.Environment;
import org.quantscope.graph.ModelSummary;

/**
 * The PDF report's first section: the title, the verdict in a coloured box with its line of
 * figures, the summary table (size, quantized nodes, differences against the tolerances, latency),
 * then the environment, the model, the options and the warnings. It runs on over the next page when
 * a long model or option list needs it.
 */
final class PdfFirstPage {
  private final PdfPages pages;
  private final PdfFonts fonts;
  private final Report report;

  private PdfFirstPage(PdfPages pages, Report report) {
    this.pages = pages;
    this.fonts = pages.fonts;
    this.report = report;
  }

  /** Writes the section from the cursor on. */
  static void write(PdfPages pages, Report report) throws IOException {
    new PdfFirstPage(pages, report).write();
  }

  private void write() throws IOException {
    pages.text(fonts.regular, SMALL, MUTED, MARGIN, "QuantScope report");
    pages.down(14);
    pages.paragraph(fonts.bold, 17, Color.BLACK, report.title(), pages.width);
    pages.down(16);
    Environment env = report.environment();
    pages.text(
        fonts.regular,
        BODY,
        MUTED,
        MARGIN,
        "Created "
            + created()
            + "  ·  QuantScope "
            + report.quantscopeVersion()
            + (env == null ? "" : "  ·  ONNX Runtime " + env.ortVersion()));
    pages.down(18);
    verdict();
    pages.down(10);
    summaryTable();
    samplesLine();
    traceLine();
    if (env != null) {
      environment(env);
    }
    model();
    options();
    warnings();
  }

  private String created() {
    try {
      return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
          .format(Instant.parse(report.created()).atOffset(ZoneOffset.UTC));
    } catch (DateTimeParseException | NullPointerException e) {
      return String.valueOf(report.created());
    }
  }

  private void verdict() throws IOException {
    Report.Summary s = report.summary();
    Color fill =
        switch (s.verdict()) {
          case Report.PASSED -> new Color(0x2E7D32);
          case Report.FAILED -> new Color(0xC62828);
          default -> new Color(0x6b7280);
        };
    float width = pages.width;
    float vw = PdfFonts.width(fonts.bold, s.verdict(), 20);
    float textX = MARGIN + 28 + vw;
    List<String> lines =
        PdfPages.wrap(
            fonts.regular,
            BODY,
            fonts.safe(fonts.regular, ReportPdf.verdictLine(report)),
            MARGIN + width - 12 - textX);
    float h = Math.max(40, 16 + lines.size() * (BODY + 3));
    float y = pages.y();
    pages.fillRect(MARGIN, y - h, width, h, fill);
    pages.text(fonts.bold, 20, Color.WHITE, MARGIN + 12, y - h / 2 - 7, s.verdict());
    float first = y - h / 2 + (lines.size() - 1) * (BODY + 3) / 2f - BODY / 2 + 1;
    for (int i = 0; i < lines.size(); i++) {
      pages.text(fonts.regular, BODY, Color.WHITE, textX, first - i * (BODY + 3), lines.get(i));
    }
    pages.down(h);
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
    pages.table(
        new String[] {"", "fp32 / limit", "int8", ""},
        new float[] {0.28f, 0.26f, 0.26f, 0.20f},
        rows);
  }

  /**
   * The samples the verdict holds for: how many, in runs of what batch, and where they came from
   * (two verdicts compare only on the same).
   */
  private void samplesLine() throws IOException {
    if (report.parity() == null) {
      return;
    }
    pages.down(4);
    pages.prose(
        fonts.regular,
        BODY,
        Color.BLACK,
        "Samples: " + Texts.clean(report.parity().describeRuns()) + "." + metricText(),
        0);
  }

  /**
   * What the verdict judged when it is not the |d| of the table above: " Verdict by the row cosine:
   * min 0.998712 (tolerance 0.99), mean 0.999501."
   */
  private String metricText() {
    org.quantscope.parity.ParityReport p = report.parity();
    if ("cosine".equals(p.metric()) && p.rowCosineMin() != null) {
      return " Verdict by the row cosine: min "
          + Figures.cosine(p.rowCosineMin())
          + " (tolerance "
          + Figures.number(p.metricTol())
          + "), mean "
          + Figures.cosine(p.rowCosineMean())
          + ".";
    }
    if ("top1".equals(p.metric()) && p.top1Agreement() != null) {
      return " Verdict by top-1 decisions: "
          + Figures.share(p.top1Agreement())
          + " agree (tolerance "
          + Figures.share(p.metricTol())
          + ").";
    }
    return "";
  }

  /** Where the most error enters, when the error was traced, and where to read on. */
  private void traceLine() throws IOException {
    List<Report.TopNode> top = report.summary().topNodes();
    if (report.trace() == null || top == null) {
      return;
    }
    boolean failed = Report.FAILED.equals(report.summary().verdict());
    String text;
    if (top.isEmpty()) {
      text = "The error trace found no quantized node that makes error of its own.";
    } else {
      Report.TopNode n = top.get(0);
      text =
          "Most error enters at "
              + Texts.clean(n.node())
              + " ("
              + Texts.clean(n.op())
              + ", "
              + n.figures()
              + "); see \u201c"
              + PdfTracePages.TITLE
              + "\u201d"
              + (failed ? ", and \u201c" + PdfWhatToDo.TITLE + "\u201d at the end." : ".");
    }
    pages.down(4);
    pages.prose(fonts.regular, BODY, Color.BLACK, text, 0);
  }

  private static double pick(Report.Latency l, String p) {
    return switch (p) {
      case "50" -> l.p50();
      case "90" -> l.p90();
      default -> l.p99();
    };
  }

  private void environment(Environment env) throws IOException {
    pages.heading("Environment");
    pages.facts(
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

  private void model() throws IOException {
    Report.ModelFacts m = report.model();
    pages.heading("Model");
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
    pages.facts(rows);
  }

  private static String values(List<ModelSummary.ValueSummary> vs) {
    List<String> parts = new ArrayList<>();
    for (var v : vs) {
      parts.add(v.name() + " " + v.type() + " " + Figures.shape(v.shape()));
    }
    return String.join("; ", parts);
  }

  private void options() throws IOException {
    Report.Settings s = report.settings();
    pages.heading("Options");
    if (s == null) {
      pages.facts(
          List.<String[]>of(
              new String[] {"", "An existing int8 model was compared; its options are unknown."}));
      return;
    }
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
          "Excluded", s.nodesToExclude().isEmpty() ? "none" : String.join(", ", s.nodesToExclude())
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
    pages.facts(o);
  }

  /** The parity and benchmark warnings, each once. */
  private void warnings() throws IOException {
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
      pages.heading("Warnings");
      for (String w : warnings) {
        pages.paragraph(fonts.regular, BODY, Color.BLACK, "• " + w, pages.width);
        pages.down(3);
      }
    }
  }
}
