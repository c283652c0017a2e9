// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.scene.input.MouseButton;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.graph.GraphLayout;
import org.quantscope.onnx.GraphProto;
import org.quantscope.pipeline.Pipeline;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** *View > Compare graphs* on a quantized MLP: selection and pan/zoom shown on both sides. */
@ExtendWith({FxThreadErrors.class, ApplicationExtension.class})
class GraphCompareViewTest {
  private MainViewModel vm;
  private FxJobRunner jobs;

  @TempDir Path dir;

  @Start
  void start(Stage stage) {
    jobs = new FxJobRunner();
    vm = new MainViewModel(jobs, Settings.memory(), Pipeline.inProcess());
    Scene scene = new Scene(new MainView(vm, jobs), 1400, 860);
    scene.getStylesheets().add(QuantScopeApp.class.getResource("quantscope.css").toExternalForm());
    stage.setScene(scene);
    stage.show();
  }

  @Test
  void aSelectionAndAMoveOnOneSideShowOnTheOther(FxRobot robot) throws Exception {
    Path model = Files.write(dir.resolve("mlp.onnx"), TestModels.mlp().toByteArray());
    Platform.runLater(() -> vm.open(model));
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> jobs.runningProperty().get() == 0);
    Platform.runLater(() -> vm.runs().quantize());
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitFor(
        60, TimeUnit.SECONDS, () -> vm.runs().quantizedProperty().get() != null);

    robot.clickOn("#viewMenu").clickOn("#compareGraphsMenu");
    GraphCompareView view = robot.lookup("#graphCompare").queryAs(GraphCompareView.class);
    GraphCompareViewModel compare = view.viewModel();
    WaitForAsyncUtils.waitFor(
        60, TimeUnit.SECONDS, () -> compare.int8LayoutProperty().get() != null);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(robot.lookup("#compareGraphsMessage").queryLabeled().getText())
        .startsWith("5 float nodes matched, 0 only in the float model, 0 only in the int8");

    // a click on fc1 on the float side shows the Mul that writes fc1's output on the int8 side
    GraphCanvas left = view.floatCanvas();
    double[] c = left.screenCentre("fc1");
    robot.clickOn(left.localToScreen(c[0], c[1]));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(compare.floatSelectedProperty().get()).isEqualTo("fc1");
    GraphProto int8 = vm.runs().quantizedProperty().get().model().graph();
    String shown = compare.int8SelectedProperty().get();
    assertThat(compare.match().toRewritten().get("fc1")).contains(shown);
    assertThat(
            int8.getNodeList().stream()
                .filter(n -> n.getName().equals(shown))
                .findFirst()
                .orElseThrow()
                .getOutputList())
        .containsExactly("h");
    // the int8 side's colours: the chain carries fc1's weight SQNR
    double sqnr = compare.floatStatusesProperty().get().get("fc1").sqnrDb();
    assertThat(sqnr).isFinite();
    assertThat(compare.int8StatusesProperty().get().get(shown).sqnrDb()).isEqualTo(sqnr);

    // and a click on the int8 side selects the float node it stands for
    GraphCanvas right = view.int8Canvas();
    double[] r = right.screenCentre("relu");
    robot.clickOn(right.localToScreen(r[0], r[1]));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(compare.floatSelectedProperty().get()).isEqualTo("relu");

    // dragging the float side moves the int8 side to the same zoom and relative spot
    Point2D from = left.localToScreen(left.getWidth() / 2, left.getHeight() / 2);
    robot.drag(from, MouseButton.PRIMARY).moveBy(60, 90).drop();
    WaitForAsyncUtils.waitForFxEvents();
    double[] a = left.view();
    double[] b = right.view();
    assertThat(b[0]).isEqualTo(a[0]);
    assertThat(b[1]).isCloseTo(a[1], org.assertj.core.data.Offset.offset(1e-6));
    assertThat(b[2]).isCloseTo(a[2], org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void afterATraceBothSidesShowTheErrorEachNodeIntroduces(FxRobot robot) throws Exception {
    Path model = Files.write(dir.resolve("mlp.onnx"), TestModels.mlp().toByteArray());
    Platform.runLater(() -> vm.open(model));
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> jobs.runningProperty().get() == 0);
    Platform.runLater(() -> vm.runs().quantize());
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitFor(
        60, TimeUnit.SECONDS, () -> vm.runs().quantizedProperty().get() != null);
    Platform.runLater(() -> vm.runs().traceError());
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.runs().traceProperty().get() != null);
    var trace = vm.runs().traceProperty().get();

