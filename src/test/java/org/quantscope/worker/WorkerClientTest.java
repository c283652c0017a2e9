// SPDX-License-Identifier: Apache-2.0
package org.quantscope.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.bench.BenchReport;
import org.quantscope.bench.Environment;
import org.quantscope.bench.LatencyBenchmark;
import org.quantscope.model.ExampleModel;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.ParityCheck;
import org.quantscope.parity.ParityOptions;
import org.quantscope.parity.ParityReport;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.ModelRunner;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.sensitivity.AutoExclude;
import org.quantscope.sensitivity.AutoExcludeResult;
import org.quantscope.sensitivity.Sensitivity;
import org.quantscope.sensitivity.SensitivityReport;

/** ONNX Runtime in a worker process: same results as in-process, and crashes stay there. */
class WorkerClientTest {
  private static final OrtRuntime.SessionConfig SESSIONS =
      new OrtRuntime.SessionConfig(1, OrtRuntime.OptLevel.ALL, false);

  @TempDir Path temp;

  private static OnnxModel example() {
    return OnnxModel.of(ExampleModel.build());
  }

  private static List<Map<String, NdArray>> exampleFeeds() {
    return List.of(
        Map.of("features", NdArray.of(ExampleModel.sampleRows(64), 64, ExampleModel.FEATURES)));
  }

  private WorkerClient client() {
    return WorkerClient.standard().withTempRoot(temp);
  }

