// SPDX-License-Identifier: Apache-2.0
package org.quantscope.worker;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quantscope.progress.Progress;

/**
 * A worker entry point for tests only: the real worker ({@link WorkerMain}) with a fault at the
 * run's first progress report, to try the window's handling of what ONNX Runtime can do to a
 * process. Started by {@link #process}.
 *
 * <p>{@code java ... org.quantscope.worker.MisbehavingWorker MODE FOLDER} (or {@code MODE --serve
 * HOME}, as the window's workers run), MODE one of {@code segv} (a native crash through {@code
 * sun.misc.Unsafe}, as ONNX Runtime's would be), {@code halt} (exit code 134 at once) or {@code
 * stall} (never return, like a long {@code session.run} that does not answer interrupts) or {@code
 * halt-once} ({@code halt} in the first worker only, the one that finds no file {@code crashed} in
 * the folder given as the system property {@value #ONCE}).
 */
public final class MisbehavingWorker {
  private MisbehavingWorker() {}

  /** The system property naming the folder where {@code halt-once} notes that it crashed. */
  public static final String ONCE = "quantscope.test.once";

  /** Workers that misbehave as {@code mode} says, with their folders in {@code tempRoot}. */
  public static WorkerProcess process(String mode, Path tempRoot) {
    WorkerProcess p =
        WorkerProcess.standard().withEntryPoint(MisbehavingWorker.class.getName(), mode);
    return tempRoot == null ? p : p.withTempRoot(tempRoot);
  }

  /** Workers of which only the first crashes (exit 134) at its first progress report. */
  public static WorkerProcess crashingOnce(Path tempRoot, Path marks) {
    return process("halt-once", tempRoot).withProperty(ONCE, marks.toString());
  }

  public static void main(String[] args) {
    String mode = args[0];
    PrintWriter out = new PrintWriter(System.out, true, Charset.defaultCharset());
    if (args[1].equals(WorkerProcess.SERVE)) {
      System.exit(WorkerMain.serve(System.in, out, p -> misbehaving(p, mode)));
    }
    System.exit(WorkerMain.run(Path.of(args[1]), System.in, out, p -> misbehaving(p, mode)));
  }

  private static Progress misbehaving(Progress p, String mode) {
    if (mode.equals("halt-once")) {
      try {
        Files.createFile(Path.of(System.getProperty(ONCE), "crashed"));
      } catch (IOException e) {
        return p; // an earlier worker crashed already: this one behaves
      }
    }
    AtomicBoolean struck = new AtomicBoolean();
    return (done, total, message) -> {
      p.report(done, total, message);
      if (struck.getAndSet(true)) {
        return;
      }
      switch (mode) {
        case "stall" -> stall();
        case "segv" -> crashNatively();
        default -> {}
      }
      Runtime.getRuntime().halt(134);
    };
  }

  private static void stall() {
    while (true) {
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        // a stuck native call does not answer interrupts either
      }
    }
  }

  /** Writes to address 0 through {@code sun.misc.Unsafe}: a real SIGSEGV, with hs_err. */
  private static void crashNatively() {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      java.lang.reflect.Field f = unsafeClass.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      Object unsafe = f.get(null);
      unsafeClass.getMethod("putAddress", long.class, long.class).invoke(unsafe, 0L, 0L);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // no Unsafe in this runtime: the caller halts instead
    }
  }
}
