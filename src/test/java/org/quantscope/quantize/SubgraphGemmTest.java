// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quantscope.OrtRunner;
import org.quantscope.OrtRunner.Input;
import org.quantscope.TestModels;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;

/**
 * ORT's Gemm rewrite in If/Loop/Scan bodies ({@code replace_gemm_with_matmul} walks every graph,
 * whatever EnableSubgraph says), on {@link TestModels#gemmInIf}: the nodes each branch holds
 * afterwards, the weights of the main graph transposed in ORT's walk order, the If node rebuilt as
 * ORT rebuilds it, and ONNX Runtime running the result with the branch outputs unchanged.
 */
class SubgraphGemmTest {

  /** The main Gemm {@code pre} stays in float, so its transposed weight stays visible. */
  private static final QuantizeOptions KEEP_PRE =
      QuantizeOptions.builder().nodesToExclude(Set.of("pre_MatMul")).build();

  private static ModelProto quantized(QuantizeOptions o) throws Exception {
    return DynamicQuantizerTest.quantize(TestModels.gemmInIf(), o).model().proto();
  }

  private static NodeProto ifNode(ModelProto m) {
    return DynamicQuantizerTest.node(m, "branch");
  }

  private static GraphProto branch(ModelProto m, String attribute) {
    for (AttributeProto a : ifNode(m).getAttributeList()) {
      if (a.getName().equals(attribute)) {
        return a.getG();
      }
    }
    throw new AssertionError("no attribute " + attribute);
  }

  private static List<String> described(GraphProto g) {
    return g.getNodeList().stream()
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

  private static float[] floats(TensorProto t) {
    var b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] v = new float[b.remaining()];
    b.get(v);
    return v;
  }