  private void assertNoTempFilesLeft() throws IOException {
    try (Stream<Path> files = Files.list(temp)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void parityInTheWorkerEqualsParityInProcess() throws Exception {
    OnnxModel fp32 = example();
    DynamicQuantizer.Output q =
        DynamicQuantizer.quantize(fp32, QuantizeOptions.DEFAULTS, Progress.NONE);
    List<Map<String, NdArray>> feeds = exampleFeeds();
    ParityCheck.Outputs a;
    ParityCheck.Outputs b;
    try (ModelRunner r = ModelRunner.open(fp32, SESSIONS)) {
      a = ParityCheck.run(r, feeds, Progress.NONE);
    }
    try (ModelRunner r = ModelRunner.open(q.model(), SESSIONS)) {
      b = ParityCheck.run(r, feeds, Progress.NONE);
    }
    String w = Environment.detect(OrtRuntime.version(), 1).int8Warning();
    ParityReport inProcess =
        ParityCheck.compare(
            a,
            b,
            ParityOptions.DEFAULTS,
            fp32.displayName(),
            "int8",
            w == null ? List.of() : List.of(w));

    List<String> progress = new ArrayList<>();
    ParityReport inWorker =
        client()
            .parity(
                fp32,
                q.model(),
                "int8",
                feeds,
                ParityOptions.DEFAULTS,
                SESSIONS,
                (done, total, message) -> {
                  synchronized (progress) {
                    progress.add(done + "/" + total + " " + message);
                  }
                });

    assertThat(inWorker).isEqualTo(inProcess); // bit for bit: same models, samples and kernels
    assertThat(progress).contains("1/1 run 1 of 1");
    assertNoTempFilesLeft();
  }

  @Test
  void aModelLoadedFromAFileIsPassedAsThatFile() throws Exception {
    Path file = Files.write(temp.resolve("mlp.onnx"), TestModels.mlp().toByteArray());
    byte[] before = Files.readAllBytes(file);
    OnnxModel fp32 = ModelFiles.load(file);
    DynamicQuantizer.Output q =
        DynamicQuantizer.quantize(fp32, QuantizeOptions.DEFAULTS, Progress.NONE);
    List<Map<String, NdArray>> feeds =
        List.of(Map.of("x", NdArray.of(TestModels.values(32, 7), 8, 4)));
    ParityReport r =
        client()
            .parity(
                fp32, q.model(), "int8", feeds, ParityOptions.DEFAULTS, SESSIONS, Progress.NONE);
    assertThat(r.reference()).isEqualTo("mlp.onnx");
    assertThat(r.samples()).isEqualTo(8);
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    try (Stream<Path> files = Files.list(temp)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void benchmarkReturnsBothModelsTimed() throws Exception {
    OnnxModel fp32 = example();
    DynamicQuantizer.Output q =
        DynamicQuantizer.quantize(fp32, QuantizeOptions.DEFAULTS, Progress.NONE);
    BenchReport r =
        client()
            .bench(
                new WorkerClient.Subject(fp32, "fp32", 1234),
                new WorkerClient.Subject(q.model(), "int8", 567),
                exampleFeeds(),
                new LatencyBenchmark.Options(2, 7, 0),
                SESSIONS,
                Progress.NONE);
    assertThat(r.models()).hasSize(2);
    assertThat(r.models().get(0).role()).isEqualTo("reference");
    assertThat(r.models().get(0).path()).isEqualTo("fp32");
    assertThat(r.models().get(0).sizeBytes()).isEqualTo(1234);
    assertThat(r.models().get(1).role()).isEqualTo("candidate");
    assertThat(r.models().get(1).sizeBytes()).isEqualTo(567);
    assertThat(r.models()).allSatisfy(s -> assertThat(s.runs()).isEqualTo(7));
    assertThat(r.models()).allSatisfy(s -> assertThat(s.p50Ms()).isPositive());
    assertThat(r.speedupP50()).isPositive();
    assertThat(r.environment().intraOpThreads()).isEqualTo(1);
    assertNoTempFilesLeft();
  }

  @Test
  void aNativeCrashBecomesOneClearLineAndLeavesNothingBehind() throws Exception {
    OnnxModel fp32 = example();
    DynamicQuantizer.Output q =
        DynamicQuantizer.quantize(fp32, QuantizeOptions.DEFAULTS, Progress.NONE);
    WorkerClient crashing = client().withProperty(WorkerClient.CRASH, "segv");
    assertThatThrownBy(
            () ->
                crashing.parity(
                    fp32,
                    q.model(),
                    "int8",
                    exampleFeeds(),
                    ParityOptions.DEFAULTS,
                    SESSIONS,
                    Progress.NONE))
        .isInstanceOf(WorkerCrashedException.class)
        .isInstanceOf(IOException.class) // the window shows it without a stack trace
        // a crash dump is turned off, so HotSpot exits with 1 instead of aborting (134)
        .hasMessageMatching(
            "ONNX Runtime crashed while checking parity \\(exit code \\d+\\); the window and"
                + " your model are unaffected");
    assertNoTempFilesLeft();
    // and this process still runs ONNX Runtime
    try (ModelRunner r = ModelRunner.open(fp32, SESSIONS)) {
      assertThat(ParityCheck.run(r, exampleFeeds(), Progress.NONE).samples()).isEqualTo(64);
    }
  }

  @Test
  void anAbortWhileBenchmarkingNamesTheRunAndTheExitCode() throws Exception {
    OnnxModel fp32 = example();
    WorkerClient.Subject s = new WorkerClient.Subject(fp32, "fp32", 1);
    WorkerClient halting = client().withProperty(WorkerClient.CRASH, "halt");
    assertThatThrownBy(
            () ->
                halting.bench(
                    s,
                    s,
                    exampleFeeds(),
                    new LatencyBenchmark.Options(1, 3, 0),
                    SESSIONS,
                    Progress.NONE))
        .isInstanceOf(WorkerCrashedException.class)
        .hasMessageContaining("crashed while benchmarking (exit code 134)");
    assertNoTempFilesLeft();
  }

  @Test
  void cancellingKillsTheWorkerAtOnce() throws Exception {
    OnnxModel fp32 = example();
    WorkerClient stalling = client().withProperty(WorkerClient.STALL, "true");
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread job =
        new Thread(
            () -> {
              try {
                stalling.parity(
                    fp32,
                    fp32,
                    "same",
                    exampleFeeds(),
                    ParityOptions.DEFAULTS,
                    SESSIONS,
                    (done, total, message) -> started.countDown());
              } catch (Throwable t) {
                outcome.set(t);
              }
            });
    job.start();
    assertThat(started.await(60, TimeUnit.SECONDS)).as("the worker reported progress").isTrue();
    List<ProcessHandle> workers = workers();
    assertThat(workers).hasSize(1);
    assertThat(workers.get(0).isAlive()).isTrue();

    long t0 = System.nanoTime();
    job.interrupt();
    job.join(10_000);
    long millis = (System.nanoTime() - t0) / 1_000_000;

    assertThat(job.isAlive()).isFalse();
    assertThat(millis).as("cancel took %d ms", millis).isLessThan(3_000);
    assertThat(outcome.get()).isInstanceOf(CancellationException.class);
    assertThat(workers.get(0).isAlive()).isFalse();
    assertThat(workers()).isEmpty();
    assertNoTempFilesLeft();
  }

  /**
   * Our worker children. This test JVM starts no other processes; the command line cannot tell
   * (Linux shows the JDK only its first 4 kB, and the class path is longer).
   */
  private static List<ProcessHandle> workers() {
    return ProcessHandle.current().children().toList();
  }

  @Test
  void failuresInTheWorkerComeBackAsTheirOwnExceptions() throws Exception {
    OnnxModel fp32 = example();
    ParityOptions missing = new ParityOptions(0.04, 0.01, 0.5, Set.of("nope"), 40);
    assertThatThrownBy(
            () ->
                client()
                    .parity(fp32, fp32, "same", exampleFeeds(), missing, SESSIONS, Progress.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("no output 'nope' to compare");
    List<Map<String, NdArray>> wrongInput =
        List.of(Map.of("features", NdArray.of(new float[6], 2, 3)));
    assertThatThrownBy(
            () ->
                client()
                    .parity(
                        fp32,
                        fp32,
                        "same",
                        wrongInput,
                        ParityOptions.DEFAULTS,
                        SESSIONS,
                        Progress.NONE))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(WorkerCrashedException.class)
        .hasMessageContaining("ONNX Runtime failed running");
    assertNoTempFilesLeft();
  }

  @Test
  void sensitivityAndAutoExcludeInTheWorkerMatchInProcess() throws Exception {
    OnnxModel fp32 = example();
    ParityOptions tight = new ParityOptions(0.004, 0.001, 0.5, Set.of(), 40);
    SensitivityReport local =
        Sensitivity.analyze(
            fp32, QuantizeOptions.DEFAULTS, exampleFeeds(), tight, SESSIONS, 1, Progress.NONE);
    SensitivityReport remote =
        client()
            .sensitivity(
                fp32, QuantizeOptions.DEFAULTS, exampleFeeds(), tight, SESSIONS, 1, Progress.NONE);
    assertThat(remote.nodes()).isEqualTo(local.nodes());
    assertThat(remote.full()).isEqualTo(local.full());

    AutoExcludeResult want =
        AutoExclude.search(
            fp32,
            QuantizeOptions.DEFAULTS,
            exampleFeeds(),
            tight,
            SESSIONS,
            1,
            null,
            Progress.NONE);
    AutoExcludeResult got =
        client()
            .autoExclude(
                fp32, QuantizeOptions.DEFAULTS, exampleFeeds(), tight, SESSIONS, 1, Progress.NONE);
    assertThat(got.passed()).isEqualTo(want.passed());
    assertThat(got.excluded()).isEqualTo(want.excluded());
    assertThat(got.after()).isEqualTo(want.after());
    if (want.output() != null) {
      assertThat(got.output().model().proto()).isEqualTo(want.output().model().proto());
      assertThat(got.output().result().quantizedCount())
          .isEqualTo(want.output().result().quantizedCount());
    }
    assertNoTempFilesLeft();
  }
}
