// SPDX-License-Identifier: Apache-2.0
package org.quantscope.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quantscope.TestModels;
import org.quantscope.model.ElementType;
import org.quantscope.model.ExampleModel;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.Protos;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.GraphProto;
import org.quantscope.parity.ParityOptions;
import org.quantscope.pipeline.Runner;
import org.quantscope.pipeline.WorkerRunner;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.runtime.Synthesizer;
import org.quantscope.worker.WorkerProcess;

/**
 * What the worker process costs: the window's parity check in-process (the old way) against the
 * same check in a worker, plus the hand-over alone (saving the in-memory int8 model). Not a test;
 * run by hand:
 *
 * <pre>
 * java -cp "target/test-classes:target/classes:target/lib/*" \
 *     org.quantscope.bench.WorkerHarness [example | mlp:LAYERS:WIDTH | MODEL.onnx] [REPS]
 * java [JVM options of the window] -cp ... org.quantscope.bench.WorkerHarness --quantize MODEL.onnx [REPS]
 * </pre>
 *
 * <p>{@code --quantize} times the window's quantization both ways, alternating: in this process
 * (where it ran until the window's JVM went C1 only) and in the worker with the int8 model read
 * back ({@code WorkerRunner#quantize}, where it runs now), each from asking to the int8 model in
 * this process's memory; with {@code -Dharness.parity=N}, then a parity check in the worker on N
 * made-up samples with each way's int8 model (the first handed over by saving it, the second as the
 * file the worker saved). Then the spare's RSS, and again 20 s later. Run it with the window's JVM
 * options to see what the window sees.
 *
 * <p>{@code mlp:24:1024} builds a 24-layer MLP of 1024x1024 float weights (about 100 MB) in code;
 * the float model is written to a temporary file and loaded from it, as the window loads a model.
 */
