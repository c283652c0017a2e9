// SPDX-License-Identifier: Apache-2.0
package org.quantscope.deploy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.quantize.OpQuantizers;
import org.quantscope.quantize.QuantType;
import org.quantscope.quantize.QuantizeOptions;

/**
 * The quantization options that avoid what a target cannot run ({@link RuntimeSupport}): uint8
 * weights when the model has Conv nodes to quantize (ConvInteger with int8 weights needs ONNX
 * Runtime 1.24 on the CPU and on the web), Conv, LSTM, Attention and EmbedLayerNormalization left
 * in float for the reduced mobile package (it has none of their integer ops). Nothing avoids the
 * CUDA EP running dynamically quantized ops on the CPU; that is said, not changed.
 */
public final class TargetOptions {
  private TargetOptions() {}

  /**
   * The options for a target.
   *
   * @param options what to quantize with
   * @param changes what was changed from the options given, and why, one sentence each
   * @param notes what no option avoids on this target
   */
  public record Choice(QuantizeOptions options, List<String> changes, List<String> notes) {
    public Choice {
      changes = List.copyOf(changes);
      notes = List.copyOf(notes);
    }
  }

  /** The float op each integer op of the table comes from. */
  private static final Map<String, String> SOURCE_OP =
      Map.of(
          "ConvInteger", "Conv",
          "DynamicQuantizeLSTM", "LSTM",
          "QAttention", "Attention",
          "QEmbedLayerNormalization", "EmbedLayerNormalization");

  /**
   * The options for {@code target}, starting from {@code base}, for the float model {@code graph}.
   *
   * @param weightTypeGiven true when the user chose the weight type: it is then kept, and a
   *     conflict is an error
   * @throws IllegalArgumentException if the weight type given cannot run on the target
   */
  public static Choice choose(
      RuntimeSupport.Target target,
      QuantizeOptions base,
      GraphProto graph,
      boolean weightTypeGiven) {
    QuantizeOptions.Builder b = base.toBuilder();
    List<String> changes = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    boolean conv = quantizes(base, graph, "Conv");
    switch (target) {
      case CPU, WEB -> {
        if (conv && base.weightType() == QuantType.QInt8) {
          String why =
              "ConvInteger with int8 weights needs "
                  + (target == RuntimeSupport.Target.WEB ? "onnxruntime-web" : "ONNX Runtime")
                  + " 1.24 or newer (older releases fail to load the model)";
          if (weightTypeGiven) {
            throw new IllegalArgumentException(
                "--target "
                    + target.id()
                    + " with --weight-type QInt8: "
                    + why
                    + "; drop --weight-type or use QUInt8");
          }
          b.weightType(QuantType.QUInt8);
          changes.add("--weight-type QUInt8: " + why);
        }
      }
      case MOBILE -> {
        Set<String> ops =
            new LinkedHashSet<>(base.opTypes().isEmpty() ? OpQuantizers.opTypes() : base.opTypes());
        List<String> dropped = new ArrayList<>();
        for (RuntimeSupport.Entry e : RuntimeSupport.table()) {
          String from = SOURCE_OP.get(e.op());
          if (e.target() == RuntimeSupport.Target.MOBILE
              && e.status() == RuntimeSupport.Status.NO
              && from != null
              && ops.remove(from)
              && quantizes(base, graph, from)) {
            dropped.add(from + " (" + e.op() + ": " + e.note() + ")");
          }
        }
        if (!dropped.isEmpty()) {
          b.opTypes(ops);
          changes.add(
              "left in float for the reduced ORT Mobile package: " + String.join(", ", dropped));
        }
      }
      case CUDA ->
          notes.add(
              "the CUDA EP runs dynamically quantized ops (MatMulInteger with uint8 activations,"
                  + " DynamicQuantizeLinear, ConvInteger) on the CPU, with copies between the"
                  + " devices; no quantization option avoids it");
    }
    return new Choice(b.build(), changes, notes);
  }

  /** True when {@code graph} has a node of type {@code op} that {@code o} would quantize. */
  private static boolean quantizes(QuantizeOptions o, GraphProto graph, String op) {
    if (!o.opTypes().isEmpty() && !o.opTypes().contains(op)) {
      return false;
    }
    for (NodeProto n : graph.getNodeList()) {
      if (n.getOpType().equals(op)) {
        return true;
      }
    }
    return false;
  }
}
