// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.graph.GraphLayout;
import org.quantscope.parity.ParityReport;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.pipeline.Runner;
import org.quantscope.trace.NodeError;
import org.quantscope.trace.TraceReport;

/** The error trace in the window's view models, with jobs on the calling thread. */
class TraceViewModelTest {
  @TempDir Path dir;

  /**
   * The fragile MLP (fc2 breaks parity when quantized) opened from a file, with the tolerances,
   * samples and seed that RunViewModelTest separates its layers with.
   */
  static void fragile(MainViewModel vm, Path dir) throws IOException {
    vm.open(Files.write(dir.resolve("fragile.onnx"), TestModels.fragileMlp("fc2").toByteArray()));
    vm.options().absTol().textProperty().set("1.0");
    vm.options().meanTol().textProperty().set("0.3");
    vm.options().samples().textProperty().set("20");
    vm.options().seed().textProperty().set("7");
    vm.options().reduceRangeProperty().set(true);
  }

  private MainViewModel fragile() throws IOException {
    MainViewModel vm = new MainViewModel(JobRunner.synchronous(), Pipeline.inProcess());
    fragile(vm, dir);
    return vm;
  }

  @Test
  void aTraceRanksTheFragileLayerFirstAndIsTheWindowsParity() throws IOException {
    MainViewModel vm = fragile();
    RunViewModel runs = vm.runs();
    runs.traceError();
    assertThat(runs.failureProperty().get()).isNull();
    TraceReport t = runs.traceProperty().get();
    assertThat(t.nodes()).extracting(NodeError::node).hasSize(3).startsWith("fc2");
    assertThat(t.samples()).isEqualTo(20);
    assertThat(t.tensors()).isNotEmpty();
    // the trace includes the parity check of the same int8 model, which the window now shows
    ParityReport p = runs.parityProperty().get();
    assertThat(p).isSameAs(t.parity());
    assertThat(p.passed()).isFalse();
    assertThat(runs.quantizedProperty().get().result().quantizedCount()).isEqualTo(3);
    assertThat(runs.culprits()).containsExactly("fc2");
    assertThat(runs.statusProperty().get())
        .contains("parity FAILED")
        .contains("most output error from fc2");
  }

  @Test
  void aTraceReusesTheInt8ModelAndIsDroppedWhenItChanges() throws IOException {
    MainViewModel vm = fragile();
    RunViewModel runs = vm.runs();
    runs.quantize();
    var int8 = runs.quantizedProperty().get();
    runs.traceError();
    assertThat(runs.quantizedProperty().get()).isSameAs(int8);
    assertThat(runs.traceProperty().get()).isNotNull();
    runs.checkParity(); // the same int8 model: the trace stands
    assertThat(runs.traceProperty().get()).isNotNull();
    runs.quantize(); // a new int8 model: the trace and its parity go
    assertThat(runs.traceProperty().get()).isNull();
    assertThat(runs.parityProperty().get()).isNull();
    runs.traceError();
    vm.open(Files.write(dir.resolve("mlp.onnx"), TestModels.mlp().toByteArray()));
    assertThat(runs.traceProperty().get()).isNull();
  }

  @Test
  void theGraphIsColouredByTheErrorIntroducedOrAtTheOutput() throws IOException {
    MainViewModel vm = fragile();
    vm.runs().traceError();
    TraceReport t = vm.runs().traceProperty().get();
    var s = vm.graph().statusesProperty().get();
    assertThat(s.get("fc2").errorDb()).isEqualTo(t.node("fc2").orElseThrow().introducedDb());
    assertThat(s.get("fc2").errorDb()).isLessThan(s.get("fc1").errorDb());
    assertThat(Palette.fill(GraphLayout.Kind.NODE, s.get("fc2"))).isEqualTo(Palette.POOR);
    // fc3 adds nothing of its own, but carries fc2's error to the output
    assertThat(s.get("fc3").errorDb()).isInfinite();
    assertThat(Palette.fill(GraphLayout.Kind.NODE, s.get("fc3"))).isEqualTo(Palette.GOOD);
    assertThat(s.get("fc2").detail()).contains("error introduced here").contains("trace rank 1");

    vm.graph().propagatedProperty().set(true);
    s = vm.graph().statusesProperty().get();
    double fc3Output = t.node("fc3").orElseThrow().outputSqnrDb();
    assertThat(s.get("fc3").errorDb()).isEqualTo(fc3Output);
    assertThat(fc3Output).isLessThan(Palette.FAIR_DB);
    assertThat(Palette.fill(GraphLayout.Kind.NODE, s.get("fc3"))).isEqualTo(Palette.POOR);
  }

  @Test
  void theNewerOfSensitivityAndTraceColoursTheGraph() throws IOException {
    MainViewModel vm = fragile();
    vm.runs().traceError();
    assertThat(vm.graph().statusesProperty().get().get("fc2").hasError()).isTrue();
    vm.runs().analyzeSensitivity();
    var s = vm.graph().statusesProperty().get();
    assertThat(s.get("fc2").hasError()).isFalse();
    assertThat(s.get("fc2").hasImpact()).isTrue();
    vm.runs().traceError();
    s = vm.graph().statusesProperty().get();
    assertThat(s.get("fc2").hasError()).isTrue();
    assertThat(s.get("fc2").hasImpact()).isFalse();
  }

