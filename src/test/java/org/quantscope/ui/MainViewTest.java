// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The window, headless under Monocle: it opens models and reports bad ones in place. */
@ExtendWith(ApplicationExtension.class)
class MainViewTest {
  private final List<Throwable> fxErrors = new CopyOnWriteArrayList<>();
  private MainViewModel vm;

  @TempDir Path dir;

  @Start
  void start(Stage stage) {
    Thread.currentThread().setUncaughtExceptionHandler((t, e) -> fxErrors.add(e));
    vm = new MainViewModel(new FxJobRunner());
    MainView view = new MainView(vm);
    stage.setScene(new Scene(view, 1100, 700));
    stage.show();
  }

  @AfterEach
  void noExceptionsOnTheFxThread() {
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(fxErrors).isEmpty();
  }

  private void waitUntilIdle() throws TimeoutException {
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !vm.busyProperty().get());
    WaitForAsyncUtils.waitForFxEvents();
  }

  @Test
  void showsTheExampleModelsQuantizableNodes(FxRobot robot) throws TimeoutException {
    Platform.runLater(vm::openExample);
    waitUntilIdle();
    TableView<?> table = robot.lookup("#nodesTable").queryAs(TableView.class);
    assertThat(table.getItems()).hasSize(4);
    assertThat(robot.lookup("#fact-quantizable").queryAs(Label.class).getText())
        .isEqualTo("2 of 4 will be quantized");
    assertThat(robot.lookup("#statusLabel").queryAs(Label.class).getText())
        .contains("2 of 4 quantizable nodes will be quantized");
    assertThat(robot.lookup("#errorBanner").query().isVisible()).isFalse();
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
    assertThat(robot.lookup("#errorLabel").queryAs(Label.class).getText())
        .startsWith("Cannot open broken.onnx: ")
        .contains("text file");
    assertThat(robot.lookup("#fact-file").queryAs(Label.class).getText()).endsWith("mlp.onnx");
    assertThat(robot.lookup("#nodesTable").queryAs(TableView.class).getItems()).hasSize(2);

    robot.clickOn("#dismissError");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(robot.lookup("#errorBanner").query().isVisible()).isFalse();
  }
}
