// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

import com.google.protobuf.ByteString;
import java.util.List;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.OperatorSetIdProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.onnx.TensorShapeProto;
import org.quantscope.onnx.TypeProto;
import org.quantscope.onnx.ValueInfoProto;

/** Small builders for ONNX protobuf messages: values, nodes, attributes, models. */
public final class Protos {
  private Protos() {}

  /**
   * A tensor value with a shape; each dim is a number (Integer or Long), a symbolic name (String)
   * or null for an unknown dim.
   */
  public static ValueInfoProto tensorValue(String name, ElementType type, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      TensorShapeProto.Dimension.Builder db = TensorShapeProto.Dimension.newBuilder();
      if (d instanceof Number n) {
        db.setDimValue(n.longValue());
      } else if (d instanceof String s) {
        db.setDimParam(s);
      }
      shape.addDim(db);
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder().setElemType(type.code()).setShape(shape)))
        .build();
  }

  /** A tensor value whose shape is not known. */
  public static ValueInfoProto tensorValueNoShape(String name, ElementType type) {
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.code())))
        .build();
  }

  public static NodeProto node(
      String opType,
      String name,
      List<String> inputs,
      List<String> outputs,
      AttributeProto... attrs) {
    NodeProto.Builder b =
        NodeProto.newBuilder().setOpType(opType).addAllInput(inputs).addAllOutput(outputs);
    if (name != null && !name.isEmpty()) {
      b.setName(name);
    }
    for (AttributeProto a : attrs) {
      b.addAttribute(a);
    }
    return b.build();
  }

  public static AttributeProto attr(String name, float value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF(value)
        .build();
  }

  public static AttributeProto attr(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  public static AttributeProto attr(String name, String value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(value))
        .build();
  }

  public static AttributeProto attr(String name, long... values) {
    AttributeProto.Builder b =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      b.addInts(v);
    }
    return b.build();
  }

  public static AttributeProto attr(String name, float... values) {
    AttributeProto.Builder b =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
    for (float v : values) {
      b.addFloats(v);
    }
    return b.build();
  }

  public static AttributeProto attr(String name, TensorProto value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.TENSOR)
        .setT(value)
        .build();
  }

  public static AttributeProto attr(String name, GraphProto value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.GRAPH)
        .setG(value)
        .build();
  }

  public static OperatorSetIdProto opset(String domain, long version) {
    return OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version).build();
  }

  /** A model around {@code graph}, importing the default domain at {@code opset}. */
  public static ModelProto model(GraphProto graph, long irVersion, long opset) {
    return ModelProto.newBuilder()
        .setIrVersion(irVersion)
        .setProducerName("quantscope")
        .addOpsetImport(opset("", opset))
        .setGraph(graph)
        .build();
  }
}
