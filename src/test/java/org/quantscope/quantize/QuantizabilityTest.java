// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quantscope.TestModels;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.onnx.GraphProto;

class QuantizabilityTest {

  private static Map<String, QuantizableNode> byNode(GraphProto g, Criteria c) {
    return Quantizability.classify(g, c).stream()
        .collect(Collectors.toMap(QuantizableNode::node, Function.identity()));
  }

  @Test
  void eachCandidateGetsTheVerdictOrtWouldGive() {
    Map<String, QuantizableNode> v = byNode(TestModels.candidates().getGraph(), Criteria.DEFAULTS);
    assertThat(v).hasSize(14);
    v.forEach(
        (name, n) ->
            assertThat(n.willQuantize())
                .as(name + ": " + (n.willQuantize() ? n.action() : n.reason()))
                .isEqualTo(name.startsWith("yes_")));
    v.values().forEach(n -> assertThat(n.willQuantize() ? n.action() : n.reason()).isNotBlank());

    assertThat(v.get("yes_matmul").action()).isEqualTo("MatMulInteger");
    assertThat(v.get("yes_matmul").weight()).isEqualTo("W");
    assertThat(v.get("yes_matmul").weightShape()).containsExactly(4L, 4L);
    assertThat(v.get("no_matmul_activation").reason())
        .isEqualTo(
            "B 'm1' is computed at run time by MatMul 'yes_matmul', not a constant initializer"
                + " (MatMulConstBOnly)");
    assertThat(v.get("no_matmul_int").reason()).startsWith("neither input is float (int32, int32)");
    assertThat(v.get("yes_gemm").action())
        .isEqualTo("rewritten to MatMul 'yes_gemm_MatMul', then MatMulInteger");
    assertThat(v.get("no_gemm_alpha").reason()).startsWith("Gemm has alpha=0.5;");
    assertThat(v.get("no_gemm_transA").reason()).startsWith("Gemm has transA=1;");
    assertThat(v.get("yes_conv").action()).isEqualTo("ConvInteger");
    assertThat(v.get("yes_gather").action()).isEqualTo("Gather on a uint8 table");
    assertThat(v.get("yes_transpose").action()).isEqualTo("Transpose on the 8-bit input");
    assertThat(v.get("yes_transpose_activation").action())
        .isEqualTo("Transpose on the 8-bit input");
    assertThat(v.get("no_transpose").reason()).contains("only when the input is already quantized");
    assertThat(v.get("no_gather_activation").reason())
        .isEqualTo("data 'x' is a graph input, not a constant initializer");
    assertThat(v.get("yes_lstm").action()).isEqualTo("DynamicQuantizeLSTM");
    assertThat(v.get("no_lstm").reason()).startsWith("W 'm1' is computed at run time");
  }

  @Test
  void nodeFiltersFollowOrtAndAcceptStableIds() {
    GraphProto g = TestModels.candidates().getGraph();
    Criteria onlyMatMul =
        new Criteria(Set.of("MatMul"), Set.of(), Set.of(), true, false, false, false, false);
    Map<String, QuantizableNode> v = byNode(g, onlyMatMul);
    assertThat(v.get("yes_conv").reason()).isEqualTo("op type Conv is not in op_types_to_quantize");
    // Gemm becomes a MatMul before the op-type filter is applied
    assertThat(v.get("yes_gemm").willQuantize()).isTrue();

    // ORT matches the rewritten name: excluding "yes_gemm" does not exclude it, "yes_gemm_MatMul"
    // does
    Criteria excludeGemmByName =
        new Criteria(
            Set.of(),
            Set.of(),
            Set.of("yes_gemm_MatMul", "yes_matmul"),
            true,
            false,
            false,
            false,
            false);
    v = byNode(g, excludeGemmByName);
    assertThat(v.get("yes_gemm").reason()).isEqualTo("excluded (nodes_to_exclude)");
    assertThat(v.get("yes_matmul").reason()).isEqualTo("excluded (nodes_to_exclude)");

    Criteria only =
        new Criteria(Set.of(), Set.of("yes_conv"), Set.of(), true, false, false, false, false);
    v = byNode(g, only);
    assertThat(v.values().stream().filter(QuantizableNode::willQuantize).map(QuantizableNode::node))
        .containsExactly("yes_conv");
  }

  @Test
  void matMulConstBOffQuantizesActivationTimesActivation() {
    Criteria c = new Criteria(Set.of(), Set.of(), Set.of(), false, false, false, false, false);
    assertThat(
            byNode(TestModels.candidates().getGraph(), c)
                .get("no_matmul_activation")
                .willQuantize())
        .isTrue();
  }

  @Test
  void constantNodeWeightsAreExplained() {
    QuantizableNode n =
        Quantizability.classify(TestModels.constantWeight().getGraph(), Criteria.DEFAULTS).get(0);
    assertThat(n.willQuantize()).isFalse();
    assertThat(n.reason()).contains("comes from a Constant node, not an initializer");
  }

  @Test
  void subgraphNodesAreReportedWithTheirPathAndLeftAloneByDefault() {
    List<QuantizableNode> v =
        Quantizability.classify(TestModels.withIf().getGraph(), Criteria.DEFAULTS);
    assertThat(v)
        .extracting(QuantizableNode::node)
        .containsExactly("then_mm", "branch.else_branch/MatMul#0");
    assertThat(v)
        .extracting(QuantizableNode::graph)
        .containsExactly("branch.then_branch", "branch.else_branch");
    assertThat(v).allSatisfy(n -> assertThat(n.reason()).contains("EnableSubgraph"));

    // With EnableSubgraph the outer initializer W counts as a constant weight
    Criteria sub = new Criteria(Set.of(), Set.of(), Set.of(), true, true, false, false, false);
    assertThat(Quantizability.classify(TestModels.withIf().getGraph(), sub))
        .allSatisfy(n -> assertThat(n.willQuantize()).isTrue());
  }

  @Test
  void unnamedNodesGetStableIds() {
    List<QuantizableNode> v =
        Quantizability.classify(TestModels.withIf().getGraph(), Criteria.DEFAULTS);
    assertThat(v.get(1).node()).isEqualTo("branch.else_branch/MatMul#0");
    assertThat(v.get(1).index()).isZero();
  }
}
