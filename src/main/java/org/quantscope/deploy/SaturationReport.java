// SPDX-License-Identifier: Apache-2.0
package org.quantscope.deploy;

import java.util.List;

/**
 * The saturation emulation of an int8 model on its samples: per quantized MatMul, what the u8 x s8
 * kernel of CPUs without VNNI does to it.
 *
 * @param samples rows run
 * @param runs runs (the batch rule of parity: one activation scale per run)
 * @param nodes every emulated node, in graph order
 * @param saturatingNodes nodes with at least one saturated pair
 * @param thisCpu what ONNX Runtime computed on this CPU: "exact" (every output equals the exact
 *     accumulation), "saturating" (equals the clamped one, and some differ), "mixed", or "none"
 *     when nothing was emulated
 * @param notes what was not emulated, and why
 */
public record SaturationReport(
    long samples,
    int runs,
    List<NodeSaturation> nodes,
    int saturatingNodes,
    String thisCpu,
    List<String> notes) {

  public SaturationReport {
    nodes = List.copyOf(nodes);
    notes = List.copyOf(notes);
  }

  /** True when some node saturates on the samples. */
  public boolean atRisk() {
    return saturatingNodes > 0;
  }
}
