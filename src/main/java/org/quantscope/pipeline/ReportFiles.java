// SPDX-License-Identifier: Apache-2.0
package org.quantscope.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.quantscope.graph.GraphLayout;
import org.quantscope.graph.Scope;
import org.quantscope.model.OnnxModel;
import org.quantscope.progress.Cancellation;
import org.quantscope.progress.Progress;
import org.quantscope.report.Report;
import org.quantscope.report.ReportJson;
import org.quantscope.report.ReportPdf;
import org.quantscope.report.ReportPng;

/**
 * Writes a report in the formats asked for: the graph is laid out once when a format draws it (the
 * PDF and the graph PNG), then each file is written atomically. The command line's {@code report}
 * and the window's <i>Export report</i> both come here.
 *
 * @param json the report as JSON, or null
 * @param pdf the report as PDF, or null
 * @param chartsPng the charts as one PNG, or null
 * @param graphPng the graph, coloured by the results, as PNG, or null
 * @param paper the PDF's paper size
 */
public record ReportFiles(
    Path json, Path pdf, Path chartsPng, Path graphPng, ReportPdf.Paper paper) {

  /** The files in the order they are written. */
  public List<Path> targets() {
    List<Path> out = new ArrayList<>();
    for (Path p : new Path[] {json, pdf, chartsPng, graphPng}) {
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * Writes every file asked for.
   *
   * @param model the float model whose graph the PDF and the graph PNG draw
   * @return the files written, in order
   */
  public List<Path> write(Report report, OnnxModel model, Progress progress) throws IOException {
    int total = targets().size() + 1;
    GraphLayout.Result layout = null;
    if (pdf != null || graphPng != null) {
      progress.report(0, total, "Laying out the graph");
      // a graph too big to print legibly is drawn with its repeated blocks collapsed
      layout =
          GraphLayout.layoutLegible(
              Scope.all(model.graph()).get(0),
              GraphLayout.Options.DEFAULTS,
              r -> ReportPdf.graphFits(r, paper == null ? ReportPdf.Paper.A4 : paper),
              Progress.NONE);
    }
    List<Path> written = new ArrayList<>();
    if (json != null) {
      step(written, json, total, progress);
      ReportJson.write(report, json);
    }
    if (pdf != null) {
      step(written, pdf, total, progress);
      ReportPdf.write(report, layout, paper, pdf);
    }
    if (chartsPng != null) {
      step(written, chartsPng, total, progress);
      ReportPng.writeCharts(report, chartsPng);
    }
    if (graphPng != null) {
      step(written, graphPng, total, progress);
      ReportPng.writeGraph(report, layout, graphPng);
    }
    progress.report(total, total, "Done");
    return written;
  }

  private static void step(List<Path> written, Path target, int total, Progress progress) {
    Cancellation.check();
    progress.report(written.size() + 1, total, "Writing " + target.getFileName());
    written.add(target);
  }
}
