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
  private final boolean general;
  private final List<String> transposeHere;
  private final Map<String, TensorProto> transposed = new java.util.LinkedHashMap<>();
  private final Map<String, TensorProto> created = new java.util.LinkedHashMap<>();
  private final Map<String, String> aliases = new HashMap<>();

  /**
   * @param general QuantScope's extension: also rewrite Gemm with transA, alpha or beta
   *     (transposing A with a node, folding alpha into a constant B and beta into a constant C, or
   *     multiplying at run time where they are not constant)
   */
  GemmRewrite(GraphProto graph, GraphIndex index, boolean general) {
    this(graph, index, general, GemmPlan.of(graph).transposedIn(""));
  }

  /**
   * @param transposeHere the initializers of this graph that ORT's walk transposes (for Gemm nodes
   *     of this graph or of its subgraphs), in its order: see {@link GemmPlan}
   */
  GemmRewrite(GraphProto graph, GraphIndex index, boolean general, List<String> transposeHere) {
    this.index = index;
    this.general = general;
    this.transposeHere = List.copyOf(transposeHere);
    for (NodeProto n : graph.getNodeList()) {
      if (rewrites(n)) {
        String y = n.getOutput(0);
        aliases.put(y + "_MatMul", y);
        aliases.put(y + "_MatMul_alpha", y);
        aliases.put(y + "_A_transposed", n.getInput(0));
        if (hasBias(n)) {
          aliases.put(y + "_C_beta", n.getInput(2));
        }
        if (transB(n) && index.initializer(n.getInput(1)).isEmpty()) {
          aliases.put(n.getInput(1) + "_Transposed", n.getInput(1));
        }
      }
    }
  }

  /** Whether this Gemm becomes MatMul: ORT's plain ones, or every one with the extension. */
  boolean rewrites(NodeProto n) {
    return isRewritable(n) || (general && n.getOpType().equals("Gemm"));
  }

  /**
   * Prepares the constants the rewrite needs; call once before quantizing. The initializers ORT's
   * walk transposes in this graph (for ORT's plain Gemm with transB = 1, here or in a subgraph) are
   * replaced by their transpose under the same name; the extension's Gemm nodes get new constants
   * named after their output ({@code <Y>_B}, {@code <Y>_C}).
   */
  void transposeWeights(GraphProto graph, PayloadReader reader) throws ModelFormatException {
    for (String b : transposeHere) {
      Optional<TensorProto> init = index.initializer(b);
      if (init.isPresent() && index.isLocalInitializer(b) && !transposed.containsKey(b)) {
        transposed.put(b, transpose(init.get(), reader));
      }
    }
    for (NodeProto n : graph.getNodeList()) {
      if (!rewrites(n) || isRewritable(n)) {
        continue;
      }
      String b = n.getInput(1);
      Optional<TensorProto> init = index.initializer(b);
      String y = n.getOutput(0);
      float alpha = floatAttr(n, "alpha", 1f);
      float beta = floatAttr(n, "beta", 1f);
      if (init.isPresent() && (transB(n) || alpha != 1f)) {
        TensorProto t = transB(n) ? transpose(init.get(), reader) : init.get();
        created.put(y + "_B", scaled(t, y + "_B", alpha, reader));
      } else if (alpha != 1f) {
        created.put(y + "_alpha", Tensors.floatData(y + "_alpha", new long[] {}, alpha));
      }
      if (hasBias(n) && beta != 1f) {
        Optional<TensorProto> c = index.initializer(n.getInput(2));
        if (c.isPresent()) {
          created.put(y + "_C", scaled(c.get(), y + "_C", beta, reader));
        } else {
          created.put(y + "_beta", Tensors.floatData(y + "_beta", new long[] {}, beta));
        }
      }
    }
  }

  /** The transposed replacements, in the order they go to the end of the initializer list. */
  List<TensorProto> transposedWeights() {
    List<TensorProto> all = new ArrayList<>(transposed.values());
    all.addAll(created.values());
    return all;
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

  private static boolean hasBias(NodeProto n) {
    return n.getInputCount() > 2 && !n.getInput(2).isEmpty();
  }

  /** The nodes a Gemm becomes (Transpose?, MatMul, Add?), or the node itself. */
  List<NodeProto> expand(NodeProto n) {
    if (!rewrites(n)) {
      return List.of(n);
    }
    List<NodeProto> out = new ArrayList<>(3);
    String name = n.getName();
    String y = n.getOutput(0);
    boolean bias = hasBias(n);
    String a = n.getInput(0);
    String b = n.getInput(1);
    if (intAttr(n, "transA", 0) != 0) {
      String t = y + "_A_transposed";
      out.add(Protos.node("Transpose", named(name, "_TransposeA"), List.of(a), List.of(t)));
      a = t;
    }
    if (created.containsKey(y + "_B")) {
      b = y + "_B";
    } else if (transB(n) && index.initializer(b).isEmpty()) {
      String t = b + "_Transposed";
      out.add(Protos.node("Transpose", named(name, "_Transpose"), List.of(b), List.of(t)));
      b = t;
    }
    boolean alphaNode = created.containsKey(y + "_alpha");
    String mm = bias || alphaNode ? y + "_MatMul" : y;
    out.add(Protos.node("MatMul", named(name, "_MatMul"), List.of(a, b), List.of(mm)));
    if (alphaNode) {
      String scaledOut = bias ? y + "_MatMul_alpha" : y;
      out.add(
          Protos.node("Mul", named(name, "_Alpha"), List.of(mm, y + "_alpha"), List.of(scaledOut)));
      mm = scaledOut;
    }
    if (bias) {
      String c = n.getInput(2);
      if (created.containsKey(y + "_C")) {
        c = y + "_C";
      } else if (created.containsKey(y + "_beta")) {
        String cb = y + "_C_beta";
        out.add(Protos.node("Mul", named(name, "_Beta"), List.of(c, y + "_beta"), List.of(cb)));
        c = cb;
      }
      out.add(Protos.node("Add", named(name, "_Add"), List.of(mm, c), List.of(y)));
    }
    return out;
  }

  private static String named(String name, String suffix) {
    return name.isEmpty() ? "" : name + suffix;
  }

  /** Types of the values the rewrite introduces: those of the values they stand for. */
  Optional<ElementType> aliasType(String value) {
    String of = aliases.get(value);
    return of == null ? Optional.empty() : index.elementType(of);
  }

  /** {@code factor * t}, as a new float tensor named {@code name}. */
  private static TensorProto scaled(TensorProto t, String name, float factor, PayloadReader reader)
      throws ModelFormatException {
    if (Tensors.elementType(t) != ElementType.FLOAT) {
      throw new ModelFormatException(
          "Gemm constant '"
              + t.getName()
              + "' is "
              + Tensors.elementType(t).onnxName()
              + "; only float Gemm constants can be folded");
    }
    java.nio.FloatBuffer in =
        reader.read(t).duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] v = new float[in.remaining()];
    in.get(v);
    if (factor != 1f) {
      for (int i = 0; i < v.length; i++) {
        v[i] *= factor;
      }
    }
    return Tensors.rawFloats(name, Tensors.dims(t), v);
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
