// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.quantscope.TestModels;
import org.quantscope.model.OnnxModel;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantizeOptions;

/** Float nodes matched to the int8 nodes our quantizer writes for them. */
class RewriteMatchTest {
  private static GraphProto int8(ModelProto m) throws Exception {
    return DynamicQuantizer.quantize(OnnxModel.of(m), QuantizeOptions.DEFAULTS, Progress.NONE)
        .model()
        .graph();
  }

  @Test
  void aMatMulIsMatchedToItsWholeChain() throws Exception {
    ModelProto mlp = TestModels.mlp();
    GraphProto fp32 = mlp.getGraph();
    GraphProto q = int8(mlp);

    RewriteMatch m = RewriteMatch.match(fp32, q);

    // kept nodes are matched by name, one to one
    assertThat(m.toRewritten().get("relu")).containsExactly("relu");
    assertThat(m.toRewritten().get("softmax")).containsExactly("softmax");
    // fc1 (MatMul) stands as DynamicQuantizeLinear, MatMulInteger, Cast and the Muls
    java.util.List<String> chain = m.toRewritten().get("fc1");
    java.util.Set<String> ops = new java.util.HashSet<>();
    for (int j = 0; j < q.getNodeCount(); j++) {
      if (chain.contains(NodeId.of(q.getNode(j), j))) {
        ops.add(q.getNode(j).getOpType());
      }
    }
    assertThat(ops).contains("DynamicQuantizeLinear", "MatMulInteger", "Cast", "Mul");
    for (String b : chain) {
      assertThat(m.toOriginal().get(b)).contains("fc1");
    }
    // every float node has a match, every int8 node stands for one
    assertThat(m.removed()).isEmpty();
    assertThat(m.added()).isEmpty();
    assertThat(m.toOriginal()).hasSize(q.getNodeCount());
  }

  @Test
  void aSharedQuantizationBelongsToEachProjectionAndRemovedNodesAreListed() throws Exception {
    ModelProto encoder = TestModels.bertEncoder(2, true);
    GraphProto q = int8(encoder);

    RewriteMatch m = RewriteMatch.match(encoder.getGraph(), q);

    String query = "/encoder/layer.0/attention/self/query/MatMul";
    String key = "/encoder/layer.0/attention/self/key/MatMul";
    java.util.List<String> shared =
        m.toRewritten().get(query).stream().filter(m.toRewritten().get(key)::contains).toList();
    assertThat(shared).isNotEmpty();
    assertThat(m.toOriginal().get(shared.get(0))).contains(query, key);
    assertThat(m.removed()).isEmpty();

    // a node dropped from the int8 graph is removed; one only there is added
    GraphProto fewer = q.toBuilder().removeNode(q.getNodeCount() - 1).build();
    RewriteMatch partial = RewriteMatch.match(encoder.getGraph(), fewer);
    assertThat(partial.removed()).containsExactly("/pooler/activation/Tanh");
    GraphProto more =
        q.toBuilder()
            .addNode(
                org.quantscope.onnx.NodeProto.newBuilder()
                    .setOpType("Identity")
                    .setName("extra")
                    .addInput("input_ids")
                    .addOutput("copy"))
            .build();
    assertThat(RewriteMatch.match(encoder.getGraph(), more).added()).containsExactly("extra");
  }
}
