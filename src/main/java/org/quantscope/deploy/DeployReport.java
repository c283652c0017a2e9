// SPDX-License-Identifier: Apache-2.0
package org.quantscope.deploy;

import java.util.List;

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
 */
public record DeployReport(
    String model,
    boolean atRisk,
    String verdict,
    SaturationReport saturation,
    Alternative alternative,
    SaturationReport alternativeSaturation,
    List<RuntimeSupport.Problem> runtimeProblems) {

  public DeployReport {
    runtimeProblems = List.copyOf(runtimeProblems);
  }
}
