// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quantscope.model.Protos.attr;
import static org.quantscope.model.Protos.node;
import static org.quantscope.model.Protos.tensorValue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quantscope.OrtRunner;
import org.quantscope.OrtRunner.Input;
import org.quantscope.TestModels;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.Protos;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;

/**
 * The conversion of old models to opset 11 that ORT's quantizer runs first ({@code
 * onnx.version_converter}), on models built here. The expected node lists, names included, are what
 * onnx 1.12's converter writes for the same models (checked by hand with {@code
 * onnx.version_converter.convert_version(model, 11)}; the numbers follow from its naming rule: one
 * counter per graph that every value ever created advanced, skipping numbers used as names).
 */
class OpsetUpgradeTest {

  private static List<String> described(GraphProto g) {
    return g.getNodeList().stream()
        .map(
            n ->
                n.getOpType()
                    + " '"
                    + n.getName()
                    + "' "
                    + n.getInputList()
                    + " -> "
                    + n.getOutputList())
        .toList();
  }

  private static TensorProto value(NodeProto constant) {
    return constant.getAttributeList().stream()
        .filter(a -> a.getName().equals("value"))
        .findFirst()
        .orElseThrow()
        .getT();
  }

  private static NodeProto producer(GraphProto g, String output) {
    return g.getNodeList().stream()
        .filter(n -> n.getOutputList().contains(output))
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing produces " + output));
  }

  @Test
  void anOpset9CnnBecomesWhatTheConverterWrites() throws Exception {
    OpsetUpgrade.Upgrade u = OpsetUpgrade.upgrade(TestModels.opset9Cnn());
    ModelProto m = u.model();

    assertThat(u.fromOpset()).isEqualTo(9);
    assertThat(u.converted()).isTrue();
    assertThat(OpsetUpgrade.defaultOpset(m)).isEqualTo(11);
    // values 1..16 are the importer's (Undefined, x, 11 node outputs, 4 initializers); 9 -> 10
    // creates 17 (Resize), 18-20 (Slice), 21 (TopK); 10 -> 11: 22-23 (Clip), 24 (roi), 25 and 26
    // (the pads initializer and its value), 27 (Pad's constant value)
    assertThat(described(m.getGraph()))
        .containsExactly(
            "Conv 'conv' [x, conv.w] -> [c]",
            "Constant '' [] -> [22]",
            "Constant '' [] -> [23]",
            "Clip 'relu6' [c, 22, 23] -> [r]",
            "Constant '' [] -> [24]",
            "Resize '' [r, 24, scales] -> [17]",
            "Constant '' [] -> [18]",
            "Constant '' [] -> [19]",
            "Constant '' [] -> [20]",
            "Slice 'crop' [17, 18, 19, 20] -> [s]",
            "Constant '' [] -> [27]",
            "Pad 'pad' [s, 25, 27] -> [p]",
            "GlobalAveragePool 'gap' [p] -> [g]",
            "Flatten 'flat' [g] -> [f]",
            "Gemm 'fc' [f, fc.w, fc.b] -> [y]",
            "Constant '' [] -> [21]",
            "TopK 'topk' [y, 21] -> [top, top_idx]");
    GraphProto g = m.getGraph();
    assertThat(g.getInitializerList())
        .extracting(TensorProto::getName)
        .containsExactly("conv.w", "scales", "fc.w", "fc.b", "25");
    TensorProto pads = g.getInitializer(4);
    assertThat(pads.getDataType()).isEqualTo(ElementType.INT64.code());
    assertThat(pads.getDimsList()).containsExactly(8L);
    assertThat(pads.getInt64DataList()).containsExactly(0L, 0L, 1L, 1L, 0L, 0L, 1L, 1L);

    // Clip's bounds: float scalars in float_data, no name, no dims
    TensorProto min = value(producer(g, "22"));
    assertThat(min.hasName()).isFalse();
    assertThat(min.getDimsCount()).isZero();
    assertThat(min.getFloatDataList()).containsExactly(0f);
    assertThat(value(producer(g, "23")).getFloatDataList()).containsExactly(6f);
    // Slice's attributes as int64 inputs, TopK's k, Resize's roi for a rank-4 input
    assertThat(value(producer(g, "18")).getInt64DataList()).containsExactly(1L, 1L);
    assertThat(value(producer(g, "19")).getInt64DataList()).containsExactly(15L, 15L);
    assertThat(value(producer(g, "20")).getInt64DataList()).containsExactly(2L, 3L);
    assertThat(value(producer(g, "21")).getInt64DataList()).containsExactly(2L);
    assertThat(value(producer(g, "24")).getFloatDataList())
        .containsExactly(0f, 0f, 0f, 0f, 1f, 1f, 1f, 1f);
    assertThat(value(producer(g, "27")).getFloatDataList()).containsExactly(0f);
    // attributes that became inputs are gone; Resize keeps only the mode
    for (NodeProto n : g.getNodeList()) {
      if (!n.getOpType().equals("Constant") && !n.getOpType().equals("Conv")) {
        assertThat(n.getAttributeList())
            .extracting(AttributeProto::getName)
            .as(n.getOpType())
            .doesNotContain("min", "max", "starts", "ends", "axes", "k", "pads", "value");
      }
    }
    assertThat(producer(g, "17").getAttributeList())
        .extracting(AttributeProto::getName)
        .containsExactly("mode");
    assertThat(u.changes())
        .contains(
            "Clip: min/max attributes become Constant inputs",
            "Pad: pads become an initializer, value a Constant input",
            "8 Constant nodes added");
  }

