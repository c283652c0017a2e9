// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quantscope.bench.BenchReport;
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.parity.ParityOptions;
import org.quantscope.parity.ParityReport;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.pipeline.Runner;
import org.quantscope.pipeline.WorkerRunner;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.sensitivity.AutoExcludeResult;
import org.quantscope.sensitivity.SensitivityReport;
import org.quantscope.sensitivity.Study;
import org.quantscope.worker.MisbehavingWorker;
import org.quantscope.worker.WorkerProcess;

/** The window's runs when ONNX Runtime dies in the worker: a one-line failure, the model kept. */
class RunViewModelWorkerTest {

  /** The window's worker runner, crashing (exit 134) while {@code crash} is true. */
  private static final class Switch implements Runner {
    boolean crash;
    private final Runner crashing = new WorkerRunner(MisbehavingWorker.process("halt", null));
    private final Runner working = new WorkerRunner(WorkerProcess.standard());

    private Runner current() {
      return crash ? crashing : working;
    }

    @Override
    public ParityReport parity(
        ModelSource reference,
        ModelSource candidate,
        List<Map<String, NdArray>> feeds,
        ParityOptions options,
        OrtRuntime.SessionConfig sessions,
        Progress progress)
        throws IOException {
      return current().parity(reference, candidate, feeds, options, sessions, progress);
    }

    @Override
    public BenchReport bench(
        ModelSource reference,
        ModelSource candidate,
        List<Map<String, NdArray>> feeds,
        LatencyBenchmark.Options options,
        OrtRuntime.SessionConfig sessions,
        Progress progress)
        throws IOException {
      return current().bench(reference, candidate, feeds, options, sessions, progress);
    }

    @Override
    public SensitivityReport sensitivity(Study study, Progress progress)
        throws IOException, NothingToQuantizeException {
      return current().sensitivity(study, progress);
    }

    @Override
    public AutoExcludeResult autoExclude(Study study, SensitivityReport known, Progress progress)
        throws IOException, NothingToQuantizeException {
      return current().autoExclude(study, known, progress);
    }
  }

  @Test
  void aCrashWhileCheckingParityIsAOneLineFailureAndTheSessionStays() {
    Switch runner = new Switch();
    MainViewModel vm = new MainViewModel(JobRunner.synchronous(), new Pipeline(runner));
    vm.openExample();
    RunViewModel runs = vm.runs();
    runs.quantize();
    var quantized = runs.quantizedProperty().get();
    runner.crash = true;
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

    runner.crash = false;
    runs.checkParity(); // and the next run works
    assertThat(runs.failureProperty().get()).isNull();
    assertThat(runs.parityProperty().get().samples()).isEqualTo(64);
  }
}
