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
import org.quantscope.pipeline.Pipeline;

/** Runs on the open model, with jobs on the calling thread. */
class RunViewModelTest {
  @TempDir Path dir;

  private static MainViewModel example() {
    MainViewModel vm = new MainViewModel(JobRunner.synchronous(), Pipeline.inProcess());
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
  void rowsPerRunFromTheOptionsDecideTheBatchTheVerdictHoldsFor() {
    MainViewModel vm = example();
    vm.runs().checkParity();
    // the example's 64 rows run as one batch, and one row per run beside it
    assertThat(vm.runs().parityProperty().get().batch()).isEqualTo(64);
    assertThat(vm.runs().parityProperty().get().batchOne()).isNotNull();
    vm.options().batch().textProperty().set("8");
    vm.runs().checkParity();
    assertThat(vm.runs().parityProperty().get().batch()).isEqualTo(8);
    assertThat(vm.runs().parityProperty().get().runs()).isEqualTo(8);
    assertThat(vm.runs().parityProperty().get().describeRuns())
        .isEqualTo("64 samples in 8 runs of up to 8 (batch 8); the example model's rows");
    vm.options().batch().textProperty().set("0");
    assertThat(vm.options().batch().problemProperty().get()).contains("all");
    vm.options().batch().textProperty().set("ALL");
    assertThat(vm.options().batch().problemProperty().get()).isEmpty();
    assertThat(vm.options().batchRows()).isZero();
  }

  @Test
  void theVerdictCanBeJudgedByRowCosinesOrTopOneDecisions() {
    MainViewModel vm = example();
    vm.options().absTol().textProperty().set("0");
    vm.options().meanTol().textProperty().set("0");
    vm.runs().checkParity();
    assertThat(vm.runs().parityProperty().get().passed()).isFalse();
    // the same samples judged by the direction of each row of probabilities
    vm.options().metricProperty().set(org.quantscope.parity.Metric.COSINE);
    vm.options().metricTol().textProperty().set("0.9");
    vm.runs().checkParity();
    var p = vm.runs().parityProperty().get();
    assertThat(p.metric()).isEqualTo("cosine");
    assertThat(p.metricTol()).isEqualTo(0.9);
    assertThat(p.passed()).isEqualTo(p.rowCosineMin() >= 0.9);
    vm.options().metricProperty().set(org.quantscope.parity.Metric.TOP1);
    vm.options().metricTol().textProperty().set("1");
    vm.runs().checkParity();
    p = vm.runs().parityProperty().get();
    assertThat(p.metric()).isEqualTo("top1");
    assertThat(p.passed()).isEqualTo(p.top1Agreement() >= 1.0);
    vm.options().metricTol().textProperty().set("1.5");
    assertThat(vm.options().metricTol().problemProperty().get()).contains("from 0 to 1");
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
    RunFailure f = vm.runs().failureProperty().get();
    assertThat(f.message()).startsWith("Nothing to quantize");
    assertThat(f.details()).isEmpty();
  }

  @Test
  void savingWritesALoadableModelAndLeavesTheSourceAlone() throws IOException {
    Path source = Files.write(dir.resolve("mlp.onnx"), TestModels.mlp().toByteArray());
    byte[] before = Files.readAllBytes(source);
    MainViewModel vm = new MainViewModel(JobRunner.synchronous(), Pipeline.inProcess());
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

  /** The fragile MLP (fc2 breaks parity when quantized) opened from a file, with its tolerances. */
  private MainViewModel fragile() throws IOException {
    MainViewModel vm = new MainViewModel(JobRunner.synchronous(), Pipeline.inProcess());
    vm.open(Files.write(dir.resolve("fragile.onnx"), TestModels.fragileMlp("fc2").toByteArray()));
    vm.options().absTol().textProperty().set("1.0");
    vm.options().meanTol().textProperty().set("0.3");
    vm.options().samples().textProperty().set("20");
    // the samples the engine's SensitivityTest separates the layers on; 7-bit weights, because
    // without VNNI ONNX Runtime's u8 x s8 kernels saturate on full-range weights
    vm.options().seed().textProperty().set("7");
    vm.options().reduceRangeProperty().set(true);
    vm.options().benchRuns().textProperty().set("5");
    return vm;
  }

  @Test
  void sensitivityRanksTheFragileLayerFirstAndColoursTheGraph() throws IOException {
    MainViewModel vm = fragile();
    vm.runs().analyzeSensitivity();
    assertThat(vm.runs().failureProperty().get()).isNull();
    var report = vm.runs().sensitivityProperty().get();
    assertThat(report.nodes().get(0).node()).isEqualTo("fc2");
    assertThat(report.nodes().get(0).onlyThis().passed()).isFalse();
    var statuses = vm.graph().statusesProperty().get();
    assertThat(statuses.get("fc2").hasImpact()).isTrue();
    assertThat(statuses.get("fc2").impact()).isGreaterThan(statuses.get("fc1").impact());
    assertThat(Palette.fill(org.quantscope.graph.GraphLayout.Kind.NODE, statuses.get("fc2")))
        .isEqualTo(Palette.POOR);
  }

  @Test
  void autoExcludeLeavesOnlyTheFragileLayerInFloatAndAdoptsTheResult() throws IOException {
    MainViewModel vm = fragile();
    vm.runs().autoExclude();
    assertThat(vm.runs().failureProperty().get()).isNull();
    var a = vm.runs().autoExcludedProperty().get();
    assertThat(a.passed()).isTrue();
    assertThat(a.excluded()).containsExactly("fc2");
    assertThat(a.before().passed()).isFalse();
    assertThat(a.after().passed()).isTrue();
    // the result is now the window's: exclusions, int8 model and parity
    assertThat(vm.options().excluded()).containsExactly("fc2");
    assertThat(vm.runs().quantizedProperty().get().result().quantizedCount()).isEqualTo(2);
    assertThat(vm.runs().parityProperty().get().passed()).isTrue();
    assertThat(vm.graph().statusesProperty().get().get("fc2").kind())
        .isEqualTo(NodeStatus.Kind.EXCLUDED);
  }

  @Test
  void excludingTheWorstNodeAndCheckingAgainPasses() throws IOException {
    MainViewModel vm = fragile();
    vm.runs().checkParity();
    assertThat(vm.runs().parityProperty().get().passed()).isFalse();
    vm.runs().excludeAndRecheck("fc2");
    assertThat(vm.options().excluded()).containsExactly("fc2");
    assertThat(vm.runs().parityProperty().get().passed()).isTrue();
    assertThat(vm.runs().quantizedProperty().get().result().quantizedCount()).isEqualTo(2);
  }

  @Test
  void compareEvaluatesBothConfigurationsOnTheSameSamples() throws IOException {
    MainViewModel vm = fragile();
    vm.runs().compare(CompareWith.PER_CHANNEL);
    assertThat(vm.runs().failureProperty().get()).isNull();
    RunViewModel.Comparison c = vm.runs().comparisonProperty().get();
    assertThat(c.labelA()).isEqualTo("QInt8, per tensor, reduce range");
    assertThat(c.labelB()).isEqualTo("QInt8, per channel, reduce range");
    assertThat(c.a().settings().perChannel()).isFalse();
    assertThat(c.b().settings().perChannel()).isTrue();
    assertThat(c.a().parity().samples()).isEqualTo(c.b().parity().samples()).isEqualTo(20);
    // one scale per output column confines fc2's outlier to its column: fc2's weight error drops
    assertThat(sqnr(c.b(), "fc2")).isGreaterThan(sqnr(c.a(), "fc2") + 10);
    assertThat(c.a().summary().int8Bytes()).isLessThan(c.b().summary().int8Bytes());
    assertThat(c.a().bench().models()).hasSize(2);
  }

  private static double sqnr(org.quantscope.report.Report r, String node) {
    return r.quantization().quantized().stream()
        .filter(n -> n.node().equals(node))
        .findFirst()
        .orElseThrow()
        .weights()
        .get(0)
        .sqnrDb();
  }
}
