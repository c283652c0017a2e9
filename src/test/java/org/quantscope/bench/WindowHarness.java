// SPDX-License-Identifier: Apache-2.0
package org.quantscope.bench;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.quantscope.model.Protos;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.ui.FxJobRunner;
import org.quantscope.ui.GraphCanvas;
import org.quantscope.ui.MainView;
import org.quantscope.ui.MainViewModel;
import org.quantscope.ui.Settings;

/**
 * Measures the window on big graphs: time from asking to open a model to its graph drawn on the
 * canvas, then the FX thread while the graph is panned and zoomed once per frame for three seconds
 * (longest paint, longest gap between frames). Not a test; run it by hand on a display (Xvfb will
 * do):
 *
 * <pre>
 * ./mvnw -B -q package -DskipTests
 * xvfb-run -s "-screen 0 1600x1000x24" java -cp "target/test-classes:target/classes:target/lib/*" \
 *     org.quantscope.bench.WindowHarness [MODEL.onnx | --synthetic NODES]...
 * </pre>
 *
 * <p>Each model is opened three times in the same window; the first open includes class loading and
 * JIT warm-up, and all three are printed. Graphs above 300 nodes open with their repeated blocks
 * collapsed, as in the window; after {@code --expanded} the models that follow open whole. When a
 * graph opened collapsed, opening one block (a click on its box) is timed three times too, from the
 * click to the new drawing painted.
 */
public final class WindowHarness {
  private WindowHarness() {}

