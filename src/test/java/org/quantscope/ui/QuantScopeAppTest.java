// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import javafx.application.Platform;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The application as the command line or a file association starts it: with a model path. */
@ExtendWith({FxThreadErrors.class, ApplicationExtension.class})
class QuantScopeAppTest {
  private final Settings settings = Settings.memory();
  private MainViewModel vm;
  private Stage stage;

  @TempDir Path dir;

  private Set<Long> childrenBefore;

  /** The ids of the side tabs that had content when {@link QuantScopeApp#show} returned. */
  private List<String> builtAtShow;

  /** Whether the model's facts were there when {@link QuantScopeApp#show} returned. */
  private boolean factsAtShow;

  /** The nodes table's rows when {@link QuantScopeApp#show} returned. */
  private int rowsAtShow = -1;

  /** What the empty nodes table said then. */
  private String placeholderAtShow;

  @Start
  void start(Stage stage) {
    this.stage = stage;
    childrenBefore =
        ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    try {
      Path model = Files.write(dir.resolve("from-args.onnx"), TestModels.mlp().toByteArray());
      // as QuantScopeApp.launch does, the model is read while the toolkit starts (here: before)
      EarlyOpen.start(model).join();
      vm = QuantScopeApp.show(stage, settings, model);
      factsAtShow = vm.summaryProperty().get() != null;
      TableView<?> table = (TableView<?>) stage.getScene().lookup("#nodesTable");
      rowsAtShow = table.getItems().size();
      placeholderAtShow = ((Label) table.getPlaceholder()).getText();
      SideTabs tabs = (SideTabs) stage.getScene().lookup("#sideTabs");
      builtAtShow =
          tabs.getTabs().stream().filter(t -> t.getContent() != null).map(t -> t.getId()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void opensTheModelGivenOnTheCommandLine(FxRobot robot) throws TimeoutException {
    WaitForAsyncUtils.waitFor(
        30,
        TimeUnit.SECONDS,
        () -> vm.summaryProperty().get() != null && vm.graph().layoutProperty().get() != null);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(robot.lookup("#fact-file").queryAs(Label.class).getText())
        .endsWith("from-args.onnx");
    assertThat(stage.getTitle()).isEqualTo("from-args.onnx - QuantScope");
    assertThat(vm.exampleProperty().get()).isFalse();
  }

  @Test
  void theModelReadEarlyIsInTheFirstFrameAndTheHiddenTabsFollow(FxRobot robot)
      throws TimeoutException {
    assertThat(factsAtShow).isTrue();
    assertThat(builtAtShow).containsExactly("modelTab");
    // the nodes table follows the facts: "listing" (not "no nodes") in the first frame, then filled
    assertThat(vm.verdictsProperty().get()).isNotEmpty();
    assertThat(rowsAtShow).isZero();
    assertThat(placeholderAtShow).startsWith("Listing the nodes");
    TableView<?> table = robot.lookup("#nodesTable").queryAs(TableView.class);
    WaitForAsyncUtils.waitFor(
        30, TimeUnit.SECONDS, () -> table.getItems().size() == vm.verdictsProperty().get().size());
    assertThat(((Label) table.getPlaceholder()).getText()).startsWith("No quantizable nodes");
    WaitForAsyncUtils.waitFor(
        30,
        TimeUnit.SECONDS,
        () -> vm.summaryProperty().get() != null && vm.graph().layoutProperty().get() != null);
    SideTabs tabs = robot.lookup("#sideTabs").queryAs(SideTabs.class);
    WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, tabs::allBuilt);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(robot.lookup("#optionsPanel").tryQuery()).isPresent();
    // the node tab, built after the show, still follows a selection in the graph
    String node = vm.verdictsProperty().get().get(0).node();
    assertThat(robot.lookup("#detailsTitle").tryQuery()).isEmpty();
    Platform.runLater(() -> vm.graph().selectedProperty().set(node));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(tabs.getSelectionModel().getSelectedItem().getId()).isEqualTo("nodeTab");
    assertThat(robot.lookup("#detailsTitle").tryQuery()).isPresent();
  }

  @Test
  void closingTheWindowRemembersItsSizeAndOptions() throws TimeoutException {
    WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm.summaryProperty().get() != null);
    Platform.runLater(
        () -> {
          Platform.setImplicitExit(false); // later tests still need the toolkit
          vm.options().perChannelProperty().set(true);
          vm.options().absTol().textProperty().set("0.05");
          stage.hide();
        });
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(settings.getDouble("window.width", 0)).isPositive();
    assertThat(settings.get("perChannel", "")).isEqualTo("true");
    assertThat(new OptionsViewModel(settings).absTol().textProperty().get()).isEqualTo("0.05");
  }

  /**
   * This window's worker processes: this JVM's children that were not there before the window (the
   * windows of earlier tests may still keep theirs).
   */
  private List<ProcessHandle> ourWorkers() {
    return ProcessHandle.current()
        .children()
        .filter(p -> !childrenBefore.contains(p.pid()))
        .toList();
  }

  @Test
  void theWindowKeepsAWorkerReadyAndClosingItEndsTheWorker()
      throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (ourWorkers().size() != 1 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(ourWorkers()).as("the window's spare worker").hasSize(1);
    ProcessHandle spare = ourWorkers().get(0);
    assertThat(spare.isAlive()).isTrue();
    Platform.runLater(
        () -> {
          Platform.setImplicitExit(false); // later tests still need the toolkit
          stage.hide();
        });
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !spare.isAlive());
    assertThat(ourWorkers()).isEmpty();
  }
}
