// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Set;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quantscope.TestModels;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.ParityOptions;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.runtime.Synthesizer;
import org.quantscope.trace.ErrorTrace;
import org.quantscope.trace.TraceReport;

/** The trace's charts, from a real trace of the fragile MLP. */
class TraceChartsTest {
  static TraceReport trace;

  @BeforeAll
  static void traceTheFragileMlp() throws Exception {
    OnnxModel fp32 = OnnxModel.of(TestModels.fragileMlp("fc2"));
    DynamicQuantizer.Output q =
        DynamicQuantizer.quantize(fp32, QuantizeOptions.DEFAULTS, Progress.NONE);
    trace =
        ErrorTrace.trace(
            ModelSource.of(fp32, "fp32", -1),
            ModelSource.of(q.model(), "int8", -1),
            q.result(),
            Synthesizer.synthesize(fp32, Synthesizer.Options.of(10, 7)),
            new ParityOptions(1.0, 0.3, 0.5, Set.of(), 40),
            new OrtRuntime.SessionConfig(1, OrtRuntime.OptLevel.ALL, true),
            List.of(),
            Progress.NONE);
  }

  private static void drawable(JFreeChart c) {
    BufferedImage img = Images.render(c, 800, 500);
    assertThat(img.getWidth()).isEqualTo(800);
  }

  @Test
  void depthHasEveryTensorAndMarksTheQuantizedOutputs() {
    JFreeChart c = TraceCharts.depth(trace);
    XYPlot plot = c.getXYPlot();
    assertThat(plot.getDataset().getItemCount(0)).isEqualTo(trace.tensors().size());
    assertThat(plot.getDataset().getItemCount(1)).isEqualTo(3); // h1, h2, y
    assertThat(plot.getDataset().getXValue(0, 0)).isEqualTo(0);
    assertThat(plot.getDataset().getYValue(0, 0))
        .isEqualTo(trace.tensor("h1").orElseThrow().sqnrDb());
    drawable(c);
  }

  @Test
  void introducedRanksTheCulpritFirst() {
    JFreeChart c = TraceCharts.introduced(trace, 2);
    CategoryPlot plot = c.getCategoryPlot();
    assertThat(plot.getDataset().getColumnKeys())
        .containsExactly("fc2", trace.nodes().get(1).node());
    assertThat(plot.getDataset().getValue(0, 0).doubleValue())
        .isEqualTo(100 * trace.nodes().get(0).outputShare());
    drawable(c);
  }

  @Test
  void anActivationHistogramHoldsEveryValue() {
    var a = trace.activation("r1").orElseThrow();
    JFreeChart c = TraceCharts.activation(a);
    XYPlot plot = c.getXYPlot();
    double total = 0;
    for (int i = 0; i < plot.getDataset().getItemCount(0); i++) {
      total += plot.getDataset().getYValue(0, i);
    }
    assertThat(total).isEqualTo(a.elements());
    assertThat(plot.getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND)).isNotEmpty();
    drawable(c);
  }
}
