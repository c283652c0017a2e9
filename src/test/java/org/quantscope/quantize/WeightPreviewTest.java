// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quantscope.TestModels;
import org.quantscope.graph.NodeId;
import org.quantscope.graph.Scope;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.Protos;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.progress.Progress;

/**
 * The Node tab's weight preview against its oracle, the quantizer itself: for every op rule, the
 * previewed type, scales, zero points, channel axis and bytes are exactly those {@link
 * DynamicQuantizer} writes into the quantized model and reports.
 */
class WeightPreviewTest {

  /** The previews of the node named {@code node} (or with that stable id) in {@code scope}. */
  private static List<WeightPreview> preview(
      ModelProto m, Scope scope, String node, QuantizeOptions o) throws ModelFormatException {
    List<NodeProto> nodes = scope.graph().getNodeList();
    for (int i = 0; i < nodes.size(); i++) {
      if (NodeId.of(scope, nodes.get(i), i).equals(node)) {
        return WeightPreview.forNode(OnnxModel.of(m), scope, i, o);
      }
    }
    throw new AssertionError("no node " + node);
  }

  private static List<WeightPreview> preview(ModelProto m, String node, QuantizeOptions o)
      throws ModelFormatException {
    return preview(m, Scope.all(m.getGraph()).get(0), node, o);
  }

