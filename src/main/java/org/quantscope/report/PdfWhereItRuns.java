// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import static org.quantscope.report.PdfPages.BODY;

import java.awt.Color;
import java.io.IOException;
import java.util.List;
import org.quantscope.deploy.RuntimeSupport;

/**
 * The report's "Where it will run" section: the int8 model's ops that ONNX Runtime's targets (CPU
 * by version, onnxruntime-web, CUDA, the reduced mobile package) cannot run, run from a version on,
 * or run on the CPU instead, one line each, and where to check the CPUs without VNNI. Reports on a
 * given int8 model (not read) write nothing.
 */
final class PdfWhereItRuns {
  private PdfWhereItRuns() {}

  static final String TITLE = "Where it will run";

  static void write(PdfPages pages, Report report) throws IOException {
    List<RuntimeSupport.Problem> problems = report.runtimeProblems();
    if (problems == null) {
      return;
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
    pages.prose(
        pages.fonts.regular,
        BODY,
        PdfPages.MUTED,
        "Whether x86 CPUs without VNNI (AVX2) saturate its int8 products, and whether"
            + " --reduce-range avoids it: quantscope check-deploy MODEL.int8.onnx --float"
            + " MODEL.onnx.",
        0);
  }
}
