// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.application.Platform;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.logs.LogFiles;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Several files given at once (a file manager's {@code %F}): a window each, the broken one with its
 * message; and the Help menu's log and third-party notices.
 */
@ExtendWith({FxThreadErrors.class, ApplicationExtension.class})
class SeveralWindowsTest {
  @TempDir static Path logs;
  @TempDir Path dir;

  private final List<Stage> stages = new ArrayList<>();
  private List<MainViewModel> vms;

  @BeforeAll
  static void startTheLog() {
    LogFiles.stop();
    assertThat(LogFiles.start(logs)).isEqualTo(logs.resolve(LogFiles.CURRENT));
  }

  @AfterAll
  static void stopTheLog() {
    LogFiles.stop();
  }

  @Start
  void start(Stage stage) {
    try {
      Path a = Files.write(dir.resolve("first.onnx"), TestModels.mlp().toByteArray());
      Path broken = Files.writeString(dir.resolve("broken.onnx"), "not a model\n");
      Path b = Files.write(dir.resolve("second.onnx"), TestModels.convNet().toByteArray());
      vms = QuantScopeApp.showAll(stage, Settings.memory(), List.of(a, broken, b), stages);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everyFileOpensInAWindowOfItsOwn(FxRobot robot) throws TimeoutException {
    assertThat(stages).hasSize(3).allMatch(Stage::isShowing);
    WaitForAsyncUtils.waitFor(
        30,
        TimeUnit.SECONDS,
        () ->
            vms.get(0).summaryProperty().get() != null
                && vms.get(2).summaryProperty().get() != null
                && !vms.get(1).errorProperty().get().isEmpty());
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(stages.get(0).getTitle()).isEqualTo("first.onnx - QuantScope");
    assertThat(stages.get(2).getTitle()).isEqualTo("second.onnx - QuantScope");
    assertThat(vms.get(1).errorProperty().get()).contains("broken.onnx");
    assertThat(vms.get(1).modelProperty().get()).isNull();
    // the failure is in the log, with what was given, once and without a stack trace (it is the
    // user's file, not a bug)
    String log = LogFiles.tail(logs.resolve(LogFiles.CURRENT), 100_000);
    assertThat(log).contains("WARNING: Cannot open broken.onnx: ");
    assertThat(log).doesNotContain("ModelFormatException").doesNotContain("cannot open broken");
  }

  @Test
  void helpShowsTheLogAndTheThirdPartyNotices(FxRobot robot) throws TimeoutException {
    WaitForAsyncUtils.waitFor(
        30, TimeUnit.SECONDS, () -> vms.get(0).summaryProperty().get() != null);
    System.getLogger("org.quantscope.test")
        .log(System.Logger.Level.INFO, "a line the log window must show");
    robot.targetWindow(stages.get(0));
    robot.clickOn("#helpMenu").clickOn("#showLogMenu");
    WaitForAsyncUtils.waitForFxEvents();
    TextArea text = robot.lookup("#logText").queryAs(TextArea.class);
    assertThat(text.getText()).contains("a line the log window must show");
    assertThat(robot.lookup("#logPath").queryAs(Label.class).getText())
        .isEqualTo(logs.resolve(LogFiles.CURRENT).toString());
    Platform.runLater(() -> text.getScene().getWindow().hide());
    WaitForAsyncUtils.waitForFxEvents();

    robot.targetWindow(stages.get(0));
    robot.clickOn("#helpMenu").clickOn("#aboutMenu");
    WaitForAsyncUtils.waitForFxEvents();
    DialogPane about = robot.lookup("#aboutDialog").queryAs(DialogPane.class);
    TextArea notices = (TextArea) about.getExpandableContent();
    assertThat(notices.getId()).isEqualTo("noticesText");
    for (String component :
        List.of(
            "OpenJFX",
            "ONNX Runtime",
            "Eclipse Layout Kernel",
            "JFreeChart",
            "Apache PDFBox",
            "ControlsFX",
            "Protocol Buffers",
            "Jackson",
            "picocli",
            "Java runtime")) {
      assertThat(notices.getText()).as(component).contains(component);
    }
    Platform.runLater(() -> about.getScene().getWindow().hide());
    WaitForAsyncUtils.waitForFxEvents();
  }
}