  public static void main(String[] args) throws Exception {
    List<Path> models = new ArrayList<>();
    List<Boolean> expanded = new ArrayList<>();
    boolean whole = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--expanded")) {
        whole = true;
        continue;
      }
      expanded.add(whole);
      if (args[i].equals("--synthetic")) {
        int n = Integer.parseInt(args[++i]);
        Path p = Files.createTempFile("synthetic-" + n + "-", ".onnx");
        p.toFile().deleteOnExit();
        Files.write(p, Protos.model(small(LayoutHarness.bertLike(n)), 8, 17).toByteArray());
        models.add(p);
      } else {
        models.add(Path.of(args[i]));
      }
    }
    if (models.isEmpty()) {
      System.err.println("usage: WindowHarness [--expanded] [MODEL.onnx | --synthetic NODES]...");
      System.exit(2);
    }
    CountDownLatch started = new CountDownLatch(1);
    Platform.startup(started::countDown);
    started.await();
    Platform.setImplicitExit(false);
    Window w = onFx(Window::new);
    for (int m = 0; m < models.size(); m++) {
      Path model = models.get(m);
      boolean open = expanded.get(m);
      onFx(
          () -> {
            w.vm.graph().setCollapseAbove(open ? Integer.MAX_VALUE : 300);
            return null;
          });
      for (int round = 1; round <= 3; round++) {
        double opened = w.openAndWaitForPaint(model);
        System.out.printf(
            Locale.ROOT,
            "%s round %d: %d nodes (%s), open to graph drawn %.2f s%n",
            model.getFileName(),
            round,
            w.nodeCount(),
            w.vm.graph().collapsedRuns().isEmpty()
                ? "whole"
                : w.vm.graph().collapsedRuns().size() + " collapsed runs",
            opened);
      }
      if (!w.vm.graph().collapsedRuns().isEmpty()) {
        // first not prepared in advance (each click lays out anew), then as the window does it
        for (boolean prepare : new boolean[] {false, true}) {
          onFx(
              () -> {
                w.vm.graph().setPrepareBlocks(prepare);
                return null;
              });
          for (int round = 1; round <= 3; round++) {
            if (!prepare) {
              w.reopenWithoutLayouts(model);
            } else {
              w.waitForPreparedBlocks();
            }
            System.out.printf(
                Locale.ROOT,
                "  open a block round %d (%s): click to drawn %.0f ms (%d boxes)%n",
                round,
                prepare ? "prepared in advance" : "laid out on the click",
                w.expandAndWaitForPaint() * 1000,
                w.vm.graph().layoutProperty().get().boxes().size());
          }
        }
      }
      w.pan("first view");
      onFx(
          () -> {
            w.canvas().fit();
            return null;
          });
      w.pan("fit view");
      onFx(
          () -> {
            w.canvas().zoomBy(1 / w.canvas().scale()); // 1:1
            return null;
          });
      w.pan("1:1 view");
    }
    Platform.exit();
    System.exit(0);
  }

  /**
   * The layout harness's graph has weights without values; this gives them values, with every
   * dimension divided by 48 so that a 10,000-node graph stays small. The topology is unchanged.
   */
  private static GraphProto small(GraphProto g) {
    GraphProto.Builder b = g.toBuilder();
    for (TensorProto.Builder t : b.getInitializerBuilderList()) {
      long count = 1;
      for (int i = 0; i < t.getDimsCount(); i++) {
        long d = Math.max(1, t.getDims(i) / 48);
        t.setDims(i, d);
        count *= d;
      }
      t.setRawData(ByteString.copyFrom(new byte[(int) count * 4]));
    }
    return b.build();
  }

  private static <T> T onFx(java.util.concurrent.Callable<T> c) throws Exception {
    java.util.concurrent.FutureTask<T> f = new java.util.concurrent.FutureTask<>(c);
    Platform.runLater(f);
    return f.get(60, TimeUnit.SECONDS);
  }

  private static final class Window {
    final MainViewModel vm;
    final MainView view;
    volatile CountDownLatch firstPaint;
    final List<Long> paints = new ArrayList<>();

    Window() {
      FxJobRunner jobs = new FxJobRunner();
      vm = new MainViewModel(jobs, Settings.memory(), Pipeline.inProcess());
      view = new MainView(vm, jobs);
      Stage stage = new Stage();
      Scene scene = new Scene(view, 1400, 860);
      // the window's own style sheet, as QuantScopeApp adds it: what it draws is what is timed
      scene
          .getStylesheets()
          .add(
              org.quantscope.ui.QuantScopeApp.class.getResource("quantscope.css").toExternalForm());
      stage.setScene(scene);
      stage.show();
      // an invalidation, not a change: opening the same model again gives an equal summary, which
      // a change listener does not hear (the second round printed "loaded -2265.39 s")
      vm.summaryProperty()
          .addListener(
              (javafx.beans.Observable o) -> {
                vm.summaryProperty().get(); // valid again, so that the next set is heard
                opened = System.nanoTime();
              });
      vm.graph()
          .layoutProperty()
          .addListener(
              (o, a, b) -> {
                if (b != null) {
                  laidOut = System.nanoTime();
                }
              });
      canvas()
          .setOnPainted(
              nanos -> {
                paints.add(nanos);
                CountDownLatch l = firstPaint;
                if (l != null && vm.graph().layoutProperty().get() != null) {
                  l.countDown();
                }
              });
    }

    GraphCanvas canvas() {
      return view.graphPanel().canvas();
    }

    int nodeCount() {
      return vm.graph().scopeProperty().get().graph().getNodeCount();
    }

    volatile long opened;
    volatile long laidOut;

    double openAndWaitForPaint(Path model) throws Exception {
      CountDownLatch latch = new CountDownLatch(1);
      long t0 = System.nanoTime();
      opened = 0;
      laidOut = 0;
      Platform.runLater(
          () -> {
            firstPaint = null;
            vm.graph().setModel(null);
            firstPaint = latch;
            vm.open(model);
          });
      if (!latch.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the graph was not drawn within 120 s");
      }
      long t1 = System.nanoTime();
      System.out.printf(
          Locale.ROOT,
          "  loaded and summarised %.2f s, laid out %.2f s, drawn %.2f s%n",
          (opened - t0) / 1e9,
          (laidOut - t0) / 1e9,
          (t1 - t0) / 1e9);
      return (t1 - t0) / 1e9;
    }

    /** Opens the model again, so that no layout of it is kept: the next click lays out anew. */
    void reopenWithoutLayouts(Path model) throws Exception {
      openAndWaitForPaint(model);
    }

    /** Waits until the window has laid out in advance what a click on a box would draw. */
    void waitForPreparedBlocks() throws Exception {
      onFx(
          () -> {
            vm.graph().collapseAll();
            return null;
          });
      while (onFx(() -> vm.graph().preparingProperty().get())
          || onFx(() -> vm.graph().layingOutProperty().get())) {
        Thread.sleep(5);
      }
    }

    /**
     * Collapses the blocks, then opens the first block's box, as a click on it does, and waits
     * until the new layout is painted; seconds from the click.
     */
    double expandAndWaitForPaint() throws Exception {
      CountDownLatch latch = new CountDownLatch(1);
      long[] t0 = new long[1];
      onFx(
          () -> {
            var g = vm.graph();
            g.collapseAll();
            return null;
          });
      // wait for the collapsed layout first
      while (onFx(() -> vm.graph().layingOutProperty().get())) {
        Thread.sleep(5);
      }
      onFx(
          () -> {
            var g = vm.graph();
            var run = g.collapsedRuns().get(0);
            firstPaint = null;
            var first = g.blocks().get(0);
            String box =
                g.collapsedRuns().stream()
                    .filter(c -> c.firstNode() == first.firstIndexes().get(0))
                    .findFirst()
                    .orElse(run)
                    .id();
            g.layoutProperty()
                .addListener(
                    new javafx.beans.value.ChangeListener<>() {
                      @Override
                      public void changed(
                          javafx.beans.value.ObservableValue<
                                  ? extends org.quantscope.graph.GraphLayout.Result>
                              o,
                          org.quantscope.graph.GraphLayout.Result a,
                          org.quantscope.graph.GraphLayout.Result b) {
                        if (b != null) {
                          firstPaint = latch;
                          o.removeListener(this);
                        }
                      }
                    });
            t0[0] = System.nanoTime();
            g.expandBlock(box);
            return null;
          });
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the opened block was not drawn within 60 s");
      }
      return (System.nanoTime() - t0[0]) / 1e9;
    }

    /** Pans (and every tenth frame zooms) once per frame for three seconds. */
    void pan(String label) throws Exception {
      List<Long> gaps = new ArrayList<>();
      CountDownLatch done = new CountDownLatch(1);
      onFx(
          () -> {
            paints.clear();
            AnimationTimer timer =
                new AnimationTimer() {
                  long start;
                  long last;
                  int frame;

                  @Override
                  public void handle(long now) {
                    if (start == 0) {
                      start = now;
                    } else {
                      gaps.add(now - last);
                    }
                    last = now;
                    frame++;
                    if (frame % 10 == 0) {
                      canvas().zoomBy(frame % 20 == 0 ? 1.1 : 1 / 1.1);
                    } else {
                      canvas().panBy(frame % 200 < 100 ? -12 : 12, frame % 60 < 30 ? -5 : 5);
                    }
                    if (now - start > 3_000_000_000L) {
                      stop();
                      done.countDown();
                    }
                  }
                };
            timer.start();
            return null;
          });
      done.await(60, TimeUnit.SECONDS);
      long[] p = onFx(() -> paints.stream().mapToLong(Long::longValue).sorted().toArray());
      long[] g = gaps.stream().mapToLong(Long::longValue).sorted().toArray();
      if (Boolean.getBoolean("harness.frames")) {
        // the slowest frames with their number (every tenth zooms), to tell a first drawing, a
        // zoom or a pause from the rest
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < gaps.size(); i++) {
          order.add(i);
        }
        order.sort((a, b) -> Long.compare(gaps.get(b), gaps.get(a)));
        StringBuilder worst =
            new StringBuilder("  slowest frames (" + gaps.size() + "/" + g.length + "):");
        for (int i : order.subList(0, Math.min(6, order.size()))) {
          worst.append(String.format(Locale.ROOT, " #%d %.1f ms", i + 1, gaps.get(i) / 1e6));
        }
        System.out.println(worst);
      }
      System.out.printf(
          Locale.ROOT,
          "  pan/zoom at %s (scale %.2f): %d frames, paint p50 %.1f ms max %.1f ms;"
              + " frame gap p50 %.1f ms p99 %.1f ms max %.1f ms%n",
          label,
          onFx(() -> canvas().scale()),
          g.length,
          pct(p, 0.5),
          pct(p, 1.0),
          pct(g, 0.5),
          pct(g, 0.99),
          pct(g, 1.0));
    }

    private static double pct(long[] sorted, double q) {
      if (sorted.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
      return sorted[Math.max(0, i)] / 1e6;
    }
  }
}
