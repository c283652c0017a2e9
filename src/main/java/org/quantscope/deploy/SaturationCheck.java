// SPDX-License-Identifier: Apache-2.0
package org.quantscope.deploy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quantscope.deploy.SaturationTargets.ConvTarget;
import org.quantscope.deploy.SaturationTargets.FloatTarget;
import org.quantscope.deploy.SaturationTargets.Target;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.OnnxModel;
import org.quantscope.progress.Cancellation;
import org.quantscope.progress.Progress;
import org.quantscope.runtime.ModelRunner;
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;

/**
 * Emulates, on the samples, what CPUs without VNNI do to an int8 model's MatMulInteger nodes: the
 * int8 model runs once per sample run with each node's uint8 activation (exactly as its
 * DynamicQuantizeLinear made it, one scale per run: the batch rule of parity), zero point, output
 * scale and int32 result exposed; the int8 weights are read as written; {@link PairedKernel} then
 * recomputes each product with exact and with 16-bit clamped pair sums. ConvInteger nodes are
 * recomputed by {@link ConvKernel} (im2col; their kernel has no 16-bit pairs) and compared with
 * ONNX Runtime's outputs; com.microsoft MatMulIntegerToFloat nodes as MatMulInteger, their float
 * output compared within float rounding (read at microsoft/onnxruntime
 * contrib_ops/cpu/quantization/dynamic_quantize_matmul.cc, commit
 * e900302651917c4401749df7a4f7d9d3e8f9f562: A is the uint8 activation, {@code BIsSigned} = the
 * weight is int8, so the same U8S8 kernel; the op may swap a_scale and b_scale by shape, which is
 * not followed here: a per-column scale is read from b_scale only). DynamicQuantizeMatMul quantizes
 * A inside itself, where it cannot be exposed: not emulated. Main graph only.
 *
 * <p>This class runs the check: the targets of the three node kinds (found by {@link
 * SaturationTargets}) are exposed together, run once per sample run, and each run's tensors feed
 * all three recomputations; the kernels themselves live in {@link PairedKernel} and {@link
 * ConvKernel}.
 */
public final class SaturationCheck {
  private SaturationCheck() {}

  /** Running sums for one target. */
  private static final class Sums {
    long pairs;
    long saturated;
    int largest;
    long outputs;
    long changed;
    double maxAbs;
    double errSq;
    double outSq;
    long ortExact;
    long ortClamped;
  }