  private static TensorProto init(GraphProto g, String name) {
    return g.getInitializerList().stream()
        .filter(t -> t.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no initializer " + name));
  }

  /**
   * Asserts that the preview is what the quantizer wrote into {@code g}: the 8-bit type and bytes,
   * the dims as stored, the scales and the zero points (stored once when all channels share one).
   */
  private static void assertWritten(WeightPreview p, GraphProto g) {
    QuantizedWeight w = p.weight();
    TensorProto q = init(g, p.name() + "_quantized");
    assertThat(q.getDataType()).as("type").isEqualTo(w.type().elementType().code());
    assertThat(q.getRawData().toByteArray()).as("bytes").isEqualTo(w.data());
    assertThat(q.getDimsList()).as("dims").containsExactlyElementsOf(longs(w.dims()));
    TensorProto scale = init(g, p.name() + "_scale");
    float[] stored = new float[scale.getFloatDataCount()];
    for (int i = 0; i < stored.length; i++) {
      stored[i] = scale.getFloatData(i);
    }
    assertThat(stored).as("scales").isEqualTo(w.scales());
    TensorProto zp = init(g, p.name() + "_zero_point");
    assertThat(zp.getDataType()).isEqualTo(w.type().elementType().code());
    int[] zps = zp.getInt32DataList().stream().mapToInt(Integer::intValue).toArray();
    assertThat(zps).as("zero points").isEqualTo(Arrays.copyOf(w.zeroPoints(), zps.length));
    assertThat(w.zeroPoints()).as("a shared zero point").containsOnly(w.zeroPoints()[0]);
  }

  /** Quantizes {@code m} with {@code o} and asserts the preview of each named node against it. */
  private static DynamicQuantizer.Output assertPreviewsMatch(
      ModelProto m, QuantizeOptions o, String... nodes) throws Exception {
    DynamicQuantizer.Output out = DynamicQuantizer.quantize(OnnxModel.of(m), o, Progress.NONE);
    for (String node : nodes) {
      List<WeightPreview> previews = preview(m, node, o);
      assertThat(previews).as(node).isNotEmpty();
      for (WeightPreview p : previews) {
        assertWritten(p, out.model().proto().getGraph());
        QuantizationResult.WeightReport r = report(out.result(), p.name());
        assertThat(p.perChannel()).as(node + " per channel").isEqualTo(r.perChannel());
        assertThat(p.weight().scales()).hasSize(r.channels());
        assertThat(p.weight().maxAbsError()).isEqualTo(r.maxAbsError());
      }
    }
    return out;
  }

  private static QuantizationResult.WeightReport report(QuantizationResult r, String weight) {
    return r.quantized().stream()
        .flatMap(n -> n.weights().stream())
        .filter(w -> w.name().equals(weight))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no report of " + weight));
  }

  private static List<Long> longs(long[] v) {
    return Arrays.stream(v).boxed().toList();
  }

  @Test
  void matMulPerTensorIsTheOptionsTypeWithOneScale() throws Exception {
    QuantizeOptions o = QuantizeOptions.DEFAULTS;
    assertPreviewsMatch(TestModels.mlp(), o, "fc1");
    WeightPreview p = preview(TestModels.mlp(), "fc1", o).get(0);
    assertThat(p.name()).isEqualTo("W1");
    assertThat(p.weight().type()).isEqualTo(QuantType.QInt8);
    assertThat(p.weight().axis()).isEqualTo(-1);
    assertThat(p.perChannel()).isFalse();
    assertThat(p.symmetric()).isTrue();
    assertThat(p.reduceRange()).isFalse();
    assertThat(p.weight().zeroPoints()).containsExactly(0);
    assertThat(p.values()).isEqualTo(TestModels.values(32, 1));
  }

  @Test
  void matMulPerChannelHasOneScalePerColumn() throws Exception {
    QuantizeOptions o = QuantizeOptions.builder().perChannel(true).build();
    assertPreviewsMatch(TestModels.mlp(), o, "fc1");
    WeightPreview p = preview(TestModels.mlp(), "fc1", o).get(0);
    assertThat(p.weight().axis()).isEqualTo(1);
    assertThat(p.perChannel()).isTrue();
    assertThat(p.weight().scales()).hasSize(8);
  }

  @Test
  void gemmWithTransBPreviewsItsTransposedWeight() throws Exception {
    for (boolean perChannel : new boolean[] {false, true}) {
      QuantizeOptions o = QuantizeOptions.builder().perChannel(perChannel).build();
      assertPreviewsMatch(TestModels.mlp(), o, "fc2");
      WeightPreview p = preview(TestModels.mlp(), "fc2", o).get(0);
      // W2 is [3, 8] with transB: the quantizer sees (and stores) its [8, 3] transpose
      assertThat(p.name()).isEqualTo("W2");
      assertThat(p.weight().dims()).containsExactly(8, 3);
      assertThat(p.weight().scales()).hasSize(perChannel ? 3 : 1);
      assertThat(p.weight().axis()).isEqualTo(perChannel ? 1 : -1);
    }
  }

  @Test
  void gemmGeneralPreviewsTheFoldedWeightAndNothingWithoutTheExtension() throws Exception {
    ModelProto m = TestModels.gemmGeneral();
    assertThat(preview(m, "g1", QuantizeOptions.DEFAULTS)).as("left in float by ORT").isEmpty();
    QuantizeOptions o =
        QuantizeOptions.builder()
            .extensions(new QuantizeOptions.Extensions(false, false, true))
            .build();
    assertPreviewsMatch(m, o, "g1", "g2");
    WeightPreview p = preview(m, "g1", o).get(0);
    assertThat(p.name()).isEqualTo("y_B");
    // alpha = 0.5 is folded into the transposed B before it is quantized
    float[] b = TestModels.values(12, 61);
    assertThat(p.values()[1]).isEqualTo(b[4] * 0.5f);
  }

  @Test
  void convIsPerTensorUnlessTheExtensionAsksForChannels() throws Exception {
    ModelProto m = TestModels.convNet();
    QuantizeOptions perChannel = QuantizeOptions.builder().perChannel(true).build();
    assertPreviewsMatch(m, perChannel, "conv1", "Conv#2");
    assertThat(preview(m, "conv1", perChannel).get(0).weight().scales()).hasSize(1);

    QuantizeOptions ext =
        perChannel.toBuilder()
            .weightType(QuantType.QUInt8)
            .extensions(new QuantizeOptions.Extensions(false, true, false))
            .build();
    assertPreviewsMatch(m, ext, "conv1", "Conv#2");
    WeightPreview p = preview(m, "conv1", ext).get(0);
    assertThat(p.weight().axis()).isZero();
    assertThat(p.weight().scales()).hasSize(4);
    // symmetric per channel whatever the weight type, so all channels share one zero point
    assertThat(p.symmetric()).isTrue();
    assertThat(p.weight().zeroPoints()).containsOnly(128);
  }

  @Test
  void gatherTablesAreUint8PerTensorWithoutReduceRange() throws Exception {
    QuantizeOptions o =
        QuantizeOptions.builder()
            .perChannel(true)
            .reduceRange(true)
            .activationSymmetric(true)
            .build();
    assertPreviewsMatch(TestModels.embedding(), o, "lookup", "project");
    WeightPreview table = preview(TestModels.embedding(), "lookup", o).get(0);
    assertThat(table.name()).isEqualTo("E");
    assertThat(table.weight().type()).isEqualTo(QuantType.QUInt8);
    assertThat(table.weight().scales()).hasSize(1);
    assertThat(table.reduceRange()).isFalse();
    assertThat(table.symmetric()).as("ActivationSymmetric").isTrue();
    WeightPreview weight = preview(TestModels.embedding(), "project", o).get(0);
    assertThat(weight.weight().type()).isEqualTo(QuantType.QInt8);
    assertThat(weight.reduceRange()).isTrue();
  }

  @Test
  void lstmWeightsAreInt8WhateverTheWeightType() throws Exception {
    for (boolean perChannel : new boolean[] {false, true}) {
      QuantizeOptions o =
          QuantizeOptions.builder().weightType(QuantType.QUInt8).perChannel(perChannel).build();
      assertPreviewsMatch(TestModels.lstm(), o, "lstm");
      List<WeightPreview> p = preview(TestModels.lstm(), "lstm", o);
      assertThat(p).extracting(WeightPreview::name).containsExactly("W", "R");
      assertThat(p.get(0).weight().type()).isEqualTo(QuantType.QInt8);
      assertThat(p.get(0).weight().dims()).as("stored transposed").containsExactly(1, 3, 8);
      assertThat(p.get(0).weight().scales()).hasSize(perChannel ? 8 : 1);
      assertThat(p.get(0).perChannel()).isEqualTo(perChannel);
    }
  }

  @Test
  void aBidirectionalLstmHasOneScalePerDirection() throws Exception {
    GraphProto.Builder g = GraphProto.newBuilder().setName("bilstm");
    g.addInput(Protos.tensorValue("X", ElementType.FLOAT, 4, 1, 3));
    g.addOutput(Protos.tensorValue("Y", ElementType.FLOAT, 4, 2, 1, 2));
    float[] w = TestModels.values(48, 91);
    for (int i = 24; i < 48; i++) {
      w[i] *= 10; // the backward direction has a ten times wider range
    }
    g.addInitializer(Tensors.rawFloats("W", new long[] {2, 8, 3}, w));
    g.addInitializer(Tensors.rawFloats("R", new long[] {2, 8, 2}, TestModels.values(32, 92)));
    g.addNode(
        Protos.node(
            "LSTM",
            "bi",
            List.of("X", "W", "R"),
            List.of("Y"),
            Protos.attr("hidden_size", 2L),
            Protos.attr("direction", "bidirectional")));
    ModelProto m = TestModels.model(g);
    assertPreviewsMatch(m, QuantizeOptions.DEFAULTS, "bi");
    WeightPreview p = preview(m, "bi", QuantizeOptions.DEFAULTS).get(0);
    assertThat(p.perChannel()).isFalse();
    assertThat(p.weight().scales()).hasSize(2);
    assertThat(p.weight().scales()[1]).isGreaterThan(p.weight().scales()[0] * 5);
  }

  @Test
  void reduceRangeUsesSevenBits() throws Exception {
    for (QuantType t : QuantType.values()) {
      QuantizeOptions o = QuantizeOptions.builder().weightType(t).reduceRange(true).build();
      assertPreviewsMatch(TestModels.mlp(), o, "fc1", "fc2");
      WeightPreview p = preview(TestModels.mlp(), "fc1", o).get(0);
      assertThat(p.reduceRange()).isTrue();
      for (byte b : p.weight().data()) {
        int v = t == QuantType.QInt8 ? b : Byte.toUnsignedInt(b);
        assertThat(v).isBetween(t == QuantType.QInt8 ? -64 : 0, t == QuantType.QInt8 ? 64 : 127);
      }
    }
  }

  @Test
  void attentionAndEmbedLayerNormPreviewEveryWeight() throws Exception {
    QuantizeOptions o = QuantizeOptions.builder().perChannel(true).build();
    assertPreviewsMatch(TestModels.fusedBert(), o, "embed", "attention");
    assertThat(preview(TestModels.fusedBert(), "embed", o))
        .extracting(WeightPreview::name)
        .containsExactly("word", "pos", "seg", "gamma", "beta");
    assertThat(preview(TestModels.fusedBert(), "attention", o).get(0).perChannel()).isTrue();
  }

  @Test
  void anExcludedNodeShowsWhatIncludingItWouldGive() throws Exception {
    QuantizeOptions excluded =
        QuantizeOptions.builder().nodesToExclude(Set.of("fc1")).opTypes(Set.of("Conv")).build();
    List<WeightPreview> p = preview(TestModels.mlp(), "fc1", excluded);
    DynamicQuantizer.Output included =
        DynamicQuantizer.quantize(
            OnnxModel.of(TestModels.mlp()), QuantizeOptions.DEFAULTS, Progress.NONE);
    assertWritten(p.get(0), included.model().proto().getGraph());
  }

  @Test
  void aSubgraphNodePreviewsTheOuterWeight() throws Exception {
    ModelProto m = TestModels.withIf();
    Scope then = Scope.all(m.getGraph()).get(1);
    QuantizeOptions sub = QuantizeOptions.builder().enableSubgraph(true).build();
    DynamicQuantizer.Output out = DynamicQuantizer.quantize(OnnxModel.of(m), sub, Progress.NONE);
    // previewed without the EnableSubgraph switch: node filters do not apply to a preview
    List<WeightPreview> p = preview(m, then, "then_mm", QuantizeOptions.DEFAULTS);
    assertThat(p).extracting(WeightPreview::name).containsExactly("W");
    assertWritten(p.get(0), out.model().proto().getGraph());
  }

  @Test
  void nodesWithoutAConstantWeightHaveNoPreview() throws Exception {
    ModelProto c = TestModels.candidates();
    QuantizeOptions activations = QuantizeOptions.builder().matMulConstBOnly(false).build();
    assertThat(preview(c, "no_matmul_activation", activations)).as("B computed").isEmpty();
    assertThat(preview(c, "no_matmul_activation", QuantizeOptions.DEFAULTS)).isEmpty();
    assertThat(preview(c, "no_lstm", QuantizeOptions.DEFAULTS)).isEmpty();
    assertThat(preview(c, "yes_transpose", QuantizeOptions.DEFAULTS))
        .as("runs on the Gather's 8-bit output")
        .isEmpty();
    assertThat(preview(TestModels.mlp(), "relu", QuantizeOptions.DEFAULTS)).isEmpty();
  }

  @Test
  void whatTheQuantizerRefusesThePreviewRefusesWithTheSameMessage() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("scalar");
    g.addInput(Protos.tensorValue("x", ElementType.FLOAT, 1));
    g.addOutput(Protos.tensorValue("y", ElementType.FLOAT, 1));
    g.addInitializer(Tensors.rawFloats("s", new long[] {}, 0.5f));
    g.addNode(Protos.node("MatMul", "mm", List.of("x", "s"), List.of("y")));
    ModelProto m = TestModels.model(g);
    QuantizeOptions o = QuantizeOptions.builder().perChannel(true).build();
    assertThatThrownBy(() -> DynamicQuantizer.quantize(OnnxModel.of(m), o, Progress.NONE))
        .hasMessage("weight 's' has rank 0, too small for a channel axis");
    assertThatThrownBy(() -> preview(m, "mm", o))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("weight 's' has rank 0, too small for a channel axis");
  }
}
