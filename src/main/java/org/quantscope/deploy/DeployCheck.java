// SPDX-License-Identifier: Apache-2.0
package org.quantscope.deploy;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.quantize.QuantizationDetector;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;

/**
 * The check-deploy step: emulates the int8 model's kernels on CPUs without VNNI ({@link
 * SaturationCheck}), and when it saturates, quantizes the float model (when given) again with the
 * options it had plus reduce-range and emulates that on the same samples, so that the advice is
 * checked, not assumed; and lists what the runtimes people ship to cannot run ({@link
 * RuntimeSupport}). Cost: one run of the int8 model per sample run with its products exposed, plus
 * the same for the alternative when it is emulated.
 */
public final class DeployCheck {
  private DeployCheck() {}

  /**
   * Checks {@code int8}.
   *
   * @param fp32 the float model it was made from, or null (the alternative is then not emulated)
   * @throws IOException if a model cannot be loaded or run on the feeds
   */
  public static DeployReport check(
      ModelSource int8,
      OnnxModel fp32,
      List<Map<String, NdArray>> feeds,
      OrtRuntime.SessionConfig sessions,
      Progress progress)
      throws IOException {
    OnnxModel model = int8.model() != null ? int8.model() : ModelFiles.load(int8.file());
    ModelSource source = ModelSource.of(model, int8.name(), int8.sizeBytes());
    List<RuntimeSupport.Problem> problems = RuntimeSupport.problems(model);
    SaturationReport sat =
        SaturationCheck.check(source, feeds, sessions, progress.part(0, 2, "emulate: "));
    if (!sat.atRisk()) {
      String verdict =
          sat.nodes().isEmpty()
              ? "nothing to emulate: no MatMulInteger or ConvInteger with 8-bit weights in the main"
                  + " graph"
              : "safe on CPUs without VNNI (AVX2, AVX-512 without VNNI): no pair of u8 x s8"
                  + " products leaves 16 bits on these samples";
      return new DeployReport(int8.name(), false, verdict, sat, null, null, problems, null);
    }
    Alternative alt;
    SaturationReport altSat = null;
    if (fp32 != null) {
      QuantizeOptions o =
          QuantizationDetector.detect(model).options().toBuilder().reduceRange(true).build();
      DynamicQuantizer.Output q;
      try {
        q = DynamicQuantizer.quantize(fp32, o, Progress.NONE);
      } catch (NothingToQuantizeException e) {
        throw new IllegalArgumentException(
            "the float model given has nothing to quantize: is it the int8 model's source?", e);
      }
      altSat =
          SaturationCheck.check(
              ModelSource.of(q.model(), "reduce-range", -1),
              feeds,
              sessions,
              progress.part(1, 2, "emulate --reduce-range: "));
      long pairs = altSat.nodes().stream().mapToLong(NodeSaturation::saturatedPairs).sum();
      alt = new Alternative("--reduce-range", true, altSat.saturatingNodes(), pairs);
    } else {
      alt = new Alternative("--reduce-range", false, 0, 0);
    }
    String fix;
    if (!alt.emulated()) {
      fix =
          "--reduce-range (or QUInt8 weights) removes it: 7-bit weights keep every pair within"
              + " 2 x 255 x 64 = 32,640 (give --float to emulate it)";
    } else if (alt.saturatingNodes() == 0) {
      fix = "--reduce-range (or QUInt8 weights) removes it: emulated on the same samples, none";
    } else {
      fix =
          "--reduce-range still saturates in "
              + alt.saturatingNodes()
              + " node(s) on these samples; QUInt8 weights (the u8 x u8 kernel) cannot";
    }
    String verdict =
        "at risk: "
            + sat.saturatingNodes()
            + (sat.saturatingNodes() == 1 ? " node saturates" : " nodes saturate")
            + " on CPUs without VNNI; "
            + fix;
    return new DeployReport(int8.name(), true, verdict, sat, alt, altSat, problems, null);
  }
}
