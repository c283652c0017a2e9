// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quantscope.model.Protos.attr;
import static org.quantscope.model.Protos.node;
import static org.quantscope.model.Protos.tensorValue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quantscope.graph.GraphIndex;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.Protos;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;

/**
 * The Gemm to MatMul rewrite on graphs built here: the exact nodes each Gemm becomes (ORT's plain
 * rewrite and the general extension), and the constants it prepares, checked value by value against
 * a transpose and a scaling computed in the test, for every element width the transpose handles.
 */
class GemmRewriteTest {

  /** The rewrite of {@code g} after its constants are prepared, as the quantizer drives it. */
  private static GemmRewrite prepared(GraphProto g, boolean general) throws ModelFormatException {
    GemmRewrite r = new GemmRewrite(g, GraphIndex.of(g), general);
    r.transposeWeights(g, reader(g));
    return r;
  }

  private static GemmRewrite.PayloadReader reader(GraphProto g) {
    return OnnxModel.of(Protos.model(g, 8, 17))::payload;
  }

  private static NodeProto byName(GraphProto g, String name) {
    return g.getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
  }

  /** "op name [inputs] -> [outputs]" for each node. */
  private static List<String> described(List<NodeProto> nodes) {
    return nodes.stream()
        .map(
            n ->
                n.getOpType()
                    + " "
                    + n.getName()
                    + " "
                    + n.getInputList()
                    + " -> "
                    + n.getOutputList())
        .toList();
  }

  private static float[] floats(TensorProto t) throws ModelFormatException {
    ByteBuffer b = OnnxModel.of(Protos.model(GraphProto.getDefaultInstance(), 8, 17)).payload(t);
    return Tensors.toFloats(b, ElementType.FLOAT, (int) Tensors.elementCount(t));
  }

