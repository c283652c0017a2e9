// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quantscope.TestModels;
import org.quantscope.graph.ModelDiff;
import org.quantscope.model.OnnxModel;
import org.quantscope.onnx.ModelProto;

/**
 * Recipes, and reading them back: every recipe quantizes the fixture models, detection reads the
 * int8 file, names a recipe with the same settings and derives options that quantize the float
 * model into the very same file (what {@code quantize --like} does).
 */
class RecipeDetectionTest {

  private static Map<String, ModelProto> fixtures() {
    Map<String, ModelProto> m = new LinkedHashMap<>();
    m.put("mlp", TestModels.mlp());
    m.put("candidates", TestModels.candidates());
    m.put("convNet", TestModels.convNet());
    m.put("lstm", TestModels.lstm());
    m.put("fusedBert", TestModels.fusedBert());
    m.put("gemmInIf", TestModels.gemmInIf());
    return m;
  }

  private static ModelProto quantize(ModelProto m, QuantizeOptions o) throws Exception {
    return DynamicQuantizerTest.quantize(m, o).model().proto();
  }

  private static QuantizationDetector.Detection detect(ModelProto int8) throws Exception {
    return QuantizationDetector.detect(OnnxModel.of(int8));
  }

  @Test
  void everyRecipeIsNamedAndReproducedFromTheFileItWrote() throws Exception {
    int checked = 0;
    for (Map.Entry<String, ModelProto> f : fixtures().entrySet()) {
      for (Recipe r : Recipe.values()) {
        String what = r.id() + " on " + f.getKey();
        ModelProto int8 = quantize(f.getValue(), r.options(f.getValue()));
        QuantizationDetector.Detection d = detect(int8);

        assertThat(d.facts().quantized()).as(what).isTrue();
        assertThat(d.facts().method()).as(what).isEqualTo("dynamic");
        assertThat(d.deviations()).as(what).isEmpty();
        assertThat(d.alsoMatching()).as(what).doesNotContain(d.recipe());
        // the recipe, or one whose settings this model cannot tell apart
        assertThat(concat(d.recipe(), d.alsoMatching())).as(what).contains(r.id());
        ModelProto again = quantize(f.getValue(), d.options());
        ModelDiff.Report diff = ModelDiff.compare(OnnxModel.of(int8), OnnxModel.of(again));
        assertThat(diff.identical()).as(what + ": %s", diff).isTrue();
        checked++;
      }
    }
    assertThat(checked).isEqualTo(6 * Recipe.values().length);
  }

  private static List<String> concat(String first, List<String> rest) {
    List<String> all = new java.util.ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return all;
  }

  @Test
  void theFactsOfAnOptimumAvx2File() throws Exception {
    ModelProto m = TestModels.candidates();
    QuantizationFacts f = detect(quantize(m, Recipe.OPTIMUM_AVX2.options(m))).facts();

    assertThat(f.weightTypes())
        .containsEntry("MatMul", "uint8")
        .containsEntry("Conv", "uint8")
        .containsEntry("LSTM", "int8")
        .containsEntry("Gather table", "uint8");
    assertThat(f.perChannel()).isTrue();
    // zero point 128 is also what asymmetric weights centred on zero get: never "no", and "yes"
    // only where the weights do not reach both ends of the range
    assertThat(f.symmetricWeights()).as("WeightSymmetric=True: zero point 128").isNotEqualTo(false);
    assertThat(f.reduceRange()).isFalse();
    // Optimum leaves MatMulConstBOnly unset: the MatMul of two activations is quantized too
    assertThat(f.matMulConstBOnly()).isFalse();
    assertThat(f.quantizedOps()).containsKeys("MatMul", "Conv", "Gather", "LSTM");
    assertThat(f.activations()).isEqualTo("fused");
    assertThat(f.versionClues())
        .anySatisfy(c -> assertThat(c).startsWith("producer onnx.quantize"));
  }

  @Test
  void ortDefaultsAndTransformersJsQ8TellApartOnAConvModel() throws Exception {
    ModelProto m = TestModels.convNet();
    QuantizationDetector.Detection ort = detect(quantize(m, QuantizeOptions.DEFAULTS));
    QuantizationDetector.Detection q8 = detect(quantize(m, Recipe.TRANSFORMERSJS_Q8.options(m)));

    assertThat(ort.recipe()).isEqualTo("ort-default");
    assertThat(ort.facts().weightTypes()).containsEntry("Conv", "int8");
    assertThat(ort.facts().symmetricWeights()).isTrue();
    assertThat(q8.recipe()).isEqualTo("transformersjs-q8");
    assertThat(q8.facts().weightTypes()).containsEntry("Conv", "uint8");
    assertThat(q8.facts().symmetricWeights()).isFalse();
  }

