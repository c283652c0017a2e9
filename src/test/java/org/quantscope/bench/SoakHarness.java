// SPDX-License-Identifier: Apache-2.0
package org.quantscope.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.pipeline.Runner;
import org.quantscope.ui.FxJobRunner;
import org.quantscope.ui.MainView;
import org.quantscope.ui.MainViewModel;
import org.quantscope.ui.Settings;

/**
 * A long session in one window, as the window runs (its view, its job runner, its worker runner
 * with the spare worker): opens the models one after another OPENS times, then clicks *Run all*
 * (quantize, parity, benchmark) RUNS times on the last one, then closes the window. Prints, every
 * few steps and at the end, the heap after a full GC, this process's RSS, its live threads and its
 * child processes (with the spare worker's RSS), so that growth shows. Not a test; run it by hand
 * on a display (Xvfb will do):
 *
 * <pre>
 * ./mvnw -q test-compile
 * xvfb-run -s "-screen 0 1600x1000x24" java -cp "target/test-classes:target/classes:target/lib/*" \
 *     org.quantscope.bench.SoakHarness OPENS RUNS MODEL.onnx...
 * </pre>
 *
 * <p>The options are the window's defaults but for 8 made-up samples and 5 benchmark runs, so that
 * a run takes seconds.
 */
public final class SoakHarness {
  private SoakHarness() {}

  public static void main(String[] args) throws Exception {
    int opens = Integer.parseInt(args[0]);
    int runs = Integer.parseInt(args[1]);
    List<Path> models = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      models.add(Path.of(args[i]));
    }
    if (models.isEmpty()) {
      System.err.println("usage: SoakHarness OPENS RUNS MODEL.onnx...");
      System.exit(2);
    }
    Set<Long> childrenBefore = children();
    CountDownLatch started = new CountDownLatch(1);
    Platform.startup(started::countDown);
    started.await();
    Platform.setImplicitExit(false);
    int threadsBefore = Thread.activeCount();
    report("start", childrenBefore);

    Settings settings = Settings.memory();
    settings.put("samples", "8");
    settings.put("benchRuns", "5");
    Runner runner = Runner.worker();
    FxJobRunner jobs = new FxJobRunner();
    MainViewModel vm = new MainViewModel(jobs, settings, new Pipeline(runner));
    Stage stage =
        onFx(
            () -> {
              Stage s = new Stage();
              s.setScene(new Scene(new MainView(vm, jobs), 1400, 860));
              s.show();
              return s;
            });
    runner.warmUp();

    long t0 = System.nanoTime();
    for (int i = 0; i < opens; i++) {
      Path model = models.get(i % models.size());
      onFx(
          () -> {
            vm.open(model);
            return null;
          });
      waitFor(
          () ->
              onFxQuietly(
                  () -> !vm.busyProperty().get() && vm.graph().layoutProperty().get() != null),
          "open " + model);
      if ((i + 1) % Math.max(1, opens / 5) == 0 || i + 1 == opens) {
        report("opened " + (i + 1), childrenBefore);
      }
    }
    System.out.printf(Locale.ROOT, "  %d opens in %.1f s%n", opens, (System.nanoTime() - t0) / 1e9);

    t0 = System.nanoTime();
    int failed = 0;
    for (int i = 0; i < runs; i++) {
      onFx(
          () -> {
            vm.runs().runAll();
            return null;
          });
      waitFor(() -> onFxQuietly(() -> !vm.runs().runningProperty().get()), "run all");
      if (onFx(() -> vm.runs().failureProperty().get()) != null) {
        failed++;
        System.out.println(
            "  run "
                + (i + 1)
                + " failed: "
                + onFx(() -> vm.runs().failureProperty().get().message()));
      }
      if ((i + 1) % Math.max(1, runs / 5) == 0 || i + 1 == runs || i < 3) {
        report("run all " + (i + 1), childrenBefore);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "  %d runs (%d failed) in %.1f s%n",
        runs,
        failed,
        (System.nanoTime() - t0) / 1e9);

    onFx(
        () -> {
          stage.hide();
          return null;
        });
    runner.close(); // what the window does when it closes
    Thread.sleep(2_000);
    report("window closed", childrenBefore);
    System.out.printf(
        Locale.ROOT,
        "  threads: %d before the window, %d after it closed%n",
        threadsBefore,
        Thread.activeCount());
    Platform.exit();
    System.exit(0);
  }

  private static void report(String when, Set<Long> childrenBefore) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    List<ProcessHandle> kids =
        ProcessHandle.current().children().filter(p -> !childrenBefore.contains(p.pid())).toList();
    String workers =
        kids.stream()
            .map(p -> p.pid() + " (RSS " + rss(p.pid()) + ")")
            .collect(Collectors.joining(", "));
    System.out.printf(
        Locale.ROOT,
        "%-16s heap after GC %6.1f MB, RSS %s, %d threads, %d workers%s%n",
        when,
        heap / 1e6,
        rss(ProcessHandle.current().pid()),
        Thread.activeCount(),
        kids.size(),
        kids.isEmpty() ? "" : ": " + workers);
  }

  private static Set<Long> children() {
    return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
  }

  /** A process's resident memory from /proc (Linux), or "?". */
  static String rss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return String.format(
              Locale.ROOT, "%.0f MB", Long.parseLong(line.replaceAll("\\D", "")) / 1024.0);
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux, or the process is gone
    }
    return "?";
  }

  private static void waitFor(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    Thread.sleep(50); // let the job start
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + " did not end within 10 minutes");
      }
      Thread.sleep(20);
    }
  }

  private static boolean onFxQuietly(Callable<Boolean> c) {
    try {
      return onFx(c);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T onFx(Callable<T> c) throws Exception {
    FutureTask<T> f = new FutureTask<>(c);
    Platform.runLater(f);
    return f.get(60, TimeUnit.SECONDS);
  }
}
