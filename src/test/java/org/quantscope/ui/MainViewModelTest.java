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
  void aModelReadBeforeTheWindowIsTakenOnceByTheWindowThatOpensIt() throws Exception {
    Path mlp = Files.write(dir.resolve("mlp.onnx"), TestModels.mlp().toByteArray());
    Path other = Files.write(dir.resolve("other.onnx"), TestModels.mlp().toByteArray());
    EarlyOpen.start(mlp).get();
    // the early read is what the window shows: the file is gone by the time it opens
    Files.delete(mlp);
    MainViewModel vm = new MainViewModel(JobRunner.synchronous(), Pipeline.inProcess());
    vm.open(mlp);
    assertThat(vm.errorProperty().get()).isEmpty();
    assertThat(vm.summaryProperty().get().nodeCount()).isEqualTo(5);
    assertThat(vm.titleProperty().get()).isEqualTo("mlp.onnx - QuantScope");
    assertThat(vm.busyProperty().get()).isFalse();
    assertThat(EarlyOpen.take(mlp)).isNull();
    // taken once: a second window reads the file itself
    MainViewModel second = new MainViewModel(JobRunner.synchronous(), Pipeline.inProcess());
    second.open(mlp);
    assertThat(second.errorProperty().get()).startsWith("Cannot open mlp.onnx");
    // an early read of another file is not used, and stays for the window that asks for it
    EarlyOpen.start(other);
    MainViewModel third = new MainViewModel(JobRunner.synchronous(), Pipeline.inProcess());
    third.openExample();
    assertThat(third.exampleProperty().get()).isTrue();
    assertThat(EarlyOpen.take(other)).isNotNull();
  }

  @Test
  void aHeldLayoutSaysItIsComingAndStartsWhenReleased() {
    MainViewModel vm = new MainViewModel(JobRunner.synchronous(), Pipeline.inProcess());
    vm.graph().holdLayouts();
    vm.openExample();
    // the facts are there, the graph is not yet
    assertThat(vm.summaryProperty().get()).isNotNull();
    assertThat(vm.graph().layoutProperty().get()).isNull();
    assertThat(vm.graph().layingOutProperty().get()).isTrue();
    assertThat(vm.graph().messageProperty().get()).startsWith("Laying out");
    vm.graph().releaseLayouts();
    assertThat(vm.graph().layoutProperty().get().boxes()).isNotEmpty();
    assertThat(vm.graph().layingOutProperty().get()).isFalse();
    // released once: later models lay out at once, and a second release changes nothing
    vm.graph().releaseLayouts();
    vm.openExample();
    assertThat(vm.graph().layoutProperty().get().boxes()).isNotEmpty();
  }

  @Test
  void aModelThatFailsToReadEarlySaysSoAsAnyOpenDoes() throws Exception {
    Path broken = Files.write(dir.resolve("broken.onnx"), new byte[] {8, 7, 18, 3, 'a'});
    MainViewModel plain = new MainViewModel(JobRunner.synchronous(), Pipeline.inProcess());
    plain.open(broken);
    String expected = plain.errorProperty().get();
    assertThat(expected).startsWith("Cannot open broken.onnx");

    // done before the window opens it, and still reading when it does
    for (boolean wait : new boolean[] {true, false}) {
      var early = EarlyOpen.start(broken);
      if (wait) {
        assertThat(early).failsWithin(java.time.Duration.ofSeconds(30));
      }
      MainViewModel vm = new MainViewModel(JobRunner.synchronous(), Pipeline.inProcess());
      vm.open(broken);
      assertThat(vm.errorProperty().get()).isEqualTo(expected);
      assertThat(vm.summaryProperty().get()).isNull();
      assertThat(vm.busyProperty().get()).isFalse();
    }
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
