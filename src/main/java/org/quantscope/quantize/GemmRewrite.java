// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.quantscope.graph.GraphIndex;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.Protos;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;

/**
 * ORT's {@code replace_gemm_with_matmul}, done before quantization whatever the node filters say: a
 * Gemm with alpha = beta = 1 and transA = 0 becomes MatMul (plus Add for the bias C). With transB =
 * 1, a constant B is replaced by its transpose under the same name (stored as raw_data, moved to
 * the end of the initializers); a computed B goes through a Transpose node.
 */
final class GemmRewrite {
  /** Reads a tensor's payload (from the model file, external data or raw_data). */
  @FunctionalInterface
  interface PayloadReader {
    ByteBuffer read(TensorProto t) throws ModelFormatException;
  }

  private final GraphIndex index;
  private final Map<String, TensorProto> transposed = new java.util.LinkedHashMap<>();
  private final Map<String, String> aliases = new HashMap<>();

  GemmRewrite(GraphProto graph, GraphIndex index) {
    this.index = index;
    for (NodeProto n : graph.getNodeList()) {
      if (isRewritable(n)) {
        if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
          aliases.put(n.getOutput(0) + "_MatMul", n.getOutput(0));
        }
        if (transB(n) && index.initializer(n.getInput(1)).isEmpty()) {
          aliases.put(n.getInput(1) + "_Transposed", n.getInput(1));
        }
      }
    }
  }

  /** Transposes the constant B of every Gemm with transB = 1; call once before quantizing. */
  void transposeWeights(GraphProto graph, PayloadReader reader) throws ModelFormatException {
    for (NodeProto n : graph.getNodeList()) {
      if (!isRewritable(n) || !transB(n)) {
        continue;
      }
      String b = n.getInput(1);
      Optional<TensorProto> init = index.initializer(b);
      if (init.isEmpty() || transposed.containsKey(b) || !index.isLocalInitializer(b)) {
        continue;
      }
      transposed.put(b, transpose(init.get(), reader));
    }
  }

  /** The transposed replacements, in the order they go to the end of the initializer list. */
  List<TensorProto> transposedWeights() {
    return new ArrayList<>(transposed.values());
  }

  boolean isTransposed(String name) {
    return transposed.containsKey(name);
  }

  static boolean isRewritable(NodeProto n) {
    if (!n.getOpType().equals("Gemm")) {
      return false;
    }
    return floatAttr(n, "alpha", 1f) == 1f
        && floatAttr(n, "beta", 1f) == 1f
        && intAttr(n, "transA", 0) == 0;
  }

  private static boolean transB(NodeProto n) {
    return intAttr(n, "transB", 0) != 0;
  }

  /** The nodes a Gemm becomes (Transpose?, MatMul, Add?), or the node itself. */
  List<NodeProto> expand(NodeProto n) {
    if (!isRewritable(n)) {
      return List.of(n);
    }
    List<NodeProto> out = new ArrayList<>(3);
    String name = n.getName();
    String b = n.getInput(1);
    if (transB(n) && index.initializer(b).isEmpty()) {
      String t = b + "_Transposed";
      out.add(
          Protos.node(
              "Transpose", name.isEmpty() ? "" : name + "_Transpose", List.of(b), List.of(t)));
      b = t;
    }
    boolean bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
    String y = n.getOutput(0);
    String mm = bias ? y + "_MatMul" : y;
    out.add(
        Protos.node(
            "MatMul",
            name.isEmpty() ? "" : name + "_MatMul",
            List.of(n.getInput(0), b),
            List.of(mm)));
    if (bias) {
      out.add(
          Protos.node(
              "Add", name.isEmpty() ? "" : name + "_Add", List.of(mm, n.getInput(2)), List.of(y)));
    }
    return out;
  }

  /** Types of the values the rewrite introduces: those of the values they stand for. */
  Optional<ElementType> aliasType(String value) {
    String of = aliases.get(value);
    return of == null ? Optional.empty() : index.elementType(of);
  }

  private static TensorProto transpose(TensorProto t, PayloadReader reader)
      throws ModelFormatException {
    if (t.getDimsCount() != 2) {
      throw new ModelFormatException(
          "Gemm weight '" + t.getName() + "' has rank " + t.getDimsCount() + ", expected 2");
    }
    ElementType type = Tensors.elementType(t);
    int size = type.bits() / 8;
    if (size == 0 || type.bits() % 8 != 0) {
      throw new ModelFormatException(
          "Gemm weight '" + t.getName() + "' of type " + type.onnxName() + " cannot be transposed");
    }
    int rows = (int) t.getDims(0);
    int cols = (int) t.getDims(1);
    ByteBuffer in = reader.read(t).duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
    ByteBuffer outBuf =
        ByteBuffer.allocate(rows * cols * size).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    if (size == 4) {
      int[] src = new int[rows * cols];
      in.asIntBuffer().get(src);
      int[] dst = new int[src.length];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          dst[c * rows + r] = src[r * cols + c];
        }
      }
      outBuf.asIntBuffer().put(dst);
    } else {
      byte[] src = new byte[in.remaining()];
      in.get(src);
      byte[] dst = outBuf.array();
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          System.arraycopy(src, (r * cols + c) * size, dst, (c * rows + r) * size, size);
        }
      }
    }
    byte[] out = outBuf.array();
    return Tensors.raw(t.getName(), type, new long[] {cols, rows}, ByteBuffer.wrap(out));
  }

  private static float floatAttr(NodeProto n, String name, float dflt) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getF();
      }
    }
    return dflt;
  }

  private static long intAttr(NodeProto n, String name, long dflt) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getI();
      }
    }
    return dflt;
  }
}
