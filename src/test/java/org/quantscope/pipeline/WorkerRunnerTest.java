// SPDX-License-Identifier: Apache-2.0
package org.quantscope.pipeline;

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
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.bench.BenchReport;
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
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.runtime.Synthesizer;
import org.quantscope.sensitivity.AutoExcludeResult;
import org.quantscope.sensitivity.SensitivityReport;
import org.quantscope.sensitivity.Study;
import org.quantscope.worker.MisbehavingWorker;
import org.quantscope.worker.WorkerCrashedException;
import org.quantscope.worker.WorkerProcess;

/**
 * ONNX Runtime in a worker process: the same results as in this process, and crashes, failures and
 * cancellation stay there.
 */
class WorkerRunnerTest {
  private static final OrtRuntime.SessionConfig SESSIONS =
      new OrtRuntime.SessionConfig(1, OrtRuntime.OptLevel.ALL, false);

  @TempDir Path temp;
  @TempDir Path logs;

  private static OnnxModel example() {
    return OnnxModel.of(ExampleModel.build());
  }

  private static List<Map<String, NdArray>> exampleFeeds() {
    return new SampleSource.Example().read(example());
  }

  private static ModelSource source(OnnxModel m, String name) {
    return ModelSource.of(m, name, -1);
  }

  /** Every runner a test made, closed by {@link #assertNoTempFilesLeft} and after each test. */
  private final List<WorkerRunner> runners = new ArrayList<>();

  private WorkerRunner worker() {
    return kept(new WorkerRunner(WorkerProcess.standard().withTempRoot(temp)));
  }

  private WorkerRunner misbehaving(String mode) {
    return kept(new WorkerRunner(MisbehavingWorker.process(mode, temp).withLogFolder(logs)));
  }

  private WorkerRunner kept(WorkerRunner r) {
    runners.add(r);
    return r;
  }

  @AfterEach
  void closeRunners() {
    runners.forEach(WorkerRunner::close);
  }

  /** The runners closed (as the window closes its own), nothing is left in the temporary folder. */
  private void assertNoTempFilesLeft() throws IOException {
    closeRunners();
    try (Stream<Path> files = Files.list(temp)) {
      assertThat(files).isEmpty();
    }
  }

  /** The folders in the temporary folder: the spare worker's, and no job's. */
  private List<Path> tempFolders() throws IOException {
    try (Stream<Path> files = Files.list(temp)) {
      return files.filter(Files::isDirectory).toList();
    }
  }

  @Test
  void parityInTheWorkerEqualsParityInProcess() throws Exception {
    OnnxModel fp32 = example();
    DynamicQuantizer.Output q =
        DynamicQuantizer.quantize(fp32, QuantizeOptions.DEFAULTS, Progress.NONE);
    ModelSource a = source(fp32, fp32.displayName());
    ModelSource b = source(q.model(), "int8");
    ParityReport inProcess =
        Runner.inProcess()
            .parity(a, b, exampleFeeds(), ParityOptions.DEFAULTS, SESSIONS, Progress.NONE);

    List<String> progress = new ArrayList<>();
    ParityReport inWorker =
        worker()
            .parity(
                a,
                b,
                exampleFeeds(),
                ParityOptions.DEFAULTS,
                SESSIONS,
                (done, total, message) -> {
                  synchronized (progress) {
                    progress.add(done + "/" + total + " " + message);
                  }
                });

    assertThat(inWorker).isEqualTo(inProcess); // bit for bit: same models, samples and kernels
    assertThat(inWorker.reference()).isEqualTo(fp32.displayName());
    assertThat(inWorker.candidate()).isEqualTo("int8");
    // the example's 64 rows run as one batch, then one row per run beside it
    assertThat(progress)
        .contains(
            "1000/4000 fp32 run 1 of 1",
            "2000/4000 fp32, one row per run: run 64 of 64",
            "3000/4000 int8 run 1 of 1",
            "4000/4000 int8, one row per run: run 64 of 64");
    assertNoTempFilesLeft();
  }

  private static ParityReport parity(
      Runner runner, OnnxModel fp32, OnnxModel int8, List<Map<String, NdArray>> feeds)
      throws IOException {
    return runner.parity(
        source(fp32, "fp32"),
        source(int8, "int8"),
        feeds,
        ParityOptions.DEFAULTS,
        SESSIONS,
        Progress.NONE);
  }

