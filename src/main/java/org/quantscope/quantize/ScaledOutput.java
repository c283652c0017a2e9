// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.List;
import org.quantscope.model.Protos;
import org.quantscope.onnx.NodeProto;

/**
 * The tail ORT appends after MatMulInteger and ConvInteger: Cast of the int32 result to the
 * output's float type, Mul of the two scales (reused when a node of that name exists), and the Mul
 * that produces the float result.
 */
final class ScaledOutput {
  private ScaledOutput() {}

  /**
   * @param node the original node (its output decides the Cast type)
   * @param intName the name of the integer node, "" when the original node has none
   * @param intOut the integer node's output
   * @param output the name the final Mul writes
   */
  static void emit(
      QuantContext ctx,
      NodeProto node,
      String intName,
      String intOut,
      String scaleA,
      String scaleB,
      String output) {
    String castOut = intOut + "_cast_output";
    ctx.add(
        Protos.node(
            "Cast",
            intOut + "_cast",
            List.of(intOut),
            List.of(castOut),
            Protos.attr("to", ctx.elementTypeCode(node.getOutput(0)))));
    String scalesName =
        intName.isEmpty() ? scaleA + "_" + scaleB + "_mul" : intName + "_scales_mul";
    NodeProto scalesMul = ctx.findEmitted(scalesName);
    if (scalesMul == null) {
      scalesMul =
          Protos.node("Mul", scalesName, List.of(scaleA, scaleB), List.of(scalesName + ":0"));
      ctx.add(scalesMul);
    }
    ctx.add(
        Protos.node(
            "Mul",
            intName.isEmpty() ? "" : intName + "_output_scale_mul",
            List.of(castOut, scalesMul.getOutput(0)),
            List.of(output)));
  }
}