  /**
   * Emulates {@code int8} on {@code feeds}.
   *
   * @throws IOException if the model cannot be loaded or run
   * @throws ModelFormatException if a weight cannot be read
   */
  public static SaturationReport check(
      ModelSource int8,
      List<Map<String, NdArray>> feeds,
      OrtRuntime.SessionConfig sessions,
      Progress progress)
      throws IOException {
    if (feeds.isEmpty()) {
      throw new IllegalArgumentException("no samples to emulate the int8 kernels on");
    }
    OnnxModel model = int8.model() != null ? int8.model() : ModelFiles.load(int8.file());
    SaturationTargets found = SaturationTargets.find(model);
    List<String> notes = found.notes();
    List<ConvTarget> convs = found.convs();
    List<FloatTarget> floats = found.floats();
    List<Target> targets = found.matMuls();
    Map<String, Sums> sums = new LinkedHashMap<>();
    targets.forEach(t -> sums.put(t.id(), new Sums()));
    convs.forEach(t -> sums.put(t.id(), new Sums()));
    floats.forEach(t -> sums.put(t.t().id(), new Sums()));
    Set<String> exposed = new LinkedHashSet<>();
    Map<String, ElementType> types = new LinkedHashMap<>();
    for (Target t : targets) {
      expose(exposed, types, t.a(), t.aZeroTensor(), t.scale(), t.output(), ElementType.INT32);
    }
    for (ConvTarget t : convs) {
      expose(exposed, types, t.x(), t.xZeroTensor(), t.scale(), t.output(), ElementType.INT32);
    }
    for (FloatTarget f : floats) {
      expose(exposed, types, f.t().a(), f.t().aZeroTensor(), f.aScale(), f.t().output(), null);
    }
    long samples = 0;
    if (!targets.isEmpty() || !convs.isEmpty() || !floats.isEmpty()) {
      OnnxModel open = model.withOutputs(exposed, types);
      try (ModelRunner runner = ModelRunner.open(open, sessions)) {
        for (int i = 0; i < feeds.size(); i++) {
          Cancellation.check();
          Map<String, NdArray> feed = feeds.get(i);
          samples += rows(feed);
          try (ModelRunner.Outputs out = runner.run(feed, exposed)) {
            for (Target t : targets) {
              Cancellation.check();
              add(t, out, sums.get(t.id()));
            }
            for (ConvTarget t : convs) {
              Cancellation.check();
              addConv(t, out, sums.get(t.id()));
            }
            for (FloatTarget f : floats) {
              Cancellation.check();
              addFloat(f, out, sums.get(f.t().id()));
            }
          }
          progress.report(i + 1, feeds.size(), "run " + (i + 1) + " of " + feeds.size());
        }
      }
    } else {
      for (Map<String, NdArray> f : feeds) {
        samples += rows(f);
      }
    }
    List<NodeSaturation> nodes = new ArrayList<>();
    int saturating = 0;
    long outputs = 0;
    long exact = 0;
    long clamped = 0;
    long changed = 0;
    List<Target> all = new ArrayList<>(targets);
    floats.forEach(f -> all.add(f.t()));
    for (Target t : all) {
      Sums s = sums.get(t.id());
      boolean scaled = t.scale() != null;
      double rmsErr = s.outputs == 0 ? 0 : Math.sqrt(s.errSq / s.outputs);
      double rmsOut = s.outputs == 0 ? 0 : Math.sqrt(s.outSq / s.outputs);
      NodeSaturation ns =
          new NodeSaturation(
              t.id(),
              t.weight(),
              t.signed() ? "u8s8" : "u8u8",
              t.k(),
              t.n(),
              s.pairs,
              s.saturated,
              s.pairs == 0 ? 0 : s.saturated / (double) s.pairs,
              s.largest,
              s.outputs,
              s.changed,
              scaled ? s.maxAbs : null,
              scaled ? rmsErr : null,
              scaled && rmsOut > 0 ? rmsErr / rmsOut : null,
              s.ortExact,
              s.ortClamped);
      nodes.add(ns);
      if (ns.saturates()) {
        saturating++;
      }
      outputs += s.outputs;
      exact += s.ortExact;
      clamped += s.ortClamped;
      changed += s.changed;
    }
    for (ConvTarget t : convs) {
      Sums s = sums.get(t.id());
      boolean scaled = t.scale() != null;
      NodeSaturation ns =
          new NodeSaturation(
              t.id(),
              t.weight(),
              t.g().signed() ? "s8u8" : "u8u8",
              t.g().k(),
              t.g().m(),
              0,
              0,
              0,
              0,
              s.outputs,
              0,
              scaled ? 0.0 : null,
              scaled ? 0.0 : null,
              scaled ? 0.0 : null,
              s.ortExact,
              s.ortExact);
      nodes.add(ns);
      outputs += s.outputs;
      exact += s.ortExact;
      clamped += s.ortExact;
    }
    String cpu;
    if (outputs == 0) {
      cpu = "none";
    } else if (exact == outputs && (changed == 0 || clamped < outputs)) {
      cpu = "exact";
    } else if (clamped == outputs) {
      cpu = "saturating";
    } else {
      cpu = "mixed";
    }
    return new SaturationReport(samples, feeds.size(), nodes, saturating, cpu, notes);
  }