public final class WorkerHarness {
  private WorkerHarness() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--quantize")) {
      quantize(Path.of(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 5);
      return;
    }
    String what = args.length > 0 ? args[0] : "example";
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path tmp = Files.createTempDirectory("worker-harness-");
    OnnxModel fp32;
    List<Map<String, NdArray>> feeds;
    if (what.equals("example")) {
      fp32 = OnnxModel.of(ExampleModel.build());
      feeds =
          List.of(
              Map.of(
                  "features", NdArray.of(ExampleModel.sampleRows(64), 64, ExampleModel.FEATURES)));
    } else {
      Path file;
      if (what.startsWith("mlp:")) {
        String[] p = what.split(":");
        file = tmp.resolve("mlp.onnx");
        Files.write(file, mlp(Integer.parseInt(p[1]), Integer.parseInt(p[2])).toByteArray());
      } else {
        file = Path.of(what);
      }
      fp32 = ModelFiles.load(file);
      feeds = Synthesizer.synthesize(fp32, Synthesizer.Options.of(16, 0));
    }
    DynamicQuantizer.Output q =
        DynamicQuantizer.quantize(fp32, QuantizeOptions.DEFAULTS, Progress.NONE);
    OrtRuntime.SessionConfig sessions = OrtRuntime.SessionConfig.DEFAULT;
    Runner local = Runner.inProcess();
    WorkerRunner worker = new WorkerRunner(WorkerProcess.standard());
    ModelSource ref = ModelSource.of(fp32, fp32.displayName(), -1);
    ModelSource cand = ModelSource.of(q.model(), "int8", -1);
    double[] inProcess = new double[reps];
    double[] inWorker = new double[reps];
    double[] handOver = new double[reps];
    double cold = 0;
    for (int r = -1; r < reps; r++) { // one warm-up round: the worker's first run, cold
      long t0 = System.nanoTime();
      local.parity(ref, cand, feeds, ParityOptions.DEFAULTS, sessions, Progress.NONE);
      long t1 = System.nanoTime();
      worker.parity(ref, cand, feeds, ParityOptions.DEFAULTS, sessions, Progress.NONE);
      long t2 = System.nanoTime();
      Path saved = tmp.resolve("int8-" + r + ".onnx");
      ModelFiles.save(q.model(), saved);
      if (fp32.file().isEmpty()) {
        ModelFiles.save(fp32, tmp.resolve("fp32-" + r + ".onnx"));
      }
      long t3 = System.nanoTime();
      if (r < 0) {
        cold = (t2 - t1) / 1e6;
      } else {
        inProcess[r] = (t1 - t0) / 1e6;
        inWorker[r] = (t2 - t1) / 1e6;
        handOver[r] = (t3 - t2) / 1e6;
      }
    }
    long int8Bytes = ModelFiles.inline(q.model()).getSerializedSize();
    System.out.printf(
        Locale.ROOT,
        "%s: fp32 %.1f MB%s, int8 %.1f MB in memory, %d feeds, %d reps (median)%n",
        what,
        sizeMb(fp32),
        fp32.file().isPresent() ? " (from a file)" : " (in memory)",
        int8Bytes / 1e6,
        feeds.size(),
        reps);
    double in = median(inProcess);
    double out = median(inWorker);
    System.out.printf(Locale.ROOT, "  parity in-process   %8.0f ms%n", in);
    System.out.printf(Locale.ROOT, "  parity in a worker  %8.0f ms%n", out);
    System.out.printf(Locale.ROOT, "  overhead            %8.0f ms%n", out - in);
    System.out.printf(
        Locale.ROOT, "  of which hand-over  %8.0f ms (saving the models)%n", median(handOver));
    System.out.printf(
        Locale.ROOT, "  the worker's first run (cold, before the rounds) %8.0f ms%n", cold);
    long pid = worker.spareProcessId().orElse(-1);
    System.out.printf(
        Locale.ROOT, "  the spare worker after the runs: pid %d, RSS %s%n", pid, rss(pid));
    worker.close();
    try (var files = Files.walk(tmp)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static void quantize(Path file, int reps) throws Exception {
    OnnxModel fp32 = ModelFiles.load(file);
    Runner local = Runner.inProcess();
    int samples = Integer.getInteger("harness.parity", 0);
    List<Map<String, NdArray>> feeds =
        samples == 0 ? List.of() : Synthesizer.synthesize(fp32, Synthesizer.Options.of(samples, 0));
    ModelSource ref = ModelSource.of(fp32, fp32.displayName(), -1);
    ParityOptions po = ParityOptions.DEFAULTS;
    OrtRuntime.SessionConfig sessions = OrtRuntime.SessionConfig.DEFAULT;
    Progress none = Progress.NONE;
    try (WorkerRunner worker = new WorkerRunner(WorkerProcess.standard())) {
      worker.warmUp(); // the window's spare is ready before the first run
      Thread.sleep(Long.getLong("harness.wait", 3000));
      for (int r = 1; r <= reps; r++) {
        long t0 = System.nanoTime();
        DynamicQuantizer.Output a = local.quantize(fp32, QuantizeOptions.DEFAULTS, Progress.NONE);
        long t1 = System.nanoTime();
        DynamicQuantizer.Output b = worker.quantize(fp32, QuantizeOptions.DEFAULTS, Progress.NONE);
        long t2 = System.nanoTime();
        if (!a.result().equals(b.result())) {
          throw new IllegalStateException("the two ways quantized differently");
        }
        String parity = "";
        if (!feeds.isEmpty()) {
          // then the window's parity check in the worker, on each way's int8 model
          long p0 = System.nanoTime();
          worker.parity(ref, ModelSource.of(a.model(), "int8", -1), feeds, po, sessions, none);
          long p1 = System.nanoTime();
          worker.parity(ref, ModelSource.of(b.model(), "int8", -1), feeds, po, sessions, none);
          long p2 = System.nanoTime();
          parity =
              String.format(
                  Locale.ROOT,
                  "; then parity %6.0f ms and %6.0f ms",
                  (p1 - p0) / 1e6,
                  (p2 - p1) / 1e6);
        }
        System.out.printf(
            Locale.ROOT,
            "round %d: in this process %6.0f ms, in the worker %6.0f ms%s%n",
            r,
            (t1 - t0) / 1e6,
            (t2 - t1) / 1e6,
            parity);
      }
      long pid = worker.spareProcessId().orElse(-1);
      System.out.printf(
          Locale.ROOT,
          "the spare worker after the runs: pid %d, RSS %s; this process: RSS %s%n",
          pid,
          rss(pid),
          rss(ProcessHandle.current().pid()));
      Thread.sleep(20_000);
      System.out.printf(Locale.ROOT, "20 s later, the spare's RSS %s%n", rss(pid));
    }
  }

  /** A process's resident memory from /proc (Linux), or "unknown". */
  private static String rss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return line.substring(6).trim();
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux, or the process is gone
    }
    return "unknown";
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** x[batch, width] through {@code layers} MatMul + Relu layers of [width, width] weights. */
  static org.quantscope.onnx.ModelProto mlp(int layers, int width) {
    GraphProto.Builder g = GraphProto.newBuilder().setName("mlp");
    g.addInput(Protos.tensorValue("x", ElementType.FLOAT, "batch", width));
    String h = "x";
    List<String> names = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      String w = "W" + l;
      names.add(w);
      g.addInitializer(
          Tensors.rawFloats(
              w, new long[] {width, width}, TestModels.values(width * width, 100 + l)));
      g.addNode(Protos.node("MatMul", "fc" + l, List.of(h, w), List.of("m" + l)));
      g.addNode(Protos.node("Relu", "relu" + l, List.of("m" + l), List.of("r" + l)));
      h = "r" + l;
    }
    g.addOutput(Protos.tensorValue(h, ElementType.FLOAT, "batch", width));
    return TestModels.model(g);
  }

  private static double sizeMb(OnnxModel m) throws java.io.IOException {
    return ModelFiles.sizeBytes(m) / 1e6;
  }
}
