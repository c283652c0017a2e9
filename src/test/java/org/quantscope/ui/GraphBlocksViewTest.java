// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.graph.GraphLayout;
import org.quantscope.pipeline.Pipeline;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The graph of a six-layer encoder (392 nodes): its layers collapsed into one box, opened by a
 * click, by a selection in the nodes table and by a search, and *View > Expand all / Collapse*.
 */
@ExtendWith({FxThreadErrors.class, ApplicationExtension.class})
class GraphBlocksViewTest {
  private static final String LAYER0_Q = "/encoder/layer.0/attention/self/query/MatMul";

  private MainViewModel vm;
  private FxJobRunner jobs;

  @TempDir Path dir;

  @Start
  void start(Stage stage) {
    jobs = new FxJobRunner();
    vm = new MainViewModel(jobs, Settings.memory(), Pipeline.inProcess());
    MainView view = new MainView(vm, jobs);
    Scene scene = new Scene(view, 1400, 860);
    scene.getStylesheets().add(QuantScopeApp.class.getResource("quantscope.css").toExternalForm());
    stage.setScene(scene);
    stage.show();
  }

  private void open() throws Exception {
    open(6);
  }

  private void open(int layers) throws Exception {
    Path model =
        Files.write(
            dir.resolve("encoder" + layers + ".onnx"),
            TestModels.bertEncoder(layers, true).toByteArray());
    Platform.runLater(() -> vm.open(model));
    waitUntilIdle();
  }

  private void waitUntilIdle() throws TimeoutException {
    WaitForAsyncUtils.waitForFxEvents();
    // what a click on a box draws is laid out in advance: a job that starts as the layout ends
    WaitForAsyncUtils.waitFor(
        60,
        TimeUnit.SECONDS,
        () ->
            WaitForAsyncUtils.asyncFx(
                    () ->
                        jobs.runningProperty().get() == 0
                            && !vm.graph().layingOutProperty().get()
                            && !vm.graph().preparingProperty().get())
                .get());
    WaitForAsyncUtils.waitForFxEvents();
  }

  private List<GraphLayout.Box> boxes(GraphLayout.Kind kind) {
    return vm.graph().layoutProperty().get().boxes().stream()
        .filter(b -> b.kind() == kind)
        .toList();
  }

  private List<String> nodeIds() {
    return boxes(GraphLayout.Kind.NODE).stream().map(GraphLayout.Box::id).toList();
  }

  @Test
  void theLayersOpenCollapsedAndAClickOpensOne(FxRobot robot) throws Exception {
    open();
    assertThat(vm.graph().collapsedProperty().get()).isTrue();
    List<GraphLayout.Box> blocks = boxes(GraphLayout.Kind.BLOCK);
    assertThat(blocks).extracting(GraphLayout.Box::title).containsExactly("encoder layer \u00d76");
    assertThat(nodeIds()).doesNotContain(LAYER0_Q);
    // the box sums up what is inside: 7 MatMuls per layer will be quantized
    NodeStatus summary = vm.graph().statusesProperty().get().get(blocks.get(0).id());
    assertThat(summary.kind()).isEqualTo(NodeStatus.Kind.WILL_QUANTIZE);
    assertThat(summary.detail()).startsWith("36 of ").contains(" quantized");

    GraphCanvas canvas = robot.lookup("#graphCanvas").queryAs(GraphCanvas.class);
    Platform.runLater(() -> canvas.centerOn(blocks.get(0).id()));
    WaitForAsyncUtils.waitForFxEvents();
    double[] c = canvas.screenCentre(blocks.get(0).id());
    robot.clickOn(canvas.localToScreen(c[0], c[1]));
    waitUntilIdle();

    assertThat(nodeIds()).contains(LAYER0_Q).doesNotContain(LAYER0_Q.replace("0", "1"));
    assertThat(boxes(GraphLayout.Kind.BLOCK))
        .extracting(GraphLayout.Box::title)
        .containsExactly("encoder layer \u00d75");

    robot.clickOn("#viewMenu").clickOn("#expandAllMenu");
    waitUntilIdle();
    assertThat(boxes(GraphLayout.Kind.BLOCK)).isEmpty();
    assertThat(nodeIds()).hasSize(TestModels.bertEncoder(6, true).getGraph().getNodeCount());

    robot.clickOn("#viewMenu").clickOn("#collapseMenu");
    waitUntilIdle();
    assertThat(boxes(GraphLayout.Kind.BLOCK)).hasSize(1);
    assertThat(nodeIds()).doesNotContain(LAYER0_Q);
  }

  @Test
  void aTwelveLayerEncoderFitsTheWindowAtAReadableZoom(FxRobot robot) throws Exception {
    open(12);
    GraphCanvas canvas = robot.lookup("#graphCanvas").queryAs(GraphCanvas.class);
    GraphLayout.Result r = vm.graph().layoutProperty().get();
    assertThat(boxes(GraphLayout.Kind.BLOCK))
        .extracting(GraphLayout.Box::title)
        .containsExactly("encoder layer \u00d712");
    // the whole drawing is on screen, at half size or more (12 px labels at 6 px or more)
    assertThat(canvas.scale()).isGreaterThanOrEqualTo(0.5);
    double[] top = canvas.screenCentre(r.boxes().get(0).id());
    double[] block = canvas.screenCentre(boxes(GraphLayout.Kind.BLOCK).get(0).id());
    for (double[] c : List.of(top, block)) {
      assertThat(c[0]).isBetween(0.0, canvas.getWidth());
      assertThat(c[1]).isBetween(0.0, canvas.getHeight());
    }
  }