  private static void add(Target t, ModelRunner.Outputs out, Sums s) throws IOException {
    NdArray a = out.get(t.a());
    NdArray ortOut = out.get(t.output());
    if (a == null || ortOut == null) {
      return;
    }
    int rows = a.size() / t.k();
    int[] av = new int[a.size()];
    byte[] raw = (byte[]) a.data();
    for (int i = 0; i < av.length; i++) {
      av[i] = raw[i] & 0xff;
    }
    int aZero = t.aZero();
    if (t.aZeroTensor() != null) {
      NdArray z = out.get(t.aZeroTensor());
      aZero = ((byte[]) z.data())[0] & 0xff;
    }
    float[] scale = null;
    if (t.scale() != null) {
      NdArray sc = out.get(t.scale());
      scale = sc == null ? null : floats(sc);
    }
    PairedKernel.Product p;
    if (t.signed()) {
      p = PairedKernel.multiply(av, aZero, t.b(), t.bZero(), rows);
    } else {
      // the u8u8 kernel widens to 16 bits before multiplying: the exact product, nothing to clamp;
      // computed as (b - 128) against (zero point - 128), the same sum of (a - za) * (b - zb)
      byte[] raw8 = t.b().b();
      byte[] shifted = new byte[raw8.length];
      int[] zero = t.bZero().clone();
      for (int i = 0; i < shifted.length; i++) {
        shifted[i] = (byte) ((raw8[i] & 0xff) - 128);
      }
      for (int i = 0; i < zero.length; i++) {
        zero[i] -= 128;
      }
      PairedKernel.Product q = PairedKernel.multiply(av, aZero, shifted, zero, rows, t.k(), t.n());
      p = new PairedKernel.Product(q.exact(), q.exact(), 0, 0, 0);
    }
    int[] ort = (int[]) ortOut.data();
    s.pairs += p.pairs();
    s.saturated += p.saturated();
    s.largest = Math.max(s.largest, p.largestOverflow());
    for (int i = 0; i < p.exact().length; i++) {
      int e = p.exact()[i];
      int c = p.clamped()[i];
      s.outputs++;
      if (e != c) {
        s.changed++;
      }
      if (i < ort.length) {
        if (ort[i] == e) {
          s.ortExact++;
        }
        if (ort[i] == c) {
          s.ortClamped++;
        }
      }
      if (scale != null) {
        double sc = scale.length == 1 ? scale[0] : scale[i % t.n()];
        double err = (double) (c - e) * sc;
        double y = e * sc;
        s.maxAbs = Math.max(s.maxAbs, Math.abs(err));
        s.errSq += err * err;
        s.outSq += y * y;
      }
    }
  }

  private static void addFloat(FloatTarget f, ModelRunner.Outputs out, Sums s) throws IOException {
    Target t = f.t();
    NdArray a = out.get(t.a());
    NdArray y = out.get(t.output());
    if (a == null || y == null) {
      return;
    }
    int rows = a.size() / t.k();
    int[] av = new int[a.size()];
    byte[] raw = (byte[]) a.data();
    for (int i = 0; i < av.length; i++) {
      av[i] = raw[i] & 0xff;
    }
    int aZero = t.aZero();
    if (t.aZeroTensor() != null) {
      aZero = ((byte[]) out.get(t.aZeroTensor()).data())[0] & 0xff;
    }
    float aScale = f.aScaleConst() != null ? f.aScaleConst()[0] : floats(out.get(f.aScale()))[0];
    PairedKernel.Product p =
        t.signed()
            ? PairedKernel.multiply(av, aZero, t.b(), t.bZero(), rows)
            : unsigned(t, av, aZero, rows);
    float[] ort = floats(y);
    s.pairs += p.pairs();
    s.saturated += p.saturated();
    s.largest = Math.max(s.largest, p.largestOverflow());
    for (int i = 0; i < p.exact().length; i++) {
      int j = i % t.n();
      double sc = (double) aScale * (f.bScale().length == 1 ? f.bScale()[0] : f.bScale()[j]);
      double b = f.bias() == null ? 0 : f.bias()[j];
      double ye = p.exact()[i] * sc + b;
      double yc = p.clamped()[i] * sc + b;
      s.outputs++;
      if (p.exact()[i] != p.clamped()[i]) {
        s.changed++;
      }
      // ONNX Runtime scales in float: equal within float rounding
      if (i < ort.length && Math.abs(ort[i] - ye) <= 1e-5 * Math.max(1, Math.abs(ye))) {
        s.ortExact++;
      }
      if (i < ort.length && Math.abs(ort[i] - yc) <= 1e-5 * Math.max(1, Math.abs(yc))) {
        s.ortClamped++;
      }
      double err = yc - ye;
      s.maxAbs = Math.max(s.maxAbs, Math.abs(err));
      s.errSq += err * err;
      s.outSq += ye * ye;
    }
  }

