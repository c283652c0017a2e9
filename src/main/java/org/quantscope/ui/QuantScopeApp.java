// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import javafx.animation.PauseTransition;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.image.Image;
import javafx.stage.Stage;
import javafx.util.Duration;
import org.quantscope.AppInfo;
import org.quantscope.logs.LogFiles;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.pipeline.Runner;

/** The JavaFX application: one window with the {@link MainView}. */
public final class QuantScopeApp extends Application {
  private static final System.Logger LOG = System.getLogger(QuantScopeApp.class.getName());
  private static volatile List<Path> initialModels = List.of();
  private static volatile double exitAfterSeconds;

  /** The rendered sizes of icons/quantscope.svg in the resources; the stage picks per use. */
  /** The console of {@link #launch}, or null (tests). */
  private static java.io.PrintWriter console;

  private static final int[] ICON_SIZES = {16, 32, 48, 64, 128, 256};

  /**
   * Starts JavaFX and blocks until every window is closed. Each model opens in a window of its own;
   * one that cannot be opened shows its message there, and the others open all the same. The
   * session is logged to {@link LogFiles#folder()}.
   *
   * @param models the models to open; none for the built-in example
   * @param exitAfter close the windows after this many seconds; 0 keeps them open
   * @param console where the window says what it has to say on the console (the start-up trace)
   * @return the exit code
   */
  public static int launch(List<Path> models, double exitAfter, java.io.PrintWriter console) {
    initialModels = List.copyOf(models);
    QuantScopeApp.console = console;
    exitAfterSeconds = exitAfter;
    Path log = LogFiles.start(LogFiles.folder());
    LOG.log(
        System.Logger.Level.INFO,
        "QuantScope {0} started (Java {1}, {2}); log {3}; models {4}",
        AppInfo.version(),
        System.getProperty("java.version"),
        System.getProperty("os.name"),
        log,
        models);
    EarlyOpen.start(models.isEmpty() ? null : models.get(0));
    preloadClasses();
    Application.launch(QuantScopeApp.class);
    return 0;
  }

