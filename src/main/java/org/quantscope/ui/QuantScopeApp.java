// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.nio.file.Path;
import java.util.Locale;
import javafx.animation.PauseTransition;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.image.Image;
import javafx.stage.Stage;
import javafx.util.Duration;

/** The JavaFX application: one window with the {@link MainView}. */
public final class QuantScopeApp extends Application {
  private static volatile Path initialModel;
  private static volatile double exitAfterSeconds;

  /**
   * Starts JavaFX and blocks until the window is closed.
   *
   * @param model the model to open, or null for the built-in example
   * @param exitAfter close the window after this many seconds; 0 keeps it open
   * @return the exit code
   */
  public static int launch(Path model, double exitAfter) {
    initialModel = model;
    exitAfterSeconds = exitAfter;
    Application.launch(QuantScopeApp.class);
    return 0;
  }

  /**
   * Why no window can be shown here (no display on Linux), or null if it can. Checked before
   * starting JavaFX, whose own failure is a stack trace.
   */
  public static String displayProblem() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    boolean monocle = "Monocle".equals(System.getProperty("glass.platform"));
    if (os.contains("linux") && !monocle) {
      String display = System.getenv("DISPLAY");
      String wayland = System.getenv("WAYLAND_DISPLAY");
      if ((display == null || display.isBlank()) && (wayland == null || wayland.isBlank())) {
        return "no display (DISPLAY is not set)";
      }
    }
    return null;
  }

  @Override
  public void start(Stage stage) {
    FxJobRunner jobs = new FxJobRunner();
    MainViewModel vm = new MainViewModel(jobs);
    MainView view = new MainView(vm);
    Scene scene = new Scene(view, 1280, 800);
    scene.getStylesheets().add(QuantScopeApp.class.getResource("quantscope.css").toExternalForm());
    stage.titleProperty().bind(vm.titleProperty());
    stage
        .getIcons()
        .add(new Image(QuantScopeApp.class.getResource("icon-256.png").toExternalForm()));
    stage.setScene(scene);
    stage.show();
    if (initialModel != null) {
      vm.open(initialModel);
    } else {
      vm.openExample();
    }
    if (exitAfterSeconds > 0) {
      PauseTransition exit = new PauseTransition(Duration.seconds(exitAfterSeconds));
      exit.setOnFinished(e -> Platform.exit());
      exit.play();
    }
  }
}
