// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import java.util.Set;
import java.util.function.Function;
import org.quantscope.model.ElementType;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.NodeProto;

/** Element-type rules of common operators: the type of output {@code k} from the inputs. */
final class OutputTypes {
  private OutputTypes() {}

  private static final Set<String> BOOL_OPS =
      Set.of(
          "Equal",
          "Less",
          "Greater",
          "LessOrEqual",
          "GreaterOrEqual",
          "Not",
          "And",
          "Or",
          "Xor",
          "IsNaN",
          "IsInf");
  private static final Set<String> INT64_OPS =
      Set.of("Shape", "Size", "ArgMax", "ArgMin", "NonZero", "NonMaxSuppression");

  static ElementType infer(NodeProto n, int k, Function<String, ElementType> typeOf) {
    String op = n.getOpType();
    String domain = n.getDomain();
    boolean standard = domain.isEmpty() || domain.equals("ai.onnx");
    if (!standard && !domain.equals("com.microsoft")) {
      return null;
    }
    switch (op) {
      case "Cast":
        return intAttr(n, "to");
      case "CastLike":
        return n.getInputCount() > 1 ? typeOf.apply(n.getInput(1)) : null;
      case "Constant":
        return constantType(n);
      case "ConstantOfShape":
        {
          AttributeProto v = GraphIndex.attribute(n, "value");
          return v != null && v.hasT()
              ? ElementType.of(v.getT().getDataType()).orElse(null)
              : ElementType.FLOAT;
        }
      case "MatMulInteger":
      case "ConvInteger":
        return ElementType.INT32;
      case "DynamicQuantizeLinear":
        return k == 1 ? ElementType.FLOAT : ElementType.UINT8;
      case "QuantizeLinear":
        return n.getInputCount() > 2 && !n.getInput(2).isEmpty()
            ? typeOf.apply(n.getInput(2))
            : ElementType.UINT8;
      case "DequantizeLinear":
        return n.getInputCount() > 1 ? typeOf.apply(n.getInput(1)) : ElementType.FLOAT;
      case "TopK":
        return k == 1 ? ElementType.INT64 : first(n, typeOf);
      case "Unique":
        return k == 0 ? first(n, typeOf) : ElementType.INT64;
      case "Gather":
      case "GatherElements":
      case "GatherND":
        return n.getInputCount() > 0 ? typeOf.apply(n.getInput(0)) : null;
      case "Where":
        return n.getInputCount() > 1 ? typeOf.apply(n.getInput(1)) : null;
      case "EyeLike":
      case "RandomNormalLike":
      case "RandomUniformLike":
        {
          ElementType t = intAttr(n, "dtype");
          return t != null ? t : first(n, typeOf);
        }
      case "RandomNormal":
      case "RandomUniform":
        {
          ElementType t = intAttr(n, "dtype");
          return t != null ? t : ElementType.FLOAT;
        }
      case "LSTM":
      case "GRU":
      case "RNN":
        return first(n, typeOf);
      case "OneHot":
        return n.getInputCount() > 2 ? typeOf.apply(n.getInput(2)) : null;
      case "If":
        return subgraphOutputType(n, "then_branch", k);
      case "Loop":
        // body outputs: condition, then the loop-carried values and scan outputs
        return subgraphOutputType(n, "body", k + 1);
      case "Scan":
        return subgraphOutputType(n, "body", k);
      case "QLinearConv":
      case "QLinearMatMul":
        return n.getInputCount() > 7 ? typeOf.apply(n.getInput(7)) : null;
      case "EmbedLayerNormalization":
        // output, mask_index (int32), embedding sum
        return k == 1
            ? ElementType.INT32
            : (n.getInputCount() > 2 ? typeOf.apply(n.getInput(2)) : null);
      case "MatMulIntegerToFloat":
      case "DynamicQuantizeMatMul":
        return ElementType.FLOAT;
      default:
        break;
    }
    if (BOOL_OPS.contains(op)) {
      return ElementType.BOOL;
    }
    if (INT64_OPS.contains(op)) {
      return ElementType.INT64;
    }
    // Most operators keep the element type of their first (data) input.
    return first(n, typeOf);
  }

  /** The declared element type of output {@code k} of the graph attribute {@code name}. */
  private static ElementType subgraphOutputType(NodeProto n, String name, int k) {
    AttributeProto a = GraphIndex.attribute(n, name);
    if (a == null || !a.hasG() || a.getG().getOutputCount() <= k) {
      return null;
    }
    var type = a.getG().getOutput(k).getType();
    if (type.hasTensorType() && type.getTensorType().hasElemType()) {
      return ElementType.of(type.getTensorType().getElemType()).orElse(null);
    }
    return null;
  }

  private static ElementType first(NodeProto n, Function<String, ElementType> typeOf) {
    for (String in : n.getInputList()) {
      if (!in.isEmpty()) {
        return typeOf.apply(in);
      }
    }
    return null;
  }

  private static ElementType intAttr(NodeProto n, String name) {
    AttributeProto a = GraphIndex.attribute(n, name);
    return a == null ? null : ElementType.of((int) a.getI()).orElse(null);
  }

  private static ElementType constantType(NodeProto n) {
    for (AttributeProto a : n.getAttributeList()) {
      switch (a.getName()) {
        case "value":
          return ElementType.of(a.getT().getDataType()).orElse(null);
        case "sparse_value":
          return ElementType.of(a.getSparseTensor().getValues().getDataType()).orElse(null);
        case "value_float":
        case "value_floats":
          return ElementType.FLOAT;
        case "value_int":
        case "value_ints":
          return ElementType.INT64;
        case "value_string":
        case "value_strings":
          return ElementType.STRING;
        default:
          break;
      }
    }
    return null;
  }
}
