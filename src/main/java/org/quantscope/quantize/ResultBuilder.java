// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.Tensors;

/** Builds the {@link QuantizationResult} of a run from the rewrites and the computed weights. */
final class ResultBuilder {
  private ResultBuilder() {}

  /**
   * The result of a run: one report per rewritten node in walk order with the weights it quantized
   * first (a shared weight is counted once), the skipped candidates, and the byte totals.
   */
  static QuantizationResult build(GraphQuantizer g, Map<WeightJob, QuantizedWeight> computed)
      throws ModelFormatException {
    List<QuantizationResult.NodeReport> nodes = new ArrayList<>();
    long before = 0;
    long after = 0;
    List<QuantizableNode> skipped = new ArrayList<>();
    Set<String> reported = new HashSet<>();
    List<GraphQuantizer.PendingReport> pending = new ArrayList<>();
    for (GraphQuantizer q : g.all()) {
      pending.addAll(q.pendingReports());
      skipped.addAll(q.skipped());
    }
    for (GraphQuantizer.PendingReport r : pending) {
      List<QuantizationResult.WeightReport> weights = new ArrayList<>();
      for (WeightJob j : r.weights()) {
        QuantizedWeight w = computed.get(j);
        if (w == null || !reported.add(j.name())) {
          continue;
        }
        long b = Tensors.dataBytes(j.source());
        int scaleBytes = j.scaleType() == ElementType.FLOAT16 ? 2 : 4;
        long a = w.data().length + (long) w.scales().length * (scaleBytes + 1);
        before += b;
        after += a;
        List<Long> dims = new ArrayList<>();
        for (long d : w.dims()) {
          dims.add(d);
        }
        weights.add(
            new QuantizationResult.WeightReport(
                j.name(),
                dims,
                j.type().elementType().onnxName(),
                j.perChannel(w),
                w.scales().length,
                w.minScale(),
                w.maxScale(),
                w.maxAbsError(),
                w.sqnrDb(),
                b,
                a));
      }
      QuantizableNode v = r.verdict();
      nodes.add(
          new QuantizationResult.NodeReport(v.node(), v.op(), v.graph(), r.action(), weights));
    }
    return new QuantizationResult(nodes, List.copyOf(skipped), before, after, -1, -1);
  }
}
