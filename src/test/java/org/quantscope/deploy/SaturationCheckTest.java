// SPDX-License-Identifier: Apache-2.0
package org.quantscope.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quantscope.TestModels;
import org.quantscope.bench.Environment;
import org.quantscope.model.OnnxModel;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantType;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;

/** The saturation emulation on a model built in code whose 8-bit ranges are full. */
class SaturationCheckTest {
  static final OrtRuntime.SessionConfig SESSIONS =
      new OrtRuntime.SessionConfig(1, OrtRuntime.OptLevel.ALL, false);

  /** Runs of x[8, 64] in [0, 1): every run quantizes to the full uint8 range. */
  static List<Map<String, NdArray>> feeds(int runs) {
    Random r = new Random(5);
    List<Map<String, NdArray>> out = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      float[] x = new float[8 * 64];
      for (int j = 0; j < x.length; j++) {
        x[j] = r.nextFloat();
      }
      out.add(Map.of("x", NdArray.of(x, 8, 64)));
    }
    return out;
  }

  static DynamicQuantizer.Output quantize(QuantizeOptions o) throws Exception {
    return DynamicQuantizer.quantize(OnnxModel.of(TestModels.saturatingMatMul()), o, Progress.NONE);
  }

  static SaturationReport emulate(OnnxModel int8, List<Map<String, NdArray>> feeds)
      throws Exception {
    return SaturationCheck.check(ModelSource.of(int8, "int8", -1), feeds, SESSIONS, Progress.NONE);
  }

  @Test
  void fullRangesSaturateAndTheErrorMatchesAnIndependentRecomputation() throws Exception {
    DynamicQuantizer.Output q = quantize(QuantizeOptions.DEFAULTS);
    List<Map<String, NdArray>> feeds = feeds(3);
    SaturationReport r = emulate(q.model(), feeds);

    assertThat(r.nodes()).hasSize(1);
    NodeSaturation n = r.nodes().get(0);
    assertThat(n.kernel()).isEqualTo("u8s8");
    assertThat(n.saturatedPairs()).isPositive();
    assertThat(r.atRisk()).isTrue();
    assertThat(n.pairs()).isEqualTo(3L * 8 * 16 * 32);

    // the oracle: DynamicQuantizeLinear by its ONNX formula, the int8 weights read here, and the
    // kernel written the plainest way (each output's 32 pairs, each clamped on its own)
    Oracle o = oracle(q.model(), feeds);
    assertThat(n.saturatedPairs()).isEqualTo(o.saturated);
    assertThat(n.largestOverflow()).isEqualTo(o.largestOverflow);
    assertThat(n.outputsChanged()).isEqualTo(o.changed);
    assertThat(n.rmsError()).isCloseTo(o.rmsError, within(0.03 * o.rmsError));
    assertThat(n.maxAbsError()).isCloseTo(o.maxAbsError, within(0.03 * o.maxAbsError));
    // an error that matters: a few percent of the output, not rounding noise
    assertThat(n.relativeError()).isGreaterThan(0.01);
  }

  @Test
  void reduceRangeRemovesTheSaturationAndTheCheckSaysSo() throws Exception {
    DynamicQuantizer.Output q = quantize(QuantizeOptions.DEFAULTS);
    List<Map<String, NdArray>> feeds = feeds(3);
    DeployReport d =
        DeployCheck.check(
            ModelSource.of(q.model(), "int8", -1),
            OnnxModel.of(TestModels.saturatingMatMul()),
            feeds,
            SESSIONS,
            Progress.NONE);
    assertThat(d.atRisk()).isTrue();
    assertThat(d.alternative().emulated()).isTrue();
    assertThat(d.alternative().saturatingNodes()).isZero();
    assertThat(d.alternativeSaturation().nodes()).hasSize(1);
    assertThat(d.alternativeSaturation().nodes().get(0).saturatedPairs()).isZero();
    assertThat(d.verdict()).startsWith("at risk: 1 node saturates").contains("--reduce-range");

    DynamicQuantizer.Output reduced = quantize(QuantizeOptions.builder().reduceRange(true).build());
    DeployReport safe =
        DeployCheck.check(
            ModelSource.of(reduced.model(), "int8", -1), null, feeds, SESSIONS, Progress.NONE);
    assertThat(safe.atRisk()).isFalse();
    assertThat(safe.saturation().nodes().get(0).saturatedPairs()).isZero();
    assertThat(safe.saturation().nodes().get(0).outputsChanged()).isZero();
    assertThat(safe.verdict()).startsWith("safe on CPUs without VNNI");
    assertThat(safe.alternative()).isNull();
  }

  @Test
  void uint8WeightsTakeTheWideningKernelAndCannotSaturate() throws Exception {
    DynamicQuantizer.Output q =
        quantize(QuantizeOptions.builder().weightType(QuantType.QUInt8).build());
    SaturationReport r = emulate(q.model(), feeds(2));
    assertThat(r.nodes()).hasSize(1);
    assertThat(r.nodes().get(0).kernel()).isEqualTo("u8u8");
    assertThat(r.nodes().get(0).saturatedPairs()).isZero();
    assertThat(r.atRisk()).isFalse();
    // the emulated exact product is what ONNX Runtime computes, whatever the CPU
    assertThat(r.nodes().get(0).ortEqualsExact()).isEqualTo(r.nodes().get(0).outputs());
  }

  @Test
  void onACpuWithVnniOnnxRuntimeComputesTheExactAccumulation() throws Exception {
    assumeTrue(vnni(), "this CPU has no VNNI: see the test without VNNI");
    SaturationReport r = emulate(quantize(QuantizeOptions.DEFAULTS).model(), feeds(2));
    NodeSaturation n = r.nodes().get(0);
    assertThat(n.outputsChanged()).isPositive();
    assertThat(n.ortEqualsExact()).isEqualTo(n.outputs());
    assertThat(r.thisCpu()).isEqualTo("exact");
  }

  @Test
  void onACpuWithoutVnniOnnxRuntimeSaturatesAsEmulated() throws Exception {
    assumeFalse(
        vnni(),
        "skipped: this CPU has VNNI, so ONNX Runtime's u8 x s8 kernel here does not saturate and"
            + " the clamped emulation cannot be compared with it (run on an AVX2-only CPU)");
    SaturationReport r = emulate(quantize(QuantizeOptions.DEFAULTS).model(), feeds(2));
    NodeSaturation n = r.nodes().get(0);
    assertThat(n.outputsChanged()).isPositive();
    assertThat(n.ortEqualsClamped()).isEqualTo(n.outputs());
    assertThat(r.thisCpu()).isEqualTo("saturating");
  }

  static boolean vnni() {
    return Environment.detect(OrtRuntime.version(), 1).vnni();
  }

  /** What the test computes on its own. */
  static final class Oracle {
    long saturated;
    int largestOverflow;
    long changed;
    double rmsError;
    double maxAbsError;
  }

  static Oracle oracle(OnnxModel int8, List<Map<String, NdArray>> feeds) throws Exception {
    NodeProto mmi =
        int8.graph().getNodeList().stream()
            .filter(n -> n.getOpType().equals("MatMulInteger"))
            .findFirst()
            .orElseThrow();
    TensorProto w = initializer(int8, mmi.getInput(1));
    byte[] b = new byte[64 * 16];
    int8.payload(w).duplicate().get(b);
    // the weight scale: the float initializer the scales' Mul reads besides the activation scale
    float wScale = Float.NaN;
    for (NodeProto n : int8.graph().getNodeList()) {
      if (n.getOpType().equals("Mul")) {
        for (String in : n.getInputList()) {
          TensorProto t = initializer(int8, in);
          if (t != null && t.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
            wScale = int8.payload(t).order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat(0);
          }
        }
      }
    }
    assertThat(wScale).isFinite();
    Oracle o = new Oracle();
    double errSq = 0;
    long count = 0;
    for (Map<String, NdArray> feed : feeds) {
      float[] x = (float[]) feed.get("x").data();
      float min = 0;
      float max = 0;
      for (float v : x) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      float scale = (max - min) / 255f;
      int zp = (int) Math.max(0, Math.min(255, Math.rint(-min / scale)));
      int[] a = new int[x.length];
      for (int i = 0; i < x.length; i++) {
        a[i] = (int) Math.max(0, Math.min(255, Math.rint(x[i] / scale) + zp));
      }
      for (int row = 0; row < 8; row++) {
        for (int col = 0; col < 16; col++) {
          long exact = 0;
          long clamped = 0;
          for (int p = 0; p < 32; p++) {
            int k0 = 2 * p;
            int s =
                (a[row * 64 + k0] - zp) * b[k0 * 16 + col]
                    + (a[row * 64 + k0 + 1] - zp) * b[(k0 + 1) * 16 + col];
            int raw =
                a[row * 64 + k0] * b[k0 * 16 + col] + a[row * 64 + k0 + 1] * b[(k0 + 1) * 16 + col];
            int kept = Math.max(-32768, Math.min(32767, raw));
            if (kept != raw) {
              o.saturated++;
              o.largestOverflow = Math.max(o.largestOverflow, Math.abs(raw - kept));
            }
            exact += s;
            clamped += s + (kept - raw);
          }
          if (clamped != exact) {
            o.changed++;
          }
          double err = (clamped - exact) * (double) scale * wScale;
          errSq += err * err;
          o.maxAbsError = Math.max(o.maxAbsError, Math.abs(err));
          count++;
        }
      }
    }
    o.rmsError = Math.sqrt(errSq / count);
    return o;
  }

  static TensorProto initializer(OnnxModel m, String name) {
    for (TensorProto t : m.graph().getInitializerList()) {
      if (t.getName().equals(name)) {
        return t;
      }
    }
    return null;
  }
}
