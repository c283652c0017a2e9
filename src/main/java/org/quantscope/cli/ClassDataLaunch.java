// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.quantscope.logs.LogFiles;

/**
 * Class-data sharing for a plain {@code java -jar quantscope.jar [MODEL]}: the window starts about
 * half a second sooner from an archive of the classes it loads (measured in {@code
 * measurements.md}), and Java 17 can neither write one by itself ({@code
 * -XX:+AutoCreateSharedArchive} needs 19; {@code -XX:ArchiveClassesAtExit} crashes Debian's 17 on
 * this app) nor take JVM options from the jar. So the first such start runs the window in a second
 * JVM that records the classes it loads; once it exits, a background JVM writes the archive from
 * that list ({@code -Xshare:dump}, as the README's manual steps do); every later start runs the
 * window in a JVM started on the archive, while this one waits for it and passes on its exit code.
 *
 * <p>Only a start that is exactly {@code java -jar JAR ARGS} relaunches: options given to Java (on
 * the command line, in {@code JDK_JAVA_OPTIONS} or {@code JAVA_TOOL_OPTIONS}), the installers'
 * launchers (which have their own archive) and runs from a class folder start as before, as does
 * everything when {@code QUANTSCOPE_CLASS_DATA=off}. The archive lives in the user's cache folder,
 * keyed by the jar (path, size, time) and the Java that runs it; a rebuilt jar gets a new one and
 * the old one is removed. A failure on the way (no cache folder, the dump refused) leaves a start
 * as it was before, never a failed start.
 */
public final class ClassDataLaunch {
  private ClassDataLaunch() {}

  /** Set on the JVM this one starts, so that it does not start another. */
  static final String RELAUNCHED_PROPERTY = "quantscope.relaunched";

  /** {@code off} turns relaunching off. */
  static final String SWITCH_ENV = "QUANTSCOPE_CLASS_DATA";

  /**
   * The window's JVM compiles with C1 only. On two cores C2's compiles of the window's start-up
   * code (CSS, layout, skins) take the core the window needs, and the code they make is used a few
   * times; C1's code comes sooner. The one loop that needs C2, the quantizer's weight loop (four
   * times slower with C1), runs in the worker, which starts with Java's defaults ({@code
   * WorkerRunner#quantize}). Started directly on the archive, MiniLM, 6 rounds alternating: medians
   * 1.67 s with C2 later, 1.40 s with C1 only (measurements.md, *Start-up with java -jar*).
   */
  static final List<String> WINDOW_JIT = List.of("-XX:TieredStopAtLevel=1");

  /** What a start does. */
  enum Action {
    /** Run in this JVM, as before. */
    IN_PROCESS,
    /** Run the window in a JVM that records the classes it loads. */
    RECORD,
    /** Run the window in a JVM started on the archive. */
    SHARE
  }

  /**
   * The plan for a start.
   *
   * @param action what to do
   * @param command the JVM to start (empty in process)
   * @param files the archive's files for this jar and Java (null in process)
   * @param java the Java that runs the jar (null in process)
   * @param jar the jar, absolute (null in process)
   */
  record Plan(Action action, List<String> command, ArchiveFiles files, Path java, Path jar) {
    static final Plan IN_PROCESS = new Plan(Action.IN_PROCESS, List.of(), null, null, null);
  }

  /**
   * The files of one jar's archive in the cache folder.
   *
   * @param archive the archive, once written
   * @param classList the classes a run loaded, until the archive is written from them
   * @param failed there when writing the archive failed: no more tries for this jar and Java
   */
  record ArchiveFiles(Path archive, Path classList, Path failed) {}