  @Test
  void selectingANodeInTheTableOpensItsLayer(FxRobot robot) throws Exception {
    open();
    String node = "/encoder/layer.3/intermediate/dense/MatMul";
    TableView<?> table = robot.lookup("#nodesTable").queryAs(TableView.class);
    int row = -1;
    for (int i = 0; i < table.getItems().size(); i++) {
      if (((NodesPanel.Row) table.getItems().get(i)).id().equals(node)) {
        row = i;
      }
    }
    assertThat(row).isNotNegative();
    int r = row;
    Platform.runLater(() -> table.getSelectionModel().select(r));
    waitUntilIdle();

    assertThat(vm.graph().selectedProperty().get()).isEqualTo(node);
    assertThat(nodeIds()).contains(node).doesNotContain(LAYER0_Q);
    assertThat(boxes(GraphLayout.Kind.BLOCK))
        .extracting(GraphLayout.Box::subtitle)
        .containsExactly("copies 1-3 of 6, 62 nodes each", "copies 5-6 of 6, 62 nodes each");
    // and the graph shows it
    GraphCanvas canvas = robot.lookup("#graphCanvas").queryAs(GraphCanvas.class);
    double[] c = canvas.screenCentre(node);
    assertThat(c[0]).isBetween(0.0, canvas.getWidth());
    assertThat(c[1]).isBetween(0.0, canvas.getHeight());
  }

  @Test
  void searchFindsNodesInsideCollapsedLayers(FxRobot robot) throws Exception {
    open();
    robot.clickOn("#graphSearch").write("layer.5/output/dense/Add").type(KeyCode.ENTER);
    waitUntilIdle();

    assertThat(vm.graph().selectedProperty().get()).isEqualTo("/encoder/layer.5/output/dense/Add");
    assertThat(nodeIds()).contains("/encoder/layer.5/output/dense/Add");
    assertThat(boxes(GraphLayout.Kind.BLOCK))
        .extracting(GraphLayout.Box::title)
        .containsExactly("encoder layer \u00d75");
  }

  /** Opens the first collapsed box on the FX thread; true if it was drawn before returning. */
  private boolean openFirstBox() throws Exception {
    String box = boxes(GraphLayout.Kind.BLOCK).get(0).id();
    GraphLayout.Result before = vm.graph().layoutProperty().get();
    return WaitForAsyncUtils.asyncFx(
            () -> {
              vm.graph().expandBlock(box);
              return vm.graph().layoutProperty().get() != before
                  && !vm.graph().layingOutProperty().get();
            })
        .get(30, TimeUnit.SECONDS);
  }

  @Test
  void layoutsMadeInAdvanceWaitWhileTheViewIsPannedAndFollowOnceItIsStill() throws Exception {
    open();
    String box = boxes(GraphLayout.Kind.BLOCK).get(0).id();
    // the user pans, then opens a box: it is drawn at once, but what a click on the next box
    // would draw is not laid out beside the panning
    boolean waiting =
        WaitForAsyncUtils.asyncFx(
                () -> {
                  vm.graph().viewChanged();
                  vm.graph().expandBlock(box);
                  return vm.graph().preparingProperty().get()
                      && jobs.runningProperty().get() == 0
                      && !vm.graph().layingOutProperty().get();
                })
            .get(30, TimeUnit.SECONDS);
    assertThat(waiting).isTrue();
    assertThat(nodeIds()).contains(LAYER0_Q);
    // once the view is still, it is made, and the next box opens at once
    waitUntilIdle();
    assertThat(openFirstBox()).isTrue();
  }

  @Test
  void aClickOnABoxDrawsWhatWasLaidOutInAdvance() throws Exception {
    open();
    // the window laid out in advance what a click on the box draws
    assertThat(vm.graph().preparingProperty().get()).isFalse();
    assertThat(openFirstBox()).isTrue();
    GraphLayout.Result prepared = vm.graph().layoutProperty().get();
    assertThat(nodeIds()).contains(LAYER0_Q);
    // the same drawing as laying it out after the click
    assertThat(prepared)
        .isEqualTo(
            GraphLayout.layout(
                vm.graph().scopeProperty().get(),
                GraphLayout.Options.DEFAULTS,
                vm.graph().collapsedRuns(),
                (d, t, m) -> {}));
    // collapsing again reuses the first drawing
    Platform.runLater(() -> vm.graph().collapseAll());
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(vm.graph().layingOutProperty().get()).isFalse();
    assertThat(nodeIds()).doesNotContain(LAYER0_Q);

    // not prepared: the click has to wait for the layout, which comes out the same
    Platform.runLater(() -> vm.graph().setPrepareBlocks(false));
    open();
    assertThat(openFirstBox()).isFalse();
    assertThat(vm.graph().layingOutProperty().get()).isTrue();
    waitUntilIdle();
    assertThat(vm.graph().layoutProperty().get()).isEqualTo(prepared);

    // another model: nothing drawn for the first one is reused
    Platform.runLater(() -> vm.graph().setPrepareBlocks(true));
    open(8);
    assertThat(openFirstBox()).isTrue();
    assertThat(boxes(GraphLayout.Kind.BLOCK))
        .extracting(GraphLayout.Box::title)
        .containsExactly("encoder layer \u00d77");
  }
}
