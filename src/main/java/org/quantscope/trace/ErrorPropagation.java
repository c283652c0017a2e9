// SPDX-License-Identifier: Apache-2.0
package org.quantscope.trace;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.NodeProto;

/**
 * How much of the error at the graph outputs each quantized node accounts for, estimated from one
 * trace: the noise a node adds (its output's noise beyond what its input brought, at the node's own
 * signal level) times how the noise power at its output reaches the graph outputs. That gain is
 * measured, not assumed: through a float node, the noise power at its output over the noise power
 * at its inputs, as the int8 run shows it; through a quantized node, the same ratio for the noise
 * its input carries, which the trace measures with a float copy of the node fed the int8 run's
 * input (or, where no copy could run, its signal power gain). Noise from different nodes is taken
 * as uncorrelated and adding up, as quantization noise does to first order, so the shares are an
 * estimate: the sensitivity analysis measures the same thing exactly, with two model variants per
 * node.
 */
final class ErrorPropagation {
  private final Map<String, DiffAccumulator> measured;
  private final Map<String, Double> quantized;
  private final Map<String, Double> gainToOutputs = new HashMap<>();

  /**
   * @param graph the float model's main graph
   * @param measured the traced tensors
   * @param quantizedNodes the quantized nodes' ids, each with the noise gain from its inputs to its
   *     output measured by its float copy, or NaN when no copy ran (their own noise is set apart)
   * @param ids node index to id
   */
  ErrorPropagation(
      GraphProto graph,
      Map<String, DiffAccumulator> measured,
      Map<String, Double> quantizedNodes,
      List<String> ids) {
    this.measured = measured;
    this.quantized = quantizedNodes;
    Set<String> outputs = new HashSet<>();
    graph.getOutputList().forEach(v -> outputs.add(v.getName()));
    for (String o : outputs) {
      gainToOutputs.put(o, 1.0);
    }
    // reverse node order: every consumer's output gain is known before its inputs'
    for (int i = graph.getNodeCount() - 1; i >= 0; i--) {
      NodeProto n = graph.getNode(i);
      double out = 0;
      for (String o : n.getOutputList()) {
        out += gainToOutputs.getOrDefault(o, 0.0);
      }
      if (out == 0) {
        continue;
      }
      String id = ids.get(i);
      double through =
          out
              * (quantizedNodes.containsKey(id) && !Double.isNaN(quantizedNodes.get(id))
                  ? quantizedNodes.get(id)
                  : nodeGain(n, quantizedNodes.containsKey(id)));
      for (String in : n.getInputList()) {
        if (!in.isEmpty()) {
          gainToOutputs.merge(in, through, Double::sum);
        }
      }
    }
  }

  /**
   * The noise power gain of a node from its inputs to its (first) output: measured for a float
   * node; the signal gain for a quantized one, whose own noise is counted apart. 1 when unmeasured.
   */
  private double nodeGain(NodeProto n, boolean isQuantized) {
    DiffAccumulator out = n.getOutputCount() == 0 ? null : measured.get(n.getOutput(0));
    if (out == null) {
      return 1;
    }
    double inNoise = 0;
    double inSignal = 0;
    for (String in : n.getInputList()) {
      DiffAccumulator d = measured.get(in);
      if (d != null) {
        inNoise += d.noise();
        inSignal += d.signal();
      }
    }
    if (!isQuantized && inNoise > 0) {
      return out.noise() / inNoise;
    }
    return inSignal > 0 ? out.signal() / inSignal : 1;
  }

  /** The gain from the noise power at tensor {@code t} to the noise power at the graph outputs. */
  double gain(String t) {
    return gainToOutputs.getOrDefault(t, 0.0);
  }

  /**
   * The noise power a quantized node adds at its output and that reaches the outputs: its own noise
   * (measured against its float copy; or, where none ran, its output's noise beyond what its inputs
   * carry at its signal gain) times the gain to the outputs.
   *
   * @param inputs its inputs (those measured bring error)
   * @param ownNoise the noise it makes itself, measured; NaN to estimate it
   */
  double atOutputs(String output, List<String> inputs, double ownNoise) {
    DiffAccumulator out = measured.get(output);
    if (out == null) {
      return Double.NaN;
    }
    if (!Double.isNaN(ownNoise)) {
      return ownNoise * gain(output);
    }
    double inNoise = 0;
    double inSignal = 0;
    for (String in : inputs) {
      DiffAccumulator d = measured.get(in);
      if (d != null) {
        inNoise += d.noise();
        inSignal += d.signal();
      }
    }
    double carried = inSignal > 0 ? inNoise * out.signal() / inSignal : 0;
    return Math.max(0, out.noise() - carried) * gain(output);
  }

  boolean isQuantized(String id) {
    return quantized.containsKey(id);
  }

  /** The summed noise power of the measured tensors among {@code inputs}. */
  double inputNoise(List<String> inputs) {
    double n = 0;
    for (String in : inputs) {
      DiffAccumulator d = measured.get(in);
      if (d != null) {
        n += d.noise();
      }
    }
    return n;
  }
}
