// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.List;
import java.util.Map;
import org.quantscope.onnx.NodeProto;

/**
 * What an {@link OpQuantizer} returns for one node: the nodes that replace it, in order, the new
 * initializers (as slots, since weights are computed later), and the values that are 8-bit from now
 * on. The driver applies it.
 *
 * @param nodes replacement nodes, in ORT's emission order
 * @param initializers new initializer slots, in creation order
 * @param quantized values entered into the quantized-value map by this node
 * @param weights the weights this node quantized (for the report), in order
 */
record Rewrite(
    List<NodeProto> nodes,
    List<Slot> initializers,
    Map<String, QuantizedValue> quantized,
    List<WeightJob> weights) {

  /** A new initializer: a finished tensor, or one part of a weight computed later. */
  sealed interface Slot permits Slot.Fixed, Slot.Part {
    record Fixed(org.quantscope.onnx.TensorProto tensor) implements Slot {}

    record Part(WeightJob job, Kind kind) implements Slot {}

    enum Kind {
      SCALE,
      ZERO_POINT,
      QUANTIZED
    }
  }
}
