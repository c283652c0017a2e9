// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quantscope.OrtRunner;
import org.quantscope.TestModels;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.model.ElementType;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.progress.Progress;

/**
 * The rewrites, node by node and byte by byte as the spec describes them, and the proof that ONNX
 * Runtime runs every result with outputs within quantization error of the float model.
 */
class DynamicQuantizerTest {

  static DynamicQuantizer.Output quantize(ModelProto m, QuantizeOptions o) throws Exception {
    return DynamicQuantizer.quantize(OnnxModel.of(m), o, Progress.NONE);
  }

  static ModelProto q(ModelProto m) throws Exception {
    return quantize(m, QuantizeOptions.DEFAULTS).model().proto();
  }

  static Map<String, Integer> ops(ModelProto m) {
    Map<String, Integer> c = new TreeMap<>();
    for (NodeProto n : m.getGraph().getNodeList()) {
      c.merge(n.getOpType(), 1, Integer::sum);
    }
    return c;
  }

  static NodeProto node(ModelProto m, String name) {
    return m.getGraph().getNodeList().stream()
        .filter(n -> n.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no node " + name));
  }

  static TensorProto init(ModelProto m, String name) {
    return m.getGraph().getInitializerList().stream()
        .filter(t -> t.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no initializer " + name));
  }

  static List<String> initNames(ModelProto m) {
    return m.getGraph().getInitializerList().stream().map(TensorProto::getName).toList();
  }

  @Test
  void matMulAndGemmBecomeMatMulIntegerWithOrtsNamesAndStorage() throws Exception {
    ModelProto out = q(TestModels.mlp());
    assertThat(ops(out))
        .containsExactlyEntriesOf(
            new TreeMap<>(
                Map.of(
                    "Add",
                    2,
                    "Cast",
                    2,
                    "DynamicQuantizeLinear",
                    2,
                    "MatMulInteger",
                    2,
                    "Mul",
                    4,
                    "Relu",
                    1,
                    "Softmax",
                    1)));
    NodeProto dql = node(out, "x_QuantizeLinear");
    assertThat(dql.getOutputList()).containsExactly("x_quantized", "x_scale", "x_zero_point");
    NodeProto mmi = node(out, "fc1_quant");
    assertThat(mmi.getInputList())
        .containsExactly("x_quantized", "W1_quantized", "x_zero_point", "W1_zero_point");
    assertThat(mmi.getOutputList()).containsExactly("h_output_quantized");
    NodeProto cast = node(out, "h_output_quantized_cast");
    assertThat(cast.getOutputList()).containsExactly("h_output_quantized_cast_output");
    assertThat(cast.getAttribute(0).getI()).isEqualTo(ElementType.FLOAT.code());
    assertThat(node(out, "fc1_quant_scales_mul").getOutputList())
        .containsExactly("fc1_quant_scales_mul:0");
    assertThat(node(out, "fc1_quant_output_scale_mul").getOutputList()).containsExactly("h");
    // the Gemm became MatMul + Add named after it; its B was transposed under the same name
    assertThat(node(out, "fc2_MatMul_quant").getInputList().get(1)).isEqualTo("W2_quantized");
    assertThat(node(out, "fc2_Add").getInputList()).containsExactly("logits_MatMul", "b2");
    assertThat(init(out, "W2_quantized").getDimsList()).containsExactly(8L, 3L);

    // initializers: surviving float ones, then scale, zero point, quantized per weight
    assertThat(initNames(out))
        .containsExactly(
            "b1",
            "b2",
            "W1_scale",
            "W1_zero_point",
            "W1_quantized",
            "W2_scale",
            "W2_zero_point",
            "W2_quantized");
    TensorProto scale = init(out, "W1_scale");
    assertThat(scale.getDimsCount()).isZero();
    assertThat(scale.getFloatDataCount()).isEqualTo(1);
    assertThat(Tensors.storage(scale)).isEqualTo("float_data");
    TensorProto zp = init(out, "W1_zero_point");
    assertThat(zp.getDataType()).isEqualTo(ElementType.INT8.code());
    assertThat(Tensors.storage(zp)).isEqualTo("int32_data");
    assertThat(zp.getInt32Data(0)).isZero();
    TensorProto w = init(out, "W1_quantized");
    assertThat(w.getDataType()).isEqualTo(ElementType.INT8.code());
    assertThat(Tensors.storage(w)).isEqualTo("raw_data");
    assertThat(w.getDimsList()).containsExactly(4L, 8L);

    // the weight bytes are the formula's, element by element
    float[] w1 = TestModels.values(32, 1);
    float absmax = 0;
    for (float v : w1) {
      absmax = Math.max(absmax, Math.abs(v));
    }
    float s = (float) ((double) (absmax - -absmax) / 254);
    assertThat(scale.getFloatData(0)).isEqualTo(s);
    byte[] bytes = w.getRawData().toByteArray();
    for (int i = 0; i < w1.length; i++) {
      assertThat(bytes[i]).isEqualTo((byte) QuantMath.quantize(w1[i], s, 0, QuantType.QInt8));
    }

    assertThat(out.getProducerName()).isEqualTo("onnx.quantize");
    assertThat(out.getProducerVersion()).isEqualTo("0.1.0");
    assertThat(out.getMetadataPropsList())
        .anySatisfy(
            e -> {
              assertThat(e.getKey()).isEqualTo("onnx.infer");
              assertThat(e.getValue()).isEqualTo("onnxruntime.quant");
            });
    assertThat(out.getOpsetImportList()).hasSize(1);
  }

  @Test
  void optionsChangeScalesTypesAndRanges() throws Exception {
    ModelProto pc =
        quantize(TestModels.mlp(), QuantizeOptions.builder().perChannel(true).build())
            .model()
            .proto();
    assertThat(init(pc, "W1_scale").getDimsList()).containsExactly(8L);
    assertThat(init(pc, "W1_zero_point").getInt32DataList()).hasSize(8).containsOnly(0);
    assertThat(init(pc, "W2_scale").getDimsList()).containsExactly(3L); // per output feature

    ModelProto u8 =
        quantize(TestModels.mlp(), QuantizeOptions.builder().weightType(QuantType.QUInt8).build())
            .model()
            .proto();
    assertThat(init(u8, "W1_quantized").getDataType()).isEqualTo(ElementType.UINT8.code());
    assertThat(init(u8, "W1_zero_point").getInt32Data(0)).isBetween(1, 254);

    ModelProto rr =
        quantize(TestModels.mlp(), QuantizeOptions.builder().reduceRange(true).build())
            .model()
            .proto();
    byte[] b = init(rr, "W1_quantized").getRawData().toByteArray();
    for (byte v : b) {
      assertThat((int) v).isBetween(-64, 64);
    }
    assertThat(b).containsAnyOf((byte) 64, (byte) -64);
  }

  @Test
  void convBecomesConvIntegerPerTensorWithABiasReshape() throws Exception {
    ModelProto out =
        quantize(TestModels.convNet(), QuantizeOptions.builder().perChannel(true).build())
            .model()
            .proto();
    assertThat(ops(out))
        .containsEntry("ConvInteger", 2)
        .containsEntry("Reshape", 1)
        .doesNotContainKey("Conv");
    NodeProto conv = node(out, "conv1_quant");
    assertThat(conv.getAttributeList()).extracting("name").contains("pads", "kernel_shape");
    assertThat(init(out, "K1_scale").getDimsCount())
        .as("Conv is per tensor even with per_channel")
        .isZero();
    assertThat(node(out, "conv1_quant_output_scale_mul").getOutputList())
        .containsExactly("c1quant_scaled_output");
    TensorProto shape = init(out, "c1_bias_reshape_shape");
    assertThat(shape.getInt64DataList()).containsExactly(1L, -1L, 1L, 1L);
    assertThat(initNames(out).indexOf("c1_bias_reshape_shape"))
        .isEqualTo(initNames(out).indexOf("K1_quantized") + 1);
    assertThat(node(out, "c1_bias_add").getInputList())
        .containsExactly("c1quant_scaled_output", "c1_bias_reshape_output");
    // the unnamed Conv gets unnamed nodes, and the scales Mul is named after its inputs
    assertThat(out.getGraph().getNodeList())
        .anySatisfy(
            n -> {
              assertThat(n.getOpType()).isEqualTo("ConvInteger");
              assertThat(n.getName()).isEmpty();
            });
    assertThat(node(out, "r1_scale_K2_scale_mul").getInputList())
        .containsExactly("r1_scale", "K2_scale");
  }

  @Test
  void gatherTablesAreUint8AndTheirOutputsAreDequantizedOnceWhereNeeded() throws Exception {
    ModelProto out = q(TestModels.embedding());
    TensorProto table = init(out, "E_quantized");
    assertThat(table.getDataType()).isEqualTo(ElementType.UINT8.code());
    // QInt8 weights: the table uses ActivationSymmetric (false), so its zero point is not 128
    assertThat(init(out, "E_zero_point").getInt32Data(0)).isNotEqualTo(128);
    NodeProto gather = node(out, "lookup");
    assertThat(gather.getInputList()).containsExactly("E_quantized", "ids");
    assertThat(gather.getOutputList()).containsExactly("emb_quantized");
    // MatMul reads the 8-bit copy directly: no DynamicQuantizeLinear for it
    assertThat(node(out, "project_quant").getInputList().subList(0, 1))
        .containsExactly("emb_quantized");
    assertThat(ops(out)).doesNotContainKey("DynamicQuantizeLinear");
    // the Transpose runs on 8 bits and shares the table's scale
    NodeProto swap = node(out, "swap");
    assertThat(swap.getInputList()).containsExactly("emb_quantized");
    assertThat(swap.getOutputList()).containsExactly("embT_quantized");
    // one DequantizeLinear for the ReduceMean (and the graph output), one for the Transpose output
    assertThat(ops(out)).containsEntry("DequantizeLinear", 2);
    assertThat(node(out, "emb_DequantizeLinear").getInputList())
        .containsExactly("emb_quantized", "E_scale", "E_zero_point");
    assertThat(node(out, "embT_DequantizeLinear").getOutputList()).containsExactly("embT");
  }

  @Test
  void lstmBecomesDynamicQuantizeLstmWithTransposedInt8Weights() throws Exception {
    ModelProto out =
        quantize(TestModels.lstm(), QuantizeOptions.builder().weightType(QuantType.QUInt8).build())
            .model()
            .proto();
    NodeProto l = node(out, "lstm_quant");
    assertThat(l.getDomain()).isEqualTo("com.microsoft");
    assertThat(l.getOpType()).isEqualTo("DynamicQuantizeLSTM");
    assertThat(l.getInputList())
        .containsExactly(
            "X",
            "W_quantized",
            "R_quantized",
            "Bl",
            "",
            "",
            "",
            "",
            "W_scale",
            "W_zero_point",
            "R_scale",
            "R_zero_point");
    assertThat(init(out, "W_quantized").getDataType())
        .as("always int8")
        .isEqualTo(ElementType.INT8.code());
    assertThat(init(out, "W_quantized").getDimsList()).containsExactly(1L, 3L, 8L);
    assertThat(init(out, "R_quantized").getDimsList()).containsExactly(1L, 2L, 8L);
    assertThat(init(out, "W_scale").getDimsList()).containsExactly(1L);
    assertThat(initNames(out))
        .containsExactly(
            "Bl",
            "W_scale",
            "W_zero_point",
            "R_scale",
            "R_zero_point",
            "W_quantized",
            "R_quantized");
    assertThat(out.getOpsetImportList())
        .anySatisfy(
            o -> {
              assertThat(o.getDomain()).isEqualTo("com.microsoft");
              assertThat(o.getVersion()).isEqualTo(1);
            });

    ModelProto pc =
        quantize(TestModels.lstm(), QuantizeOptions.builder().perChannel(true).build())
            .model()
            .proto();
    assertThat(init(pc, "W_scale").getDimsList()).containsExactly(1L, 8L);
  }

  @Test
  void fusedBertOpsBecomeTheirQuantizedForms() throws Exception {
    ModelProto out = q(TestModels.fusedBert());
    NodeProto eln = node(out, "embed_quant");
    assertThat(eln.getOpType()).isEqualTo("QEmbedLayerNormalization");
    assertThat(eln.getInputCount()).isEqualTo(18);
    assertThat(eln.getInputList().subList(2, 7))
        .containsExactly(
            "word_quantized",
            "pos_quantized",
            "seg_quantized",
            "gamma_quantized",
            "beta_quantized");
    NodeProto att = node(out, "attention_quant");
    assertThat(att.getOpType()).isEqualTo("QAttention");
    assertThat(att.getInputList())
        .containsExactly(
            "emb_out_quantized",
            "qkv_w_quantized",
            "qkv_b",
            "emb_out_scale",
            "qkv_w_scale",
            "",
            "emb_out_zero_point",
            "qkv_w_zero_point",
            "");
  }

  @Test
  void everyQuantizedModelRunsInOnnxRuntimeCloseToTheFloatModel() throws Exception {
    record Case(
        String name, ModelProto model, Map<String, OrtRunner.Input> inputs, double tolerance) {}
    float[] x = TestModels.values(8, 77);
    long[] ids = {0, 3, 7, 19, 3};
    List<Case> cases =
        List.of(
            new Case("mlp", TestModels.mlp(), Map.of("x", OrtRunner.Input.floats(x, 2, 4)), 0.05),
            new Case(
                "conv",
                TestModels.convNet(),
                Map.of("img", OrtRunner.Input.floats(TestModels.values(128, 78), 1, 2, 8, 8)),
                0.05),
            new Case(
                "embedding",
                TestModels.embedding(),
                Map.of("ids", OrtRunner.Input.longs(ids, 1, 5)),
                0.03),
            new Case(
                "lstm",
                TestModels.lstm(),
                Map.of("X", OrtRunner.Input.floats(TestModels.values(12, 79), 4, 1, 3)),
                0.05));
    for (Case c : cases) {
      for (QuantizeOptions o :
          List.of(
              QuantizeOptions.DEFAULTS,
              QuantizeOptions.builder().perChannel(true).build(),
              QuantizeOptions.builder().weightType(QuantType.QUInt8).build(),
              QuantizeOptions.builder().reduceRange(true).build())) {
        Map<String, float[]> want = OrtRunner.run(c.model(), c.inputs());
        Map<String, float[]> got =
            OrtRunner.run(quantize(c.model(), o).model().proto(), c.inputs());
        assertThat(got.keySet()).isEqualTo(want.keySet());
        for (String k : want.keySet()) {
          double scale = Math.max(1, OrtRunner.maxAbs(want.get(k)));
          // stated tolerance: a few percent of the output's magnitude, what 8-bit weights and
          // activations cost on these small random models
          assertThat(OrtRunner.maxAbsDiff(want.get(k), got.get(k)) / scale)
              .as(c.name() + " " + k + " " + o)
              .isLessThanOrEqualTo(c.tolerance());
          assertThat(Arrays.equals(want.get(k), got.get(k)))
              .as(c.name() + " really changed")
              .isFalse();
        }
      }
    }
  }

  @Test
  void inspectAndQuantizeAgreeOnEveryFixture() throws Exception {
    for (ModelProto m :
        List.of(
            TestModels.mlp(),
            TestModels.convNet(),
            TestModels.embedding(),
            TestModels.lstm(),
            TestModels.fusedBert(),
            TestModels.candidates(),
            TestModels.withIf())) {
      for (QuantizeOptions o :
          List.of(
              QuantizeOptions.DEFAULTS,
              QuantizeOptions.builder().matMulConstBOnly(false).build())) {
        List<QuantizableNode> verdicts = Quantizability.classify(m.getGraph(), o.criteria());
        Set<String> will =
            verdicts.stream()
                .filter(QuantizableNode::willQuantize)
                .map(QuantizableNode::node)
                .collect(Collectors.toSet());
        if (will.isEmpty()) {
          continue;
        }
        QuantizationResult r = quantize(m, o).result();
        assertThat(
                r.quantized().stream()
                    .map(QuantizationResult.NodeReport::node)
                    .collect(Collectors.toSet()))
            .as(m.getGraph().getName())
            .isEqualTo(will);
        assertThat(r.skipped().stream().map(QuantizableNode::node).collect(Collectors.toSet()))
            .isEqualTo(
                verdicts.stream()
                    .filter(v -> !v.willQuantize())
                    .map(QuantizableNode::node)
                    .collect(Collectors.toSet()));
      }
    }
  }

  @Test
  void resultReportsWeightsErrorsAndBytes() throws Exception {
    QuantizationResult r =
        quantize(TestModels.mlp(), QuantizeOptions.builder().perChannel(true).build()).result();
    assertThat(r.quantizedCount()).isEqualTo(2);
    QuantizationResult.NodeReport fc1 = r.quantized().get(0);
    assertThat(fc1.node()).isEqualTo("fc1");
    assertThat(fc1.action()).isEqualTo("MatMulInteger");
    QuantizationResult.WeightReport w = fc1.weights().get(0);
    assertThat(w.name()).isEqualTo("W1");
    assertThat(w.perChannel()).isTrue();
    assertThat(w.channels()).isEqualTo(8);
    assertThat(w.scaleMin()).isLessThanOrEqualTo(w.scaleMax());
    assertThat(w.maxAbsError()).isPositive().isLessThanOrEqualTo(w.scaleMax() / 2 + 1e-7);
    assertThat(w.sqnrDb()).isBetween(30.0, 60.0);
    assertThat(w.bytesBefore()).isEqualTo(128);
    assertThat(w.bytesAfter()).isEqualTo(32 + 8 * 5);
    assertThat(r.quantized().get(1).node()).isEqualTo("fc2");
    assertThat(r.quantized().get(1).op()).isEqualTo("Gemm");
    assertThat(r.weightBytesBefore()).isEqualTo((32 + 24) * 4);
  }

  @Test
  void nodeFiltersAcceptNamesAndStableIds() throws Exception {
    ModelProto conv = TestModels.convNet();
    QuantizeOptions excludeUnnamed =
        QuantizeOptions.builder().nodesToExclude(Set.of("Conv#2")).build();
    ModelProto out = quantize(conv, excludeUnnamed).model().proto();
    assertThat(ops(out)).containsEntry("ConvInteger", 1).containsEntry("Conv", 1);

    QuantizeOptions only = QuantizeOptions.builder().nodesToQuantize(Set.of("fc2_MatMul")).build();
    QuantizationResult r = quantize(TestModels.mlp(), only).result();
    assertThat(r.quantized())
        .extracting(QuantizationResult.NodeReport::node)
        .containsExactly("fc2");
    assertThat(r.skipped())
        .extracting(QuantizableNode::reason)
        .containsExactly("not listed in nodes_to_quantize");
  }

  @Test
  void nothingToQuantizeSaysWhy() {
    assertThatThrownBy(() -> quantize(TestModels.treeOnly(), QuantizeOptions.DEFAULTS))
        .isInstanceOf(NothingToQuantizeException.class)
        .hasMessageContaining("no MatMul, Gemm, Conv");
    assertThatThrownBy(
            () ->
                quantize(
                    TestModels.mlp(), QuantizeOptions.builder().opTypes(Set.of("Conv")).build()))
        .isInstanceOf(NothingToQuantizeException.class)
        .hasMessageContaining("op type MatMul is not in op_types_to_quantize");
  }

  @Test
  void opsetBelowTenIsConvertedToOpsetElevenFirstAsOrtDoes() throws Exception {
    // (conversions that fail are refused: OpsetUpgradeTest)
    ModelProto old =
        TestModels.mlp().toBuilder()
            .setOpsetImport(0, org.quantscope.model.Protos.opset("", 9))
            .build();
    ModelProto out = q(old);
    assertThat(OpsetUpgrade.defaultOpset(out)).isEqualTo(11);
    // opset 11: activations go through DynamicQuantizeLinear, not opset 10's explicit chain
    assertThat(ops(out)).containsEntry("DynamicQuantizeLinear", 2).doesNotContainKey("ReduceMin");
  }

  @Test
  void opsetTenQuantizesActivationsWithTheExplicitChain() throws Exception {
    ModelProto ten =
        TestModels.mlp().toBuilder()
            .setOpsetImport(0, org.quantscope.model.Protos.opset("", 10))
            .build();
    ModelProto out = q(ten);
    assertThat(ops(out))
        .containsEntry("QuantizeLinear", 2)
        .containsEntry("ReduceMin", 2)
        .containsEntry("Floor", 2)
        .doesNotContainKey("DynamicQuantizeLinear");
    assertThat(initNames(out)).contains("fixed_quantization_range_uint8", "fixed_zero");
    assertThat(node(out, "x_zero_point_Cast").getAttribute(0).getI())
        .isEqualTo(ElementType.UINT8.code());
  }

  @Test
  void theInputModelIsNotModified() throws Exception {
    ModelProto m = TestModels.mlp();
    byte[] before = m.toByteArray();
    OnnxModel model = OnnxModel.of(m);
    DynamicQuantizer.quantize(model, QuantizeOptions.DEFAULTS, Progress.NONE);
    assertThat(model.proto().toByteArray()).isEqualTo(before);
  }

  @Test
  void aCancelledRunWritesNothing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    java.nio.file.Path out = dir.resolve("q.onnx");
    org.quantscope.progress.Progress cancelMidway =
        (done, total, message) -> {
          if (done == 2) {
            Thread.currentThread().interrupt();
          }
        };
    try {
      assertThatThrownBy(
              () ->
                  DynamicQuantizer.quantizeTo(
                      OnnxModel.of(TestModels.mlp()),
                      QuantizeOptions.DEFAULTS,
                      out,
                      org.quantscope.model.SaveOptions.DEFAULT,
                      cancelMidway))
          .isInstanceOf(java.util.concurrent.CancellationException.class);
    } finally {
      Thread.interrupted();
    }
    assertThat(dir.toFile().list()).isEmpty();
  }

  @Test
  void cancellationStopsTheRun() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> q(TestModels.mlp()))
          .isInstanceOf(java.util.concurrent.CancellationException.class);
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void criteriaCarryTheOptions() {
    QuantizeOptions o =
        QuantizeOptions.builder()
            .nodesToExclude(Set.of("a"))
            .build()
            .withExtraOptions(Map.of("MatMulConstBOnly", "False", "EnableSubgraph", "1"));
    Criteria c = o.criteria();
    assertThat(c.matMulConstBOnly()).isFalse();
    assertThat(c.enableSubgraph()).isTrue();
    assertThat(c.nodesToExclude()).containsExactly("a");
    assertThatThrownBy(() -> o.withExtraOptions(Map.of("Bogus", "1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown extra option 'Bogus'");
    assertThatThrownBy(() -> o.withExtraOptions(Map.of("WeightSymmetric", "maybe")))
        .hasMessageContaining("must be True or False");
  }
}
