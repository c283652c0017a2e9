// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.quantscope.worker.WorkerClient;

/** The window's runs when ONNX Runtime dies in the worker: a one-line failure, the model kept. */
class RunViewModelWorkerTest {

  @Test
  void aCrashWhileCheckingParityIsAOneLineFailureAndTheSessionStays() {
    MainViewModel vm = new MainViewModel(JobRunner.synchronous());
    vm.openExample();
    RunViewModel runs = vm.runs();
    runs.quantize();
    var quantized = runs.quantizedProperty().get();
    // the worker honours this property of the window's process (forwarded), like a test flag
    System.setProperty(WorkerClient.CRASH, "halt");
    try {
      runs.checkParity();
    } finally {
      System.clearProperty(WorkerClient.CRASH);
    }
    RunViewModel.Failure f = runs.failureProperty().get();
    assertThat(f.message())
        .isEqualTo(
            "ONNX Runtime crashed while checking parity (exit code 134); the window and your"
                + " model are unaffected");
    assertThat(f.details()).isEmpty();
    assertThat(runs.runningProperty().get()).isFalse();
    assertThat(runs.quantizedProperty().get()).isSameAs(quantized);
    assertThat(vm.modelProperty().get()).isNotNull();

    runs.checkParity(); // and the next run works
    assertThat(runs.failureProperty().get()).isNull();
    assertThat(runs.parityProperty().get().samples()).isEqualTo(64);
  }
}