  /** A step the test runs in a thread of its own, reporting to {@code progress}. */
  @FunctionalInterface
  private interface Step {
    void run(Progress progress) throws Exception;
  }

  /**
   * A step run in a thread of its own, on a worker that stalls at its first progress report: made
   * once the worker reported, then {@linkplain #cancel cancelled} as the window's Cancel does.
   */
  private static final class Stalled {
    private final AtomicReference<Throwable> outcome = new AtomicReference<>();
    private final Thread thread;

    Stalled(Step step) throws InterruptedException {
      CountDownLatch started = new CountDownLatch(1);
      thread =
          new Thread(
              () -> {
                try {
                  step.run((done, total, message) -> started.countDown());
                } catch (Throwable t) {
                  outcome.set(t);
                }
              });
      thread.start();
      started.await(); // the worker is running the step, and now stalls for ever
    }

    /** Interrupts the step's thread and returns what it threw. */
    Throwable cancel() throws InterruptedException {
      thread.interrupt();
      thread.join();
      return outcome.get();
    }
  }

  /** The int8 models the worker saved for the runners, under the temporary folder. */
  private List<Path> int8Files() throws IOException {
    try (Stream<Path> files = Files.walk(temp)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".int8.onnx")).toList();
    }
  }

  @Test
  void quantizingInTheWorkerMakesTheInProcessModelAndKeepsOneFile() throws Exception {
    Path file =
        Files.write(temp.resolve("bert.onnx"), TestModels.bertEncoder(2, true).toByteArray());
    OnnxModel fp32 = ModelFiles.load(file);
    QuantizeOptions options = QuantizeOptions.DEFAULTS.toBuilder().perChannel(true).build();
    DynamicQuantizer.Output local = Runner.inProcess().quantize(fp32, options, Progress.NONE);

    WorkerRunner runner = worker();
    List<String> progress = new ArrayList<>();
    DynamicQuantizer.Output remote =
        runner.quantize(
            fp32,
            options,
            (done, total, message) -> {
              synchronized (progress) {
                progress.add(message);
              }
            });

    assertThat(remote.model().proto()).isEqualTo(local.model().proto()); // the same bytes
    assertThat(remote.model().file()).isEmpty(); // in memory, as the in-process one
    assertThat(remote.result()).isEqualTo(local.result());
    assertThat(progress).isNotEmpty();
    List<Path> saved = int8Files();
    assertThat(saved).singleElement().satisfies(p -> assertThat(p).hasFileName("bert.int8.onnx"));

    // the next step runs on it (handed that file); the float model is not touched
    List<Map<String, NdArray>> feeds = Synthesizer.synthesize(fp32, Synthesizer.Options.of(2, 7));
    ParityReport want = parity(Runner.inProcess(), fp32, local.model(), feeds);
    assertThat(parity(runner, fp32, remote.model(), feeds)).isEqualTo(want);
    assertThat(Files.readAllBytes(file)).isEqualTo(TestModels.bertEncoder(2, true).toByteArray());

    // the next quantization's file replaces it; the model read from the first stays usable
    runner.quantize(fp32, QuantizeOptions.DEFAULTS, Progress.NONE);
    assertThat(saved.get(0)).doesNotExist();
    assertThat(int8Files()).hasSize(1);
    assertThat(parity(runner, fp32, remote.model(), feeds)).isEqualTo(want);
    closeRunners();
    try (Stream<Path> files = Files.list(temp)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void aModelWithNothingToQuantizeIsRefusedByTheWorkerAndLeavesNoFile() throws Exception {
    OnnxModel trees = OnnxModel.of(TestModels.treeOnly());
    assertThatThrownBy(() -> worker().quantize(trees, QuantizeOptions.DEFAULTS, Progress.NONE))
        .isInstanceOf(org.quantscope.quantize.NothingToQuantizeException.class);
    assertNoTempFilesLeft();
  }

  @Test
  void deployCheckInTheWorkerEqualsDeployCheckInProcess() throws Exception {
    OnnxModel fp32 = OnnxModel.of(TestModels.saturatingMatMul());
    DynamicQuantizer.Output q =
        DynamicQuantizer.quantize(fp32, QuantizeOptions.DEFAULTS, Progress.NONE);
    java.util.Random r = new java.util.Random(5);
    List<Map<String, NdArray>> feeds = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      float[] x = new float[8 * 64];
      for (int j = 0; j < x.length; j++) {
        x[j] = r.nextFloat();
      }
      feeds.add(Map.of("x", NdArray.of(x, 8, 64)));
    }
    ModelSource int8 = source(q.model(), "int8");
    ModelSource f = source(fp32, "fp32");
    org.quantscope.deploy.DeployReport inProcess =
        Runner.inProcess().deployCheck(int8, f, feeds, SESSIONS, Progress.NONE);
    org.quantscope.deploy.DeployReport inWorker =
        worker().deployCheck(int8, f, feeds, SESSIONS, Progress.NONE);

    assertThat(inProcess.atRisk()).isTrue();
    assertThat(inProcess.alternative().emulated()).isTrue();
    assertThat(inWorker).isEqualTo(inProcess);
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
        worker()
            .parity(
                source(fp32, fp32.displayName()),
                source(q.model(), "int8"),
                feeds,
                ParityOptions.DEFAULTS,
                SESSIONS,
                Progress.NONE);
    assertThat(r.reference()).isEqualTo("mlp.onnx");
    assertThat(r.samples()).isEqualTo(8);
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    closeRunners();
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
        worker()
            .bench(
                ModelSource.of(fp32, "fp32", 1234),
                ModelSource.of(q.model(), "int8", 567),
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
    assertThatThrownBy(
            () ->
                misbehaving("segv")
                    .parity(
                        source(fp32, "fp32"),
                        source(q.model(), "int8"),
                        exampleFeeds(),
                        ParityOptions.DEFAULTS,
                        SESSIONS,
                        Progress.NONE))
        .isInstanceOf(WorkerCrashedException.class)
        .isInstanceOf(IOException.class) // the window shows it without a stack trace
        // a crash dump is turned off, so HotSpot exits with 1 instead of aborting (134)
        .hasMessageMatching(
            "ONNX Runtime crashed while checking parity \\(exit code \\d+\\); the window and"
                + " your model are unaffected \\(the worker's log is kept in .*worker-crash-.*\\.log\\)");
    assertNoTempFilesLeft();
    // the worker's log outlives its folder: the heading, its stderr and the JVM's crash report
    List<Path> kept;
    try (Stream<Path> files = Files.list(logs)) {
      kept = files.toList();
    }
    assertThat(kept).hasSize(1);
    assertThat(Files.readString(kept.get(0)))
        .startsWith("ONNX Runtime crashed while checking parity")
        .contains("==> worker.log <==")
        .contains("==> hs_err_pid");
    // and this process still runs ONNX Runtime
    try (ModelRunner r = ModelRunner.open(fp32, SESSIONS)) {
      assertThat(ParityCheck.run(r, exampleFeeds(), Progress.NONE).samples()).isEqualTo(64);
    }
  }

  @Test
  void anAbortWhileBenchmarkingNamesTheRunAndTheExitCode() throws Exception {
    ModelSource s = ModelSource.of(example(), "fp32", 1);
    assertThatThrownBy(
            () ->
                misbehaving("halt")
                    .bench(
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
  @Timeout(value = 5, unit = TimeUnit.MINUTES) // a guard against a hang, not a speed limit
  void cancellingKillsTheWorkerAndLeavesNothingBehind() throws Exception {
    ModelSource fp32 = source(example(), "fp32");
    WorkerRunner stalling = misbehaving("stall");
    Stalled job =
        new Stalled(
            p -> stalling.parity(fp32, fp32, exampleFeeds(), ParityOptions.DEFAULTS, SESSIONS, p));
    List<ProcessHandle> workers = workers();
    assertThat(workers).hasSize(1);
    assertThat(workers.get(0).isAlive()).isTrue();

    assertThat(job.cancel()).isInstanceOf(CancellationException.class);
    assertThat(workers.get(0).isAlive()).as("the worker was killed").isFalse();
    // a fresh spare took its place, and it is the one the runner has ready
    List<ProcessHandle> now = workers();
    assertThat(now).hasSize(1);
    assertThat(now.get(0).pid()).isNotEqualTo(workers.get(0).pid());
    assertThat(stalling.spareProcessId()).hasValue(now.get(0).pid());
    assertNoTempFilesLeft();
    assertThat(now.get(0).isAlive()).as("closing the runner ends the spare").isFalse();
    assertThat(workers()).isEmpty();
  }

  @Test
  void cancellingAQuantizationInTheWorkerLeavesNoInt8Folder() throws Exception {
    WorkerRunner stalling = misbehaving("stall");
    Stalled job = new Stalled(p -> stalling.quantize(example(), QuantizeOptions.DEFAULTS, p));
    assertThat(job.cancel()).isInstanceOf(CancellationException.class);
    try (Stream<Path> files = Files.walk(temp)) {
      assertThat(files.filter(p -> p.getFileName().toString().startsWith("run-"))).isEmpty();
    }
    assertNoTempFilesLeft();
  }

  @Test
  void oneWorkerServesRunAfterRunAndClosingTheRunnerEndsIt() throws Exception {
    Path file = Files.write(temp.resolve("mlp.onnx"), TestModels.mlp().toByteArray());
    OnnxModel fp32 = ModelFiles.load(file);
    DynamicQuantizer.Output q =
        DynamicQuantizer.quantize(fp32, QuantizeOptions.DEFAULTS, Progress.NONE);
    List<Map<String, NdArray>> feeds =
        List.of(Map.of("x", NdArray.of(TestModels.values(32, 7), 8, 4)));
    ParityReport want =
        Runner.inProcess()
            .parity(
                source(fp32, "mlp.onnx"),
                source(q.model(), "int8"),
                feeds,
                ParityOptions.DEFAULTS,
                SESSIONS,
                Progress.NONE);
    WorkerRunner runner = worker();
    runner.warmUp();
    long spare = runner.spareProcessId().orElseThrow();
    assertThat(workers()).extracting(ProcessHandle::pid).containsExactly(spare);
    for (int run = 0; run < 3; run++) {
      List<String> progress = new ArrayList<>();
      ParityReport got =
          runner.parity(
              source(fp32, "mlp.onnx"),
              source(q.model(), "int8"),
              feeds,
              ParityOptions.DEFAULTS,
              SESSIONS,
              (done, total, message) -> {
                synchronized (progress) {
                  progress.add(message);
                }
              });
      assertThat(got).as("run %d", run).isEqualTo(want);
      assertThat(progress).as("each run's own progress").contains("int8 run 1 of 1");
      // the same worker, ready again; the job's folder is gone, the worker's own stays
      assertThat(runner.spareProcessId()).hasValue(spare);
      assertThat(workers()).extracting(ProcessHandle::pid).containsExactly(spare);
      assertThat(tempFolders()).hasSize(1);
    }
    ProcessHandle worker = workers().get(0);
    runner.close();
    assertThat(worker.isAlive()).isFalse();
    assertThat(runner.spareProcessId()).isEmpty();
    assertThat(workers()).isEmpty();
    assertThat(tempFolders()).isEmpty();
    // a closed runner still runs, in a worker of its own that ends with the run
    assertThat(
            runner.parity(
                source(fp32, "mlp.onnx"),
                source(q.model(), "int8"),
                feeds,
                ParityOptions.DEFAULTS,
                SESSIONS,
                Progress.NONE))
        .isEqualTo(want);
    assertThat(workers()).isEmpty();
    assertThat(tempFolders()).isEmpty();
  }

  @Test
  void aCrashCostsOneRunAndTheNextRunWorksInAFreshWorker() throws Exception {
    OnnxModel fp32 = example();
    DynamicQuantizer.Output q =
        DynamicQuantizer.quantize(fp32, QuantizeOptions.DEFAULTS, Progress.NONE);
    WorkerRunner runner =
        kept(
            new WorkerRunner(
                MisbehavingWorker.crashingOnce(temp, logs).withTempRoot(temp).withLogFolder(logs)));
    assertThatThrownBy(
            () ->
                runner.parity(
                    source(fp32, "fp32"),
                    source(q.model(), "int8"),
                    exampleFeeds(),
                    ParityOptions.DEFAULTS,
                    SESSIONS,
                    Progress.NONE))
        .isInstanceOf(WorkerCrashedException.class)
        .hasMessageContaining("(exit code 134)");
    long fresh = runner.spareProcessId().orElseThrow(); // started in place of the crashed one
    ParityReport r =
        runner.parity(
            source(fp32, "fp32"),
            source(q.model(), "int8"),
            exampleFeeds(),
            ParityOptions.DEFAULTS,
            SESSIONS,
            Progress.NONE);
    assertThat(r.samples()).isEqualTo(64);
    assertThat(runner.spareProcessId()).hasValue(fresh);
    assertNoTempFilesLeft();
  }

  /**
   * This test's worker children: those this JVM did not have when the test began (other test
   * classes' windows may keep spares). The command line cannot tell (Linux shows the JDK only its
   * first 4 kB, and the class path is longer).
   */
  private List<ProcessHandle> workers() {
    return ProcessHandle.current().children().filter(p -> !before.contains(p.pid())).toList();
  }

  private Set<Long> before;

  @BeforeEach
  void noteTheChildrenBefore() {
    before = ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
  }

  @Test
  void failuresInTheWorkerComeBackAsTheirOwnExceptions() throws Exception {
    ModelSource fp32 = source(example(), "fp32");
    ParityOptions missing = new ParityOptions(0.04, 0.01, 0.5, Set.of("nope"), 40);
    assertThatThrownBy(
            () -> worker().parity(fp32, fp32, exampleFeeds(), missing, SESSIONS, Progress.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("no output 'nope' to compare");
    List<Map<String, NdArray>> wrongInput =
        List.of(Map.of("features", NdArray.of(new float[6], 2, 3)));
    assertThatThrownBy(
            () ->
                worker()
                    .parity(
                        fp32, fp32, wrongInput, ParityOptions.DEFAULTS, SESSIONS, Progress.NONE))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(WorkerCrashedException.class)
        .hasMessageContaining("ONNX Runtime failed running");
    assertNoTempFilesLeft();
  }

  @Test
  void sensitivityAndAutoExcludeInTheWorkerMatchInProcess() throws Exception {
    // the MLP whose fc2 breaks parity, on the samples and tolerances that separate its layers
    // (the engine's SensitivityTest); x64quantprecision keeps CPUs without VNNI from saturating
    OnnxModel fragile = OnnxModel.of(TestModels.fragileMlp("fc2"));
    Study study =
        new Study(
            fragile,
            QuantizeOptions.DEFAULTS,
            Synthesizer.synthesize(fragile, Synthesizer.Options.of(20, 7)),
            new ParityOptions(1.0, 0.3, 0.5, Set.of(), 40),
            new OrtRuntime.SessionConfig(1, OrtRuntime.OptLevel.ALL, true),
            1);
    SensitivityReport local = Runner.inProcess().sensitivity(study, Progress.NONE);
    SensitivityReport remote = worker().sensitivity(study, Progress.NONE);
    assertThat(remote.nodes()).isEqualTo(local.nodes());
    assertThat(remote.full()).isEqualTo(local.full());

    AutoExcludeResult want = Runner.inProcess().autoExclude(study, null, Progress.NONE);
    AutoExcludeResult got = worker().autoExclude(study, null, Progress.NONE);
    assertThat(got.passed()).isEqualTo(want.passed());
    assertThat(got.excluded()).isEqualTo(want.excluded());
    assertThat(got.after()).isEqualTo(want.after());
    assertThat(want.excluded()).containsExactly("fc2");
    assertThat(got.output().model().proto()).isEqualTo(want.output().model().proto());
    assertThat(got.output().result().quantizedCount())
        .isEqualTo(want.output().result().quantizedCount());

    // a known ranking travels to the worker and is used instead of a new analysis
    AutoExcludeResult reused = worker().autoExclude(study, local, Progress.NONE);
    assertThat(reused.excluded()).isEqualTo(want.excluded());
    assertThat(reused.variants()).isLessThan(want.variants());
    assertNoTempFilesLeft();
  }
}