  private static TensorProto initializer(GraphProto g, String name) {
    return g.getInitializerList().stream()
        .filter(t -> t.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no initializer " + name));
  }

  @Test
  void branchGemmsBecomeMatMulWithoutEnableSubgraphAndStayInFloat() throws Exception {
    ModelProto out = quantized(KEEP_PRE);

    assertThat(described(branch(out, "then_branch")))
        .containsExactly(
            "MatMul then_fc_MatMul [p, W_shared] -> [t_out_MatMul]",
            "Add then_fc_Add [t_out_MatMul, B_then] -> [t_out]");
    assertThat(described(branch(out, "else_branch")))
        .containsExactly(
            "MatMul else_fc_MatMul [p, W_else] -> [e1]",
            "MatMul late_fc_MatMul [e1, W_late] -> [e2]",
            "Gemm scaled_fc [e2, W_else] -> [e_out]");
    assertThat(branch(out, "then_branch").getInitializerList())
        .extracting(TensorProto::getName)
        .containsExactly("B_then");
    assertThat(branch(out, "else_branch").getInitializerList())
        .extracting(TensorProto::getName)
        .containsExactly("W_else");
  }

  @Test
  void weightsOfTheMainGraphAreTransposedThereInTheOrderOfOrtsWalk() throws Exception {
    ModelProto in = TestModels.gemmInIf();
    ModelProto out = quantized(KEEP_PRE);

    // pre's Wm first, then the branches' W_shared (then_branch) and W_late (else_branch), all
    // moved to the end of the originals; then head's quantized weight
    assertThat(DynamicQuantizerTest.initNames(out))
        .containsExactly(
            "Wm", "W_shared", "W_late", "W_head_scale", "W_head_zero_point", "W_head_quantized");
    for (String w : List.of("Wm", "W_shared", "W_late")) {
      TensorProto before = initializer(in.getGraph(), w);
      TensorProto after = DynamicQuantizerTest.init(out, w);
      float[] a = floats(before);
      float[] t = floats(after);
      assertThat(after.getDimsList()).containsExactly(8L, 8L);
      for (int r = 0; r < 8; r++) {
        for (int c = 0; c < 8; c++) {
          assertThat(t[c * 8 + r]).as("%s[%d][%d]", w, c, r).isEqualTo(a[r * 8 + c]);
        }
      }
    }
  }

  @Test
  void theIfNodeIsRebuiltAsOrtRebuildsIt() throws Exception {
    NodeProto before = DynamicQuantizerTest.node(TestModels.gemmInIf(), "branch");
    NodeProto after = ifNode(quantized(KEEP_PRE));

    assertThat(before.getAttributeList())
        .extracting(AttributeProto::getName)
        .containsExactly("then_branch", "else_branch");
    assertThat(after.getAttributeList())
        .extracting(AttributeProto::getName)
        .containsExactly("else_branch", "then_branch");
    assertThat(after.getDomain()).isEmpty();
    assertThat(after.getDocString()).isEmpty();
    assertThat(after.getInputList()).containsExactly("flag");
    assertThat(after.getOutputList()).containsExactly("h");
  }

  @Test
  void aDomainOtherThanTheDefaultOneIsKept() {
    NodeProto n =
        NodeProto.newBuilder()
            .setOpType("BeamSearch")
            .setDomain("com.microsoft")
            .setDocString("doc")
            .addAttribute(AttributeProto.newBuilder().setName("z").setI(1))
            .addAttribute(AttributeProto.newBuilder().setName("a").setI(2))
            .build();
    NodeProto r = GraphAssembler.remade(n, n.getAttributeList());
    assertThat(r.getDomain()).isEqualTo("com.microsoft");
    assertThat(r.getDocString()).isEmpty();
    assertThat(r.getAttributeList()).extracting(AttributeProto::getName).containsExactly("a", "z");
  }

  @Test
  void onnxRuntimeRunsTheResultWithTheBranchOutputsUnchanged() throws Exception {
    ModelProto in = TestModels.gemmInIf();
    ModelProto out = quantized(KEEP_PRE);
    float[] x = TestModels.values(16, 97);
    for (boolean flag : new boolean[] {true, false}) {
      Map<String, Input> feed = Map.of("x", Input.floats(x, 2, 8), "flag", Input.bools(flag));
      Map<String, float[]> expected = OrtRunner.run(in, feed);
      Map<String, float[]> actual = OrtRunner.run(out, feed);
      // float MatMul (+ Add) against float Gemm: rounding only
      assertThat(OrtRunner.maxAbsDiff(expected.get("h"), actual.get("h")))
          .as("branch output, flag %s", flag)
          .isLessThan(1e-5 * Math.max(1, OrtRunner.maxAbs(expected.get("h"))));
      // head in int8: quantization error only
      assertThat(OrtRunner.maxAbsDiff(expected.get("y"), actual.get("y")))
          .as("head output, flag %s", flag)
          .isLessThan(0.05 * OrtRunner.maxAbs(expected.get("y")));
    }
  }

  @Test
  void withEnableSubgraphTheBranchMatMulsAreQuantizedOnTheTransposedOuterWeight() throws Exception {
    // 7-bit weights: ORT's u8 x s8 kernels without VNNI can saturate, and its workaround
    // (session.x64quantprecision) does not reach into If branches
    QuantizeOptions o = KEEP_PRE.toBuilder().enableSubgraph(true).reduceRange(true).build();
    ModelProto in = TestModels.gemmInIf();
    ModelProto out = quantized(o);

    assertThat(described(branch(out, "then_branch")))
        .anySatisfy(d -> assertThat(d).startsWith("MatMulInteger then_fc_MatMul_quant"));
    // the outer weight is quantized once, in the graph that owns it, from its transpose
    assertThat(DynamicQuantizerTest.initNames(out)).contains("W_shared_quantized");
    float[] x = TestModels.values(16, 98);
    for (boolean flag : new boolean[] {true, false}) {
      Map<String, Input> feed = Map.of("x", Input.floats(x, 2, 8), "flag", Input.bools(flag));
      float[] expected = OrtRunner.run(in, feed).get("h");
      float[] actual = OrtRunner.run(out, feed).get("h");
      assertThat(OrtRunner.maxAbsDiff(expected, actual))
          .as("branch output in int8, flag %s", flag)
          .isLessThan(0.05 * OrtRunner.maxAbs(expected));
    }
  }

  @Test
  void anOuterActivationIsQuantizedOnceInTheGraphThatDefinesItBeforeTheIf() throws Exception {
    // ORT's subgraph quantizer asks its parent to quantize a value the body reads from outside:
    // one DynamicQuantizeLinear in the main graph, shared by both branches (ORT's final sort
    // ignores the If's implicit inputs, so where it lands says nothing); 7-bit weights, so that
    // the run below is as close on CPUs without VNNI, whose u8 x s8 kernels can saturate in the
    // branches (session.x64quantprecision does not reach into them)
    ModelProto out = quantized(KEEP_PRE.toBuilder().enableSubgraph(true).reduceRange(true).build());

    List<String> main = described(out.getGraph());
    assertThat(main)
        .filteredOn(d -> d.startsWith("DynamicQuantizeLinear"))
        .containsExactly(
            "DynamicQuantizeLinear h_QuantizeLinear [h] -> [h_quantized, h_scale, h_zero_point]",
            "DynamicQuantizeLinear p_QuantizeLinear [p] -> [p_quantized, p_scale, p_zero_point]");
    for (String b : List.of("then_branch", "else_branch")) {
      assertThat(described(branch(out, b)))
          .as(b)
          .noneMatch(d -> d.startsWith("DynamicQuantizeLinear p_"))
          .anySatisfy(d -> assertThat(d).startsWith("MatMulInteger").contains("[p_quantized, "));
    }
    // and the int8 model runs: ONNX Runtime reads the uint8 value from the enclosing graph
    Map<String, Input> feed =
        Map.of("x", Input.floats(TestModels.values(16, 98), 2, 8), "flag", Input.bools(false));
    float[] expected = OrtRunner.run(TestModels.gemmInIf(), feed).get("h");
    float[] actual = OrtRunner.run(out, feed).get("h");
    assertThat(OrtRunner.maxAbsDiff(expected, actual)).isLessThan(0.1 * OrtRunner.maxAbs(expected));
  }

  @Test
  void inspectSaysABranchGemmIsRewrittenButLeftInFloat() {
    List<QuantizableNode> v =
        Quantizability.classify(TestModels.gemmInIf().getGraph(), Criteria.DEFAULTS);
    assertThat(v)
        .filteredOn(n -> n.node().equals("then_fc"))
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.willQuantize()).isFalse();
              assertThat(n.reason())
                  .contains("EnableSubgraph")
                  .endsWith("it still rewrites this Gemm into MatMul + Add, left in float");
            });
    assertThat(v)
        .filteredOn(n -> n.node().equals("scaled_fc"))
        .singleElement()
        .satisfies(n -> assertThat(n.reason()).doesNotContain("rewrites this Gemm"));
  }

  @Test
  void aPreviewOfABranchGemmShowsTheTransposedOuterWeight() throws Exception {
    ModelProto in = TestModels.gemmInIf();
    var model = org.quantscope.model.OnnxModel.of(in);
    var scope =
        org.quantscope.graph.Scope.all(in.getGraph()).stream()
            .filter(s -> s.path().endsWith("then_branch"))
            .findFirst()
            .orElseThrow();
    List<WeightPreview> p = WeightPreview.forNode(model, scope, 0, QuantizeOptions.DEFAULTS);
    assertThat(p).singleElement().satisfies(w -> assertThat(w.name()).isEqualTo("W_shared"));
    float[] original = floats(initializer(in.getGraph(), "W_shared"));
    // values in the order quantized: the transpose
    assertThat(p.get(0).values()[1]).isEqualTo(original[8]);
    assertThat(p.get(0).values()[8]).isEqualTo(original[1]);
  }
}