  @Test
  void onnxRuntimeComputesTheSameWithTheConvertedModelAndItsQuantizedCopy() throws Exception {
    ModelProto in = TestModels.opset9Cnn();
    ModelProto converted = OpsetUpgrade.upgrade(in).model();
    ModelProto quantized = DynamicQuantizerTest.q(in);
    Map<String, Input> feed = Map.of("x", Input.floats(TestModels.values(3 * 64, 104), 1, 3, 8, 8));

    Map<String, float[]> expected = OrtRunner.run(in, feed);
    Map<String, float[]> same = OrtRunner.run(converted, feed);
    Map<String, float[]> q = OrtRunner.run(quantized, feed);
    assertThat(OrtRunner.maxAbsDiff(expected.get("y"), same.get("y"))).isLessThan(1e-5);
    assertThat(OrtRunner.maxAbsDiff(expected.get("top"), same.get("top"))).isLessThan(1e-5);
    assertThat(OrtRunner.maxAbsDiff(expected.get("y"), q.get("y")))
        .isLessThan(0.05 * OrtRunner.maxAbs(expected.get("y")));
    assertThat(OpsetUpgrade.defaultOpset(quantized)).isEqualTo(11);
  }

  @Test
  void numbersAlreadyUsedAsNamesAreSkipped() throws Exception {
    // old PyTorch exports name values "7", "10", ...: the converter's counter steps over them.
    // Values 1-6 are the importer's; Slice's constants skip 7; the pads initializer skips 10
    // and 11, its value is 13
    GraphProto.Builder g = GraphProto.newBuilder().setName("numeric");
    g.addInput(tensorValue("X", ElementType.FLOAT, 1, 3, 4, 4));
    g.addOutput(tensorValue("Y", ElementType.FLOAT));
    g.addNode(
        node(
            "Pad",
            "",
            List.of("X"),
            List.of("7"),
            attr("pads", 0L, 0L, 1L, 1L, 0L, 0L, 1L, 1L),
            attr("value", 0.5f)));
    g.addNode(node("Relu", "", List.of("7"), List.of("10")));
    g.addNode(node("Clip", "", List.of("10"), List.of("11"), attr("max", 6f)));
    g.addNode(node("Slice", "", List.of("11"), List.of("Y"), attr("starts", 0L), attr("ends", 2L)));
    ModelProto m = Protos.model(g.build(), 3, 9);

    GraphProto out = OpsetUpgrade.upgrade(m).model().getGraph();

    assertThat(described(out))
        .containsExactly(
            "Constant '' [] -> [14]",
            "Pad '' [X, 12, 14] -> [7]",
            "Relu '' [7] -> [10]",
            "Constant '' [] -> [15]",
            "Constant '' [] -> [16]",
            "Clip '' [10, 15, 16] -> [11]",
            "Constant '' [] -> [8]",
            "Constant '' [] -> [9]",
            "Slice '' [11, 8, 9] -> [Y]");
    // Clip with max only: min becomes the lowest float
    assertThat(value(producer(out, "15")).getFloatDataList()).containsExactly(-Float.MAX_VALUE);
    assertThat(out.getInitializerList()).extracting(TensorProto::getName).containsExactly("12");
  }