  /** {@code factor * m^T} for a row-major [rows, cols] matrix, computed here. */
  private static float[] scaledTranspose(float[] m, int rows, int cols, float factor) {
    float[] t = new float[m.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = factor * m[r * cols + c];
      }
    }
    return t;
  }

  private static float[] scaled(float[] m, float factor) {
    float[] t = new float[m.length];
    for (int i = 0; i < m.length; i++) {
      t[i] = factor * m[i];
    }
    return t;
  }

  private static float[] counting(int n, float from) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = from + i;
    }
    return v;
  }

  /** ORT's plain rewrite: alpha = beta = 1 and transA = 0; everything else stays a Gemm. */
  private static GraphProto plain() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("plain");
    g.addInput(tensorValue("x", ElementType.FLOAT, 2, 3));
    g.addInput(tensorValue("Bin", ElementType.FLOAT16, 4, 3));
    g.addInput(tensorValue("Bn", ElementType.FLOAT, 3, 4));
    g.addInitializer(Tensors.rawFloats("W", new long[] {4, 3}, counting(12, 1)));
    g.addInitializer(Tensors.rawFloats("c", new long[] {4}, counting(4, 100)));
    g.addInitializer(Tensors.rawFloats("V", new long[] {3, 4}, counting(12, -6)));
    g.addNode(node("Gemm", "fc", List.of("x", "W", "c"), List.of("y1"), attr("transB", 1L)));
    g.addNode(node("Gemm", "in", List.of("x", "Bin"), List.of("y2"), attr("transB", 1L)));
    g.addNode(node("Gemm", "nt", List.of("x", "Bn"), List.of("y3")));
    g.addNode(node("Gemm", "", List.of("x", "Bin", ""), List.of("y4"), attr("transB", 1L)));
    g.addNode(node("Gemm", "scaled", List.of("x", "V"), List.of("y5"), attr("alpha", 0.5f)));
    g.addNode(node("Gemm", "ta", List.of("x", "V"), List.of("y6"), attr("transA", 1L)));
    g.addNode(node("Gemm", "bias2", List.of("x", "V", "c"), List.of("y7"), attr("beta", 2f)));
    g.addNode(node("Relu", "relu", List.of("y1"), List.of("y8")));
    g.addNode(node("Gemm", "fc_again", List.of("x", "W"), List.of("y9"), attr("transB", 1L)));
    g.addNode(node("Gemm", "tb0", List.of("x", "V"), List.of("y10"), attr("transB", 0L)));
    for (String y : List.of("y1", "y2", "y3", "y4", "y5", "y6", "y7", "y8", "y9", "y10")) {
      g.addOutput(tensorValue(y, ElementType.FLOAT, 2, 4));
    }
    return g.build();
  }

  @Test
  void plainGemmBecomesMatMulWithOrtsNames() throws Exception {
    GraphProto g = plain();
    GemmRewrite r = prepared(g, false);
    assertThat(described(r.expand(g.getNode(0))))
        .containsExactly(
            "MatMul fc_MatMul [x, W] -> [y1_MatMul]", "Add fc_Add [y1_MatMul, c] -> [y1]");
    assertThat(described(r.expand(g.getNode(1))))
        .containsExactly(
            "Transpose in_Transpose [Bin] -> [Bin_Transposed]",
            "MatMul in_MatMul [x, Bin_Transposed] -> [y2]");
    assertThat(described(r.expand(g.getNode(2))))
        .containsExactly("MatMul nt_MatMul [x, Bn] -> [y3]");
    // an unnamed Gemm gives unnamed nodes; an empty C is no bias
    assertThat(described(r.expand(g.getNode(3))))
        .containsExactly(
            "Transpose  [Bin] -> [Bin_Transposed]", "MatMul  [x, Bin_Transposed] -> [y4]");
    assertThat(described(r.expand(byName(g, "fc_again"))))
        .containsExactly("MatMul fc_again_MatMul [x, W] -> [y9]");
    assertThat(described(r.expand(byName(g, "tb0"))))
        .containsExactly("MatMul tb0_MatMul [x, V] -> [y10]");
    // alpha, beta or transA: ORT leaves the Gemm alone, and so does the rewrite without extension
    for (String kept : List.of("scaled", "ta", "bias2", "relu")) {
      NodeProto n = byName(g, kept);
      assertThat(r.rewrites(n)).as(kept).isFalse();
      assertThat(r.expand(n)).as(kept).containsExactly(n);
    }
    for (String rewritten : List.of("fc", "in", "nt", "fc_again", "tb0")) {
      assertThat(r.rewrites(byName(g, rewritten))).as(rewritten).isTrue();
    }
  }

  @Test
  void plainConstantBIsReplacedByItsTransposeUnderTheSameNameOnce() throws Exception {
    GraphProto g = plain();
    GemmRewrite r = prepared(g, false);
    // W feeds two Gemm nodes with transB: one transpose; V (no transB) and Bin (computed) none
    assertThat(r.transposedWeights()).hasSize(1);
    TensorProto w = r.transposedWeights().get(0);
    assertThat(w.getName()).isEqualTo("W");
    assertThat(w.getDataType()).isEqualTo(ElementType.FLOAT.code());
    assertThat(w.getDimsList()).containsExactly(3L, 4L);
    assertThat(Tensors.storage(w)).isEqualTo("raw_data");
    assertThat(floats(w)).containsExactly(scaledTranspose(counting(12, 1), 4, 3, 1f));
    assertThat(r.isTransposed("W")).isTrue();
    assertThat(r.isTransposed("V")).isFalse();
    assertThat(r.isTransposed("Bin")).isFalse();
  }

  @Test
  void theValuesTheRewriteIntroducesHaveTheTypesOfWhatTheyStandFor() throws Exception {
    GraphProto g = plain();
    GemmRewrite r = prepared(g, false);
    assertThat(r.aliasType("y1_MatMul")).contains(ElementType.FLOAT);
    assertThat(r.aliasType("Bin_Transposed")).contains(ElementType.FLOAT16);
    // no Transpose node for a constant B or without transB, so no such value
    assertThat(r.aliasType("W_Transposed")).isEmpty();
    assertThat(r.aliasType("Bn_Transposed")).isEmpty();
    // values of the graph itself and unknown names are not aliases
    assertThat(r.aliasType("y2")).isEmpty();
    assertThat(r.aliasType("nothing")).isEmpty();
    // a Gemm that is not rewritten introduces nothing
    assertThat(r.aliasType("y5_MatMul")).isEmpty();
  }

  /** The general extension: transA, alpha and beta, on constants and on computed values. */
  private static GraphProto general() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("general");
    g.addInput(tensorValue("xt", ElementType.FLOAT16, 4, 2));
    g.addInput(tensorValue("a", ElementType.FLOAT, 2, 4));
    g.addInput(tensorValue("Bc", ElementType.FLOAT, 4, 3));
    g.addInput(tensorValue("Bt", ElementType.FLOAT, 3, 4));
    g.addInput(tensorValue("Cc", ElementType.FLOAT, 3));
    g.addInitializer(Tensors.rawFloats("B", new long[] {3, 4}, counting(12, -5)));
    g.addInitializer(Tensors.floatData("C", new long[] {3}, 0.5f, -1.25f, 3f));
    g.addInitializer(Tensors.rawFloats("B2", new long[] {4, 3}, counting(12, 7)));
    g.addInitializer(Tensors.rawFloats("B3", new long[] {4, 3}, counting(12, 30)));
    g.addInitializer(Tensors.rawFloats("W6", new long[] {3, 4}, counting(12, 50)));
    g.addNode(
        node(
            "Gemm",
            "g1",
            List.of("xt", "B", "C"),
            List.of("y"),
            attr("transA", 1L),
            attr("transB", 1L),
            attr("alpha", 0.5f),
            attr("beta", 2f)));
    g.addNode(
        node(
            "Gemm",
            "g2",
            List.of("xt", "B2", "y"),
            List.of("z"),
            attr("transA", 1L),
            attr("alpha", 1.5f),
            attr("beta", 0.25f)));
    g.addNode(node("Gemm", "g3", List.of("xt", "B3"), List.of("u"), attr("transA", 1L)));
    g.addNode(node("Gemm", "g4", List.of("a", "Bc"), List.of("w"), attr("alpha", 2f)));
    g.addNode(
        node(
            "Gemm",
            "g5",
            List.of("a", "Bt", "Cc"),
            List.of("v"),
            attr("alpha", 3f),
            attr("transB", 1L)));
    g.addNode(node("Gemm", "g6", List.of("a", "W6"), List.of("s"), attr("transB", 1L)));
    g.addNode(node("Gemm", "g7", List.of("a", "B3", "C"), List.of("r"), attr("beta", 4f)));
    g.addNode(node("Gemm", "g8", List.of("a", "Bc", "Cc"), List.of("p"), attr("beta", 0.5f)));
    for (String y : List.of("y", "z", "u", "w", "v", "s", "r", "p")) {
      g.addOutput(tensorValue(y, ElementType.FLOAT, 2, 3));
    }
    return g.build();
  }

  @Test
  void generalGemmFoldsConstantsAndMultipliesComputedValues() throws Exception {
    GraphProto g = general();
    GemmRewrite r = prepared(g, true);
    assertThat(described(r.expand(byName(g, "g1"))))
        .containsExactly(
            "Transpose g1_TransposeA [xt] -> [y_A_transposed]",
            "MatMul g1_MatMul [y_A_transposed, y_B] -> [y_MatMul]",
            "Add g1_Add [y_MatMul, y_C] -> [y]");
    assertThat(described(r.expand(byName(g, "g2"))))
        .containsExactly(
            "Transpose g2_TransposeA [xt] -> [z_A_transposed]",
            "MatMul g2_MatMul [z_A_transposed, z_B] -> [z_MatMul]",
            "Mul g2_Beta [y, z_beta] -> [z_C_beta]",
            "Add g2_Add [z_MatMul, z_C_beta] -> [z]");
    // transA alone: nothing to fold, B is used as it is
    assertThat(described(r.expand(byName(g, "g3"))))
        .containsExactly(
            "Transpose g3_TransposeA [xt] -> [u_A_transposed]",
            "MatMul g3_MatMul [u_A_transposed, B3] -> [u]");
    assertThat(described(r.expand(byName(g, "g4"))))
        .containsExactly(
            "MatMul g4_MatMul [a, Bc] -> [w_MatMul]", "Mul g4_Alpha [w_MatMul, w_alpha] -> [w]");
    assertThat(described(r.expand(byName(g, "g5"))))
        .containsExactly(
            "Transpose g5_Transpose [Bt] -> [Bt_Transposed]",
            "MatMul g5_MatMul [a, Bt_Transposed] -> [v_MatMul]",
            "Mul g5_Alpha [v_MatMul, v_alpha] -> [v_MatMul_alpha]",
            "Add g5_Add [v_MatMul_alpha, Cc] -> [v]");
    // a plain Gemm takes ORT's path with the extension on too
    assertThat(described(r.expand(byName(g, "g6"))))
        .containsExactly("MatMul g6_MatMul [a, W6] -> [s]");
    assertThat(described(r.expand(byName(g, "g7"))))
        .containsExactly(
            "MatMul g7_MatMul [a, B3] -> [r_MatMul]", "Add g7_Add [r_MatMul, r_C] -> [r]");
    assertThat(described(r.expand(byName(g, "g8"))))
        .containsExactly(
            "MatMul g8_MatMul [a, Bc] -> [p_MatMul]",
            "Mul g8_Beta [Cc, p_beta] -> [p_C_beta]",
            "Add g8_Add [p_MatMul, p_C_beta] -> [p]");
  }

  @Test
  void generalGemmConstantsAreTheScaledTransposes() throws Exception {
    GraphProto g = general();
    GemmRewrite r = prepared(g, true);
    List<TensorProto> t = r.transposedWeights();
    // ORT's transposed B first, then the new constants in node order
    assertThat(t.stream().map(TensorProto::getName))
        .containsExactly(
            "W6", "y_B", "y_C", "z_B", "z_beta", "w_alpha", "v_alpha", "r_C", "p_beta");
    assertThat(t.get(0).getDimsList()).containsExactly(4L, 3L);
    assertThat(floats(t.get(0))).containsExactly(scaledTranspose(counting(12, 50), 3, 4, 1f));
    assertThat(t.get(1).getDimsList()).containsExactly(4L, 3L);
    assertThat(floats(t.get(1))).containsExactly(scaledTranspose(counting(12, -5), 3, 4, 0.5f));
    assertThat(t.get(2).getDimsList()).containsExactly(3L);
    assertThat(floats(t.get(2))).containsExactly(1f, -2.5f, 6f);
    assertThat(t.get(3).getDimsList()).containsExactly(4L, 3L);
    assertThat(floats(t.get(3))).containsExactly(scaled(counting(12, 7), 1.5f));
    assertThat(t.get(4).getDimsCount()).isZero();
    assertThat(floats(t.get(4))).containsExactly(0.25f);
    assertThat(floats(t.get(5))).containsExactly(2f);
    assertThat(floats(t.get(6))).containsExactly(3f);
    assertThat(floats(t.get(7))).containsExactly(2f, -5f, 12f);
    assertThat(floats(t.get(8))).containsExactly(0.5f);
    assertThat(r.isTransposed("W6")).isTrue();
    assertThat(r.isTransposed("B")).isFalse(); // its folded transpose has a new name
  }

  @Test
  void generalAliasesTakeTheTypeOfTheValueTheyReplace() throws Exception {
    GraphProto g = general();
    GemmRewrite r = prepared(g, true);
    assertThat(r.aliasType("y_A_transposed")).contains(ElementType.FLOAT16); // xt
    assertThat(r.aliasType("z_C_beta")).contains(ElementType.FLOAT); // y
    assertThat(r.aliasType("v_MatMul_alpha")).contains(ElementType.FLOAT);
    assertThat(r.aliasType("Bt_Transposed")).contains(ElementType.FLOAT);
    assertThat(r.aliasType("Bc_Transposed")).isEmpty(); // g4 and g8 have no transB
  }

  @Test
  void withoutTheExtensionGeneralGemmIsLeftAlone() throws Exception {
    GraphProto g = general();
    GemmRewrite r = prepared(g, false);
    assertThat(r.transposedWeights().stream().map(TensorProto::getName)).containsExactly("W6");
    NodeProto g1 = byName(g, "g1");
    assertThat(r.rewrites(g1)).isFalse();
    assertThat(r.expand(g1)).containsExactly(g1);
    assertThat(r.aliasType("y_A_transposed")).isEmpty();
  }

  /** A [2, 3] matrix of {@code type} holding 0..5 (typed fields, as make_tensor writes them). */
  private static TensorProto matrix(ElementType type) {
    long[] dims = {2, 3};
    return switch (type) {
      case INT8, FLOAT16 -> {
        int[] v = new int[6];
        for (int i = 0; i < 6; i++) {
          // float16 1.0 + i / 1024: bit patterns that differ in both bytes
          v[i] = type == ElementType.INT8 ? i - 3 : 0x3c00 + i * 0x0101;
        }
        yield Tensors.int32Data("B", type, dims, v);
      }
      case INT32 -> Tensors.int32Data("B", type, dims, 0x01020304, -2, 3, 4, 5, 0x7f00ff00);
      case FLOAT -> Tensors.floatData("B", dims, counting(6, -2.5f));
      case INT64 -> Tensors.int64Data("B", dims, 1, -2, 3L << 40, 4, 5, 6);
      case DOUBLE -> {
        TensorProto.Builder b =
            TensorProto.newBuilder().setName("B").setDataType(type.code()).addDims(2).addDims(3);
        for (int i = 0; i < 6; i++) {
          b.addDoubleData(Math.PI * (i - 2));
        }
        yield b.build();
      }
      default -> throw new IllegalArgumentException(type.toString());
    };
  }

  @Test
  void theTransposeMovesWholeElementsOfEveryWidth() throws Exception {
    for (ElementType type :
        List.of(
            ElementType.INT8,
            ElementType.FLOAT16,
            ElementType.FLOAT,
            ElementType.INT32,
            ElementType.INT64,
            ElementType.DOUBLE)) {
      TensorProto b = matrix(type);
      GraphProto g =
          GraphProto.newBuilder()
              .addInput(tensorValue("x", type, 1, 3))
              .addInitializer(b)
              .addNode(node("Gemm", "fc", List.of("x", "B"), List.of("y"), attr("transB", 1L)))
              .build();
      GemmRewrite r = prepared(g, false);
      TensorProto t = r.transposedWeights().get(0);
      assertThat(t.getName()).isEqualTo("B");
      assertThat(t.getDataType()).as("%s", type).isEqualTo(type.code());
      assertThat(t.getDimsList()).as("%s", type).containsExactly(3L, 2L);
      int size = type.bits() / 8;
      byte[] in = bytes(reader(g).read(b));
      byte[] out = bytes(reader(g).read(t));
      assertThat(out).hasSize(in.length);
      for (int row = 0; row < 2; row++) {
        for (int col = 0; col < 3; col++) {
          for (int k = 0; k < size; k++) {
            assertThat(out[(col * 2 + row) * size + k])
                .as("%s element (%d, %d) byte %d", type, col, row, k)
                .isEqualTo(in[(row * 3 + col) * size + k]);
          }
        }
      }
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  @Test
  void weightsThatCannotBeTransposedOrFoldedAreNamedInTheError() {
    GraphProto rank3 =
        GraphProto.newBuilder()
            .addInitializer(Tensors.rawFloats("W3", new long[] {2, 2, 2}, counting(8, 0)))
            .addNode(node("Gemm", "fc", List.of("x", "W3"), List.of("y"), attr("transB", 1L)))
            .build();
    assertThatThrownBy(() -> prepared(rank3, false))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("Gemm weight 'W3' has rank 3, expected 2");

    GraphProto int4 =
        GraphProto.newBuilder()
            .addInitializer(Tensors.int32Data("Q", ElementType.INT4, new long[] {2, 2}, 1, 2))
            .addNode(node("Gemm", "fc", List.of("x", "Q"), List.of("y"), attr("transB", 1L)))
            .build();
    assertThatThrownBy(() -> prepared(int4, false))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage(
            "Gemm weight 'Q' of type " + ElementType.INT4.onnxName() + " cannot be transposed");

    GraphProto doubles =
        GraphProto.newBuilder()
            .addInitializer(matrix(ElementType.DOUBLE))
            .addNode(node("Gemm", "fc", List.of("x", "B"), List.of("y"), attr("alpha", 2f)))
            .build();
    assertThatThrownBy(() -> prepared(doubles, true))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage(
            "Gemm constant 'B' is "
                + ElementType.DOUBLE.onnxName()
                + "; only float Gemm constants can be folded");
  }

  @Test
  void attributesMissingFromTheNodeTakeOnnxDefaults() throws Exception {
    // transB absent means 0: no transpose; alpha and beta absent mean 1: ORT's plain rewrite
    GraphProto g = plain();
    GemmRewrite r = new GemmRewrite(g, GraphIndex.of(g), false);
    assertThat(GemmRewrite.isRewritable(byName(g, "nt"))).isTrue();
    assertThat(GemmRewrite.isRewritable(byName(g, "relu"))).isFalse();
    assertThat(r.transposedWeights()).isEmpty(); // nothing prepared before transposeWeights
    assertThat(r.aliasType("y3_MatMul")).contains(ElementType.FLOAT);
  }
}
