// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;

/** The view model without a stage: jobs run synchronously. */
class MainViewModelTest {
  @TempDir Path dir;

  @Test
  void opensAModelAndSummarisesIt() throws IOException {
    MainViewModel vm = new MainViewModel(JobRunner.synchronous());
    vm.open(Files.write(dir.resolve("mlp.onnx"), TestModels.mlp().toByteArray()));
    assertThat(vm.summaryProperty().get().nodeCount()).isEqualTo(5);
    assertThat(vm.titleProperty().get()).isEqualTo("mlp.onnx - QuantScope");
    assertThat(vm.errorProperty().get()).isEmpty();
    assertThat(vm.busyProperty().get()).isFalse();
  }

  @Test
  void aFailedOpenKeepsThePreviousModel() {
    MainViewModel vm = new MainViewModel(JobRunner.synchronous());
    vm.openExample();
    var before = vm.summaryProperty().get();
    vm.open(dir.resolve("missing.onnx"));
    assertThat(vm.summaryProperty().get()).isSameAs(before);
    assertThat(vm.errorProperty().get())
        .isEqualTo("Cannot open missing.onnx: " + dir.resolve("missing.onnx") + ": no such file");
    vm.dismissError();
    assertThat(vm.errorProperty().get()).isEmpty();
  }
}
