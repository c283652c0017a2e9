// SPDX-License-Identifier: Apache-2.0
package org.quantscope.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.control.TabPane;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.ui.FxJobRunner;
import org.quantscope.ui.MainView;
import org.quantscope.ui.MainViewModel;
import org.quantscope.ui.QuantScopeApp;
import org.quantscope.ui.Settings;

/**
 * Takes the README's screenshots: opens a model (or the example) in a window, optionally runs
 * everything, selects a node and a side tab, and saves the window as a PNG. Run it by hand on a
 * display:
 *
 * <pre>
 * xvfb-run -s "-screen 0 1600x1000x24" java -cp "target/test-classes:target/classes:target/lib/*" \
 *     org.quantscope.bench.Screenshots OUT.png [MODEL.onnx] [--run-all] [--select NODE] [--tab ID] \
 *     [--reduce-range] [--tolerances ABS MEAN] [--samples N] [--seed N] \
 *     [--sensitivity] [--auto-exclude] [--compare] [--trace] [--propagated]
 * </pre>
 */
public final class Screenshots {
  private Screenshots() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    Path model = null;
    boolean runAll = false;
    String select = null;
    String tab = null;
    List<String> steps = new ArrayList<>();
    boolean reduceRange = false;
    boolean propagated = false;
    List<String[]> fields = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--tolerances" -> {
          fields.add(new String[] {"absTol", args[++i]});
          fields.add(new String[] {"meanTol", args[++i]});
        }
        case "--samples" -> fields.add(new String[] {"samples", args[++i]});
        case "--seed" -> fields.add(new String[] {"seed", args[++i]});
        case "--propagated" -> propagated = true;
        case "--trace" -> steps.add(args[i]);
        case "--run-all" -> runAll = true;
        case "--select" -> select = args[++i];
        case "--tab" -> tab = args[++i];
        case "--reduce-range" -> reduceRange = true;
        case "--sensitivity", "--auto-exclude", "--compare" -> steps.add(args[i]);
        default -> model = Path.of(args[i]);
      }
    }
    CountDownLatch started = new CountDownLatch(1);
    Platform.startup(started::countDown);
    started.await();
    FxJobRunner jobs = new FxJobRunner();
    Path m = model;
    Object[] made =
        onFx(
            () -> {
              MainViewModel vm = new MainViewModel(jobs, Settings.memory(), Pipeline.inProcess());
              MainView view = new MainView(vm, jobs);
              Scene scene = new Scene(view, 1440, 900);
              scene
                  .getStylesheets()
                  .add(QuantScopeApp.class.getResource("quantscope.css").toExternalForm());
              Stage stage = new Stage();
              stage.setScene(scene);
              stage.show();
              if (m == null) {
                vm.openExample();
              } else {
                vm.open(m);
              }
              return new Object[] {vm, view};
            });
    MainViewModel vm = (MainViewModel) made[0];
    MainView view = (MainView) made[1];
    idle(jobs);
    boolean rr = reduceRange;
    boolean pr = propagated;
    onFx(
        () -> {
          vm.options().reduceRangeProperty().set(rr);
          vm.graph().propagatedProperty().set(pr);
          for (String[] f : fields) {
            var o = vm.options();
            switch (f[0]) {
              case "absTol" -> o.absTol().textProperty().set(f[1]);
              case "meanTol" -> o.meanTol().textProperty().set(f[1]);
              case "samples" -> o.samples().textProperty().set(f[1]);
              default -> o.seed().textProperty().set(f[1]);
            }
          }
          return null;
        });
    for (String step : steps) {
      onFx(
          () -> {
            switch (step) {
              case "--sensitivity" -> vm.runs().analyzeSensitivity();
              case "--auto-exclude" -> vm.runs().autoExclude();
              case "--trace" -> vm.runs().traceError();
              default -> vm.runs().compare(org.quantscope.ui.CompareWith.PER_CHANNEL);
            }
            return null;
          });
      idle(jobs);
    }
    if (runAll) {
      onFx(
          () -> {
            vm.options().benchRuns().textProperty().set("50");
            vm.runs().runAll();
            return null;
          });
      idle(jobs);
    }
    String s = select;
    String t = tab;
    onFx(
        () -> {
          if (s != null) {
            vm.graph().selectedProperty().set(s);
            view.graphPanel().canvas().centerOn(s);
          }
          if (t != null) {
            TabPane tabs = (TabPane) view.lookup("#sideTabs");
            tabs.getTabs().stream()
                .filter(x -> t.equals(x.getId()))
                .findFirst()
                .ifPresent(x -> tabs.getSelectionModel().select(x));
          }
          return null;
        });
    idle(jobs);
    Thread.sleep(500);
    WritableImage image = onFx(() -> view.getScene().snapshot(null));
    write(image, out);
    System.out.println(
        "wrote "
            + out
            + "; status: "
            + onFx(() -> vm.runs().statusProperty().get())
            + "; failure: "
            + onFx(() -> vm.runs().failureProperty().get()));
    Platform.exit();
    System.exit(0);
  }

  private static void idle(FxJobRunner jobs) throws Exception {
    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    do {
      Thread.sleep(300);
    } while (onFx(() -> jobs.runningProperty().get()) > 0 && System.nanoTime() < end);
    Thread.sleep(300);
  }

  private static void write(WritableImage image, Path out) throws IOException {
    ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", out.toFile());
  }

  private static <T> T onFx(Callable<T> c) throws Exception {
    FutureTask<T> f = new FutureTask<>(c);
    Platform.runLater(f);
    return f.get(60, TimeUnit.SECONDS);
  }
}