  /** The u8 x u8 product: exact (the kernel widens before multiplying). */
  private static PairedKernel.Product unsigned(Target t, int[] av, int aZero, int rows) {
    byte[] raw8 = t.b().b();
    byte[] shifted = new byte[raw8.length];
    int[] zero = t.bZero().clone();
    for (int i = 0; i < shifted.length; i++) {
      shifted[i] = (byte) ((raw8[i] & 0xff) - 128);
    }
    for (int i = 0; i < zero.length; i++) {
      zero[i] -= 128;
    }
    PairedKernel.Product q = PairedKernel.multiply(av, aZero, shifted, zero, rows, t.k(), t.n());
    return new PairedKernel.Product(q.exact(), q.exact(), 0, 0, 0);
  }

  private static void addConv(ConvTarget t, ModelRunner.Outputs out, Sums s) throws IOException {
    NdArray x = out.get(t.x());
    NdArray y = out.get(t.output());
    if (x == null || y == null || x.shape().length != 4 || y.shape().length != 4) {
      return;
    }
    byte[] raw = (byte[]) x.data();
    int[] xv = new int[raw.length];
    for (int i = 0; i < xv.length; i++) {
      xv[i] = raw[i] & 0xff;
    }
    int xz = t.xZero();
    if (t.xZeroTensor() != null) {
      NdArray z = out.get(t.xZeroTensor());
      xz = ((byte[]) z.data())[0] & 0xff;
    }
    int[] e = ConvKernel.exact(xv, xz, x.shape(), t.g(), (int) y.shape()[2], (int) y.shape()[3]);
    int[] ort = (int[]) y.data();
    for (int i = 0; i < e.length; i++) {
      s.outputs++;
      if (i < ort.length && ort[i] == e[i]) {
        s.ortExact++;
      }
    }
  }

  /** Rows in a run: the first input's first axis, 1 for a scalar (as the trace counts). */
  private static long rows(Map<String, NdArray> feed) {
    for (NdArray a : feed.values()) {
      return a.shape().length == 0 ? 1 : a.shape()[0];
    }
    return 1;
  }

  private static float[] floats(NdArray a) {
    double[] d = a.toDoubles();
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  /**
   * Names a node's uint8 input, its zero point and scale (when they are tensors) and its output to
   * expose, with the element types the exposure must declare ({@code outputType} null: the output
   * keeps its own).
   */
  private static void expose(
      Set<String> exposed,
      Map<String, ElementType> types,
      String input,
      String zeroPoint,
      String scale,
      String output,
      ElementType outputType) {
    exposed.add(input);
    types.put(input, ElementType.UINT8);
    if (zeroPoint != null) {
      exposed.add(zeroPoint);
      types.put(zeroPoint, ElementType.UINT8);
    }
    if (scale != null) {
      exposed.add(scale);
    }
    exposed.add(output);
    if (outputType != null) {
      types.put(output, outputType);
    }
  }
}
