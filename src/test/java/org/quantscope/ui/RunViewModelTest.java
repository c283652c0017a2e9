// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.model.ModelFiles;

/** Runs on the open model, with jobs on the calling thread. */
class RunViewModelTest {
  @TempDir Path dir;

  private static MainViewModel example() {
    MainViewModel vm = new MainViewModel(JobRunner.synchronous());
    vm.openExample();
    vm.options().benchRuns().textProperty().set("5");
    return vm;
  }

  @Test
  void runAllQuantizesChecksParityAndBenchmarks() throws IOException {
    MainViewModel vm = example();
    RunViewModel runs = vm.runs();
    runs.runAll();
    assertThat(runs.failureProperty().get()).isNull();
    assertThat(runs.quantizedProperty().get().result().quantizedCount()).isEqualTo(2);
    assertThat(runs.parityProperty().get().samples()).isEqualTo(64);
    assertThat(runs.parityProperty().get().absTol()).isEqualTo(0.04);
    assertThat(runs.benchProperty().get().models()).hasSize(2);
    assertThat(runs.benchProperty().get().models().get(0).runs()).isEqualTo(5);
    RunViewModel.Sizes sizes = runs.sizesProperty().get();
    // the example is tiny: the added scales and nodes outweigh the 1 kB its weights save
    assertThat(sizes.fp32Bytes())
        .isEqualTo(ModelFiles.inline(vm.modelProperty().get()).getSerializedSize());
    assertThat(sizes.int8Bytes())
        .isEqualTo(ModelFiles.inline(runs.quantizedProperty().get().model()).getSerializedSize());
    assertThat(runs.statusProperty().get()).contains("2 of 4 nodes quantized").contains("parity");
    assertThat(runs.runningProperty().get()).isFalse();
  }

  @Test
  void parityReusesTheQuantizedModelUntilTheModelChanges() throws IOException {
    MainViewModel vm = example();
    RunViewModel runs = vm.runs();
    runs.quantize();
    var first = runs.quantizedProperty().get();
    runs.checkParity();
    assertThat(runs.quantizedProperty().get()).isSameAs(first);
    assertThat(runs.parityProperty().get()).isNotNull();
    vm.open(Files.write(dir.resolve("mlp.onnx"), TestModels.mlp().toByteArray()));
    assertThat(runs.quantizedProperty().get()).isNull();
    assertThat(runs.parityProperty().get()).isNull();
  }

  @Test
  void tolerancesFromTheOptionsDecideTheVerdict() {
    MainViewModel vm = example();
    vm.options().absTol().textProperty().set("0");
    vm.options().meanTol().textProperty().set("0");
    vm.runs().checkParity();
    assertThat(vm.runs().parityProperty().get().passed()).isFalse();
    assertThat(vm.runs().statusProperty().get()).contains("FAILED");
  }

  @Test
  void invalidOptionsStopARunWithAMessage() {
    MainViewModel vm = example();
    vm.options().absTol().textProperty().set("lots");
    assertThat(vm.options().absTol().problemProperty().get()).isNotEmpty();
    vm.runs().quantize();
    assertThat(vm.runs().quantizedProperty().get()).isNull();
    assertThat(vm.runs().failureProperty().get().message()).contains("Options");
  }

  @Test
  void nothingToQuantizeIsAUserErrorWithoutATrace() {
    MainViewModel vm = example();
    vm.options().opTypes().forEach((op, on) -> on.set(op.equals("Conv")));
    vm.runs().quantize();
    RunViewModel.Failure f = vm.runs().failureProperty().get();
    assertThat(f.message()).startsWith("Nothing to quantize");
    assertThat(f.details()).isEmpty();
  }

  @Test
  void savingWritesALoadableModelAndLeavesTheSourceAlone() throws IOException {
    Path source = Files.write(dir.resolve("mlp.onnx"), TestModels.mlp().toByteArray());
    byte[] before = Files.readAllBytes(source);
    MainViewModel vm = new MainViewModel(JobRunner.synchronous());
    vm.open(source);
    vm.runs().quantize();
    Path target = dir.resolve("out").resolve("mlp.int8.onnx");
    Files.createDirectories(target.getParent());
    vm.runs().saveInt8(target);
    assertThat(vm.runs().failureProperty().get()).isNull();
    assertThat(vm.runs().savedProperty().get()).isEqualTo(target);
    assertThat(ModelFiles.load(target).graph().getNodeList())
        .anyMatch(n -> n.getOpType().equals("DynamicQuantizeLinear"));
    assertThat(Files.readAllBytes(source)).isEqualTo(before);
    try (var files = Files.list(target.getParent())) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void savingIntoAMissingFolderFailsClearly() {
    MainViewModel vm = example();
    vm.runs().quantize();
    vm.runs().saveInt8(dir.resolve("nowhere").resolve("x.onnx"));
    assertThat(vm.runs().failureProperty().get().message()).contains("nowhere");
    assertThat(vm.runs().failureProperty().get().details()).isEmpty();
  }
}
