// SPDX-License-Identifier: Apache-2.0
package org.quantscope.worker;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.quantscope.logs.LogFiles;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.SaveOptions;
import org.quantscope.progress.Cancellation;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.NdArray;

/**
 * Runs {@link WorkerJob}s in a separate process, so that a model that crashes ONNX Runtime's native
 * code cannot take the calling process (the window) down, and so that cancelling stops even a long
 * {@code session.run} at once.
 *
 * <p>A worker is the same Java and class path, started as {@code org.quantscope.Main __worker
 * --serve HOME} ({@link WorkerMain#serve}): it loads ONNX Runtime and waits for jobs. One worker is
 * kept ready (the <em>spare</em>, {@link #warmUp()}); a job takes it, and when the job ends
 * normally the worker is the spare again, with ONNX Runtime loaded and the sessions of the user's
 * model files still open. A job the user cancels kills its worker at once; a worker that crashes
 * costs its job; either way a fresh spare is started in its place. {@link #close()} ends the spare:
 * the window closes its runner when it closes, and a shutdown hook ends every worker when this JVM
 * exits (the worker also ends itself when its stdin closes).
 *
 * <p>Each job has a fresh private temporary folder ({@link #prepare()}) holding the job ({@code
 * job.json}), the samples ({@code feeds.bin}), the models that live only in memory (saved as {@code
 * .onnx}; a model unchanged since it was loaded is passed as its own file), and at the end {@code
 * result.json}. The worker has a folder of its own for its log and temporary files. Progress
 * arrives as lines on the worker's stdout and is forwarded to the job's {@link Progress}. Folders
 * are deleted when their job or worker ends, whatever the outcome.
 *
 * <p>Outcomes: the result; the worker's own exception raised again here with its message ({@link
 * IOException}, {@link IllegalArgumentException}, {@link NothingToQuantizeException}, or {@link
 * WorkerError} for bugs); {@link WorkerCrashedException} when the worker died without a result;
 * {@link CancellationException} when the calling thread was interrupted, in which case the worker
 * has been killed ({@link Process#destroyForcibly()}) and waited for before the call returns.
 *
 * <p>Costs: a JVM start and ORT's native library load per worker, paid while the spare waits, plus
 * writing the in-memory models once per job; the spare's memory (see {@code
 * src/site/markdown/measurements.md}).
 */
public final class WorkerProcess implements AutoCloseable {
  /** The hidden verb that runs a worker: {@code org.quantscope.Main __worker FOLDER}. */
  public static final String VERB = "__worker";

  /** The hidden verb's option for a worker that serves jobs: {@code __worker --serve HOME}. */
  public static final String SERVE = "--serve";

  private static final List<String> MAIN = List.of("org.quantscope.Main", VERB);

  /** Parent system properties passed on to the worker: ONNX Runtime's own settings. */
  private static final List<String> FORWARDED_PREFIXES = List.of("onnxruntime.", "ORT_");

  private final Path tempRoot;
  private final List<String> entryPoint;
  private final Map<String, String> properties;
  private final Path logFolder;

  /**
   * A waiting worker collects its garbage and gives the memory back after this long without a
   * collection (G1's periodic collection): the heap of a quantization stayed otherwise, 1.2 GB of
   * RSS after a BERT-base-sized model.
   */
  static final long IDLE_GC_MILLIS = 10_000;

  private final Object lock = new Object();
  private Worker spare;
  private boolean closed;
  private final WorkerOutputs outputs;

