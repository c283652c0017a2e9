// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.graph.Scope;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.OnnxModel;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.progress.Progress;

/**
 * How the quantizer quantizes one weight of a node with the given options, computed by the
 * quantizer's own code: the node's verdict, the Gemm rewrite (a transposed or folded B), the op's
 * rewrite with its weight rule from the {@link OpQuantizers} registry (type, symmetry,
 * reduce-range, channel axis), and the weight computation a run uses. The Node tab draws its
 * histogram and grid from it instead of re-deriving the rules.
 *
 * <p>The preview answers for the node as if the node filters selected it (op types, node lists and
 * the subgraph switch are not applied, so an excluded node still shows what including it would
 * give) and as if it were the first node to quantize its weights: a weight that an earlier node
 * already quantized (a table shared by a Gather and a MatMul, say) is, in a real run, reused as
 * that node quantized it.
 *
 * @param name the float constant quantized: the weight input, a Gemm's transposed B (same name) or
 *     the gemm-general extension's folded {@code <Y>_B}
 * @param perChannel whether the result counts as per channel, as the run's report says it
 * @param symmetric whether the range was made symmetric around zero
 * @param reduceRange whether the 7-bit range was used
 * @param values the float values in the order they are quantized (before LSTM's transposed
 *     storage), for a histogram
 * @param weight the 8-bit result: type, channel axis (in the dims quantized; -1 for one scale),
 *     scales, zero points (one per scale; a symmetric per-channel Conv stores the shared one once),
 *     data and dims as the quantizer stores them, and the error it introduces
 */
public record WeightPreview(
    String name,
    boolean perChannel,
    boolean symmetric,
    boolean reduceRange,
    float[] values,
    QuantizedWeight weight) {

  /** Any opset the quantizer accepts: weights do not depend on it, only the activation chain. */
  private static final long PLANNING_OPSET = 11;

  /**
   * The weights node {@code nodeIndex} of {@code scope} has quantized with {@code options}, in the
   * order its op's rewrite quantizes them (an LSTM's W, then R); empty when its op's own conditions
   * leave it in float (or it is of no quantized op type), and when its weights are not constants
   * (quantized at run time).
   *
   * @param model the model the scope belongs to, for the weights' payloads
   * @param scope the graph holding the node (the main graph or a subgraph, with its parents)
   * @throws ModelFormatException if the quantizer would fail on this weight (not a float type, a
   *     rank too small for a channel axis, a malformed payload)
   */
  public static List<WeightPreview> forNode(
      OnnxModel model, Scope scope, int nodeIndex, QuantizeOptions options)
      throws ModelFormatException {
    List<WeightJob> jobs = plan(model, scope, nodeIndex, options);
    Map<WeightJob, QuantizedWeight> computed = Weights.compute(jobs, model, Progress.NONE, null);
    List<WeightPreview> out = new ArrayList<>(jobs.size());
    for (WeightJob job : jobs) {
      QuantizedWeight w = computed.get(job);
      out.add(
          new WeightPreview(
              job.name(),
              job.perChannel(w),
              job.symmetric(),
              job.reduceRange(),
              Weights.values(job, model),
              w));
    }
    return List.copyOf(out);
  }

  /**
   * The weights a run plans for the node: the walk's verdicts up to the node decide whether its
   * op's rule accepts it, then the node is expanded and rewritten as {@link GraphQuantizer#run}
   * does, and the weights its rewrite planned are returned. Only this node's Gemm rewrite is
   * prepared (its B transposed in the graph that owns it, which may enclose the node's), so a
   * preview reads one weight, not every transposed Gemm weight of the model.
   */
  private static List<WeightJob> plan(
      OnnxModel model, Scope scope, int nodeIndex, QuantizeOptions options)
      throws ModelFormatException {
    QuantizeOptions selected =
        options.toBuilder()
            .opTypes(Set.of())
            .nodesToQuantize(Set.of())
            .nodesToExclude(Set.of())
            .enableSubgraph(true)
            .build();
    NodeProto node = scope.graph().getNode(nodeIndex);
    GemmPlan gemmPlan = GemmPlan.forNode(scope, node);
    GraphQuantizer q =
        new GraphQuantizer(
            scope,
            enclosing(model, scope.parent(), selected, gemmPlan),
            selected,
            PLANNING_OPSET,
            model::payload,
            GraphProto.newBuilder().addNode(node).build(),
            gemmPlan,
            NodeNaming.SAME);
    for (int i = 0; i < nodeIndex; i++) {
      q.walker().verdict(i);
    }
    Optional<QuantizableNode> verdict = q.walker().verdict(nodeIndex);
    if (verdict.isEmpty() || !verdict.get().willQuantize()) {
      return List.of();
    }
    List<WeightJob> jobs = new ArrayList<>();
    List<NodeProto> expanded = q.gemms().expand(node);
    for (NodeProto n : expanded) {
      if (GraphQuantizer.isTarget(node, expanded, n)) {
        jobs.addAll(OpQuantizers.forOp(n.getOpType()).quantize(n, new QuantContext(q)).weights());
      }
    }
    return jobs;
  }

  /** Quantizers of the graphs enclosing a previewed node, for their constants only. */
  private static GraphQuantizer enclosing(
      OnnxModel model, Scope scope, QuantizeOptions options, GemmPlan gemmPlan)
      throws ModelFormatException {
    if (scope == null) {
      return null;
    }
    return new GraphQuantizer(
        scope,
        enclosing(model, scope.parent(), options, gemmPlan),
        options,
        PLANNING_OPSET,
        model::payload,
        GraphProto.getDefaultInstance(),
        gemmPlan,
        NodeNaming.SAME);
  }
}