  @Test
  void leavingTheCulpritsInFloatMakesParityPass() throws IOException {
    MainViewModel vm = fragile();
    RunViewModel runs = vm.runs();
    runs.traceError();
    runs.excludeAndRecheck(runs.culprits());
    assertThat(runs.failureProperty().get()).isNull();
    assertThat(vm.options().excluded()).containsExactly("fc2");
    assertThat(runs.parityProperty().get().passed()).isTrue();
    assertThat(runs.quantizedProperty().get().result().quantizedCount()).isEqualTo(2);
    // a new int8 model: the old trace no longer describes it, and no longer colours the graph
    assertThat(runs.traceProperty().get()).isNull();
    assertThat(runs.culprits()).isEmpty();
    assertThat(vm.graph().statusesProperty().get().values()).noneMatch(NodeStatus::hasError);
    assertThat(vm.graph().statusesProperty().get().get("fc2").kind())
        .isEqualTo(NodeStatus.Kind.EXCLUDED);
  }

  @Test
  void anExportCarriesTheTraceWhenOneRan() throws IOException {
    MainViewModel vm = fragile();
    RunViewModel runs = vm.runs();
    runs.quantize();
    assertThat(runs.outcome().trace()).isNull();
    runs.traceError();
    TraceReport t = runs.traceProperty().get();
    assertThat(runs.outcome().trace()).isSameAs(t);
    assertThat(runs.outcome().parity()).isSameAs(t.parity());
    assertThat(runs.outcome().quantized()).isSameAs(runs.quantizedProperty().get());
    runs.quantize(); // a new int8 model: its export no longer carries the old trace
    assertThat(runs.outcome().trace()).isNull();
  }

  @Test
  void theWindowsWorkerTracesAsTheInProcessRunnerDoes() throws IOException {
    MainViewModel inProcess = fragile();
    inProcess.runs().traceError();
    MainViewModel window;
    try (Runner worker = Runner.worker()) {
      window = new MainViewModel(JobRunner.synchronous(), new Pipeline(worker));
      fragile(window, dir);
      window.runs().traceError();
    }
    assertThat(window.runs().failureProperty().get()).isNull();
    TraceReport here = inProcess.runs().traceProperty().get();
    TraceReport there = window.runs().traceProperty().get();
    assertThat(there.nodes()).extracting(NodeError::node).isEqualTo(List.of("fc2", "fc1", "fc3"));
    assertThat(there.nodes())
        .extracting(NodeError::node)
        .isEqualTo(here.nodes().stream().map(NodeError::node).toList());
    for (int i = 0; i < here.nodes().size(); i++) {
      NodeError a = here.nodes().get(i);
      NodeError b = there.nodes().get(i);
      assertThat(b.introducedDb())
          .isCloseTo(a.introducedDb(), org.assertj.core.data.Offset.offset(1e-9));
      assertThat(b.outputSqnrDb())
          .isCloseTo(a.outputSqnrDb(), org.assertj.core.data.Offset.offset(1e-9));
    }
    assertThat(there.tensors()).hasSameSizeAs(here.tensors());
    assertThat(there.activations()).hasSameSizeAs(here.activations());
    assertThat(window.runs().parityProperty().get().maxAbsDiff())
        .isEqualTo(inProcess.runs().parityProperty().get().maxAbsDiff());
  }

  /** A trace whose nodes introduce the given error (SQNR dB), worst first, shares unknown. */
  private static TraceReport ranked(Double... introduced) {
    List<NodeError> nodes = new java.util.ArrayList<>();
    for (int i = 0; i < introduced.length; i++) {
      nodes.add(
          new NodeError(
              i + 1,
              "n" + i,
              "MatMul",
              i,
              List.of(),
              null,
              null,
              null,
              null,
              null,
              introduced[i],
              null));
    }
    return new TraceReport(1, 1, nodes, List.of(), List.of(), null, List.of());
  }

  /** A trace whose nodes have the given shares of the output error, largest first. */
  private static TraceReport shared(Double... shares) {
    List<NodeError> nodes = new java.util.ArrayList<>();
    for (int i = 0; i < shares.length; i++) {
      // the introduced error deliberately disagrees with the shares: the shares decide
      nodes.add(
          new NodeError(
              i + 1, "n" + i, "MatMul", i, List.of(), null, null, null, null, null, 40.0 - i,
              shares[i]));
    }
    return new TraceReport(1, 1, nodes, List.of(), List.of(), null, List.of());
  }

  @Test
  void theCulpritsAreTheNodesWithTheLargestShareOfTheOutputError() {
    assertThat(Culprits.of(shared(0.5, 0.3, 0.2))).containsExactly("n0", "n1");
    assertThat(Culprits.of(shared(0.4, 0.2, 0.2, 0.2))).containsExactly("n0", "n1", "n2");
    assertThat(Culprits.of(shared(0.9, 0.05, 0.05))).containsExactly("n0");
    assertThat(Culprits.of(shared(0.6, 0.4, null))).containsExactly("n0", "n1");
    // no node adds error at the outputs: nobody to blame
    assertThat(Culprits.of(shared(0.0, 0.0))).isEmpty();
  }

  @Test
  void withoutSharesTheCulpritsAreTheWorstNodeAndThoseWithinThreeDecibelsOfIt() {
    assertThat(Culprits.of(ranked(10.0, 12.9, 13.5, 20.0))).containsExactly("n0", "n1");
    assertThat(Culprits.of(ranked(10.0, 11.0, 12.0, 12.5, 12.9))).containsExactly("n0", "n1", "n2");
    assertThat(Culprits.of(ranked(25.0, null))).containsExactly("n0");
    // no node adds error, or none could be measured: nobody to blame
    assertThat(Culprits.of(ranked(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY))).isEmpty();
    assertThat(Culprits.of(ranked((Double) null))).isEmpty();
    assertThat(Culprits.of(ranked())).isEmpty();
    assertThat(Culprits.of(null)).isEmpty();
  }
}