  /**
   * Relaunches a window start when it can (see the class comment) and returns the window's exit
   * code; empty to run the window in this JVM.
   */
  public static OptionalInt relaunch(String[] args) {
    Plan plan;
    try {
      plan = plan(current(args));
    } catch (RuntimeException e) {
      return OptionalInt.empty(); // anything unexpected: start as before
    }
    if (plan.action() == Action.IN_PROCESS) {
      return OptionalInt.empty();
    }
    Process child;
    try {
      child = new ProcessBuilder(plan.command()).inheritIO().start();
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
    Thread stop = new Thread(child::destroy, "quantscope-relaunch-stop");
    Runtime.getRuntime().addShutdownHook(stop);
    int code;
    while (true) {
      try {
        code = child.waitFor();
        break;
      } catch (InterruptedException e) {
        // keep waiting: the window decides when this ends
      }
    }
    if (plan.action() == Action.RECORD) {
      if (code == 0) {
        writeInBackground(plan);
      } else {
        try {
          Files.deleteIfExists(plan.files().classList()); // not what a whole run loads
        } catch (IOException ignored) {
          // recorded again next time
        }
      }
    }
    return OptionalInt.of(code);
  }

  /** What the plan is made from: this JVM's start, environment and cache folder. */
  record Start(
      Optional<List<String>> javaArguments,
      String[] args,
      String classPath,
      String javaHome,
      String javaVersion,
      Map<String, String> env,
      boolean relaunched,
      boolean packagedLauncher,
      Path cacheFolder,
      long now) {}

  private static Start current(String[] args) {
    return new Start(
        ProcessHandle.current().info().arguments().map(List::of),
        args,
        System.getProperty("java.class.path", ""),
        System.getProperty("java.home", ""),
        System.getProperty("java.vm.version", ""),
        System.getenv(),
        System.getProperty(RELAUNCHED_PROPERTY) != null,
        System.getProperty("jpackage.app-path") != null,
        cacheFolder(
            System.getProperty("os.name", ""),
            System.getenv(),
            System.getProperty("user.home", ".")),
        System.currentTimeMillis());
  }

  /** A class list younger than this is being turned into an archive by a background JVM. */
  static final long WRITING_MILLIS = TimeUnit.MINUTES.toMillis(10);

  private static boolean recent(Path list, long now) {
    try {
      return Files.exists(list)
          && now - Files.getLastModifiedTime(list).toMillis() < WRITING_MILLIS;
    } catch (IOException e) {
      return true;
    }
  }

  /** The rule (see the class comment). */
  static Plan plan(Start s) {
    if (s.relaunched()
        || s.packagedLauncher()
        || "off".equalsIgnoreCase(s.env().getOrDefault(SWITCH_ENV, ""))
        || s.env().containsKey("JDK_JAVA_OPTIONS")
        || s.env().containsKey("JAVA_TOOL_OPTIONS")
        || s.javaArguments().isEmpty()
        || s.cacheFolder() == null) {
      return Plan.IN_PROCESS;
    }
    // exactly "-jar JAR ARGS": any option to Java stays the user's, in this JVM
    List<String> given = s.javaArguments().get();
    if (given.size() != 2 + s.args().length
        || !given.get(0).equals("-jar")
        || !given.get(1).equals(s.classPath())
        || !given.subList(2, given.size()).equals(List.of(s.args()))) {
      return Plan.IN_PROCESS;
    }
    Path jar = Path.of(s.classPath()).toAbsolutePath();
    Path java = Path.of(s.javaHome(), "bin", "java");
    if (!Files.isExecutable(java)) {
      java = Path.of(s.javaHome(), "bin", "java.exe");
    }
    if (!s.classPath().endsWith(".jar") || !Files.isRegularFile(jar) || !Files.isExecutable(java)) {
      return Plan.IN_PROCESS;
    }
    ArchiveFiles f;
    try {
      f = files(s.cacheFolder(), jar, s.javaHome(), s.javaVersion());
    } catch (IOException e) {
      return Plan.IN_PROCESS;
    }
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    Action action;
    if (Files.isRegularFile(f.archive())) {
      action = Action.SHARE;
      command.add("-XX:SharedArchiveFile=" + f.archive());
      command.add("-Xshare:auto");
      command.add("-Xlog:cds=off");
      command.add("-Xlog:cds+dynamic=off");
    } else if (Files.exists(f.failed()) || recent(f.classList(), s.now())) {
      return Plan.IN_PROCESS; // it could not be written, or it is being written now
    } else {
      try {
        Files.createDirectories(s.cacheFolder());
        Files.deleteIfExists(f.classList()); // left by a run that did not end well
      } catch (IOException e) {
        return Plan.IN_PROCESS;
      }
      if (!Files.isWritable(s.cacheFolder())) {
        return Plan.IN_PROCESS; // Java would warn on the console that it cannot write the list
      }
      action = Action.RECORD;
      command.add("-XX:DumpLoadedClassList=" + f.classList());
    }
    command.addAll(WINDOW_JIT);
    command.add("-D" + RELAUNCHED_PROPERTY + "=true");
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(s.args()));
    return new Plan(action, List.copyOf(command), f, java, jar);
  }

  /**
   * The archive's files for a jar run by a Java: named by the jar's path, then by its size and time
   * and the Java, so that a rebuilt jar or another Java gets its own archive and the one before can
   * be found and removed.
   */
  static ArchiveFiles files(Path folder, Path jar, String javaHome, String javaVersion)
      throws IOException {
    BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
    String where = hash(jar.toString());
    String what =
        hash(a.size() + "|" + a.lastModifiedTime().toMillis() + "|" + javaHome + "|" + javaVersion);
    String base = PREFIX + where + "-" + what;
    return new ArchiveFiles(
        folder.resolve(base + ".jsa"),
        folder.resolve(base + ".classlist"),
        folder.resolve(base + ".failed"));
  }

  /** Archive files start with this, then the jar's key, a dash and the build's key. */
  private static final String PREFIX = "cds-";

