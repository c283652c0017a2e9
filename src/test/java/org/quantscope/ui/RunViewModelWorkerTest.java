// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.pipeline.Runner;
import org.quantscope.pipeline.WorkerRunner;
import org.quantscope.worker.MisbehavingWorker;
import org.quantscope.worker.WorkerProcess;

/** The window's runs when ONNX Runtime dies in the worker: a one-line failure, the model kept. */
class RunViewModelWorkerTest {

  private final List<Runner> runners = new ArrayList<>();

  @AfterEach
  void closeRunners() {
    runners.forEach(Runner::close); // as the window does when it closes
  }

  /** The window's worker runner, its workers crashing (exit 134) while {@code crash} is set. */
  private Runner switching(AtomicBoolean crash) {
    Runner crashing = new WorkerRunner(MisbehavingWorker.process("halt", null));
    Runner working = new WorkerRunner(WorkerProcess.standard());
    runners.add(crashing);
    runners.add(working);
    return (Runner)
        Proxy.newProxyInstance(
            Runner.class.getClassLoader(),
            new Class<?>[] {Runner.class},
            (proxy, method, args) -> {
              try {
                return method.invoke(crash.get() ? crashing : working, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Test
  void aCrashWhileCheckingParityIsAOneLineFailureAndTheSessionStays() {
    AtomicBoolean crash = new AtomicBoolean();
    MainViewModel vm = new MainViewModel(JobRunner.synchronous(), new Pipeline(switching(crash)));
    vm.openExample();
    RunViewModel runs = vm.runs();
    runs.quantize();
    var quantized = runs.quantizedProperty().get();
    crash.set(true);
    runs.checkParity();
    RunFailure f = runs.failureProperty().get();
    // one line, and where the worker's log was kept
    assertThat(f.message())
        .matches(
            "ONNX Runtime crashed while checking parity \\(exit code 134\\); the window and your"
                + " model are unaffected \\(the worker's log is kept in .*worker-crash-.*\\.log\\)")
        .doesNotContain("\n");
    assertThat(f.details()).isEmpty();
    assertThat(runs.runningProperty().get()).isFalse();
    assertThat(runs.quantizedProperty().get()).isSameAs(quantized);
    assertThat(vm.modelProperty().get()).isNotNull();

    crash.set(false);
    runs.checkParity(); // and the next run works
    assertThat(runs.failureProperty().get()).isNull();
    assertThat(runs.parityProperty().get().samples()).isEqualTo(64);
  }
}
