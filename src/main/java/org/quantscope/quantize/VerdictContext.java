// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.Optional;
import java.util.Set;
import org.quantscope.graph.GraphIndex;
import org.quantscope.model.ElementType;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;

/**
 * What an op's verdict rule may ask about the graph while {@link Quantizability.Walker} walks it:
 * value types, constants (with the constant-weights extension, values folded from Constant and
 * Identity nodes), what is already quantized, and the shared reason texts, so that every op words
 * the same condition the same way.
 */
final class VerdictContext {
  private final GraphIndex index;
  private final Criteria criteria;
  private final Set<String> quantizedValues;

  VerdictContext(GraphIndex index, Criteria criteria, Set<String> quantizedValues) {
    this.index = index;
    this.criteria = criteria;
    this.quantizedValues = quantizedValues;
  }

  Criteria criteria() {
    return criteria;
  }

  /** True if ORT's quantized-value map holds {@code value} at this point of the walk. */
  boolean isQuantized(String value) {
    return quantizedValues.contains(value);
  }

  boolean isFloat(String name) {
    return index.isFloat(name);
  }

  Optional<ElementType> elementType(String name) {
    return index.elementType(name);
  }

  /**
   * The constant behind a value: an initializer, or with the constant-weights extension a value
   * folded from Constant/Identity nodes.
   */
  Optional<TensorProto> constant(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.empty();
    }
    Optional<TensorProto> t = index.initializer(name);
    if (t.isEmpty() && criteria.constantWeights()) {
      t = index.foldedConstant(name);
    }
    return t;
  }

  boolean isInitializer(String name) {
    return constant(name).isPresent();
  }

  /**
   * Why float16 data cannot be quantized here, or null. ORT accepts float16 as "float", but its
   * output is then not a valid model: DynamicQuantizeLinear takes float32 only, and float16 scales
   * meet float32 ones in the same Mul. QuantScope leaves such nodes in float.
   */
  String float16(String activation, String aLabel, String weight, String wLabel) {
    if (activation != null && index.elementType(activation).orElse(null) == ElementType.FLOAT16) {
      return aLabel
          + " '"
          + activation
          + "' is float16; DynamicQuantizeLinear quantizes float32 activations only (convert"
          + " the model to float32 first)";
    }
    if (weight != null && index.elementType(weight).orElse(null) == ElementType.FLOAT16) {
      return wLabel
          + " '"
          + weight
          + "' is float16; its float16 scales would not combine with the float32 activation"
          + " scales (convert the model to float32 first)";
    }
    return null;
  }

  /** A note for actions whose weight was folded from Constant/Identity nodes. */
  String folded(String name) {
    return name != null && !name.isEmpty() && index.initializer(name).isEmpty()
        ? " (weight folded from constant nodes)"
        : "";
  }

  /** Why a weight input is not a constant initializer, naming what produces it. */
  String notConstant(String label, String name) {
    if (name == null || name.isEmpty()) {
      return label + " is missing";
    }
    Optional<NodeProto> producer = index.producerNode(name);
    if (producer.isPresent()) {
      NodeProto p = producer.get();
      if (p.getOpType().equals("Constant")) {
        return label
            + " '"
            + name
            + "' comes from a Constant node, not an initializer; ONNX Runtime does not"
            + " quantize such weights (--constant-weights does)";
      }
      if (p.getOpType().equals("Identity") && index.foldedConstant(name).isPresent()) {
        return label
            + " '"
            + name
            + "' is an Identity copy of a constant, not an initializer; ONNX Runtime does not"
            + " quantize such weights (--constant-weights does)";
      }
      return label
          + " '"
          + name
          + "' is computed at run time by "
          + p.getOpType()
          + (p.getName().isEmpty() ? "" : " '" + p.getName() + "'")
          + ", not a constant initializer";
    }
    if (index.isGraphInput(name)) {
      return label + " '" + name + "' is a graph input, not a constant initializer";
    }
    if (index.isSparseInitializer(name)) {
      return label + " '" + name + "' is a sparse initializer; sparse weights are not quantized";
    }
    return label + " '" + name + "' is not a constant initializer";
  }

  /** A value's element type for a reason text: its ONNX name, "missing" or "type unknown". */
  String describeType(String name) {
    if (name == null || name.isEmpty()) {
      return "missing";
    }
    return index.elementType(name).map(t -> t.onnxName()).orElse("type unknown");
  }
}
