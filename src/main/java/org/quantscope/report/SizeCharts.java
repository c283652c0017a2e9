// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The model-size chart: the fp32 and the int8 model side by side, built from the two sizes in bytes
 * (a dataset, then the chart from it, as in JFreeChart's demos). Pure: nothing is drawn until the
 * caller draws the chart.
 */
public final class SizeCharts {
  private SizeCharts() {}

  /**
   * Two bars, the fp32 and the int8 model, in MB (10^6 bytes, as file managers count) with the
   * value on each bar; the subtitle says how many times smaller the int8 model is, e.g. {@code 3.9x
   * smaller}.
   *
   * @param fp32Bytes size of the fp32 model (file plus external data); negative if unknown
   * @param int8Bytes size of the int8 model; negative if unknown (e.g. not saved yet)
   */
  public static JFreeChart modelSize(long fp32Bytes, long int8Bytes) {
    return chart(dataset(fp32Bytes, int8Bytes), headline(fp32Bytes, int8Bytes));
  }

  static DefaultCategoryDataset dataset(long fp32Bytes, long int8Bytes) {
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    dataset.addValue(megabytes(fp32Bytes), "size", ChartTheme.FP32_KEY);
    dataset.addValue(megabytes(int8Bytes), "size", ChartTheme.INT8_KEY);
    return dataset;
  }

  private static JFreeChart chart(CategoryDataset dataset, String headline) {
    NumberAxis mb = new NumberAxis("size (MB)");
    Bars.ColumnPaintRenderer renderer =
        new Bars.ColumnPaintRenderer(List.of(ChartTheme.FP32, ChartTheme.INT8));
    CategoryPlot plot = new CategoryPlot(dataset, new CategoryAxis(null), mb, renderer);
    JFreeChart chart = new JFreeChart("Model size", ChartTheme.TITLE, plot, false);
    ChartTheme.apply(chart);
    plot.getDomainAxis().setTickLabelFont(ChartTheme.AXIS_LABEL);
    plot.getDomainAxis().setTickLabelPaint(ChartTheme.TEXT);
    renderer.setMaximumBarWidth(0.22);
    Bars.valueLabelsAbove(renderer, "{2} MB", dataset);
    mb.setUpperMargin(0.12);
    chart.addSubtitle(ChartTheme.subtitle(headline));
    return chart;
  }

  /** How the sizes compare, to one decimal: "3.9x smaller", "1.2x larger", or why it is unknown. */
  static String headline(long fp32Bytes, long int8Bytes) {
    if (fp32Bytes < 0 || int8Bytes < 0) {
      return fp32Bytes < 0 && int8Bytes < 0
          ? "sizes unknown"
          : (fp32Bytes < 0 ? ChartTheme.FP32_KEY : ChartTheme.INT8_KEY) + " size unknown";
    }
    if (fp32Bytes == 0 || int8Bytes == 0) {
      return "size ratio undefined (empty model)";
    }
    if (fp32Bytes == int8Bytes) {
      return "same size";
    }
    return int8Bytes < fp32Bytes
        ? Figures.ratio((double) fp32Bytes / int8Bytes, 1) + " smaller"
        : Figures.ratio((double) int8Bytes / fp32Bytes, 1) + " larger";
  }

  private static Double megabytes(long bytes) {
    return bytes < 0 ? null : bytes / Figures.BYTES_PER_MB;
  }
}
