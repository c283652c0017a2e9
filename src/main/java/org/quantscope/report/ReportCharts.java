// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;

/**
 * Which charts a report has, in the order the PDF's chart page and the PNG sheet show them: the
 * difference histogram, the weight error, the model size and the latency, each when the report has
 * its figures. The error trace's depth chart is drawn apart: in the PDF's section "Where the error
 * enters", and across the width of the PNG sheet.
 */
final class ReportCharts {
  private ReportCharts() {}

  /**
   * The report's charts.
   *
   * @param topWeights how many weights the weight-error chart shows at most
   */
  static List<JFreeChart> of(Report report, int topWeights) {
    List<JFreeChart> charts = new ArrayList<>();
    if (report.parity() != null) {
      charts.add(ParityCharts.differenceHistogram(report.parity()));
    }
    if (report.quantization() != null) {
      charts.add(WeightErrorCharts.weightError(report.quantization(), topWeights));
    }
    Report.Summary s = report.summary();
    if (s.fp32Bytes() != null && s.int8Bytes() != null) {
      charts.add(SizeCharts.modelSize(s.fp32Bytes(), s.int8Bytes()));
    }
    if (report.bench() != null && report.bench().models().size() >= 2) {
      charts.add(
          LatencyCharts.latency(report.bench().models().get(0), report.bench().models().get(1)));
    }
    return charts;
  }
}