  @Test
  void subgraphsAreConvertedWithTheirOwnCounters() throws Exception {
    GraphProto body =
        GraphProto.newBuilder()
            .setName("body")
            .addInput(tensorValue("i", ElementType.INT64))
            .addInput(tensorValue("c_in", ElementType.BOOL))
            .addInput(tensorValue("x_in", ElementType.FLOAT))
            .addNode(
                node(
                    "Clip",
                    "",
                    List.of("x_in"),
                    List.of("x_out"),
                    attr("min", 0f),
                    attr("max", 1f)))
            .addNode(node("Identity", "", List.of("c_in"), List.of("c_out")))
            .addOutput(tensorValue("c_out", ElementType.BOOL))
            .addOutput(tensorValue("x_out", ElementType.FLOAT))
            .build();
    GraphProto.Builder g = GraphProto.newBuilder().setName("loop");
    g.addInput(tensorValue("X", ElementType.FLOAT, 1, 3));
    g.addInput(tensorValue("M", ElementType.INT64));
    g.addInput(tensorValue("cond", ElementType.BOOL));
    g.addOutput(tensorValue("Y", ElementType.FLOAT));
    g.addNode(node("Loop", "", List.of("M", "cond", "X"), List.of("Y"), attr("body", body)));

    GraphProto out = OpsetUpgrade.upgrade(Protos.model(g.build(), 4, 9)).model().getGraph();

    GraphProto converted = out.getNode(0).getAttribute(0).getG();
    assertThat(described(converted))
        .containsExactly(
            "Constant '' [] -> [7]",
            "Constant '' [] -> [8]",
            "Clip '' [x_in, 7, 8] -> [x_out]",
            "Identity '' [c_in] -> [c_out]");
  }

  @Test
  void nodesKeepTheIdsOfTheModelTheUserOpened() throws Exception {
    // unnamed nodes are known by position; the new Constant nodes move them, the ids stay
    ModelProto in = TestModels.opset9Cnn();
    GraphProto.Builder g = in.getGraph().toBuilder();
    for (int i = 0; i < g.getNodeCount(); i++) {
      g.setNode(i, g.getNode(i).toBuilder().clearName());
    }
    ModelProto unnamed = in.toBuilder().setGraph(g).build();

    DynamicQuantizer.Output all = DynamicQuantizerTest.quantize(unnamed, QuantizeOptions.DEFAULTS);
    assertThat(all.result().quantized())
        .extracting(QuantizationResult.NodeReport::node)
        .containsExactly("Conv#0", "Gemm#7");

    DynamicQuantizer.Output some =
        DynamicQuantizerTest.quantize(
            unnamed, QuantizeOptions.builder().nodesToExclude(Set.of("Gemm#7")).build());
    assertThat(some.result().quantized())
        .extracting(QuantizationResult.NodeReport::node)
        .containsExactly("Conv#0");
    assertThat(some.result().skipped())
        .extracting(QuantizableNode::node, QuantizableNode::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Gemm#7", "excluded (nodes_to_exclude)"));
  }

  @Test
  void aNodeTheConverterCannotConvertIsRefusedByName() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("eye");
    g.addInput(tensorValue("x", ElementType.FLOAT, 3, 3));
    g.addOutput(tensorValue("y", ElementType.FLOAT, 3, 3));
    g.addInitializer(Tensors.rawFloats("W", new long[] {3, 3}, TestModels.values(9, 1)));
    g.addNode(node("EyeLike", "eye", List.of("x"), List.of("e")));
    g.addNode(node("MatMul", "mm", List.of("e", "W"), List.of("y")));
    ModelProto m = Protos.model(g.build(), 4, 8);

    assertThatThrownBy(() -> DynamicQuantizerTest.q(m))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage(
            "the model uses opset 8; ONNX Runtime converts it to opset 11 before quantizing"
                + " (onnx.version_converter), which fails: EyeLike node 'eye' cannot be converted"
                + " from opset 8 to 9: the converter has no adapter for EyeLike there");
    assertThat(OpsetUpgrade.describe(m)).get().asString().contains("EyeLike node 'eye'");
  }

