// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.model.OnnxModel;
import org.quantscope.onnx.ModelProto;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantType;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.quantize.Recipe;

/**
 * Recipes in the window without a stage: the Options' recipe gives the options {@code --recipe}
 * gives, an int8 model says how it was quantized in the Model tab, and File > Compare with... diffs
 * the open model against another file.
 */
class RecipeViewModelTest {
  @TempDir Path dir;

  private MainViewModel window() {
    return new MainViewModel(JobRunner.synchronous(), Settings.memory(), Pipeline.inProcess());
  }

  private Path write(String name, ModelProto m) throws Exception {
    return Files.write(dir.resolve(name), m.toByteArray());
  }

  private static ModelProto quantize(ModelProto m, QuantizeOptions o) throws Exception {
    return DynamicQuantizer.quantize(OnnxModel.of(m), o, Progress.NONE).model().proto();
  }

  @Test
  void everyRecipeGivesWhatTheCommandLineGives() throws Exception {
    MainViewModel vm = window();
    for (ModelProto m : new ModelProto[] {TestModels.convNet(), TestModels.gemmInIf()}) {
      vm.open(write("m.onnx", m));
      for (Recipe r : Recipe.values()) {
        vm.options().recipeProperty().set(r);
        assertThat(vm.options().quantizeOptions()).as(r.id()).isEqualTo(r.options(m));
      }
    }
  }

  @Test
  void aRecipeFollowsTheModelAndSwitchesChangedAfterItWin() throws Exception {
    Settings settings = Settings.memory();
    MainViewModel vm = new MainViewModel(JobRunner.synchronous(), settings, Pipeline.inProcess());
    OptionsViewModel o = vm.options();
    o.recipeProperty().set(Recipe.TRANSFORMERSJS_Q8);
    vm.open(write("conv.onnx", TestModels.convNet()));
    assertThat(o.weightTypeProperty().get())
        .as("q8: uint8 for a Conv model")
        .isEqualTo(QuantType.QUInt8);
    vm.open(write("mlp.onnx", TestModels.mlp()));
    assertThat(o.weightTypeProperty().get()).isEqualTo(QuantType.QInt8);

    o.recipeProperty().set(Recipe.OPTIMUM_AVX2);
    assertThat(o.perChannelProperty().get()).isTrue();
    o.perChannelProperty().set(false);
    QuantizeOptions q = o.quantizeOptions();
    assertThat(q.perChannel()).isFalse();
    assertThat(q.weightType()).isEqualTo(QuantType.QUInt8);
    assertThat(q.weightSymmetric()).isTrue();
    assertThat(q.matMulConstBOnly()).isFalse();

    o.save();
    MainViewModel again =
        new MainViewModel(JobRunner.synchronous(), settings, Pipeline.inProcess());
    assertThat(again.options().recipeProperty().get()).isEqualTo(Recipe.OPTIMUM_AVX2);
    assertThat(again.options().perChannelProperty().get()).isFalse();
  }

  @Test
  void anInt8ModelSaysItIsAlreadyQuantizedAndWithWhichRecipe() throws Exception {
    ModelProto f = TestModels.candidates();
    Path int8 = write("cand.int8.onnx", quantize(f, Recipe.OPTIMUM_AVX2.options(f)));
    MainViewModel vm = window();
    vm.open(int8);
    assertThat(vm.detectionProperty().get().recipe()).isEqualTo("optimum-avx2");
    var facts = ModelFact.of(vm.summaryProperty().get(), vm.detectionProperty().get());
    ModelFact last = facts.get(facts.size() - 1);
    assertThat(last.label()).isEqualTo("Quantization");
    assertThat(last.value())
        .startsWith("already quantized (dynamic; recipe optimum-avx2)")
        .containsPattern("\nweights: .*MatMul uint8")
        .contains("\nsettings: per-channel yes, reduce-range no");

    vm.open(write("cand.onnx", f));
    assertThat(vm.detectionProperty().get().facts().quantized()).isFalse();
    assertThat(ModelFact.of(vm.summaryProperty().get(), vm.detectionProperty().get()))
        .extracting(ModelFact::label)
        .doesNotContain("Quantization");
  }

  @Test
  void compareWithDiffsTheOpenModelAgainstAnotherFile() throws Exception {
    ModelProto f = TestModels.mlp();
    Path flt = write("mlp.onnx", f);
    Path int8 = write("mlp.int8.onnx", quantize(f, QuantizeOptions.DEFAULTS));
    Path same = write("same.int8.onnx", quantize(f, QuantizeOptions.DEFAULTS));
    MainViewModel vm = window();
    vm.open(int8);

    vm.compareWith(flt);
    MainViewModel.Comparison c = vm.comparisonProperty().get();
    assertThat(c.other()).isEqualTo(flt);
    assertThat(c.report().identical()).isFalse();
    assertThat(c.lines()).contains("A: mlp.int8.onnx", "DIFFERENT");
    assertThat(vm.statusProperty().get()).isEqualTo("mlp.int8.onnx differs from mlp.onnx");

    vm.compareWith(same);
    assertThat(vm.comparisonProperty().get().report().identical()).isTrue();
    assertThat(vm.statusProperty().get())
        .isEqualTo("mlp.int8.onnx and same.int8.onnx are identical");

    Path broken = Files.writeString(dir.resolve("broken.onnx"), "nope");
    vm.compareWith(broken);
    assertThat(vm.errorProperty().get()).startsWith("Cannot compare with broken.onnx: ");
    assertThat(vm.busyProperty().get()).isFalse();

    vm.open(flt);
    assertThat(vm.comparisonProperty().get()).as("a new model drops the old comparison").isNull();
  }
}