  private static String hash(String s) {
    CRC32 c = new CRC32();
    c.update(s.getBytes(StandardCharsets.UTF_8));
    return String.format(Locale.ROOT, "%08x", c.getValue());
  }

  /** The cache folder for {@code os}, given the environment and the home folder. */
  static Path cacheFolder(String os, Map<String, String> env, String home) {
    return LogFiles.cacheFolder(os, env, home);
  }

  /** Starts a JVM that writes the archive from the recorded list and does not wait for it. */
  private static void writeInBackground(Plan plan) {
    ArchiveFiles f = plan.files();
    if (!Files.isRegularFile(f.classList())) {
      return;
    }
    try {
      new ProcessBuilder(
              plan.java().toString(),
              "-Xshare:auto",
              "-cp",
              plan.jar().toString(),
              ClassDataLaunch.class.getName(),
              f.classList().toString(),
              f.archive().toString(),
              f.failed().toString())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException | RuntimeException e) {
      // no archive this time; the next start records again only once the list is gone
      try {
        Files.deleteIfExists(f.classList());
      } catch (IOException ignored) {
        // nothing more to do
      }
    }
  }

  /**
   * The background writer: {@code CLASS_LIST ARCHIVE FAILED_MARKER}. Writes the archive from the
   * class list with this JVM's jar and Java, moves it into place, removes the list and the archives
   * of earlier builds of the same jar; on failure leaves the marker instead.
   */
  public static void main(String[] a) {
    Path list = Path.of(a[0]);
    Path archive = Path.of(a[1]);
    Path failed = Path.of(a[2]);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String jar = Path.of(System.getProperty("java.class.path")).toAbsolutePath().toString();
    boolean ok = write(java, jar, list, archive);
    try {
      if (!ok) {
        Files.writeString(failed, "the class-data archive could not be written\n");
      } else {
        removeEarlier(archive);
      }
      Files.deleteIfExists(list);
    } catch (IOException | UncheckedIOException e) {
      // the cache folder is the cache's business; the start is unaffected
    }
  }

  /**
   * Writes an archive of the listed classes to a temporary file and moves it to {@code archive}:
   * with the lambdas of the listed classes where Java can archive them ({@link ClassList}), and if
   * it cannot, without any lambda.
   *
   * @return true when the archive is in place
   */
  static boolean write(Path java, String classPath, Path list, Path archive) {
    List<String> recorded;
    try {
      recorded = Files.readAllLines(list, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return false;
    }
    List<String> withLambdas;
    try (URLClassLoader classes = ClassList.loaderOf(classPath)) {
      withLambdas = ClassList.archivable(recorded, ClassList.leftOutBy(classes));
    } catch (IOException e) {
      return false;
    }
    List<String> without = ClassList.withoutLambdas(recorded);
    return dump(java, classPath, withLambdas, archive)
        || (without.size() < withLambdas.size() && dump(java, classPath, without, archive));
  }

  /** One {@code -Xshare:dump} of {@code lines}; true when its archive is in place. */
  private static boolean dump(Path java, String classPath, List<String> lines, Path archive) {
    String name = archive.getFileName().toString();
    Path filtered = archive.resolveSibling(name + ".list.tmp");
    Path tmp = archive.resolveSibling(name + "." + ProcessHandle.current().pid());
    Path crash = archive.resolveSibling(name + ".crash.tmp"); // not in the user's folder
    try {
      Files.write(filtered, lines, StandardCharsets.UTF_8);
      Process p =
          new ProcessBuilder(
                  java.toString(),
                  "-Xshare:dump",
                  "-XX:SharedClassListFile=" + filtered,
                  "-XX:SharedArchiveFile=" + tmp,
                  "-XX:ErrorFile=" + crash,
                  "-XX:-CreateCoredumpOnCrash",
                  "-Xlog:cds=off",
                  "-cp",
                  classPath)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return false;
      }
      if (p.exitValue() != 0 || !Files.isRegularFile(tmp) || Files.size(tmp) == 0) {
        return false;
      }
      try {
        Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING);
      }
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      try {
        Files.deleteIfExists(filtered);
        Files.deleteIfExists(tmp);
        Files.deleteIfExists(crash);
      } catch (IOException ignored) {
        // a stray temporary file in the cache folder
      }
    }
  }

  /** Removes the archives (and markers) of earlier builds of the same jar. */
  static void removeEarlier(Path archive) throws IOException {
    String name = archive.getFileName().toString();
    String base = name.substring(0, name.length() - ".jsa".length()); // this build's files
    String jarPart = name.substring(0, name.indexOf('-', PREFIX.length())); // the jar's files
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(archive.getParent(), jarPart + "-*")) {
      for (Path p : ds) {
        if (!p.getFileName().toString().startsWith(base)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