  @Test
  void aTransformersJsConvertFileIsNamedAsSuch() throws Exception {
    // what most Xenova/* hub models' model_quantized.onnx were made with: q8's weight type, but
    // per channel and reduce range on
    ModelProto bert = TestModels.mlp();
    QuantizationDetector.Detection d =
        detect(quantize(bert, Recipe.TRANSFORMERSJS_CONVERT.options(bert)));
    assertThat(d.recipe()).isEqualTo("transformersjs-convert");
    assertThat(d.deviations()).isEmpty();
    assertThat(d.facts().reduceRange()).isTrue();
    assertThat(d.facts().perChannel()).isTrue();
    assertThat(d.facts().weightTypes()).containsEntry("MatMul", "int8");

    // convert.py's type rule is 'Conv' in the op types: uint8 weights for a CNN
    ModelProto cnn = TestModels.convNet();
    assertThat(Recipe.TRANSFORMERSJS_CONVERT.options(cnn).weightType()).isEqualTo(QuantType.QUInt8);
    assertThat(Recipe.TRANSFORMERSJS_CONVERT.options(bert).weightType()).isEqualTo(QuantType.QInt8);
  }

  @Test
  void perChannelOffIsOptimumCliDefaultAndReducedRangeIsSeen() throws Exception {
    ModelProto m = TestModels.fusedBert();
    QuantizeOptions cli =
        Recipe.OPTIMUM_AVX512_VNNI.options(m).toBuilder().perChannel(false).build();
    QuantizationDetector.Detection d = detect(quantize(m, cli));
    assertThat(d.facts().perChannel()).isFalse();

    ModelProto mlp = TestModels.mlp();
    QuantizationFacts rr =
        detect(quantize(mlp, QuantizeOptions.builder().reduceRange(true).build())).facts();
    assertThat(rr.reduceRange()).isTrue();
    QuantizationDetector.Detection none = detect(quantize(mlp, QuantizeOptions.DEFAULTS));
    assertThat(none.facts().reduceRange()).isFalse();
    assertThat(none.facts().perChannel()).isFalse();
  }

  @Test
  void excludedNodesAndOpTypesAreReadBack() throws Exception {
    ModelProto mlp = TestModels.mlp();
    ModelProto excluded =
        quantize(mlp, QuantizeOptions.builder().nodesToExclude(Set.of("fc2_MatMul")).build());
    QuantizationDetector.Detection d = detect(excluded);
    assertThat(d.facts().excludedNodes()).containsExactly("fc2_MatMul");
    assertThat(d.options().nodesToExclude()).containsExactly("fc2_MatMul");
    assertThat(
            ModelDiff.compare(OnnxModel.of(excluded), OnnxModel.of(quantize(mlp, d.options())))
                .identical())
        .isTrue();

    ModelProto c = TestModels.candidates();
    ModelProto onlyMatMul =
        quantize(c, QuantizeOptions.builder().opTypes(Set.of("MatMul")).build());
    QuantizationDetector.Detection o = detect(onlyMatMul);
    assertThat(o.options().opTypes()).containsExactly("MatMul");
    assertThat(o.facts().excludedNodes()).isEmpty();
    assertThat(
            ModelDiff.compare(OnnxModel.of(onlyMatMul), OnnxModel.of(quantize(c, o.options())))
                .identical())
        .isTrue();
  }

  @Test
  void aFloatModelIsNotQuantizedAndHasNoRecipe() throws Exception {
    QuantizationDetector.Detection d = detect(TestModels.mlp());
    assertThat(d.facts().quantized()).isFalse();
    assertThat(d.recipe()).isNull();
    assertThat(d.headline()).isEqualTo("not quantized");
  }

  @Test
  void recipesAreFoundByName() {
    assertThat(Recipe.parse("optimum_avx512_vnni")).isEqualTo(Recipe.OPTIMUM_AVX512_VNNI);
    assertThat(Recipe.ids()).startsWith("ort-default").hasSize(9);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Recipe.parse("avx9"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown recipe 'avx9', expected one of ort-default,");
    // the model-dependent settings
    assertThat(Recipe.TRANSFORMERSJS_Q8.options(TestModels.convNet()).weightType())
        .isEqualTo(QuantType.QUInt8);
    assertThat(Recipe.TRANSFORMERSJS_Q8.options(TestModels.mlp()).weightType())
        .isEqualTo(QuantType.QInt8);
    assertThat(Recipe.OPTIMUM_ARM64.options(TestModels.gemmInIf()).enableSubgraph()).isTrue();
    assertThat(Recipe.OPTIMUM_ARM64.options(TestModels.mlp()).enableSubgraph()).isFalse();
    assertThat(Recipe.ORT_DEFAULT.options(TestModels.mlp())).isEqualTo(QuantizeOptions.DEFAULTS);
  }
}
