// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.awt.Paint;
import java.util.List;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.CategoryDataset;

/**
 * Pieces the bar charts share: a renderer with one paint per bar, and value labels above the bars
 * with as many decimals as the largest value needs ({@link Figures#decimals}).
 */
final class Bars {
  private Bars() {}

  /** A bar renderer with one paint per category (column), for single-series charts. */
  static final class ColumnPaintRenderer extends BarRenderer {
    private final List<Paint> paints;

    ColumnPaintRenderer(List<? extends Paint> paints) {
      this.paints = List.copyOf(paints);
    }

    @Override
    public Paint getItemPaint(int row, int column) {
      return column < paints.size() ? paints.get(column) : super.getItemPaint(row, column);
    }
  }

  /**
   * Labels every bar with its value above it, written with {@code format} ({@code {2}} is the
   * value) in the decimals the dataset's largest value needs.
   */
  static void valueLabelsAbove(BarRenderer renderer, String format, CategoryDataset dataset) {
    renderer.setDefaultItemLabelGenerator(
        new StandardCategoryItemLabelGenerator(format, Figures.decimals(max(dataset))));
    renderer.setDefaultItemLabelsVisible(true);
    renderer.setDefaultPositiveItemLabelPosition(
        new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER));
  }

  /** The largest absolute value in the dataset, 0 when it is empty. */
  static double max(CategoryDataset dataset) {
    double max = 0;
    for (int r = 0; r < dataset.getRowCount(); r++) {
      for (int c = 0; c < dataset.getColumnCount(); c++) {
        Number v = dataset.getValue(r, c);
        if (v != null) {
          max = Math.max(max, Math.abs(v.doubleValue()));
        }
      }
    }
    return max;
  }
}
