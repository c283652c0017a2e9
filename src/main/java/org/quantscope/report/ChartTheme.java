// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GraphicsEnvironment;
import java.awt.Paint;
import java.awt.Stroke;
import java.util.Arrays;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.title.Title;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleInsets;

/**
 * The one look of every QuantScope chart: white background, light grey grid, DejaVu Sans (or the
 * logical SansSerif font where it is not installed), fp32 in blue and int8 in orange, flat bars
 * without 3D, gradients or shadows, anti-aliased lines and text. Font sizes are in points and read
 * well in a 800 x 500 pixel PNG, in the window and on an A4 page.
 */
final class ChartTheme {
  /** The fp32 (reference) model. */
  static final Color FP32 = new Color(0x4C78A8);

  /** The int8 (candidate) model. */
  static final Color INT8 = new Color(0xF58518);

  /** A lighter int8 for bars that stand for a capped value. */
  static final Color INT8_LIGHT = new Color(0xFBC48E);

  /** A verdict that passed. */
  static final Color PASS = new Color(0x2E7D32);

  /** A verdict that failed, and the tolerance it is held against. */
  static final Color FAIL = new Color(0xC62828);

  /** Series and category key of the fp32 (reference) model. */
  static final String FP32_KEY = "fp32";

  /** Series and category key of the int8 (candidate) model. */
  static final String INT8_KEY = "int8";

  /** Category labels longer than this (in characters) are shortened, see {@link Texts#shorten}. */
  static final int MAX_LABEL_CHARS = 40;

  /** Between the parts of a subtitle line. */
  static final String SEPARATOR = "  \u00b7  ";

  static final Color TEXT = new Color(0x222222);
  static final Color MUTED = new Color(0x595959);
  static final Color GRID = new Color(0xDDDDDD);
  static final Color AXIS_LINE = new Color(0x9E9E9E);

  static final String FAMILY = family();

  static final Font TITLE = new Font(FAMILY, Font.BOLD, 18);
  static final Font VERDICT = new Font(FAMILY, Font.BOLD, 26);
  static final Font SUBTITLE = new Font(FAMILY, Font.PLAIN, 14);
  static final Font DETAIL = new Font(FAMILY, Font.PLAIN, 12);
  static final Font AXIS_LABEL = new Font(FAMILY, Font.PLAIN, 13);
  static final Font TICK_LABEL = new Font(FAMILY, Font.PLAIN, 12);
  static final Font ITEM_LABEL = new Font(FAMILY, Font.PLAIN, 12);

  private ChartTheme() {}

  /**
   * Applies the look to a freshly built chart. Call it before the chart-specific touches (series
   * colours, markers, a coloured title, subtitles): the theme resets fonts and paints of what the
   * chart holds at that moment.
   */
  static void apply(JFreeChart chart) {
    theme().apply(chart);
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    chart.setBackgroundPaint(Color.WHITE);
    chart.setPadding(new RectangleInsets(8, 10, 8, 14));
    chart.getTitle().setMargin(new RectangleInsets(0, 0, 4, 0));
    LegendTitle legend = chart.getLegend();
    if (legend != null) {
      legend.setFrame(BlockBorder.NONE);
      legend.setItemFont(TICK_LABEL);
      legend.setItemPaint(TEXT);
    }
    Plot plot = chart.getPlot();
    plot.setOutlineVisible(false);
    plot.setNoDataMessageFont(SUBTITLE);
    plot.setNoDataMessagePaint(MUTED);
    plot.setInsets(new RectangleInsets(6, 4, 4, 8));
    if (plot instanceof CategoryPlot p) {
      p.setDomainGridlinesVisible(false);
      p.setRangeGridlinesVisible(true);
      p.setRangeGridlineStroke(new BasicStroke(1f));
      style(p.getDomainAxis());
      style(p.getRangeAxis());
      p.getDomainAxis().setTickMarksVisible(false);
    } else if (plot instanceof XYPlot p) {
      p.setDomainGridlinesVisible(false);
      p.setRangeGridlinesVisible(true);
      p.setRangeGridlineStroke(new BasicStroke(1f));
      style(p.getDomainAxis());
      style(p.getRangeAxis());
    }
  }

  /** A subtitle line under the title: the chart's headline number. */
  static TextTitle subtitle(String text) {
    return line(text, SUBTITLE, TEXT);
  }

  /** A smaller grey line: what the numbers were measured on. */
  static TextTitle detail(String text) {
    return line(text, DETAIL, MUTED);
  }

  /** The text of every {@link TextTitle} subtitle, in order (for tests and PDF captions). */
  static String subtitles(JFreeChart chart) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < chart.getSubtitleCount(); i++) {
      Title t = chart.getSubtitle(i);
      if (t instanceof TextTitle tt) {
        sb.append(sb.length() == 0 ? "" : "\n").append(tt.getText());
      }
    }
    return sb.toString();
  }

  private static TextTitle line(String text, Font font, Paint paint) {
    TextTitle title = new TextTitle(text, font);
    title.setPaint(paint);
    title.setHorizontalAlignment(HorizontalAlignment.CENTER);
    title.setMargin(new RectangleInsets(1, 0, 2, 0));
    return title;
  }

  private static void style(Axis axis) {
    if (axis == null) {
      return;
    }
    axis.setLabelFont(AXIS_LABEL);
    axis.setLabelPaint(TEXT);
    axis.setTickLabelFont(TICK_LABEL);
    axis.setTickLabelPaint(MUTED);
    axis.setAxisLinePaint(AXIS_LINE);
    axis.setTickMarkPaint(AXIS_LINE);
  }

  private static StandardChartTheme theme() {
    StandardChartTheme t = new StandardChartTheme("QuantScope", false);
    t.setExtraLargeFont(TITLE);
    t.setLargeFont(AXIS_LABEL);
    t.setRegularFont(TICK_LABEL);
    t.setSmallFont(DETAIL);
    t.setTitlePaint(TEXT);
    t.setSubtitlePaint(MUTED);
    t.setChartBackgroundPaint(Color.WHITE);
    t.setLegendBackgroundPaint(Color.WHITE);
    t.setLegendItemPaint(TEXT);
    t.setPlotBackgroundPaint(Color.WHITE);
    t.setPlotOutlinePaint(GRID);
    t.setDomainGridlinePaint(GRID);
    t.setRangeGridlinePaint(GRID);
    t.setBaselinePaint(AXIS_LINE);
    t.setAxisLabelPaint(TEXT);
    t.setTickLabelPaint(MUTED);
    t.setItemLabelPaint(TEXT);
    t.setAxisOffset(RectangleInsets.ZERO_INSETS);
    t.setBarPainter(new StandardBarPainter());
    t.setXYBarPainter(new StandardXYBarPainter());
    t.setShadowVisible(false);
    Paint[] series = {FP32, INT8, PASS, FAIL, MUTED};
    t.setDrawingSupplier(
        new DefaultDrawingSupplier(
            series,
            new Paint[] {Color.WHITE},
            series,
            new Stroke[] {new BasicStroke(1.5f)},
            new Stroke[] {new BasicStroke(0.5f)},
            DefaultDrawingSupplier.createStandardSeriesShapes()));
    return t;
  }

  /** DejaVu Sans when installed (the same glyphs on every Linux desktop), else SansSerif. */
  private static String family() {
    String[] names =
        GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames(Locale.ROOT);
    return Arrays.asList(names).contains("DejaVu Sans") ? "DejaVu Sans" : Font.SANS_SERIF;
  }
}
