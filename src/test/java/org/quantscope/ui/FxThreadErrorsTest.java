// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javafx.application.Platform;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opentest4j.AssertionFailedError;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The guard of the window tests: an exception thrown on the FX thread, wherever JavaFX catches it,
 * reaches {@link FxThreadErrors} and fails the check; nothing thrown, nothing fails.
 */
@ExtendWith(ApplicationExtension.class)
class FxThreadErrorsTest {
  private final FxThreadErrors guard = new FxThreadErrors();
  private final StringProperty watched = new SimpleStringProperty(this, "watched", "");

  @Start
  void start(Stage stage) {
    Button button = new Button("Throw");
    button.setId("throwingButton");
    button.setOnAction(
        e -> {
          throw new IllegalStateException("thrown by an event handler");
        });
    watched.addListener(
        (o, a, b) -> {
          throw new IllegalStateException("thrown by a listener");
        });
    stage.setScene(new Scene(new StackPane(button), 240, 120));
    stage.show();
  }

  @BeforeEach
  void record() throws Exception {
    guard.install();
  }

  @AfterEach
  void stopRecording() {
    guard.uninstall();
  }

  private void assertCaught(String message) {
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(guard.errors()).extracting(Throwable::getMessage).containsExactly(message);
    assertThatThrownBy(guard::check)
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("1 exception(s) on the JavaFX thread")
        .hasCause(guard.errors().get(0));
  }

  @Test
  void anExceptionInAnEventHandlerIsCaught(FxRobot robot) {
    robot.clickOn("#throwingButton");
    assertCaught("thrown by an event handler");
  }

  @Test
  void anExceptionInAListenerIsCaught() {
    Platform.runLater(() -> watched.set("changed"));
    assertCaught("thrown by a listener");
  }

  @Test
  void anExceptionInRunLaterIsCaught() {
    Platform.runLater(
        () -> {
          throw new IllegalArgumentException("thrown by runLater");
        });
    assertCaught("thrown by runLater");
  }

  @Test
  void nothingThrownPasses() {
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(guard.errors()).isEmpty();
    guard.check();
  }
}
