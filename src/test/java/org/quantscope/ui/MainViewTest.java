// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.javafx.scene.input.DragboardHelper;
import com.sun.javafx.tk.Toolkit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.application.Platform;
import javafx.event.Event;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.DragEvent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.TransferMode;
import javafx.stage.Stage;
import org.jfree.chart.fx.ChartViewer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.pipeline.Pipeline;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The window, headless under Monocle, driven as a user would. */
@ExtendWith({FxThreadErrors.class, ApplicationExtension.class})
class MainViewTest {
  private MainViewModel vm;
  private MainView view;
  private FxJobRunner jobs;

  @TempDir Path dir;

  @Start
  void start(Stage stage) {
    jobs = new FxJobRunner();
    vm = new MainViewModel(jobs, Settings.memory(), Pipeline.inProcess());
    view = new MainView(vm, jobs);
    Scene scene = new Scene(view, 1400, 860);
    scene.getStylesheets().add(QuantScopeApp.class.getResource("quantscope.css").toExternalForm());
    stage.setScene(scene);
    stage.show();
  }

  private void waitUntilIdle() throws TimeoutException {
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> jobs.runningProperty().get() == 0);
    WaitForAsyncUtils.waitForFxEvents();
  }

  private void openExample() throws TimeoutException {
    Platform.runLater(vm::openExample);
    waitUntilIdle();
  }

  private String text(FxRobot robot, String query) {
    return robot.lookup(query).queryAs(Label.class).getText();
  }

  /** The values of a table's column (found by its id), row by row. */
  private static List<Object> columnValues(FxRobot robot, String table, String columnId) {
    TableView<?> t = robot.lookup(table).queryAs(TableView.class);
    TableColumn<?, ?> column =
        t.getColumns().stream().filter(c -> columnId.equals(c.getId())).findFirst().orElseThrow();
    List<Object> values = new java.util.ArrayList<>();
    for (int i = 0; i < t.getItems().size(); i++) {
      values.add(column.getCellData(i));
    }
    return values;
  }

  @Test
  void showsTheExampleModelItsNodesAndItsGraph(FxRobot robot) throws TimeoutException {
    openExample();
    TableView<?> table = robot.lookup("#nodesTable").queryAs(TableView.class);
    assertThat(table.getItems()).hasSize(4);
    assertThat(text(robot, "#fact-quantizable")).isEqualTo("2 of 4 will be quantized");
    assertThat(text(robot, "#statusLabel")).contains("2 of 4 quantizable nodes will be quantized");
    assertThat(robot.lookup("#errorBanner").query().isVisible()).isFalse();
    GraphCanvas canvas = robot.lookup("#graphCanvas").queryAs(GraphCanvas.class);
    assertThat(vm.graph().layoutProperty().get().boxes()).hasSizeGreaterThanOrEqualTo(8);
    assertThat(canvas.getWidth()).isGreaterThan(200);
    assertThat(robot.lookup("#graphLegend").query().isVisible()).isTrue();
    // each row says why: its node and its action or reason, and the numbers align right
    List<String> tips =
        robot.lookup(".table-row-cell").queryAllAs(javafx.scene.control.TableRow.class).stream()
            .filter(r -> !r.isEmpty())
            .map(r -> r.getTooltip().getText())
            .toList();
    assertThat(tips).hasSize(4);
    assertThat(tips)
        .allSatisfy(t -> assertThat(t.lines().count()).isEqualTo(2))
        .anySatisfy(t -> assertThat(t).startsWith(vm.verdictsProperty().get().get(0).node()));
    assertThat(robot.lookup(".number-cell").queryAllAs(TableCell.class))
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c.getAlignment()).isEqualTo(javafx.geometry.Pos.CENTER_RIGHT));
  }

  @Test
  void aTabLeftForAfterTheFirstFrameIsBuiltWhenItIsSelectedFirst(FxRobot robot) {
    robot.interact(
        () -> {
          SideTabs tabs = new MainView(vm, jobs, true).sideTabs();
          assertThat(tabs.getTabs())
              .filteredOn(t -> t.getContent() != null)
              .extracting(t -> t.getId())
              .containsExactly("modelTab");
          tabs.getSelectionModel().select(3);
          assertThat(tabs.getTabs())
              .filteredOn(t -> t.getContent() != null)
              .extracting(t -> t.getId())
              .containsExactly("modelTab", "resultsTab");
          tabs.buildAll();
          assertThat(tabs.allBuilt()).isTrue();
        });
  }

  @Test
  void aBrokenFileShowsAMessageAndKeepsThePreviousModel(FxRobot robot)
      throws TimeoutException, IOException {
    Path good = Files.write(dir.resolve("mlp.onnx"), TestModels.mlp().toByteArray());
    Path bad = Files.writeString(dir.resolve("broken.onnx"), "not a model at all");
    Platform.runLater(() -> vm.open(good));
    waitUntilIdle();
    Platform.runLater(() -> vm.open(bad));
    waitUntilIdle();

    assertThat(robot.lookup("#errorBanner").query().isVisible()).isTrue();
    assertThat(text(robot, "#errorLabel"))
        .startsWith("Cannot open broken.onnx: ")
        .contains("text file");
    assertThat(text(robot, "#fact-file")).endsWith("mlp.onnx");
    assertThat(robot.lookup("#nodesTable").queryAs(TableView.class).getItems()).hasSize(2);

    robot.clickOn("#dismissError");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(robot.lookup("#errorBanner").query().isVisible()).isFalse();
  }

  @Test
  void runAllShowsTheVerdictAndTheCharts(FxRobot robot) throws TimeoutException {
    openExample();
    Platform.runLater(() -> vm.options().benchRuns().textProperty().set("20"));
    robot.clickOn("#runAllButton");
    waitUntilIdle();

    assertThat(vm.runs().failureProperty().get()).isNull();
    String verdict = text(robot, "#verdictLabel");
    assertThat(verdict).isIn("PASSED", "FAILED");
    assertThat(verdict).isEqualTo(vm.runs().parityProperty().get().passed() ? "PASSED" : "FAILED");
    assertThat(text(robot, "#verdictFigures")).contains("max |d|").contains("64 samples");
    for (String id :
        List.of("#histogramChart", "#weightErrorChart", "#sizeChart", "#latencyChart")) {
      ChartViewer chart = robot.lookup(id).queryAs(ChartViewer.class);
      assertThat(chart.isVisible()).as(id).isTrue();
      assertThat(chart.getChart()).as(id).isNotNull();
    }
    assertThat(text(robot, "#statusLabel")).contains("2 of 4 nodes quantized").contains("speedup");
    assertThat(robot.lookup("#saveButton").queryAs(Button.class).isDisabled()).isFalse();
    // the quantized nodes now show their weight error in the table
    assertThat(columnValues(robot, "#nodesTable", "sqnrColumn"))
        .filteredOn(v -> v != null)
        .hasSize(2);
    // where the int8 model runs: dynamic quantization's ops fall back to the CPU under CUDA
    assertThat(robot.lookup("#whereItRuns").query().isVisible()).isTrue();
    assertThat(text(robot, "#whereItRunsText"))
        .contains("cuda: MatMulInteger runs on the CPU under the CUDA EP")
        .contains("check-deploy");
  }

  @Test
  void checkDeployFromTheRunMenuShowsTheVerdictAndTheNodes(FxRobot robot) throws Exception {
    openExample();
    robot.clickOn("#runMenu").clickOn("#checkDeployMenu");
    waitUntilIdle();

    assertThat(vm.runs().failureProperty().get()).isNull();
    org.quantscope.deploy.DeployReport d = vm.runs().deployProperty().get();
    assertThat(d).isNotNull();
    // quantized first (the window had no int8 model), then emulated on the options' samples
    assertThat(vm.runs().quantizedProperty().get()).isNotNull();
    assertThat(d.saturation().samples()).isEqualTo(64);
    assertThat(d.samplesFrom()).isNotNull();
    assertThat(robot.lookup("#deployVerdict").query().isVisible()).isTrue();
    assertThat(text(robot, "#deployVerdict"))
        .startsWith(d.atRisk() ? "at risk" : "safe on CPUs without VNNI")
        .contains("64 samples");
    TableView<?> nodes = robot.lookup("#deployNodes").queryAs(TableView.class);
    assertThat(nodes.isVisible()).isTrue();
    assertThat(nodes.getItems()).hasSize(2).isEqualTo(d.saturation().nodes());
    assertThat(text(robot, "#whereItRunsText")).doesNotContain("check-deploy MODEL");
    assertThat(text(robot, "#statusLabel")).contains("without VNNI");

    // quantizing again drops the check: it was about the other int8 model
    robot.clickOn("#runMenu").clickOn("#quantizeMenu");
    waitUntilIdle();
    assertThat(vm.runs().deployProperty().get()).isNull();
    assertThat(robot.lookup("#deployVerdict").query().isVisible()).isFalse();
    assertThat(robot.lookup("#deployNodes").query().isVisible()).isFalse();
  }

  @Test
  void exportsTheReportAndSavesAChartInTheBackground(FxRobot robot) throws Exception {
    openExample();
    Platform.runLater(() -> vm.options().benchRuns().textProperty().set("10"));
    robot.clickOn("#runAllButton");
    waitUntilIdle();
    List<String> asked = new CopyOnWriteArrayList<>();
    Path pdf = dir.resolve("example-report");
    Path json = dir.resolve("example.json");
    Path graph = dir.resolve("graph.png");
    List<SaveDialog.Choice> answers =
        new java.util.ArrayList<>(
            List.of(
                new SaveDialog.Choice(pdf, 0),
                new SaveDialog.Choice(json, 0),
                new SaveDialog.Choice(graph, 2),
                new SaveDialog.Choice(dir.resolve("hist.png"), 0)));
    view.setSaveDialog(
        (title, name, filters) -> {
          asked.add(title + ": " + name);
          return answers.remove(0);
        });
    for (int i = 0; i < 3; i++) {
      robot.clickOn("#fileMenu").clickOn("#exportMenu");
      waitUntilIdle();
      assertThat(vm.runs().failureProperty().get()).isNull();
    }
    // no extension typed: the chosen type adds it; a typed .json wins over the PDF filter
    assertThat(dir.resolve("example-report.pdf")).isRegularFile();
    assertThat(Files.readAllBytes(dir.resolve("example-report.pdf"))).startsWith("%PDF".getBytes());
    assertThat(Files.readString(json)).contains("\"max_abs_diff\"").contains("\"verdict\"");
    assertThat(javax.imageio.ImageIO.read(graph.toFile()).getHeight()).isGreaterThan(100);
    assertThat(asked.get(0)).startsWith("Export report: ").endsWith(".report.pdf");
    assertThat(text(robot, "#statusLabel")).contains("Exported graph.png");

    ChartViewer hist = robot.lookup("#histogramChart").queryAs(ChartViewer.class);
    // our entry replaces the viewer's own export menu
    assertThat(hist.getContextMenu().getItems())
        .extracting(MenuItem::getId)
        .containsExactly("histogramChartSave");
    Platform.runLater(() -> hist.getContextMenu().getItems().get(0).fire());
    waitUntilIdle();
    java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(dir.resolve("hist.png").toFile());
    assertThat(img.getWidth()).isGreaterThanOrEqualTo(1600);
    assertThat(asked.get(3)).isEqualTo("Save chart as PNG: histogram.png");
  }

  @Test
  void sensitivityRanksTheFragileLayerAndOneClickLeavesItInFloat(FxRobot robot) throws Exception {
    Path model =
        Files.write(dir.resolve("fragile.onnx"), TestModels.fragileMlp("fc2").toByteArray());
    Platform.runLater(
        () -> {
          vm.open(model);
          vm.options().absTol().textProperty().set("1.0");
          vm.options().meanTol().textProperty().set("0.3");
          vm.options().samples().textProperty().set("20");
          vm.options().seed().textProperty().set("7");
          vm.options().reduceRangeProperty().set(true);
        });
    waitUntilIdle();
    robot.clickOn("#sensitivityTab");
    robot.clickOn("#sensitivityButton");
    waitUntilIdle();
    assertThat(vm.runs().failureProperty().get()).isNull();
    ChartViewer chart = robot.lookup("#sensitivityChart").queryAs(ChartViewer.class);
    assertThat(chart.isVisible()).isTrue();
    TableView<?> ranking = robot.lookup("#sensitivityTable").queryAs(TableView.class);
    assertThat(ranking.getItems()).hasSize(3);
    assertThat(text(robot, "#sensitivitySummary")).contains("Worst: fc2");
    // the nodes table has the impact column filled
    assertThat(columnValues(robot, "#nodesTable", "impactColumn")).hasSize(3).doesNotContainNull();

    Platform.runLater(() -> ranking.getSelectionModel().select(0));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(vm.graph().selectedProperty().get()).isEqualTo("fc2");
    robot.clickOn("#sensitivityTab");
    robot.clickOn("#excludeAndRecheckButton");
    waitUntilIdle();
    assertThat(vm.options().excluded()).containsExactly("fc2");
    assertThat(vm.runs().parityProperty().get().passed()).isTrue();

    // back to all three in int8 (as unticking Float in the nodes table does), then search
    Platform.runLater(() -> vm.options().excluded().clear());
    WaitForAsyncUtils.waitForFxEvents();
    robot.clickOn("#sensitivityTab");
    robot.clickOn("#autoExcludeButton");
    waitUntilIdle();
    assertThat(text(robot, "#autoExcludeTitle")).contains("left 1 of 3 nodes in float: fc2");
    assertThat(text(robot, "#auto-verdict")).isEqualTo("PASSED");

    robot.clickOn("#compareTab");
    robot.clickOn("#compareButton");
    waitUntilIdle();
    assertThat(text(robot, "#compareA-header")).startsWith("A: QInt8, per tensor");
    assertThat(text(robot, "#compareB-header")).startsWith("B: QInt8, per channel");
    assertThat(robot.lookup("#compareNodes").queryAs(TableView.class).getItems()).isNotEmpty();
  }

  @Test
  @org.junit.jupiter.api.Timeout(
      value = 180,
      threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void hostileNamesAreShownCleanedAndShort(FxRobot robot) throws Exception {
    org.quantscope.onnx.ModelProto.Builder m = TestModels.mlp().toBuilder();
    String hostile = "\u001b[31m<b>fc1</b>&\u202e" + "n".repeat(1 << 20);
    m.getGraphBuilder().getNodeBuilder(0).setName(hostile).setDocString(hostile);
    m.setDocString(hostile).setProducerName(hostile);
    Path model = Files.write(dir.resolve("hostile.onnx"), m.build().toByteArray());
    Platform.runLater(() -> vm.open(model));
    waitUntilIdle();
    TableView<?> table = robot.lookup("#nodesTable").queryAs(TableView.class);
    assertThat(table.getItems()).hasSize(2);
    Platform.runLater(() -> vm.graph().selectedProperty().set(hostile));
    waitUntilIdle();
    // every label in the window: no control characters, nothing near a megabyte long
    List<Node> labels = new java.util.ArrayList<>(robot.lookup(".label").queryAll());
    labels.addAll(robot.lookup(".text").queryAll());
    assertThat(labels).isNotEmpty();
    boolean sawName = false;
    for (Node n : labels) {
      String t =
          n instanceof Label l
              ? l.getText()
              : n instanceof javafx.scene.text.Text x ? x.getText() : null;
      if (t == null) {
        continue;
      }
      assertThat(t.length()).as("a label's length").isLessThanOrEqualTo(2000);
      assertThat(t.chars().noneMatch(c -> c == 0x1b || c == 0x202e)).as(t).isTrue();
      sawName |= t.contains("<b>fc1</b>&");
    }
    assertThat(sawName).as("the markup is shown as text").isTrue();
    assertThat(robot.lookup("#errorBanner").query().isVisible()).isFalse();
  }

  @Test
  void excludingANodeInTheTableKeepsItFloat(FxRobot robot) throws TimeoutException {
    openExample();
    String first = vm.verdictsProperty().get().get(0).node();
    robot.clickOn("#exclude-0");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(vm.options().excluded()).containsExactly(first);
    assertThat(vm.graph().statusesProperty().get().get(first).kind())
        .isEqualTo(NodeStatus.Kind.EXCLUDED);

    robot.clickOn("#quantizeButton");
    waitUntilIdle();
    assertThat(vm.runs().quantizedProperty().get().result().quantizedCount()).isEqualTo(1);
  }

  @Test
  void optionsChangeTheRun(FxRobot robot) throws TimeoutException {
    openExample();
    robot.clickOn("#optionsTab");
    robot.clickOn("#perChannel");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(vm.options().perChannelProperty().get()).isTrue();
    robot.clickOn("#quantizeButton");
    waitUntilIdle();
    assertThat(vm.runs().quantizedProperty().get().result().quantized())
        .allSatisfy(n -> assertThat(n.weights()).allMatch(w -> w.channels() > 1));
  }

  @Test
  void anInvalidToleranceIsShownAndBlocksRuns(FxRobot robot) throws TimeoutException {
    openExample();
    robot.clickOn("#optionsTab");
    TextField absTol = robot.lookup("#absTol").queryAs(TextField.class);
    Platform.runLater(() -> absTol.setText("-1"));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(robot.lookup("#absTolProblem").queryAs(Label.class).getText()).isNotEmpty();
    assertThat(absTol.getStyleClass()).contains("invalid");
    assertThat(robot.lookup("#runAllButton").queryAs(Button.class).isDisabled()).isFalse();
    robot.clickOn("#runAllButton");
    waitUntilIdle();
    assertThat(vm.runs().quantizedProperty().get()).isNull();
    DialogPane dialog = robot.lookup("#errorDialog").queryAs(DialogPane.class);
    assertThat(dialog.getContentText()).contains("Options");
    assertThat(dialog.getExpandableContent()).isNull(); // a user error has no trace to show
    robot.clickOn("#errorDialogClose");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(robot.lookup("#errorDialog").tryQuery()).isEmpty();
    assertThat(vm.runs().failureProperty().get()).isNull();
  }

  @Test
  void cancellingARunStopsItAndKeepsNothing(FxRobot robot) throws TimeoutException {
    openExample();
    Platform.runLater(() -> vm.options().benchRuns().textProperty().set("100000000"));
    robot.clickOn("#benchButton");
    WaitForAsyncUtils.waitFor(
        30, TimeUnit.SECONDS, () -> robot.lookup("#taskBox").query().isVisible());
    robot.clickOn("#cancelButton");
    waitUntilIdle();
    assertThat(vm.runs().benchProperty().get()).isNull();
    assertThat(text(robot, "#statusLabel")).contains("Cancelled");
    assertThat(robot.lookup("#taskBox").query().isVisible()).isFalse();
    assertThat(robot.lookup("#errorBanner").query().isVisible()).isFalse();
  }

  @Test
  void selectingANodeInTheGraphShowsItsDetails(FxRobot robot) throws TimeoutException {
    openExample();
    GraphCanvas canvas = robot.lookup("#graphCanvas").queryAs(GraphCanvas.class);
    String fc1 = vm.verdictsProperty().get().get(0).node();
    double[] c = canvas.screenCentre(fc1);
    Point2D onScreen = canvas.localToScreen(c[0], c[1]);
    robot.clickOn(onScreen);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(vm.graph().selectedProperty().get()).isEqualTo(fc1);
    assertThat(view.lookup("#detailsTitle")).isNotNull();
    assertThat(text(robot, "#detailsTitle")).contains("Gemm").contains("fc1");
    TableView<?> table = robot.lookup("#nodesTable").queryAs(TableView.class);
    assertThat(table.getSelectionModel().getSelectedIndex()).isNotNegative();
  }

  @Test
  void findingANodeSelectsIt(FxRobot robot) throws TimeoutException {
    openExample();
    robot.clickOn("#graphSearch").write("head").type(javafx.scene.input.KeyCode.ENTER);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(vm.graph().selectedProperty().get()).contains("head");
  }

  private void drop(Path file) {
    Platform.runLater(
        () -> {
          Dragboard board =
              DragboardHelper.createDragboard(Toolkit.getToolkit().createLocalClipboard());
          DragboardHelper.setDataAccessRestriction(board, false);
          ClipboardContent content = new ClipboardContent();
          content.putFiles(List.of(file.toFile()));
          board.setContent(content);
          Event.fireEvent(
              view,
              new DragEvent(
                  view,
                  view,
                  DragEvent.DRAG_DROPPED,
                  board,
                  300,
                  300,
                  300,
                  300,
                  TransferMode.COPY,
                  null,
                  null,
                  null));
        });
  }

  @Test
  void droppingAModelOpensIt(FxRobot robot) throws TimeoutException, IOException {
    openExample();
    Path mlp = Files.write(dir.resolve("dropped.onnx"), TestModels.mlp().toByteArray());
    drop(mlp);
    waitUntilIdle();
    assertThat(text(robot, "#fact-file")).endsWith("dropped.onnx");
    assertThat(vm.titleProperty().get()).startsWith("dropped.onnx");
    assertThat(vm.recentFiles()).contains(mlp.toAbsolutePath().normalize());
  }

  @Test
  void droppingSomethingElseKeepsTheModel(FxRobot robot) throws TimeoutException, IOException {
    openExample();
    Path notes = Files.writeString(dir.resolve("notes.txt"), "hello");
    drop(notes);
    waitUntilIdle();
    assertThat(text(robot, "#errorLabel")).startsWith("Cannot open notes.txt: ");
    assertThat(vm.exampleProperty().get()).isTrue();
    assertThat(robot.lookup("#nodesTable").queryAs(TableView.class).getItems()).hasSize(4);
  }
}
