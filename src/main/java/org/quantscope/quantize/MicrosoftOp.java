// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.List;
import org.quantscope.onnx.NodeProto;

/** A com.microsoft node replacing {@code node}: its attributes and outputs, new inputs. */
final class MicrosoftOp {
  private MicrosoftOp() {}

  static NodeProto of(NodeProto node, String opType, List<String> inputs) {
    NodeProto.Builder b =
        NodeProto.newBuilder()
            .setOpType(opType)
            .setDomain("com.microsoft")
            .addAllInput(inputs)
            .addAllOutput(node.getOutputList())
            .addAllAttribute(node.getAttributeList());
    if (!node.getName().isEmpty()) {
      b.setName(node.getName() + "_quant");
    }
    return b.build();
  }
}