    robot.clickOn("#viewMenu").clickOn("#compareGraphsMenu");
    GraphCompareViewModel compare =
        robot.lookup("#graphCompare").queryAs(GraphCompareView.class).viewModel();
    WaitForAsyncUtils.waitFor(
        60, TimeUnit.SECONDS, () -> compare.int8LayoutProperty().get() != null);
    WaitForAsyncUtils.waitForFxEvents();

    var floats = compare.floatStatusesProperty().get();
    var int8s = compare.int8StatusesProperty().get();
    int traced = 0;
    for (var e : trace.nodes()) {
      if (e.introducedDb() == null) {
        continue;
      }
      traced++;
      assertThat(floats.get(e.node()).errorDb()).isEqualTo(e.introducedDb());
      assertThat(floats.get(e.node()).detail()).contains("error introduced here");
      for (String id : compare.match().toRewritten().get(e.node())) {
        assertThat(int8s.get(id).errorDb()).isEqualTo(e.introducedDb());
      }
    }
    assertThat(traced).isPositive();
    // quantized nodes keep their weight SQNR beside the error
    assertThat(floats.get("fc1").sqnrDb()).isFinite();
  }

  @Test
  void aBigGraphIsComparedWithItsBlocksCollapsedOnBothSides(FxRobot robot) throws Exception {
    Path model =
        Files.write(dir.resolve("encoder.onnx"), TestModels.bertEncoder(6, true).toByteArray());
    Platform.runLater(() -> vm.open(model));
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> jobs.runningProperty().get() == 0);
    Platform.runLater(() -> vm.runs().quantize());
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitFor(
        60, TimeUnit.SECONDS, () -> vm.runs().quantizedProperty().get() != null);

    robot.clickOn("#viewMenu").clickOn("#compareGraphsMenu");
    GraphCompareViewModel compare =
        robot.lookup("#graphCompare").queryAs(GraphCompareView.class).viewModel();
    WaitForAsyncUtils.waitFor(
        60, TimeUnit.SECONDS, () -> compare.int8LayoutProperty().get() != null);
    WaitForAsyncUtils.waitForFxEvents();

    var a = blocks(compare.floatLayoutProperty().get());
    var b = blocks(compare.int8LayoutProperty().get());
    assertThat(a).extracting(GraphLayout.Box::title).containsExactly("encoder layer \u00d76");
    assertThat(b).extracting(GraphLayout.Box::title).containsExactly("encoder layer \u00d76");
    // the float box sums up its quantized nodes, as the window's does
    NodeStatus box = compare.floatStatusesProperty().get().get(a.get(0).id());
    assertThat(box.kind()).isEqualTo(NodeStatus.Kind.WILL_QUANTIZE);
    assertThat(box.detail()).startsWith("36 quantized inside");

    // selecting one box selects the other; a node inside a box selects the box on the other side
    Platform.runLater(() -> compare.selectFloat(a.get(0).id()));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(compare.int8SelectedProperty().get()).isEqualTo(b.get(0).id());
    Platform.runLater(() -> compare.selectFloat(LAYER3_Q));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(compare.int8SelectedProperty().get()).isEqualTo(b.get(0).id());
    Platform.runLater(() -> compare.selectInt8(b.get(0).id()));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(compare.floatSelectedProperty().get()).isEqualTo(a.get(0).id());
  }

  private static final String LAYER3_Q = "/encoder/layer.3/attention/self/query/MatMul";

  private static java.util.List<GraphLayout.Box> blocks(GraphLayout.Result r) {
    return r.boxes().stream().filter(x -> x.kind() == GraphLayout.Kind.BLOCK).toList();
  }
}
