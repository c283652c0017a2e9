// SPDX-License-Identifier: Apache-2.0
package org.quantscope.trace;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.ParityCheck;
import org.quantscope.parity.ParityOptions;
import org.quantscope.parity.ParityReport;
import org.quantscope.progress.Cancellation;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.runtime.ModelRunner;
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;

/**
 * Traces the error of an int8 model through every tensor: both models run on the same samples with
 * their intermediate float tensors exposed as graph outputs (on copies), tensors are matched by
 * name across the rewrite, and running statistics are kept per tensor, per quantized activation and
 * per quantized node, one run at a time: no run's tensors are kept after it, and ONNX Runtime's
 * results are read one tensor at a time. The graph outputs are compared by {@link ParityCheck} on
 * the unchanged models (exposing tensors can change which kernels ONNX Runtime fuses), so the
 * trace's parity is exactly what {@code parity} reports. Cost: the exposed runs of both models plus
 * one parity check.
 */
public final class ErrorTrace {
  private ErrorTrace() {}

  /**
   * Traces {@code candidate} against {@code reference}.
   *
   * @param quantized what the quantizer did to make {@code candidate} (its quantized nodes and
   *     weight errors), or null for a given int8 model
   * @param notes notes for the parity report (e.g. a CPU whose int8 kernels may saturate)
   * @throws IOException if a model cannot be loaded or run on the feeds
   */
  public static TraceReport trace(
      ModelSource reference,
      ModelSource candidate,
      QuantizationResult quantized,
      List<Map<String, NdArray>> feeds,
      ParityOptions parity,
      OrtRuntime.SessionConfig sessions,
      List<String> notes,
      Progress progress)
      throws IOException {
    if (feeds.isEmpty()) {
      throw new IllegalArgumentException("no samples to trace on");
    }
    OnnxModel fp32 = load(reference);
    OnnxModel int8 = load(candidate);
    TracePlan plan = TracePlan.of(fp32, int8, quantized);
    Map<String, DiffAccumulator> diffs = new LinkedHashMap<>();
    plan.matched.forEach(t -> diffs.put(t.name(), new DiffAccumulator()));
    Map<String, ActivationAccumulator> acts = new LinkedHashMap<>();
    plan.activations.keySet().forEach(a -> acts.put(a, new ActivationAccumulator()));
    // per float copy: what the input carries (copy vs float run), what the node makes (int8 vs
    // copy)
    Map<String, DiffAccumulator> carried = new LinkedHashMap<>();
    Map<String, DiffAccumulator> own = new LinkedHashMap<>();
    plan.copies
        .keySet()
        .forEach(
            id -> {
              carried.put(id, new DiffAccumulator());
              own.put(id, new DiffAccumulator());
            });
    Progress runs = progress.part(0, 2, "trace: ");
    long samples = 0;
    try (ModelRunner a =
            ModelRunner.open(fp32.withOutputs(plan.fp32Outputs(), Map.of()), sessions);
        ModelRunner b =
            ModelRunner.open(plan.exposeWithCopies(int8, fp32, plan.int8Outputs()), sessions)) {
      for (int i = 0; i < feeds.size(); i++) {
        Cancellation.check();
        Map<String, NdArray> feed = feeds.get(i);
        samples += rows(feed);
        try (ModelRunner.Outputs ra = a.run(feed, plan.fp32Outputs());
            ModelRunner.Outputs rb = b.run(feed, plan.int8OutputsWithCopies())) {
          for (Map.Entry<String, DiffAccumulator> e : diffs.entrySet()) {
            NdArray x = ra.get(e.getKey());
            NdArray y = rb.get(e.getKey());
            if (x != null && y != null && x.isFloat() && x.size() == y.size()) {
              e.getValue().add(floats(x), floats(y));
            }
          }
          for (Map.Entry<String, TracePlan.FloatCopy> e : plan.copies.entrySet()) {
            NdArray ref = ra.get(e.getValue().output());
            NdArray copy = rb.get(e.getValue().floatOutput());
            NdArray q = rb.get(e.getValue().output());
            if (ref != null
                && copy != null
                && q != null
                && ref.size() == copy.size()
                && q.size() == copy.size()) {
              carried.get(e.getKey()).add(floats(ref), floats(copy));
              own.get(e.getKey()).add(floats(copy), floats(q));
            }
          }
          for (Map.Entry<String, ActivationAccumulator> e : acts.entrySet()) {
            NdArray x = feed.containsKey(e.getKey()) ? feed.get(e.getKey()) : rb.get(e.getKey());
            if (x != null && x.isFloat()) {
              e.getValue().add(floats(x), x.shape());
            }
          }
        }
        runs.report(i + 1, feeds.size(), "run " + (i + 1) + " of " + feeds.size());
      }
    }
    Cancellation.check();
    ParityReport p =
        ParityCheck.check(
            reference, candidate, feeds, parity, sessions, notes, progress.part(1, 2, "parity: "));
    return assemble(plan, diffs, acts, carried, own, samples, feeds.size(), p);
  }