  /**
   * Loads (without initialising) the classes that the window needs before it is first shown, in a
   * background thread while JavaFX starts its toolkit: on two cores, reading and verifying them
   * then overlaps the toolkit's start instead of following it. The list is {@code
   * startup-classes.txt} beside this class, the classes loaded before the window was shown on
   * bert_tiny (written by {@code packaging/linux/startup-classes.sh}); a name that no longer exists
   * is skipped, so an old list only costs speed. The system property {@code quantscope.noPreload}
   * turns it off (the script that writes the list sets it, so that the list is what the window
   * itself loads).
   */
  private static void preloadClasses() {
    if (Boolean.getBoolean("quantscope.noPreload")) {
      return;
    }
    Thread t =
        new Thread(
            () -> {
              ClassLoader loader = QuantScopeApp.class.getClassLoader();
              try (var in = QuantScopeApp.class.getResourceAsStream("startup-classes.txt")) {
                if (in == null) {
                  return;
                }
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                for (String name : text.split("\n")) {
                  if (name.isBlank() || name.startsWith("#")) {
                    continue;
                  }
                  try {
                    Class.forName(name.strip(), false, loader);
                  } catch (ClassNotFoundException | LinkageError e) {
                    // renamed or removed since the list was written: nothing to preload
                  }
                }
              } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "no class preload: {0}", e.toString());
              }
            },
            "quantscope-preload");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
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
    Settings settings = Settings.preferences();
    List<Stage> stages = new ArrayList<>();
    showAll(stage, settings, initialModels, stages);
    if (exitAfterSeconds > 0) {
      PauseTransition exit = new PauseTransition(Duration.seconds(exitAfterSeconds));
      exit.setOnFinished(e -> stages.forEach(Stage::hide));
      exit.play();
    }
  }

  /**
   * Opens every model in a window: the first in {@code first}, each further one in a new stage
   * (added to {@code stages} with the first). With no model, the built-in example.
   *
   * @return the windows' view models, in the order of {@code models}
   */
  static List<MainViewModel> showAll(
      Stage first, Settings settings, List<Path> models, List<Stage> stages) {
    List<MainViewModel> vms = new ArrayList<>();
    List<Path> toOpen = models.isEmpty() ? java.util.Collections.singletonList(null) : models;
    for (int i = 0; i < toOpen.size(); i++) {
      Stage s = i == 0 ? first : new Stage();
      if (i > 0) { // cascade the windows so that each shows its title
        s.setX(first.getX() + 32 * i);
        s.setY(first.getY() + 32 * i);
      }
      stages.add(s);
      vms.add(show(s, settings, toOpen.get(i)));
    }
    return vms;
  }

  /**
   * Runs {@code then} (later on the FX thread) once a frame has been laid out with {@code ready}
   * true, and says so on the console as {@code traced} when the start-up trace is on ({@link
   * #trace}). The window's first frame with the model waits for the model (its facts, or why it
   * could not be opened): {@code ready} is that it is no longer loading.
   */
  private static void afterFrame(Scene scene, BooleanSupplier ready, String traced, Runnable then) {
    scene.addPostLayoutPulseListener(
        new Runnable() {
          @Override
          public void run() {
            if (!ready.getAsBoolean()) {
              return; // e.g. the model is still loading: its facts come in a later frame
            }
            scene.removePostLayoutPulseListener(this);
            trace(traced);
            Platform.runLater(then);
          }
        });
    Platform.requestNextPulse();
  }

  /**
   * With {@code QUANTSCOPE_STARTUP_TRACE} set to the launch's time (epoch milliseconds, as {@code
   * date +%s%3N} writes them), prints on the console how long after it {@code what} came; nothing
   * without it or when it is not such a number.
   */
  private static void trace(String what) {
    String since = System.getenv("QUANTSCOPE_STARTUP_TRACE");
    if (since == null || console == null) {
      return;
    }
    long start;
    try {
      start = Long.parseLong(since.strip());
    } catch (NumberFormatException e) {
      return;
    }
    console.printf(
        "quantscope: %s %d ms after the start%n", what, System.currentTimeMillis() - start);
    console.flush();
  }

  /**
   * Starts the runner's spare worker, off the FX thread (starting a process takes a moment). Called
   * once the first frame with the model is drawn: on two cores a JVM starting beside the window
   * would slow the window's own start and the model's load.
   */
  private static void warmUp(Runner runner) {
    Thread warm = new Thread(runner::warmUp, "quantscope-worker-warm-up");
    warm.setDaemon(true);
    warm.start();
  }

  /**
   * Fills the stage with the main window and opens the model, or the built-in example when it is
   * null.
   *
   * @return the window's view model
   */
  static MainViewModel show(Stage stage, Settings settings, Path model) {
    FxJobRunner jobs = new FxJobRunner();
    // ONNX Runtime runs in a worker process: a crash in its native code cannot close the window;
    // one worker is kept ready (ONNX Runtime loaded) while the window is open
    Runner runner = Runner.worker();
    MainViewModel vm = new MainViewModel(jobs, settings, new Pipeline(runner));
    MainView view = new MainView(vm, jobs, true);
    Scene scene =
        new Scene(
            view,
            clamp(settings.getDouble("window.width", 1400), 900, 4000),
            clamp(settings.getDouble("window.height", 860), 600, 3000));
    scene.getStylesheets().add(QuantScopeApp.class.getResource("quantscope.css").toExternalForm());
    stage.titleProperty().bind(vm.titleProperty());
    for (int size : ICON_SIZES) {
      String icon = QuantScopeApp.class.getResource("icon-" + size + ".png").toExternalForm();
      stage.getIcons().add(new Image(icon, true)); // decoded in the background
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
          settings.flush(); // once, when the window closes
          vm.runs().cancel();
          runner.close(); // the spare worker ends with its window
        });
    // opened before the window is shown: a model that is already read (EarlyOpen) is then in the
    // window's first frame, with its title
    // the graph's layout waits for that frame: on two cores ELK beside it would slow it
    vm.graph().holdLayouts();
    // and so does the nodes table: the first frame shows the model's facts, the table the next one
    view.holdNodeRows();
    if (model != null) {
      vm.open(model);
    } else {
      vm.openExample();
    }
    stage.show();
    // what the first frame with the model does not need waits for it, then for the one that
    // shows the nodes
    afterFrame(
        scene,
        () -> !vm.busyProperty().get(),
        "first frame with the model",
        () -> {
          view.releaseNodeRows();
          afterFrame(
              scene,
              () -> true,
              "nodes listed",
              () -> {
                vm.graph().releaseLayouts();
                view.buildDeferred();
                warmUp(runner);
              });
        });
    return vm;
  }

  private static double clamp(double v, double min, double max) {
    return Math.max(min, Math.min(max, v));
  }
}
