// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.SaveOptions;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.OperatorSetIdProto;
import org.quantscope.onnx.StringStringEntryProto;
import org.quantscope.progress.Cancellation;
import org.quantscope.progress.Progress;

/**
 * ONNX Runtime's {@code quantize_dynamic}, reimplemented: the same node selection, rewrites, names,
 * initializer encoding and order, weight bytes and node order (see the spec). Weights are quantized
 * in parallel, straight from the memory-mapped model.
 *
 * <p>This is the driver. It checks the model (verdicts, opset), then hands each step to its class:
 * {@link GraphQuantizer} walks and rewrites every graph with the op quantizers of the {@link
 * OpQuantizers} registry, planning the weights; {@link Weights} computes them; {@link
 * GraphAssembler} builds the new graph; {@link ResultBuilder} says what was done. It then stamps
 * the model as ORT does (producer, metadata, the com.microsoft opset).
 */
public final class DynamicQuantizer {
  private DynamicQuantizer() {}

  /** The quantized model (in memory) and what was done. */
  public record Output(OnnxModel model, QuantizationResult result) {}

  /**
   * Quantizes in memory.
   *
   * @throws NothingToQuantizeException if no node would be quantized
   * @throws ModelFormatException if the model cannot be quantized (an opset conversion that fails,
   *     bad weights)
   * @throws java.util.concurrent.CancellationException if the thread was interrupted
   */
  public static Output quantize(OnnxModel model, QuantizeOptions options, Progress progress)
      throws ModelFormatException, NothingToQuantizeException {
    return quantize(model, options, progress, null);
  }

  /**
   * Quantizes in memory, taking weights already computed for this model from {@code cache} and
   * adding the new ones to it; the output is the same as without a cache. Meant for quantizing many
   * node subsets of one model.
   *
   * @param cache weights of earlier runs on the same model, or null
   * @throws NothingToQuantizeException if no node would be quantized
   * @throws ModelFormatException if the model cannot be quantized (an opset conversion that fails,
   *     bad weights)
   * @throws java.util.concurrent.CancellationException if the thread was interrupted
   */
  public static Output quantize(
      OnnxModel model, QuantizeOptions options, Progress progress, WeightCache cache)
      throws ModelFormatException, NothingToQuantizeException {
    try {
      return quantizeChecked(model, options, progress, cache);
    } catch (InternalError e) {
      // a fault reading a memory-mapped weight: its file was truncated after it was opened
      model.checkUnchanged();
      throw e;
    }
  }

  private static Output quantizeChecked(
      OnnxModel model, QuantizeOptions options, Progress progress, WeightCache cache)
      throws ModelFormatException, NothingToQuantizeException {
    model.checkUnchanged();
    OpsetUpgrade.Upgrade upgrade = OpsetUpgrade.upgrade(model.proto());
    ModelProto p = upgrade.model();

    // The graph quantizer asks every node for its verdict as it goes, so a model where none
    // qualifies is known once it has run; the verdicts are walked again only to say why.
    GraphQuantizer g;
    try {
      long opset = defaultOpset(p);
      g = new GraphQuantizer(p.getGraph(), options, opset, model::payload, upgrade.naming());
      g.run(progress);
    } catch (ModelFormatException e) {
      refuseIfNothingQualifies(p, options, upgrade.naming()); // that says more than the rewrite
      throw e;
    }
    if (g.all().stream().allMatch(q -> q.pendingReports().isEmpty())) {
      refuseIfNothingQualifies(p, options, upgrade.naming());
    }

    Map<WeightJob, QuantizedWeight> computed =
        Weights.compute(Weights.planned(g), model, progress, cache);

    GraphProto graph = GraphAssembler.assemble(g, computed);
    ModelProto.Builder out = p.toBuilder().setGraph(graph);
    out.setProducerName("onnx.quantize").setProducerVersion("0.1.0");
    setMetadata(out, "onnx.infer", "onnxruntime.quant");
    boolean microsoft =
        graph.getNodeList().stream().anyMatch(n -> n.getDomain().equals("com.microsoft"));
    boolean imported =
        out.getOpsetImportList().stream().anyMatch(o -> o.getDomain().equals("com.microsoft"));
    if (microsoft && !imported) {
      out.addOpsetImport(
          OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1).build());
    }

    QuantizationResult result = ResultBuilder.build(g, computed);
    return new Output(model.withProto(out.build()), result);
  }

  /** Throws when none of the model's candidate nodes will be quantized, saying why. */
  private static void refuseIfNothingQualifies(
      ModelProto p, QuantizeOptions options, NodeNaming naming) throws NothingToQuantizeException {
    List<QuantizableNode> verdicts =
        Quantizability.classify(p.getGraph(), options.criteria(), naming);
    if (verdicts.stream().noneMatch(QuantizableNode::willQuantize)) {
      throw new NothingToQuantizeException(nothingToQuantize(verdicts));
    }
  }

  /**
   * Quantizes and writes the result atomically to {@code target}, with file sizes in the result.
   */
  public static Output quantizeTo(
      OnnxModel model, QuantizeOptions options, Path target, SaveOptions save, Progress progress)
      throws IOException, NothingToQuantizeException {
    Output o = quantize(model, options, progress);
    Cancellation.check();
    ModelFiles.Saved saved = ModelFiles.save(o.model(), target, save);
    QuantizationResult r =
        o.result().withFileSizes(ModelFiles.sizeOnDisk(model), saved.totalBytes());
    return new Output(o.model(), r);
  }

  private static String nothingToQuantize(List<QuantizableNode> verdicts) {
    if (verdicts.isEmpty()) {
      List<String> ops = OpQuantizers.quantizableOpTypes();
      return "nothing to quantize: the model has no "
          + String.join(", ", ops.subList(0, ops.size() - 1))
          + " or "
          + ops.get(ops.size() - 1)
          + " node";
    }
    Map<String, Integer> reasons = new LinkedHashMap<>();
    for (QuantizableNode v : verdicts) {
      reasons.merge(v.op() + " " + v.node() + ": " + v.reason(), 1, Integer::sum);
    }
    StringBuilder sb =
        new StringBuilder("nothing to quantize: none of the ")
            .append(verdicts.size())
            .append(" candidate nodes qualifies (");
    int shown = 0;
    for (String r : reasons.keySet()) {
      if (shown++ == 3) {
        sb.append("; ...");
        break;
      }
      if (shown > 1) {
        sb.append("; ");
      }
      sb.append(r);
    }
    return sb.append(")").toString();
  }

  /**
   * The ai.onnx opset; ORT requires exactly one import, and converts models below opset 10 to opset
   * 11 ({@link OpsetUpgrade}) before it quantizes.
   */
  private static long defaultOpset(ModelProto p) throws ModelFormatException {
    List<OperatorSetIdProto> ai = new ArrayList<>();
    for (OperatorSetIdProto o : p.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        ai.add(o);
      }
    }
    if (ai.size() != 1) {
      throw new ModelFormatException(
          "the model imports the ai.onnx opset "
              + ai.size()
              + " times; ONNX Runtime's quantizer needs exactly one import");
    }
    return ai.get(0).getVersion();
  }

  private static void setMetadata(ModelProto.Builder m, String key, String value) {
    for (int i = 0; i < m.getMetadataPropsCount(); i++) {
      if (m.getMetadataProps(i).getKey().equals(key)) {
        m.setMetadataProps(i, m.getMetadataProps(i).toBuilder().setValue(value));
        return;
      }
    }
    m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value));
  }
}