  private static OnnxModel load(ModelSource s) throws IOException {
    return s.model() != null ? s.model() : ModelFiles.load(s.file());
  }

  private static TraceReport assemble(
      TracePlan plan,
      Map<String, DiffAccumulator> diffs,
      Map<String, ActivationAccumulator> acts,
      Map<String, DiffAccumulator> carried,
      Map<String, DiffAccumulator> own,
      long samples,
      int runs,
      ParityReport parity) {
    List<TensorError> tensors = new ArrayList<>();
    Map<String, DiffAccumulator> measured = new LinkedHashMap<>();
    for (TracePlan.Tap t : plan.matched) {
      DiffAccumulator d = diffs.get(t.name());
      if (d.elements() == 0) {
        continue;
      }
      measured.put(t.name(), d);
      tensors.add(
          new TensorError(
              t.name(),
              t.producer(),
              t.op(),
              t.position(),
              d.elements(),
              d.maxAbsDiff(),
              d.meanAbsDiff(),
              d.rmsReference(),
              d.relativeError(),
              d.cosine(),
              d.sqnrDb()));
    }
    List<ActivationReport> activations = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : plan.activations.entrySet()) {
      ActivationAccumulator a = acts.get(e.getKey());
      if (a.elements() > 0) {
        activations.add(activation(e.getKey(), e.getValue(), a));
      }
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < plan.graph.getNodeCount(); i++) {
      ids.add(org.quantscope.graph.NodeId.of(plan.graph.getNode(i), i));
    }
    Map<String, Double> gains = new LinkedHashMap<>();
    Map<String, Double> ownNoise = new LinkedHashMap<>();
    for (TracePlan.Quantized q : plan.nodes) {
      DiffAccumulator c = carried.get(q.id());
      DiffAccumulator o = own.get(q.id());
      double inNoise = 0;
      for (String in : q.inputs()) {
        DiffAccumulator d = measured.get(in);
        if (d != null) {
          inNoise += d.noise();
        }
      }
      boolean copied = c != null && c.elements() > 0;
      gains.put(q.id(), copied && inNoise > 0 ? c.noise() / inNoise : Double.NaN);
      ownNoise.put(q.id(), copied ? o.noise() : Double.NaN);
    }
    ErrorPropagation propagation = new ErrorPropagation(plan.graph, measured, gains, ids);
    double[] atOutputs = new double[plan.nodes.size()];
    double total = 0;
    for (int k = 0; k < atOutputs.length; k++) {
      TracePlan.Quantized q = plan.nodes.get(k);
      atOutputs[k] = Double.NaN;
      for (String o : q.outputs()) {
        if (measured.containsKey(o)) {
          atOutputs[k] = propagation.atOutputs(o, q.inputs(), ownNoise.get(q.id()));
          break;
        }
      }
      if (!Double.isNaN(atOutputs[k])) {
        total += atOutputs[k];
      }
    }
    List<double[]> order = new ArrayList<>();
    List<NodeError> unranked = new ArrayList<>();
    for (int k = 0; k < plan.nodes.size(); k++) {
      TracePlan.Quantized q = plan.nodes.get(k);
      double inNsr = 0;
      Double actSqnr = null;
      boolean inputKnown = true;
      for (String a : q.activations()) {
        if (!plan.graphInputs.contains(a)) {
          DiffAccumulator d = measured.get(a);
          if (d == null) {
            inputKnown = false;
          } else {
            inNsr = Math.max(inNsr, d.noiseToSignal());
          }
        }
        ActivationAccumulator acc = acts.get(a);
        if (acc != null && acc.elements() > 0) {
          actSqnr = actSqnr == null ? acc.sqnrDb() : Math.min(actSqnr, acc.sqnrDb());
        }
      }
      String output = null;
      DiffAccumulator out = null;
      for (String o : q.outputs()) {
        if (measured.containsKey(o)) {
          output = o;
          out = measured.get(o);
          break;
        }
      }
      Double inputDb = q.activations().isEmpty() || !inputKnown ? null : db(inNsr);
      Double outputDb = out == null ? null : out.sqnrDb();
      double made = ownNoise.get(q.id());
      double introduced =
          out == null
              ? Double.NaN
              : !Double.isNaN(made)
                  ? (out.signal() > 0 ? made / out.signal() : 0)
                  : !inputKnown ? Double.NaN : Math.max(0, out.noiseToSignal() - inNsr);
      Double share = Double.isNaN(atOutputs[k]) ? null : total > 0 ? atOutputs[k] / total : 0.0;
      unranked.add(
          new NodeError(
              0,
              q.id(),
              q.op(),
              q.position(),
              q.activations(),
              output,
              inputDb,
              actSqnr,
              q.weightSqnrDb(),
              outputDb,
              Double.isNaN(introduced) ? null : db(introduced),
              share));
      order.add(
          new double[] {
            share == null ? -1 : share, Double.isNaN(introduced) ? -1 : introduced, q.position()
          });
    }
    Integer[] idx = new Integer[unranked.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(
        idx,
        Comparator.comparingDouble((Integer i) -> -order.get(i)[0])
            .thenComparingDouble(i -> -order.get(i)[1])
            .thenComparingDouble(i -> order.get(i)[2]));
    List<NodeError> nodes = new ArrayList<>();
    for (int r = 0; r < idx.length; r++) {
      NodeError n = unranked.get(idx[r]);
      nodes.add(
          new NodeError(
              r + 1,
              n.node(),
              n.op(),
              n.position(),
              n.activations(),
              n.output(),
              n.inputSqnrDb(),
              n.activationSqnrDb(),
              n.weightSqnrDb(),
              n.outputSqnrDb(),
              n.introducedDb(),
              n.outputShare()));
    }
    return new TraceReport(
        samples, runs, nodes, activations, tensors, parity, List.copyOf(plan.notes));
  }