  /** Every worker of this JVM still running, for the shutdown hook. */
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "quantscope-workers-end"));
  }

  private WorkerProcess(
      Path tempRoot, List<String> entryPoint, Map<String, String> properties, Path logFolder) {
    this.tempRoot = tempRoot;
    this.entryPoint = List.copyOf(entryPoint);
    this.properties = Map.copyOf(properties);
    this.logFolder = logFolder;
    this.outputs = new WorkerOutputs(tempRoot);
  }

  /**
   * Workers started with this process's Java, class path and maximum heap, with temporary folders
   * in {@code java.io.tmpdir}.
   */
  public static WorkerProcess standard() {
    return new WorkerProcess(null, MAIN, Map.of(), LogFiles.folder());
  }

  /** The same, keeping the logs of crashed workers in {@code dir} instead of the log folder. */
  public WorkerProcess withLogFolder(Path dir) {
    return new WorkerProcess(tempRoot, entryPoint, properties, dir);
  }

  /** The same, making its temporary folders in {@code dir}. */
  public WorkerProcess withTempRoot(Path dir) {
    return new WorkerProcess(dir, entryPoint, properties, logFolder);
  }

  /**
   * The same, starting workers through another main class, which receives {@code args} and then the
   * job's folder: for tests, whose own entry point can make a worker misbehave on purpose. Ignored
   * by a packaged application (its launcher runs {@code org.quantscope.Main}).
   */
  public WorkerProcess withEntryPoint(String mainClass, String... args) {
    List<String> e = new ArrayList<>();
    e.add(mainClass);
    e.addAll(List.of(args));
    return new WorkerProcess(tempRoot, e, properties, logFolder);
  }

  /** The same, passing one more system property to the worker. */
  public WorkerProcess withProperty(String key, String value) {
    Map<String, String> p = new LinkedHashMap<>(properties);
    p.put(key, value);
    return new WorkerProcess(tempRoot, entryPoint, p, logFolder);
  }

  /** A fresh job folder; close it to delete it (and kill a worker still running). */
  public Job prepare() throws IOException {
    Cancellation.check();
    Path dir =
        tempRoot == null
            ? Files.createTempDirectory("quantscope-worker-")
            : Files.createTempDirectory(tempRoot, "quantscope-worker-");
    return new Job(dir);
  }

  /**
   * A fresh private folder for files a worker writes for this process (the int8 model of a
   * quantization), outside every job's folder; see {@link WorkerOutputs}.
   */
  public WorkerOutputs.Output output() throws IOException {
    return outputs.next();
  }

  /** One job: its folder, the models handed over, then one run of one worker. */
  public final class Job implements AutoCloseable {
    private final Path dir;

    private Job(Path dir) {
      this.dir = dir;
    }

    /**
     * The model as a file the worker can read: the model's own file when it has one and is
     * unchanged since it was loaded, else the model saved into a folder of the job's. The saved
     * file is called like the model ({@link OnnxModel#displayName()}), so that the worker's
     * messages name it as an in-memory model is named.
     *
     * @param role a folder name for the saved copy, unique in the job ("reference", "candidate")
     */
    public WorkerJob.ModelFile handOver(ModelSource m, String role) throws IOException {
      String path;
      if (m.file() != null) {
        path = m.file().toAbsolutePath().toString();
      } else if (m.model().file().isPresent()) {
        path = m.model().file().get().toAbsolutePath().toString();
      } else {
        Path folder = Files.createDirectory(dir.resolve(role));
        Path target = folder.resolve(m.model().displayName());
        path = ModelFiles.save(m.model(), target, SaveOptions.DEFAULT).model().toString();
      }
      return new WorkerJob.ModelFile(path, m.name(), m.sizeBytes());
    }

    /**
     * Runs the job in the spare worker (or a fresh one when there is none) and returns its result.
     *
     * @throws WorkerCrashedException if the worker died without a result
     * @throws CancellationException if this thread was interrupted (the worker is gone)
     */
    public WorkerResult run(WorkerJob job, List<Map<String, NdArray>> feeds, Progress progress)
        throws IOException, NothingToQuantizeException {
      WorkerJson.write(dir.resolve(WorkerMain.JOB), job);
      FeedFiles.write(dir.resolve(WorkerMain.FEEDS), feeds);
      Cancellation.check();
      Worker w = take();
      boolean healthy = false;
      try {
        int code = w.run(dir, progress);
        Path result = dir.resolve(WorkerMain.RESULT);
        if (code == Worker.ENDED || !Files.isRegularFile(result)) {
          int exit = code == Worker.ENDED ? w.exitCode() : code;
          String message =
              String.format(
                  Locale.ROOT,
                  "ONNX Runtime crashed while %s (exit code %d); the window and your model are"
                      + " unaffected",
                  job.doing(),
                  exit);
          Path kept = keepLogs(w.home, message);
          System.getLogger(WorkerProcess.class.getName())
              .log(System.Logger.Level.ERROR, message + "; worker log kept in " + kept);
          throw new WorkerCrashedException(message, exit, tail(w.home.resolve(LOG)), kept);
        }
        healthy = true;
        WorkerResult r = WorkerJson.read(result, WorkerResult.class);
        if (r.failure() != null) {
          throw raise(r.failure());
        }
        return r;
      } catch (InterruptedException e) { // the user's cancel: the worker is killed below
        Thread.currentThread().interrupt();
        throw new CancellationException("cancelled");
      } finally {
        if (healthy) {
          giveBack(w);
        } else {
          w.end();
          warmUp(); // a fresh spare in place of the worker killed or crashed
        }
      }
    }

    /** Deletes the job's folder. */
    @Override
    public void close() {
      deleteTree(dir);
    }
  }

  /**
   * Starts the spare worker unless one is ready: it loads ONNX Runtime while nothing waits for it.
   * Does nothing once {@link #close()}d; a worker that cannot start is logged, and the next job
   * tries again and reports why.
   */
  public void warmUp() {
    synchronized (lock) {
      if (closed || (spare != null && spare.process.isAlive())) {
        return;
      }
    }
    try {
      Worker w = startWorker();
      // while the worker starts: the JSON of the jobs it will be sent
      WorkerJson.warmUp();
      synchronized (lock) {
        if (!closed && spare == null) {
          spare = w;
          return;
        }
      }
      w.end();
    } catch (IOException e) {
      System.getLogger(WorkerProcess.class.getName())
          .log(System.Logger.Level.WARNING, "could not start a spare worker: " + e.getMessage());
    }
  }

  /**
   * Ends the spare worker and keeps no other: the jobs still running finish, and their workers end
   * with them. Jobs run after this start a worker each.
   */
  @Override
  public void close() {
    Worker w;
    synchronized (lock) {
      closed = true;
      w = spare;
      spare = null;
    }
    if (w != null) {
      w.end();
    }
    outputs.close();
  }

  /** The spare worker's process id, if one is ready: for tests and harnesses. */
  public OptionalLong spareProcessId() {
    synchronized (lock) {
      return spare != null && spare.process.isAlive()
          ? OptionalLong.of(spare.process.pid())
          : OptionalLong.empty();
    }
  }

  private Worker take() throws IOException {
    Worker w;
    synchronized (lock) {
      w = spare;
      spare = null;
    }
    if (w != null && w.process.isAlive()) {
      return w;
    }
    if (w != null) {
      w.end();
    }
    return startWorker();
  }

  private void giveBack(Worker w) {
    synchronized (lock) {
      if (!closed && spare == null && w.process.isAlive()) {
        spare = w;
        return;
      }
    }
    w.end();
  }

  private static final String LOG = "worker.log";

  /** A started worker: its process, its folder, and the pump reading its stdout. */
  private static final class Worker {
    static final int ENDED = Integer.MIN_VALUE;

    final Process process;
    final Path home;
    final BlockingQueue<Integer> done = new LinkedBlockingQueue<>();
    volatile Progress progress = Progress.NONE;

    Worker(Process process, Path home) {
      this.process = process;
      this.home = home;
      RUNNING.add(process);
      Thread t = new Thread(this::pump, "quantscope-worker-progress");
      t.setDaemon(true);
      t.start();
    }

    /**
     * Sends the job and waits for its end: the worker's code, or {@link #ENDED} when it died. An
     * interrupt (the user's cancel) kills the worker at once.
     */
    int run(Path jobDir, Progress p) throws InterruptedException {
      progress = p;
      try {
        Writer in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        in.write(WorkerMain.JOB_LINE + jobDir.toAbsolutePath() + "\n");
        in.flush();
      } catch (IOException e) {
        return ENDED; // it died before the job reached it
      }
      try {
        return done.take();
      } catch (InterruptedException e) {
        kill(process);
        throw e;
      } finally {
        progress = Progress.NONE;
      }
    }

    /** The dead worker's exit code (it has closed its stdout). */
    int exitCode() {
      try {
        if (process.waitFor(10, TimeUnit.SECONDS)) {
          return process.exitValue();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      kill(process);
      return -1;
    }

    /** Kills the worker if it still runs, waits for it, and deletes its folder. */
    void end() {
      kill(process);
      RUNNING.remove(process);
      deleteTree(home);
    }

    /** Forwards {@code progress DONE TOTAL MESSAGE} lines, queues {@code done CODE} lines. */
    private void pump() {
      try (BufferedReader r =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          String[] parts = line.split(" ", 4);
          try {
            if (parts.length >= 3 && parts[0].equals("progress")) {
              progress.report(
                  Long.parseLong(parts[1]),
                  Long.parseLong(parts[2]),
                  parts.length == 4 ? parts[3] : "");
            } else if (line.startsWith(WorkerMain.DONE_LINE)) {
              done.add(Integer.parseInt(line.substring(WorkerMain.DONE_LINE.length()).trim()));
            }
          } catch (NumberFormatException e) {
            // not one of ours
          }
        }
      } catch (IOException e) {
        // the worker is gone; its exit code tells the rest
      }
      done.add(ENDED);
    }
  }

  private Worker startWorker() throws IOException {
    Path home =
        tempRoot == null
            ? Files.createTempDirectory("quantscope-worker-")
            : Files.createTempDirectory(tempRoot, "quantscope-worker-");
    try {
      Files.createDirectories(home.resolve("tmp"));
      return new Worker(start(home), home);
    } catch (IOException | RuntimeException e) {
      deleteTree(home);
      throw e;
    }
  }

  private Process start(Path home) throws IOException {
    Path dir = home;
    List<String> jvm = new ArrayList<>();
    long maxHeapMb = Math.max(64, Runtime.getRuntime().maxMemory() >> 20);
    jvm.add("-Xmx" + maxHeapMb + "m");
    jvm.add("-XX:ErrorFile=" + dir.resolve("hs_err_pid%p.log"));
    jvm.add("-XX:-CreateCoredumpOnCrash");
    jvm.add("-XX:G1PeriodicGCInterval=" + IDLE_GC_MILLIS);
    jvm.add("-Djava.awt.headless=true");
    jvm.add("-Djava.io.tmpdir=" + dir.resolve("tmp"));
    for (Map.Entry<String, String> e : forwardedProperties().entrySet()) {
      jvm.add("-D" + e.getKey() + "=" + e.getValue());
    }
    ProcessBuilder pb = new ProcessBuilder(command(jvm, List.of(SERVE, home.toString())));
    Path java = javaExecutable();
    if (java == null) {
      // a packaged launcher takes no JVM options on its command line
      pb.environment().put("JAVA_TOOL_OPTIONS", String.join(" ", jvm));
    }
    pb.directory(dir.toFile());
    pb.redirectError(dir.resolve(LOG).toFile());
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    return pb.start();
  }

  /** The command of a single-job worker: {@code __worker FOLDER} (tests drive it by hand). */
  List<String> command(List<String> jvm, Path dir) throws IOException {
    return command(jvm, List.of(dir.toString()));
  }

  private List<String> command(List<String> jvm, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    Path java = javaExecutable();
    if (java != null) {
      cmd.add(java.toString());
      cmd.addAll(jvm);
      cmd.add("-cp");
      cmd.add(classPath());
      cmd.addAll(entryPoint);
    } else {
      // a jpackage image has no bin/java; its launcher runs Main with the arguments given
      String launcher =
          ProcessHandle.current()
              .info()
              .command()
              .orElseThrow(() -> new IOException("cannot find Java to start the worker with"));
      cmd.add(launcher);
      cmd.add(VERB);
    }
    cmd.addAll(args);
    return cmd;
  }

  /**
   * This process's class path with relative entries made absolute: the worker runs in the job's
   * folder.
   */
  private static String classPath() {
    String userDir = System.getProperty("user.dir");
    List<String> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!e.isEmpty()) {
        entries.add(new File(e).isAbsolute() ? e : new File(userDir, e).getPath());
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  /** {@code java.home}/bin/java, or null when the runtime has none (a jlinked image). */
  private static Path javaExecutable() {
    boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("win");
    Path java = Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java");
    return Files.isExecutable(java) ? java : null;
  }

  private Map<String, String> forwardedProperties() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : System.getProperties().stringPropertyNames()) {
      if (FORWARDED_PREFIXES.stream().anyMatch(key::startsWith)) {
        out.put(key, System.getProperty(key));
      }
    }
    out.putAll(properties);
    return out;
  }

  /** Kills the worker if it still runs, waits for it, and closes our end of its pipes. */
  private static void kill(Process process) {
    boolean interrupted = false;
    if (process.isAlive()) {
      process.destroyForcibly();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (process.isAlive() && System.nanoTime() < deadline) {
        try {
          process.waitFor(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    closeQuietly(process.getOutputStream());
    closeQuietly(process.getInputStream());
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  /** The worker's failure as the exception it was: checked ones thrown, the others returned. */
  private static RuntimeException raise(WorkerResult.Failure f)
      throws IOException, NothingToQuantizeException {
    String m = f.message();
    return switch (f.kind()) {
      case "io" -> throw new IOException(m);
      case "nothing_to_quantize" -> throw new NothingToQuantizeException(m);
      case "argument" -> new IllegalArgumentException(m);
      default -> new WorkerError(m, f.trace());
    };
  }

  /**
   * Copies what the crashed worker left (its stderr and the JVM's crash report) into the log folder
   * before its temporary folder is deleted; null when that folder cannot be written.
   */
  private Path keepLogs(Path dir, String heading) {
    List<Path> files = new ArrayList<>();
    files.add(dir.resolve(LOG));
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().startsWith("hs_err_pid")).forEach(files::add);
    } catch (IOException e) {
      // the worker's stderr alone, then
    }
    return LogFiles.keepCrash(logFolder, heading, files);
  }

  /** The end of the worker's stderr (the JVM's crash notice, ORT's last words), for the record. */
  private static String tail(Path log) {
    try {
      byte[] all = Files.readAllBytes(log);
      int from = Math.max(0, all.length - 4096);
      return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException | RuntimeException e) {
      // best effort: a file still held open (Windows) stays in the temporary folder
    }
  }
}
