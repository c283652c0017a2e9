// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.nio.file.Path;
import java.util.Locale;
import javafx.animation.PauseTransition;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.image.Image;
import javafx.stage.Stage;
import javafx.util.Duration;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.pipeline.Runner;

/** The JavaFX application: one window with the {@link MainView}. */
public final class QuantScopeApp extends Application {
  private static volatile Path initialModel;
  private static volatile double exitAfterSeconds;

  /** The rendered sizes of icons/quantscope.svg in the resources; the stage picks per use. */
  private static final int[] ICON_SIZES = {16, 32, 48, 64, 128, 256};

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
    show(stage, Settings.preferences(), initialModel);
    if (exitAfterSeconds > 0) {
      PauseTransition exit = new PauseTransition(Duration.seconds(exitAfterSeconds));
      exit.setOnFinished(e -> stage.hide());
      exit.play();
    }
  }

  /**
   * Fills the stage with the main window and opens the model, or the built-in example when it is
   * null.
   *
   * @return the window's view model
   */
  static MainViewModel show(Stage stage, Settings settings, Path model) {
    FxJobRunner jobs = new FxJobRunner();
    // ONNX Runtime runs in a worker process: a crash in its native code cannot close the window
    MainViewModel vm = new MainViewModel(jobs, settings, new Pipeline(Runner.worker()));
    MainView view = new MainView(vm, jobs);
    Scene scene =
        new Scene(
            view,
            clamp(settings.getDouble("window.width", 1400), 900, 4000),
            clamp(settings.getDouble("window.height", 860), 600, 3000));
    scene.getStylesheets().add(QuantScopeApp.class.getResource("quantscope.css").toExternalForm());
    stage.titleProperty().bind(vm.titleProperty());
    for (int size : ICON_SIZES) {
      String icon = QuantScopeApp.class.getResource("icon-" + size + ".png").toExternalForm();
      stage.getIcons().add(new Image(icon));
    }
    stage.setScene(scene);
    stage.setMaximized(settings.getBoolean("window.maximized", false));
    stage.setOnHidden(
        e -> {
          vm.options().save();
          settings.put("window.maximized", Boolean.toString(stage.isMaximized()));
          if (!stage.isMaximized()) {
            settings.put("window.width", Double.toString(scene.getWidth()));
            settings.put("window.height", Double.toString(scene.getHeight()));
          }
          vm.runs().cancel();
        });
    stage.show();
    if (model != null) {
      vm.open(model);
    } else {
      vm.openExample();
    }
    return vm;
  }

  private static double clamp(double v, double min, double max) {
    return Math.max(min, Math.min(max, v));
  }
}