  private static ActivationReport activation(
      String name, List<String> consumers, ActivationAccumulator a) {
    float p999 = a.quantileAbs(0.999);
    float[] rows = a.rowMaxAbs();
    int worst = 0;
    for (int i = 1; i < rows.length; i++) {
      if (rows[i] > rows[worst]) {
        worst = i;
      }
    }
    float[] sorted = rows.clone();
    Arrays.sort(sorted);
    float median = sorted.length == 0 ? 0 : sorted[sorted.length / 2];
    return new ActivationReport(
        name,
        List.copyOf(consumers),
        a.elements(),
        a.runs(),
        a.min(),
        a.max(),
        a.maxAbs(),
        p999,
        p999 > 0 ? a.maxAbs() / (double) p999 : 1,
        a.stepMin(),
        a.stepMax(),
        a.stepMean(),
        a.sqnrDb(),
        rows,
        worst,
        median > 0 ? rows.length == 0 ? 1 : rows[worst] / (double) median : 1,
        a.histogramRange(),
        a.histogram());
  }

  /** A noise-to-signal power ratio in dB of signal over noise: +infinity for no noise. */
  static double db(double noiseToSignal) {
    if (noiseToSignal == 0) {
      return Double.POSITIVE_INFINITY;
    }
    return -10 * Math.log10(noiseToSignal);
  }

  private static float[] floats(NdArray a) {
    if (a.data() instanceof float[] f) {
      return f;
    }
    double[] d = a.toDoubles();
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  private static long rows(Map<String, NdArray> feed) {
    for (NdArray a : feed.values()) {
      return a.shape().length == 0 ? 1 : a.shape()[0];
    }
    return 1;
  }
}
