// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.pipeline.Pipeline;

/** The view model without a stage: jobs run synchronously. */
class MainViewModelTest {
  @TempDir Path dir;

  @Test
  void opensAModelAndSummarisesIt() throws IOException {
    MainViewModel vm = new MainViewModel(JobRunner.synchronous(), Pipeline.inProcess());
    vm.open(Files.write(dir.resolve("mlp.onnx"), TestModels.mlp().toByteArray()));
    assertThat(vm.summaryProperty().get().nodeCount()).isEqualTo(5);
    assertThat(vm.titleProperty().get()).isEqualTo("mlp.onnx - QuantScope");
    assertThat(vm.errorProperty().get()).isEmpty();
    assertThat(vm.busyProperty().get()).isFalse();
  }

  @Test
  void aFailedOpenKeepsThePreviousModel() {
    MainViewModel vm = new MainViewModel(JobRunner.synchronous(), Pipeline.inProcess());
    vm.openExample();
    var before = vm.summaryProperty().get();
    vm.open(dir.resolve("missing.onnx"));
    assertThat(vm.summaryProperty().get()).isSameAs(before);
    assertThat(vm.errorProperty().get())
        .isEqualTo("Cannot open missing.onnx: " + dir.resolve("missing.onnx") + ": no such file");
    vm.dismissError();
    assertThat(vm.errorProperty().get()).isEmpty();
  }

  @Test
  void theExampleComesWithItsSamplesAndAGraph() {
    MainViewModel vm = new MainViewModel(JobRunner.synchronous(), Pipeline.inProcess());
    vm.openExample();
    assertThat(vm.exampleProperty().get()).isTrue();
    assertThat(vm.options().sampleSourceProperty().get())
        .isEqualTo(OptionsViewModel.SampleSource.EXAMPLE);
    assertThat(vm.graph().scopes()).hasSize(1);
    assertThat(vm.graph().layoutProperty().get().boxes()).isNotEmpty();
    assertThat(vm.verdictsProperty().get()).hasSize(4);
    assertThat(vm.graph().statusesProperty().get()).hasSize(4);
  }

  @Test
  void openingAFileRemembersItAndDropsExclusions() throws IOException {
    Settings settings = Settings.memory();
    MainViewModel vm = new MainViewModel(JobRunner.synchronous(), settings, Pipeline.inProcess());
    Path mlp = Files.write(dir.resolve("mlp.onnx"), TestModels.mlp().toByteArray());
    vm.openExample();
    vm.options().excluded().add("fc1");
    vm.open(mlp);
    assertThat(vm.options().excluded()).isEmpty();
    assertThat(vm.options().sampleSourceProperty().get())
        .isEqualTo(OptionsViewModel.SampleSource.SYNTHETIC);
    assertThat(vm.recentFiles()).containsExactly(mlp.toAbsolutePath().normalize());
    assertThat(vm.lastFolder()).isEqualTo(dir.toAbsolutePath().normalize());
    // a new window with the same settings lists the file again
    assertThat(
            new MainViewModel(JobRunner.synchronous(), settings, Pipeline.inProcess())
                .recentFiles())
        .containsExactly(mlp.toAbsolutePath().normalize());
  }

  @Test
  void excludingANodeChangesItsStatusButNotItsVerdict() {
    MainViewModel vm = new MainViewModel(JobRunner.synchronous(), Pipeline.inProcess());
    vm.openExample();
    String fc1 = vm.verdictsProperty().get().get(0).node();
    vm.options().excluded().add(fc1);
    assertThat(vm.verdictsProperty().get().get(0).willQuantize()).isTrue();
    assertThat(vm.graph().statusesProperty().get().get(fc1).kind())
        .isEqualTo(NodeStatus.Kind.EXCLUDED);
    vm.runs().quantize();
    assertThat(vm.runs().quantizedProperty().get().result().quantizedCount()).isEqualTo(1);
  }

  @Test
  void turningAnOpTypeOffReclassifies() {
    MainViewModel vm = new MainViewModel(JobRunner.synchronous(), Pipeline.inProcess());
    vm.openExample();
    long before = vm.verdictsProperty().get().stream().filter(v -> v.willQuantize()).count();
    vm.options().opTypes().get("MatMul").set(false); // Gemm is rewritten to MatMul
    long after = vm.verdictsProperty().get().stream().filter(v -> v.willQuantize()).count();
    assertThat(before).isEqualTo(2);
    assertThat(after).isZero();
  }
}
