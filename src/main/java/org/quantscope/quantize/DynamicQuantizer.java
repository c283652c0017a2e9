// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.graph.Scope;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.SaveOptions;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.OperatorSetIdProto;
import org.quantscope.onnx.StringStringEntryProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.onnx.ValueInfoProto;
import org.quantscope.progress.Cancellation;
import org.quantscope.progress.Progress;

/**
 * ONNX Runtime's {@code quantize_dynamic}, reimplemented: the same node selection, rewrites, names,
 * initializer encoding and order, weight bytes and node order (see the spec). Weights are quantized
 * in parallel, straight from the memory-mapped model.
 */
public final class DynamicQuantizer {
  private DynamicQuantizer() {}

  /** The quantized model (in memory) and what was done. */
  public record Output(OnnxModel model, QuantizationResult result) {}

  /**
   * Quantizes in memory.
   *
   * @throws NothingToQuantizeException if no node would be quantized
   * @throws ModelFormatException if the model cannot be quantized (opset below 10, bad weights)
   * @throws CancellationException if the thread was interrupted
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
   * @throws ModelFormatException if the model cannot be quantized (opset below 10, bad weights)
   * @throws CancellationException if the thread was interrupted
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
    ModelProto p = model.proto();
    List<QuantizableNode> verdicts = Quantizability.classify(p.getGraph(), options.criteria());
    if (verdicts.stream().noneMatch(QuantizableNode::willQuantize)) {
      throw new NothingToQuantizeException(nothingToQuantize(verdicts));
    }
    long opset = defaultOpset(p);

    GraphQuantizer g = new GraphQuantizer(p.getGraph(), options, opset, model::payload);
    g.run(progress);

    Map<WeightJob, QuantizedWeight> computed = computeWeights(g, model, progress, cache);

    GraphProto graph = assemble(p, g, computed);
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

    QuantizationResult result = report(g, computed);
    return new Output(model.withProto(out.build()), result);
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

  /** The ai.onnx opset; ORT requires exactly one and quantizes from opset 10 on. */
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
    long v = ai.get(0).getVersion();
    if (v < 10) {
      throw new ModelFormatException(
          "the model uses opset "
              + v
              + "; dynamic quantization needs opset 10 or newer (ONNX Runtime converts older"
              + " models to opset 11 first): convert it, e.g. with onnx.version_converter, and"
              + " try again");
    }
    return v;
  }

  /**
   * Computes every planned weight that {@code cache} does not hold, in parallel over slices of all
   * of them (see {@link WeightQuantizer}); cancellation is checked before and after.
   */
  private static Map<WeightJob, QuantizedWeight> computeWeights(
      GraphQuantizer g, OnnxModel model, Progress progress, WeightCache cache)
      throws ModelFormatException {
    Set<WeightJob> unique = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    List<WeightJob> jobs = new ArrayList<>();
    for (GraphQuantizer q : g.all()) {
      for (Rewrite.Slot s : q.slots()) {
        if (s instanceof Rewrite.Slot.Part part && unique.add(part.job())) {
          jobs.add(part.job());
        }
      }
    }
    Map<WeightJob, QuantizedWeight> plain = new IdentityHashMap<>();
    List<WeightJob> missing = new ArrayList<>();
    List<WeightQuantizer.Spec> specs = new ArrayList<>(jobs.size());
    for (WeightJob job : jobs) {
      QuantizedWeight known = cache == null ? null : cache.get(job);
      if (known != null) {
        plain.put(job, known);
      } else {
        missing.add(job);
        specs.add(spec(job, model));
      }
    }
    Cancellation.check();
    progress.report(0, jobs.size(), "quantizing " + missing.size() + " weights");
    List<QuantizedWeight> results = WeightQuantizer.quantizeAll(specs, true);
    Cancellation.check();
    progress.report(jobs.size(), jobs.size(), "quantized " + missing.size() + " weights");
    for (int i = 0; i < missing.size(); i++) {
      plain.put(missing.get(i), results.get(i));
      if (cache != null) {
        cache.put(missing.get(i), results.get(i));
      }
    }
    Map<WeightJob, QuantizedWeight> out = new IdentityHashMap<>();
    for (WeightJob job : jobs) {
      QuantizedWeight w = plain.get(job);
      out.put(job, job.lstmTranspose() ? lstmLayout(job, w) : w);
    }
    return out;
  }

  private static WeightQuantizer.Spec spec(WeightJob job, OnnxModel model)
      throws ModelFormatException {
    TensorProto t = job.source();
    ElementType type = Tensors.elementType(t);
    FloatBuffer values;
    if (type == ElementType.FLOAT) {
      ByteBuffer b = model.payload(t).duplicate().order(ByteOrder.LITTLE_ENDIAN);
      values = b.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    } else if (type.isFloatingPoint()) {
      values = FloatBuffer.wrap(model.floats(t));
    } else {
      throw new ModelFormatException(
          "weight '" + t.getName() + "' is " + type.onnxName() + ", expected a float type");
    }
    return new WeightQuantizer.Spec(
        values,
        job.quantDims(),
        job.axis(),
        job.type(),
        job.symmetric(),
        job.reduceRange(),
        Double.NaN);
  }

  /** LSTM weights are stored transposed from [dirs, 4H, K] to [dirs, K, 4H]. */
  private static QuantizedWeight lstmLayout(WeightJob job, QuantizedWeight w) {
    long[] d = Tensors.dims(job.source());
    int dirs = (int) d[0];
    int rows = (int) d[1];
    int k = (int) d[2];
    byte[] src = w.data();
    byte[] dst = new byte[src.length];
    for (int dir = 0; dir < dirs; dir++) {
      int base = dir * rows * k;
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < k; c++) {
          dst[base + c * rows + r] = src[base + r * k + c];
        }
      }
    }
    return new QuantizedWeight(
        new long[] {dirs, k, rows},
        w.type(),
        w.axis(),
        w.scales(),
        w.zeroPoints(),
        dst,
        w.maxAbsError(),
        w.sqnrDb());
  }

  /** The rewritten graph: new nodes in ORT's order, surviving and new initializers. */
  private static GraphProto assemble(
      ModelProto p, GraphQuantizer root, Map<WeightJob, QuantizedWeight> computed)
      throws ModelFormatException {
    Map<GraphQuantizer, List<NodeProto>> nodes = new IdentityHashMap<>();
    for (GraphQuantizer q : root.all()) {
      nodes.put(q, withoutDeadConstants(q.nodes(), q.folded(), q.graph()));
    }
    // names read anywhere in the result decide which initializers survive
    Set<String> used = new HashSet<>();
    for (GraphQuantizer q : root.all()) {
      for (ValueInfoProto o : q.graph().getOutputList()) {
        used.add(o.getName());
      }
      for (NodeProto n : nodes.get(q)) {
        used.addAll(n.getInputList());
        if (q.children(n).isEmpty()) {
          used.addAll(GraphQuantizer.implicitInputs(n));
          for (var a : n.getAttributeList()) {
            if (a.hasG()) {
              collectAllInputs(a.getG(), used);
            }
            a.getGraphsList().forEach(g -> collectAllInputs(g, used));
          }
        }
      }
    }
    return build(root, nodes, used, computed, true);
  }

  private static void collectAllInputs(GraphProto g, Set<String> used) {
    for (Scope s : Scope.all(g)) {
      for (NodeProto n : s.graph().getNodeList()) {
        used.addAll(n.getInputList());
      }
      s.graph().getOutputList().forEach(o -> used.add(o.getName()));
    }
  }

  private static GraphProto build(
      GraphQuantizer q,
      Map<GraphQuantizer, List<NodeProto>> nodeLists,
      Set<String> used,
      Map<WeightJob, QuantizedWeight> computed,
      boolean main)
      throws ModelFormatException {
    GraphProto original = q.graph();
    List<NodeProto> nodes = new ArrayList<>();
    for (NodeProto n : nodeLists.get(q)) {
      Map<String, GraphQuantizer> children = q.children(n);
      if (children.isEmpty()) {
        nodes.add(n);
        continue;
      }
      NodeProto.Builder nb = n.toBuilder();
      for (int i = 0; i < nb.getAttributeCount(); i++) {
        var ab = nb.getAttribute(i).toBuilder();
        GraphQuantizer g1 = children.get(ab.getName());
        if (g1 != null) {
          ab.setG(build(g1, nodeLists, used, computed, false));
        }
        for (int k = 0; k < ab.getGraphsCount(); k++) {
          GraphQuantizer gk = children.get(ab.getName() + "#" + k);
          if (gk != null) {
            ab.setGraphs(k, build(gk, nodeLists, used, computed, false));
          }
        }
        nb.setAttribute(i, ab);
      }
      nodes.add(nb.build());
    }

    List<TensorProto> inits = new ArrayList<>();
    for (TensorProto t : original.getInitializerList()) {
      if (!q.gemms().isTransposed(t.getName())) {
        inits.add(t);
      }
    }
    inits.addAll(q.gemms().transposedWeights());
    for (Rewrite.Slot s : q.slots()) {
      inits.add(materialize(s, computed));
    }
    List<TensorProto> kept = new ArrayList<>();
    Set<String> removed = new HashSet<>();
    for (TensorProto t : inits) {
      if (used.contains(t.getName())) {
        kept.add(t);
      } else {
        removed.add(t.getName());
      }
    }
    GraphProto.Builder b =
        original.toBuilder().clearNode().clearInitializer().addAllInitializer(kept);
    // Like ORT's remove_initializer, drop the graph-input entry of a removed initializer (models
    // that list initializers as inputs would otherwise gain a required input).
    List<ValueInfoProto> inputs = new ArrayList<>();
    for (ValueInfoProto in : original.getInputList()) {
      if (q.gemms().isTransposed(in.getName())) {
        continue; // ORT's Gemm rewrite drops it with the untransposed weight
      }
      if (!removed.contains(in.getName()) || !isInitializerName(original, in.getName())) {
        inputs.add(in);
      }
    }
    b.clearInput().addAllInput(inputs);
    // value_info of a weight that was transposed would contradict it now (ORT updates it; a
    // stale entry can stop a runtime from loading the model): drop it
    List<ValueInfoProto> infos = new ArrayList<>();
    for (ValueInfoProto v : original.getValueInfoList()) {
      if (!q.gemms().isTransposed(v.getName())) {
        infos.add(v);
      }
    }
    b.clearValueInfo().addAllValueInfo(infos);
    if (main) {
      List<String> names = new ArrayList<>();
      for (TensorProto t : kept) {
        names.add(t.getName());
      }
      for (ValueInfoProto in : b.getInputList()) {
        names.add(in.getName());
      }
      // (ORT leaves sparse initializers out here and then fails its DAG check)
      for (var sp : b.getSparseInitializerList()) {
        names.add(sp.getValues().getName());
      }
      b.addAllNode(TopologicalSort.sort(nodes, names));
    } else {
      b.addAllNode(nodes); // ORT sorts the main graph only; ours are emitted in a valid order
    }
    return b.build();
  }

  /**
   * Drops the Constant and Identity nodes whose constant was folded into a quantized initializer
   * (constant-weights extension) once nothing reads their output any more; other nodes, dead or
   * not, are left as they were.
   */
  private static List<NodeProto> withoutDeadConstants(
      List<NodeProto> nodes, Set<String> folded, GraphProto original) {
    if (folded.isEmpty()) {
      return nodes;
    }
    // the folded values and every Identity/Constant output on the way to their constant
    java.util.Map<String, NodeProto> producers = new java.util.HashMap<>();
    for (NodeProto n : original.getNodeList()) {
      for (String out : n.getOutputList()) {
        producers.putIfAbsent(out, n);
      }
    }
    Set<String> chain = new HashSet<>();
    for (String f : folded) {
      String v = f;
      while (v != null && chain.add(v)) {
        NodeProto p = producers.get(v);
        v = p != null && p.getOpType().equals("Identity") ? p.getInput(0) : null;
      }
    }
    Set<String> outputs = new HashSet<>();
    for (ValueInfoProto o : original.getOutputList()) {
      outputs.add(o.getName());
    }
    List<NodeProto> kept = new ArrayList<>(nodes);
    boolean changed = true;
    while (changed) {
      changed = false;
      Set<String> read = new HashSet<>(outputs);
      for (NodeProto n : kept) {
        read.addAll(n.getInputList());
      }
      for (Scope s : Scope.all(original)) {
        if (!s.isMain()) {
          for (NodeProto n : s.graph().getNodeList()) {
            read.addAll(n.getInputList());
          }
        }
      }
      for (var it = kept.iterator(); it.hasNext(); ) {
        NodeProto n = it.next();
        if ((n.getOpType().equals("Constant") || n.getOpType().equals("Identity"))
            && n.getOutputCount() == 1
            && chain.contains(n.getOutput(0))
            && !read.contains(n.getOutput(0))) {
          it.remove();
          changed = true;
        }
      }
    }
    return kept;
  }

  private static boolean isInitializerName(GraphProto g, String name) {
    for (TensorProto t : g.getInitializerList()) {
      if (t.getName().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static TensorProto materialize(
      Rewrite.Slot slot, Map<WeightJob, QuantizedWeight> computed) {
    if (slot instanceof Rewrite.Slot.Fixed f) {
      return f.tensor();
    }
    Rewrite.Slot.Part part = (Rewrite.Slot.Part) slot;
    WeightJob job = part.job();
    QuantizedWeight w = computed.get(job);
    return switch (part.kind()) {
      case QUANTIZED ->
          Tensors.raw(
              job.quantizedName(), job.type().elementType(), w.dims(), ByteBuffer.wrap(w.data()));
      case SCALE -> {
        if (job.scaleType() == ElementType.FLOAT16) {
          int[] bits = new int[w.scales().length];
          for (int i = 0; i < bits.length; i++) {
            bits[i] = Tensors.floatToHalf(w.scales()[i]) & 0xffff;
          }
          yield Tensors.int32Data(job.scaleName(), ElementType.FLOAT16, job.scaleDims(), bits);
        }
        yield Tensors.floatData(job.scaleName(), job.scaleDims(), w.scales());
      }
      case ZERO_POINT -> {
        // a shared zero point (symmetric per-channel Conv) is stored once
        int n = (int) Tensors.elementCount(job.paramDims());
        yield Tensors.int32Data(
            job.zeroPointName(),
            job.type().elementType(),
            job.paramDims(),
            n == w.zeroPoints().length
                ? w.zeroPoints()
                : java.util.Arrays.copyOf(w.zeroPoints(), n));
      }
    };
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

  private static QuantizationResult report(
      GraphQuantizer g, Map<WeightJob, QuantizedWeight> computed) throws ModelFormatException {
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
                w.perChannel() && w.scales().length > 1 && !j.lstmTranspose()
                    || (j.lstmTranspose() && j.paramDims().length == 2),
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
