// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quantscope.TestModels;
import org.quantscope.graph.GraphLayout;
import org.quantscope.graph.RepeatedBlocks;
import org.quantscope.graph.Scope;
import org.quantscope.model.OnnxModel;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.pipeline.Plan;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.quantize.QuantizeOptions;

/**
 * The report's collapsed boxes say what they hold, as the window's do: coloured by the worst weight
 * SQNR of the quantized nodes inside (grey when all are excluded), with "n of m quantized".
 */
class BlockColoursTest {
  private static final OnnxModel MODEL = OnnxModel.of(TestModels.bertEncoder(6, true));

  private static GraphLayout.Result collapsed() {
    Scope main = Scope.all(MODEL.graph()).get(0);
    return GraphLayout.layout(
        main,
        GraphLayout.Options.DEFAULTS,
        RepeatedBlocks.collapsed(RepeatedBlocks.find(MODEL.graph()), Map.of()),
        Progress.NONE);
  }

  /** The report of quantizing the encoder (no parity run: its fixture is for structure only). */
  private static Report quantize(QuantizeOptions options) throws Exception {
    return Pipeline.inProcess().run(Plan.quantize(MODEL, options), Progress.NONE).report();
  }

  private static GraphLayout.Box block(GraphLayout.Result r) {
    return r.boxes().stream().filter(b -> b.kind() == GraphLayout.Kind.BLOCK).findFirst().get();
  }

  @Test
  void aCollapsedBoxIsColouredByTheWorstQuantizedNodeInside() throws Exception {
    Report report = quantize(QuantizeOptions.DEFAULTS);
    GraphLayout.Result r = collapsed();
    GraphLayout.Box box = block(r);
    List<String> inside = r.inside().get(box.id());
    assertThat(inside).hasSize(6 * 62);

    // worked out here from the quantization result, node by node
    int quantized = 0;
    double worst = Double.POSITIVE_INFINITY;
    for (QuantizationResult.NodeReport n : report.quantization().quantized()) {
      if (inside.contains(n.node())) {
        quantized++;
        for (QuantizationResult.WeightReport w : n.weights()) {
          worst = Math.min(worst, w.sqnrDb());
        }
      }
    }
    long skipped =
        report.quantization().skipped().stream().filter(s -> inside.contains(s.node())).count();
    assertThat(quantized).isEqualTo(36);

    GraphPicture.Status st = GraphPicture.statuses(report, r).get(box.id());
    assertThat(st.fill()).isEqualTo(StatusColors.sqnr(worst));
    assertThat(st.note())
        .isEqualTo(
            quantized + " of " + (quantized + skipped) + " quantized, worst " + Figures.db(worst));
    // without the layout there is nothing to sum up
    assertThat(GraphPicture.statuses(report)).doesNotContainKey(box.id());

    // and the picture shows it: the front card's fill, just inside its left edge
    BufferedImage image = GraphPicture.render(r, GraphPicture.statuses(report, r));
    double s = GraphPicture.imageScale(r);
    int x = (int) Math.round((box.x() + 4) * s);
    int y = (int) Math.round((box.y() + box.height() / 2) * s);
    assertThat(new Color(image.getRGB(x, y))).isEqualTo(Color.decode(st.fill()));
  }

  @Test
  void aBoxWhoseNodesAreAllExcludedIsGrey() throws Exception {
    GraphLayout.Result r = collapsed();
    GraphLayout.Box box = block(r);
    Set<String> exclude = new HashSet<>();
    for (String id : r.inside().get(box.id())) {
      if (id.endsWith("MatMul")) {
        exclude.add(id);
      }
    }
    Report report = quantize(QuantizeOptions.builder().nodesToExclude(exclude).build());
    GraphPicture.Status st = GraphPicture.statuses(report, r).get(box.id());
    assertThat(st.fill()).isEqualTo(StatusColors.EXCLUDED);
    assertThat(st.note()).startsWith("0 of ").contains(exclude.size() + " excluded");
  }
}
