// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.jfree.chart.fx.ChartViewer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.pipeline.Runner;
import org.quantscope.pipeline.WorkerRunner;
import org.quantscope.trace.NodeError;
import org.quantscope.worker.MisbehavingWorker;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The error trace in the window, headless under Monocle, driven as a user would. */
@ExtendWith({FxThreadErrors.class, ApplicationExtension.class})
class TraceViewTest {
  private MainViewModel vm;
  private FxJobRunner jobs;

  /** Where ONNX Runtime runs: in this process, unless a test swaps in a misbehaving worker. */
  private final AtomicReference<Runner> runner = new AtomicReference<>(Runner.inProcess());

  @TempDir Path dir;

  @Start
  void start(Stage stage) {
    jobs = new FxJobRunner();
    Runner switching =
        (Runner)
            Proxy.newProxyInstance(
                Runner.class.getClassLoader(),
                new Class<?>[] {Runner.class},
                (proxy, method, args) -> {
                  try {
                    return method.invoke(runner.get(), args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    vm = new MainViewModel(jobs, Settings.memory(), new Pipeline(switching));
    Scene scene = new Scene(new MainView(vm, jobs), 1400, 860);
    scene.getStylesheets().add(QuantScopeApp.class.getResource("quantscope.css").toExternalForm());
    stage.setScene(scene);
    stage.show();
  }

  private void waitUntilIdle() throws TimeoutException {
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> jobs.runningProperty().get() == 0);
    WaitForAsyncUtils.waitForFxEvents();
  }

  private void openFragile() throws IOException, TimeoutException {
    Platform.runLater(
        () -> {
          try {
            TraceViewModelTest.fragile(vm, dir);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    waitUntilIdle();
  }

  private static String text(FxRobot robot, String query) {
    return robot.lookup(query).queryAs(Label.class).getText();
  }

  private static boolean visible(FxRobot robot, String query) {
    Node n = robot.lookup(query).tryQuery().orElse(null);
    if (n == null || n.getScene() == null) {
      return false;
    }
    for (Node p = n; p != null; p = p.getParent()) {
      if (!p.isVisible()) {
        return false;
      }
    }
    return true;
  }

  /** Whether the centre of a node's box is within the canvas. */
  private static boolean onScreen(GraphCanvas canvas, String id) {
    double[] c = canvas.screenCentre(id);
    return c[0] >= 0 && c[1] >= 0 && c[0] <= canvas.getWidth() && c[1] <= canvas.getHeight();
  }

  private static String selectedTab(FxRobot robot) {
    return robot
        .lookup("#sideTabs")
        .queryAs(TabPane.class)
        .getSelectionModel()
        .getSelectedItem()
        .getId();
  }

  @Test
  void aTraceRanksTheFragileLayerAndOneClickLeavesItInFloat(FxRobot robot) throws Exception {
    openFragile();
    robot.clickOn("#traceButton");
    waitUntilIdle();
    assertThat(vm.runs().failureProperty().get()).isNull();
    assertThat(selectedTab(robot)).isEqualTo("traceTab");

    // the ranking: fc2 first, with its figures
    TableView<?> ranking = robot.lookup("#traceTable").queryAs(TableView.class);
    assertThat(ranking.getItems()).hasSize(3);
    assertThat(((NodeError) ranking.getItems().get(0)).node()).isEqualTo("fc2");
    TableColumn<?, ?> introduced =
        ranking.getColumns().stream()
            .filter(c -> "introducedColumn".equals(c.getId()))
            .findFirst()
            .orElseThrow();
    assertThat(introduced.getCellData(0))
        .isEqualTo(vm.runs().traceProperty().get().nodes().get(0).introducedDb());
    // the share of the output error that ranks them, as a percentage, largest first
    TableColumn<?, ?> share =
        ranking.getColumns().stream()
            .filter(c -> "shareColumn".equals(c.getId()))
            .findFirst()
            .orElseThrow();
    double fc2Share = vm.runs().traceProperty().get().nodes().get(0).outputShare();
    assertThat((Double) share.getCellData(0)).isCloseTo(100 * fc2Share, within(1e-9));
    assertThat((Double) share.getCellData(0)).isGreaterThan((Double) share.getCellData(1));
    assertThat(text(robot, "#traceSummary")).contains("parity FAILS").contains("fc2");
    // the depth chart: one point per traced tensor
    ChartViewer depth = robot.lookup("#traceDepthChart").queryAs(ChartViewer.class);
    assertThat(visible(robot, "#traceDepthChart")).isTrue();
    assertThat(depth.getChart().getXYPlot().getDataset().getItemCount(0))
        .isEqualTo(vm.runs().traceProperty().get().tensors().size())
        .isGreaterThan(0);
    TableView<?> acts = robot.lookup("#activationTable").queryAs(TableView.class);
    assertThat(acts.getItems()).hasSize(vm.runs().traceProperty().get().activations().size());

    // the graph: coloured by the error introduced, with the toggle for the error at the outputs
    assertThat(visible(robot, "#propagatedToggle")).isTrue();
    assertThat(vm.graph().statusesProperty().get().get("fc2").hasError()).isTrue();
    assertThat(text(robot, "#legendTitle")).startsWith("Error introduced here");
    robot.clickOn("#propagatedToggle");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(vm.graph().propagatedProperty().get()).isTrue();
    assertThat(text(robot, "#legendTitle")).startsWith("Error at the output");

    // a row selects the node in the graph (brought into view) and the nodes table; the Node tab
    // shows its input
    robot.clickOn("#traceTab");
    GraphCanvas canvas = robot.lookup("#graphCanvas").queryAs(GraphCanvas.class);
    Platform.runLater(
        () -> {
          canvas.zoomBy(4);
          canvas.centerOn("fc3");
        });
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(onScreen(canvas, "fc2")).isFalse();
    Platform.runLater(() -> ranking.getSelectionModel().select(0));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(vm.graph().selectedProperty().get()).isEqualTo("fc2");
    assertThat(onScreen(canvas, "fc2")).isTrue();
    TableView<?> nodes = robot.lookup("#nodesTable").queryAs(TableView.class);
    assertThat(((NodesPanel.Row) nodes.getSelectionModel().getSelectedItem()).id())
        .isEqualTo("fc2");
    robot.clickOn("#nodeTab");
    waitUntilIdle();
    ChartViewer input = robot.lookup("#activationChart").queryAs(ChartViewer.class);
    assertThat(input.getChart().getTitle().getText()).isEqualTo("r1");
    assertThat(robot.lookup("#weightChart").tryQuery()).isPresent();

    // the Results tab names the culprit and leaves it in float in one click
    robot.clickOn("#resultsTab");
    assertThat(text(robot, "#verdictLabel")).isEqualTo("FAILED");
    assertThat(visible(robot, "#traceAdvice")).isTrue();
    assertThat(text(robot, "#traceAdviceText")).contains("fc2");
    assertThat(visible(robot, "#traceFromResultsButton")).isFalse();
    robot.clickOn("#excludeCulpritsButton");
    waitUntilIdle();
    assertThat(vm.runs().failureProperty().get()).isNull();
    assertThat(vm.options().excluded()).containsExactly("fc2");
    assertThat(vm.runs().parityProperty().get().passed()).isTrue();
    assertThat(text(robot, "#verdictLabel")).isEqualTo("PASSED");
    assertThat(visible(robot, "#traceAdvice")).isFalse();
    // the trace described the old int8 model: gone, with its colours and toggle
    assertThat(vm.runs().traceProperty().get()).isNull();
    assertThat(visible(robot, "#propagatedToggle")).isFalse();
    assertThat(robot.lookup("#traceTable").queryAs(TableView.class).getItems()).isEmpty();
  }

  @Test
  void aFailedParityOffersTheTraceAndTheMenuRunsIt(FxRobot robot) throws Exception {
    openFragile();
    robot.clickOn("#parityButton");
    waitUntilIdle();
    assertThat(text(robot, "#verdictLabel")).isEqualTo("FAILED");
    assertThat(visible(robot, "#traceFromResultsButton")).isTrue();
    assertThat(visible(robot, "#excludeCulpritsButton")).isFalse();
    robot.clickOn("#traceFromResultsButton");
    waitUntilIdle();
    assertThat(vm.runs().traceProperty().get().nodes().get(0).node()).isEqualTo("fc2");
    robot.clickOn("#resultsTab");
    assertThat(visible(robot, "#excludeCulpritsButton")).isTrue();
    assertThat(visible(robot, "#traceFromResultsButton")).isFalse();

    // Run > Trace error (Ctrl+Shift+T) runs it again on the same int8 model
    var first = vm.runs().traceProperty().get();
    var int8 = vm.runs().quantizedProperty().get();
    robot.clickOn("#runMenu").clickOn("#traceMenu");
    waitUntilIdle();
    assertThat(vm.runs().traceProperty().get()).isNotSameAs(first);
    assertThat(vm.runs().quantizedProperty().get()).isSameAs(int8);
  }

  @Test
  void cancellingATraceInTheWorkerStopsItAndKeepsNothing(FxRobot robot) throws Exception {
    openFragile();
    // quantized first, so that the trace's only step is the one in the stalling worker
    robot.clickOn("#quantizeButton");
    waitUntilIdle();
    assertThat(vm.runs().quantizedProperty().get()).isNotNull();
    Path temp = Files.createDirectories(dir.resolve("workers"));
    // a worker that stalls at its first progress report, like a session.run that never returns
    WorkerRunner stalling = new WorkerRunner(MisbehavingWorker.process("stall", temp));
    runner.set(stalling);
    robot.clickOn("#traceButton");
    WaitForAsyncUtils.waitFor(
        60, TimeUnit.SECONDS, () -> text(robot, "#taskMessage").contains("run 1 of"));
    robot.clickOn("#cancelButton");
    waitUntilIdle();
    assertThat(vm.runs().traceProperty().get()).isNull();
    assertThat(vm.runs().parityProperty().get()).isNull();
    assertThat(text(robot, "#statusLabel")).contains("Cancelled");
    assertThat(robot.lookup("#errorBanner").query().isVisible()).isFalse();
    try (var left = Files.list(temp)) {
      assertThat(left).hasSize(1); // the killed worker's folder went with it; a fresh spare's
    }
    stalling.close(); // as the window does when it closes
    try (var left = Files.list(temp)) {
      assertThat(left).isEmpty();
    }
    assertThat(robot.lookup("#traceButton").query().isDisabled()).isFalse();
  }
}
