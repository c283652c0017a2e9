// SPDX-License-Identifier: Apache-2.0
package org.quantscope.deploy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.quantscope.runtime.SampleOrigin;

/**
 * Will an int8 model work on the CPUs it ships to: the saturation emulation for CPUs without VNNI,
 * the alternative that avoids it (checked when the float model is given), the verdict, and the ops
 * the runtimes people ship to cannot run.
 *
 * @param model the int8 model's name
 * @param atRisk true when some node saturates on the samples
 * @param verdict one sentence: "safe on CPUs without VNNI ..." or "at risk: N nodes saturate ..."
 * @param saturation the emulation of the model as given
 * @param alternative what the verdict recommends instead, null when the model is safe
 * @param alternativeSaturation the emulation of the alternative, null when not emulated
 * @param runtimeProblems what the targets people ship to cannot run, or run on the CPU instead
 *     ({@link RuntimeSupport}); they do not change the verdict, which is about saturation
 * @param samplesFrom where the samples came from (set by the caller that read them), or null
 */
public record DeployReport(
    String model,
    boolean atRisk,
    String verdict,
    SaturationReport saturation,
    Alternative alternative,
    SaturationReport alternativeSaturation,
    List<RuntimeSupport.Problem> runtimeProblems,
    @JsonInclude(JsonInclude.Include.NON_NULL) SampleOrigin samplesFrom) {

  public DeployReport {
    runtimeProblems = List.copyOf(runtimeProblems);
  }

  /** This report, saying where its samples came from. */
  public DeployReport withSamplesFrom(SampleOrigin origin) {
    return new DeployReport(
        model,
        atRisk,
        verdict,
        saturation,
        alternative,
        alternativeSaturation,
        runtimeProblems,
        origin);
  }
}
