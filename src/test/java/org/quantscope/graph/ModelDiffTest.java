// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.quantscope.TestModels;
import org.quantscope.model.ElementType;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.Protos;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.NodeProto;

/** What {@code diff} reports, one kind of difference at a time on the MLP fixture. */
class ModelDiffTest {

  private static ModelDiff.Report diff(ModelProto a, ModelProto b) throws Exception {
    return ModelDiff.compare(OnnxModel.of(a), OnnxModel.of(b));
  }

  private static ModelProto withGraph(ModelProto m, GraphProto.Builder g) {
    return m.toBuilder().setGraph(g).build();
  }

  @Test
  void aModelIsIdenticalToItselfWhateverItsProducer() throws Exception {
    ModelProto m = TestModels.mlp();
    ModelDiff.Report r = diff(m, m.toBuilder().setProducerName("someone else").build());
    assertThat(r.identical()).isTrue();
    assertThat(r.notes()).singleElement().asString().startsWith("producer:");
  }

  @Test
  void anAttributeThatDiffers() throws Exception {
    ModelProto m = TestModels.mlp();
    GraphProto.Builder g = m.getGraph().toBuilder();
    NodeProto softmax = g.getNode(4);
    g.setNode(4, softmax.toBuilder().clearAttribute().addAttribute(Protos.attr("axis", -1L)));
    ModelDiff.Report r = diff(m, withGraph(m, g));
    assertThat(r.identical()).isFalse();
    assertThat(r.attributes())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.attribute()).isEqualTo("axis");
              assertThat(c.a()).isEqualTo("1");
              assertThat(c.b()).isEqualTo("-1");
            });
    assertThat(r.nodesOnlyInA()).isEmpty();
    assertThat(r.order()).isNull();
  }

  @Test
  void nodesInAnotherOrderAndANodeRenamed() throws Exception {
    ModelProto m = TestModels.mlp();
    GraphProto.Builder swapped = m.getGraph().toBuilder();
    NodeProto relu = swapped.getNode(2);
    swapped.setNode(2, swapped.getNode(3)).setNode(3, relu);
    ModelDiff.Report order = diff(m, withGraph(m, swapped));
    assertThat(order.identical()).isFalse();
    assertThat(order.order()).startsWith("node 2: Relu 'relu'");
    assertThat(order.opCounts()).isEmpty();

    GraphProto.Builder renamed = m.getGraph().toBuilder();
    renamed.setNode(2, relu.toBuilder().setName("relu2"));
    ModelDiff.Report r = diff(m, withGraph(m, renamed));
    assertThat(r.nodesOnlyInA()).singleElement().asString().contains("'relu'");
    assertThat(r.nodesOnlyInB()).singleElement().asString().contains("'relu2'");
    assertThat(r.order()).as("no order when the node sets differ").isNull();
  }

  @Test
  void weightValuesCountedAndMeasuredInStepsForIntegers() throws Exception {
    ModelProto m = TestModels.mlp();
    GraphProto.Builder ga = m.getGraph().toBuilder();
    GraphProto.Builder gb = m.getGraph().toBuilder();
    byte[] q = new byte[12];
    for (int i = 0; i < q.length; i++) {
      q[i] = (byte) (100 + i);
    }
    ga.addInitializer(
        Tensors.raw("Wq", ElementType.UINT8, new long[] {3, 4}, ByteBuffer.wrap(q.clone())));
    q[5] = (byte) (q[5] + 3);
    q[7] = (byte) (q[7] - 1);
    gb.addInitializer(Tensors.raw("Wq", ElementType.UINT8, new long[] {3, 4}, ByteBuffer.wrap(q)));
    float[] b1 = TestModels.values(8, 2);
    b1[0] += 0.5f;
    gb.setInitializer(1, Tensors.rawFloats("b1", new long[] {8}, b1));

    ModelDiff.Report r = diff(withGraph(m, ga), withGraph(m, gb));
    assertThat(r.identical()).isFalse();
    assertThat(r.initializers()).hasSize(2);
    ModelDiff.TensorChange ints =
        r.initializers().stream().filter(c -> c.name().equals("Wq")).findFirst().orElseThrow();
    assertThat(ints.change()).isEqualTo("values");
    assertThat(ints.differing()).isEqualTo(2);
    assertThat(ints.elements()).isEqualTo(12);
    assertThat(ints.largest()).isEqualTo(3.0);
    assertThat(ints.unit()).isEqualTo("steps");
    ModelDiff.TensorChange floats =
        r.initializers().stream().filter(c -> c.name().equals("b1")).findFirst().orElseThrow();
    assertThat(floats.differing()).isEqualTo(1);
    assertThat(floats.largest()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void initializersOnlyInOneAndTheirTypes() throws Exception {
    ModelProto m = TestModels.mlp();
    GraphProto.Builder g = m.getGraph().toBuilder();
    g.setInitializer(
        0, Tensors.raw("W1", ElementType.INT8, new long[] {4, 8}, ByteBuffer.allocate(32)));
    g.addInitializer(Tensors.rawFloats("extra", new long[] {2}, 1f, 2f));
    ModelDiff.Report r = diff(m, withGraph(m, g));
    assertThat(r.initializersOnlyInB()).singleElement().asString().startsWith("extra");
    assertThat(r.initializers())
        .singleElement()
        .satisfies(c -> assertThat(c.change()).isEqualTo("type"));
  }
}
