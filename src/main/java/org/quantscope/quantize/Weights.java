// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.TensorProto;
import org.quantscope.progress.Cancellation;
import org.quantscope.progress.Progress;

/**
 * The weights a rewrite planned, computed: read straight from the (memory-mapped) model, quantized
 * by {@link WeightQuantizer} in parallel, laid out as stored. The quantizer and the weight preview
 * both compute through here.
 */
final class Weights {
  private Weights() {}

  /** The weights a rewritten graph and its subgraphs planned, each once, in slot order. */
  static List<WeightJob> planned(GraphQuantizer g) {
    Set<WeightJob> unique = Collections.newSetFromMap(new IdentityHashMap<>());
    List<WeightJob> jobs = new ArrayList<>();
    for (GraphQuantizer q : g.all()) {
      for (Rewrite.Slot s : q.slots()) {
        if (s instanceof Rewrite.Slot.Part part && unique.add(part.job())) {
          jobs.add(part.job());
        }
      }
    }
    return jobs;
  }

  /**
   * Computes every planned weight that {@code cache} does not hold, in parallel over slices of all
   * of them (see {@link WeightQuantizer}); cancellation is checked before and after. The results
   * are laid out as stored (LSTM weights transposed).
   *
   * @param cache weights of earlier runs on the same model, or null
   */
  static Map<WeightJob, QuantizedWeight> compute(
      List<WeightJob> jobs, OnnxModel model, Progress progress, WeightCache cache)
      throws ModelFormatException {
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

  /** The float values of a planned weight, in the order they are quantized. */
  static float[] values(WeightJob job, OnnxModel model) throws ModelFormatException {
    FloatBuffer b = spec(job, model).values().duplicate();
    float[] v = new float[b.remaining()];
    b.get(v);
    return v;
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
}