  @Test
  void anOpOnnxDoesNotDefineIsRefusedByName() {
    ModelProto m = TestModels.opset9Cnn();
    GraphProto g =
        m.getGraph().toBuilder()
            .addNode(
                node("FusedThing", "custom", List.of("y"), List.of("z")).toBuilder()
                    .setDomain("com.example")
                    .build())
            .build();
    assertThatThrownBy(() -> OpsetUpgrade.upgrade(m.toBuilder().setGraph(g).build()))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageEndingWith(
            "FusedThing node 'custom' (domain com.example) is an op onnx does not define, and the"
                + " converter stops at it");
  }

  @Test
  void whatTheAdaptersRejectIsRefused() {
    GraphProto.Builder bn = GraphProto.newBuilder().setName("bn");
    bn.addInput(tensorValue("x", ElementType.FLOAT, 1, 2, 2, 2));
    bn.addOutput(tensorValue("y", ElementType.FLOAT, 1, 2, 2, 2));
    for (String t : List.of("s", "b", "m", "v")) {
      bn.addInitializer(Tensors.rawFloats(t, new long[] {2}, 1f, 1f));
    }
    bn.addNode(
        node(
            "BatchNormalization",
            "norm",
            List.of("x", "s", "b", "m", "v"),
            List.of("y"),
            attr("spatial", 0L)));
    assertThatThrownBy(() -> OpsetUpgrade.upgrade(Protos.model(bn.build(), 4, 8)))
        .hasMessageEndingWith(
            "BatchNormalization node 'norm' has spatial=0; the converter's adapter to opset 9"
                + " requires spatial=1");

    GraphProto.Builder pad = GraphProto.newBuilder().setName("pad");
    pad.addInput(tensorValue("x", ElementType.FLOAT, 1, 2));
    pad.addOutput(tensorValue("y", ElementType.FLOAT, 1, 4));
    pad.addNode(node("Pad", "p", List.of("x"), List.of("y"), attr("pads", 0L, 1L, 0L, 1L)));
    assertThatThrownBy(() -> OpsetUpgrade.upgrade(Protos.model(pad.build(), 4, 9)))
        .hasMessageContaining("Pad node 'p' has no value attribute");
  }

  @Test
  void modelsBelowOpset7AreRefusedAndModelsFromOpset10OnAreLeftAlone() throws Exception {
    ModelProto old =
        TestModels.opset9Cnn().toBuilder().setOpsetImport(0, Protos.opset("", 6)).build();
    assertThatThrownBy(() -> OpsetUpgrade.upgrade(old))
        .hasMessageContaining("the model uses opset 6")
        .hasMessageContaining("from opset 7 on only");

    ModelProto current = TestModels.mlp();
    OpsetUpgrade.Upgrade u = OpsetUpgrade.upgrade(current);
    assertThat(u.model()).isSameAs(current);
    assertThat(u.converted()).isFalse();
    assertThat(OpsetUpgrade.describe(current)).isEmpty();
    assertThat(OpsetUpgrade.describe(TestModels.opset9Cnn()))
        .get()
        .asString()
        .startsWith("opset 9: converted to opset 11 before quantizing, as ONNX Runtime does");
  }
}
