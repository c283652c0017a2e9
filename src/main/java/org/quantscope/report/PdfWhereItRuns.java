// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import static org.quantscope.report.PdfPages.BODY;

import java.awt.Color;
import java.io.IOException;
import java.util.List;
import org.quantscope.deploy.NodeSaturation;
import org.quantscope.deploy.RuntimeSupport;
import org.quantscope.deploy.SaturationReport;

/**
 * The report's "Where it will run" section: the int8 model's ops that ONNX Runtime's targets (CPU
 * by version, onnxruntime-web, CUDA, the reduced mobile package) cannot run, run from a version on,
 * or run on the CPU instead, one line each; then the check-deploy verdict for CPUs without VNNI and
 * the nodes that saturate when it ran, or where to check them when it did not.
 */
final class PdfWhereItRuns {
  private PdfWhereItRuns() {}

  static final String TITLE = "Where it will run";

  static void write(PdfPages pages, Report report) throws IOException {
    List<RuntimeSupport.Problem> problems = report.runtimeProblems();
    Report.DeployCheck check = report.deployCheck();
    if (problems == null && check == null) {
      return;
    }
    if (problems == null) {
      problems = List.of();
    }
    pages.down(8);
    pages.ensure(30 + (problems.size() + 2) * (BODY + 3) * 2);
    pages.heading(TITLE);
    if (problems.isEmpty()) {
      pages.prose(
          pages.fonts.regular,
          BODY,
          Color.BLACK,
          "No known problem on ONNX Runtime's CPU EP, onnxruntime-web, the CUDA EP or the reduced"
              + " ORT Mobile package.",
          0);
    }
    for (RuntimeSupport.Problem p : problems) {
      pages.prose(
          pages.fonts.regular,
          BODY,
          Color.BLACK,
          p.target()
              + " ("
              + p.severity()
              + "): "
              + p.message()
              + " ("
              + Figures.count(p.nodes())
              + (p.nodes() == 1 ? " node)" : " nodes)"),
          0);
      pages.down(2);
    }
    pages.down(4);
    if (check != null) {
      saturation(pages, check);
      return;
    }
    pages.prose(
        pages.fonts.regular,
        BODY,
        PdfPages.MUTED,
        "Whether x86 CPUs without VNNI (AVX2) saturate its int8 products, and whether"
            + " --reduce-range avoids it: quantscope check-deploy MODEL.int8.onnx --float"
            + " MODEL.onnx.",
        0);
  }

  /** The check-deploy verdict, then one line per node that saturates (or the count that do not). */
  private static void saturation(PdfPages pages, Report.DeployCheck check) throws IOException {
    SaturationReport s = check.saturation();
    pages.ensure(30 + (s.nodes().size() + 3) * (BODY + 3) * 2);
    pages.prose(
        pages.fonts.bold,
        BODY,
        check.atRisk() ? new Color(0xC62828) : Color.BLACK,
        "On x86 CPUs without VNNI: " + check.verdict(),
        0);
    pages.down(2);
    pages.prose(
        pages.fonts.regular,
        BODY,
        PdfPages.MUTED,
        "Emulated on "
            + Figures.count(s.samples())
            + " samples in "
            + Figures.count(s.runs())
            + " runs, "
            + Figures.count(s.nodes().size())
            + " integer nodes.",
        0);
    int quiet = 0;
    for (NodeSaturation n : s.nodes()) {
      if (!n.saturates()) {
        quiet++;
        continue;
      }
      pages.down(2);
      pages.prose(
          pages.fonts.regular,
          BODY,
          Color.BLACK,
          Texts.clean(n.node(), 120)
              + ": "
              + Figures.count(n.saturatedPairs())
              + " pairs saturate ("
              + Figures.share(n.saturatedShare())
              + "), "
              + Figures.share(n.outputs() == 0 ? 0 : n.outputsChanged() / (double) n.outputs())
              + " of its outputs change"
              + (n.relativeError() == null
                  ? ""
                  : ", error " + Figures.share(n.relativeError()) + " of their RMS"),
          0);
    }
    if (quiet > 0) {
      pages.down(2);
      pages.prose(
          pages.fonts.regular,
          BODY,
          PdfPages.MUTED,
          Figures.count(quiet)
              + (quiet == 1 ? " other node does" : " other nodes do")
              + " not saturate.",
          0);
    }
  }
}
