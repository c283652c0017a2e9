// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.List;
import java.util.Optional;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;
import org.quantscope.onnx.NodeProto;

/**
 * Gather on a uint8 copy of its table: the table is quantized like an activation (per tensor,
 * uint8, never reduce_range), the node is kept but reads the copy and writes {@code
 * <out>_quantized}, which downstream MatMuls consume directly; everything else gets a
 * DequantizeLinear.
 */
final class GatherQuantizer implements OpQuantizer {
  private static final WeightInput DATA = new WeightInput(0, "data", WeightRule.TABLE);

  @Override
  public String opType() {
    return "Gather";
  }

  @Override
  public List<WeightInput> weights() {
    return List.of(DATA);
  }

  @Override
  public Verdict judge(NodeProto n, VerdictContext v) {
    String table = DATA.of(n);
    Optional<ElementType> type = v.elementType(table);
    if (type.isPresent() && !v.isFloat(table)) {
      return Verdict.no("data '" + table + "' is " + type.get().onnxName() + ", not a float table");
    }
    if (v.constant(table).isEmpty()) {
      return Verdict.no(v.notConstant(DATA.label(), table));
    }
    if (!v.isFloat(table)) {
      return Verdict.no("data '" + table + "' is " + v.describeType(table) + ", not float");
    }
    String half = v.float16(null, null, table, DATA.label());
    if (half != null) {
      return Verdict.no(half);
    }
    return Verdict.yes(
        "Gather on a uint8 table" + v.folded(table),
        table,
        n.getOutputCount() > 0 ? n.getOutput(0) : null);
  }

  @Override
  public Rewrite quantize(NodeProto node, QuantContext ctx) throws ModelFormatException {
    QuantContext.Inputs t = ctx.weight(node, DATA);
    String out = node.getOutput(0);
    String qOut = out + "_quantized";
    ctx.register(
        new QuantizedValue(
            out, qOut, t.scales().get(0), t.zeroPoints().get(0), QuantizedValue.Kind.DERIVED));
    ctx.add(node.toBuilder().setInput(0, t.q().get(0)).setOutput(0, qOut).build());
    return ctx.build();
  }
}
