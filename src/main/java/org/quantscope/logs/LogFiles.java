// SPDX-License-Identifier: Apache-2.0
package org.quantscope.logs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;

/**
 * Where QuantScope keeps its logs, and the log itself: the conventional per-user state folder
 * ({@code $XDG_STATE_HOME/quantscope}, by default {@code ~/.local/state/quantscope}, on Linux;
 * {@code ~/Library/Logs/QuantScope} on macOS; {@code %LOCALAPPDATA%\QuantScope\Logs} on Windows).
 * The window logs what it opens and runs, and every failure with its stack trace, to {@code
 * quantscope.0.log}, rotated at {@value #LIMIT_BYTES} bytes into {@code quantscope.1.log} and
 * {@code quantscope.2.log}. A worker process that crashes leaves its log there too ({@code
 * worker-crash-*.log}, the last {@value #KEPT_CRASHES} kept). Messages go through {@link
 * System.Logger} (java.util.logging underneath), so no package needs more than {@code
 * System.getLogger}; only the window starts the file.
 */
public final class LogFiles {
  /** Bytes after which the log rotates. */
  public static final int LIMIT_BYTES = 1_000_000;

  /** Log files kept, the current one included. */
  public static final int COUNT = 3;

  /** Worker crash logs kept. */
  public static final int KEPT_CRASHES = 5;

  /** The current log's name in the folder. */
  public static final String CURRENT = "quantscope.0.log";

  private static Handler handler;
  private static Path started;

  private LogFiles() {}

  /** The system property that puts the logs elsewhere (the tests' build folder, for one). */
  public static final String FOLDER_PROPERTY = "quantscope.log.dir";

  /**
   * The folder for this user and platform (not created), or the one the system property {@value
   * #FOLDER_PROPERTY} names.
   */
  public static Path folder() {
    String override = System.getProperty(FOLDER_PROPERTY);
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    return folder(
        System.getProperty("os.name", ""), System.getenv(), System.getProperty("user.home", "."));
  }

  /** The rule: the state folder for {@code os}, given the environment and the home folder. */
  static Path folder(String os, Map<String, String> env, String home) {
    return userFolder(
        os, env, home, "Logs", Path.of("Library", "Logs"), "XDG_STATE_HOME", ".local/state");
  }

  /**
   * The user's cache folder for QuantScope on {@code os}, given the environment and the home
   * folder: {@code $XDG_CACHE_HOME/quantscope} (by default {@code ~/.cache/quantscope}) on Linux,
   * {@code ~/Library/Caches/QuantScope} on macOS, {@code %LOCALAPPDATA%\QuantScope\Cache} on
   * Windows.
   */
  public static Path cacheFolder(String os, Map<String, String> env, String home) {
    return userFolder(
        os, env, home, "Cache", Path.of("Library", "Caches"), "XDG_CACHE_HOME", ".cache");
  }

  /**
   * A per-user folder of QuantScope's: under {@code %LOCALAPPDATA%\QuantScope} on Windows, {@code
   * ~/Library/...} on macOS, and on Linux under the XDG variable's folder or its default.
   */
  private static Path userFolder(
      String os,
      Map<String, String> env,
      String home,
      String windowsLeaf,
      Path macBase,
      String xdgVariable,
      String xdgDefault) {
    String name = os.toLowerCase(Locale.ROOT);
    if (name.startsWith("windows")) {
      String local = env.get("LOCALAPPDATA");
      Path base =
          local != null && !local.isBlank() ? Path.of(local) : Path.of(home, "AppData", "Local");
      return base.resolve("QuantScope").resolve(windowsLeaf);
    }
    if (name.startsWith("mac")) {
      return Path.of(home).resolve(macBase).resolve("QuantScope");
    }
    String xdg = env.get(xdgVariable);
    // the XDG spec: a relative path in the variable is invalid and must be ignored
    Path base =
        xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
            ? Path.of(xdg)
            : Path.of(home).resolve(xdgDefault);
    return base.resolve("quantscope");
  }

  /**
   * Sends everything logged at INFO and above to the rotating log in {@code folder}; the second
   * call does nothing. Failing to log is never an error for the user: without a writable folder the
   * app runs without a log file.
   *
   * @return the current log file, or null when it cannot be written
   */
  public static synchronized Path start(Path folder) {
    if (started != null) {
      return started;
    }
    try {
      Files.createDirectories(folder);
      FileHandler h =
          new FileHandler(folder.resolve("quantscope.%g.log").toString(), LIMIT_BYTES, COUNT, true);
      h.setFormatter(new SimpleFormatter());
      h.setEncoding("UTF-8");
      h.setLevel(Level.INFO);
      Logger root = Logger.getLogger("");
      // the window's log goes to the file, not to the terminal it was started from
      for (Handler console : root.getHandlers()) {
        if (console instanceof ConsoleHandler) {
          root.removeHandler(console);
        }
      }
      root.addHandler(h);
      handler = h;
      started = folder.resolve(CURRENT);
      return started;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The log file this process writes, or null when logging to a file was not started. */
  public static synchronized Path current() {
    return started;
  }

  /** Stops logging to the file (for tests); the next {@link #start} starts again. */
  public static synchronized void stop() {
    if (handler != null) {
      Logger.getLogger("").removeHandler(handler);
      handler.close();
      handler = null;
    }
    started = null;
  }

  /**
   * Keeps what a crashed worker left ({@code files}: its stderr, the JVM's crash report) as one
   * file {@code worker-crash-TIMESTAMP.log} in {@code folder}, and deletes all but the newest
   * {@value #KEPT_CRASHES} such files.
   *
   * @param heading the first line: what the worker was doing and how it ended
   * @return the kept file, or null when it could not be written
   */
  public static Path keepCrash(Path folder, String heading, List<Path> files) {
    try {
      Files.createDirectories(folder);
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
      // names sort by time: a counter for crashes within one millisecond
      Path kept = null;
      for (int n = 0; kept == null || Files.exists(kept); n++) {
        kept = folder.resolve(String.format(Locale.ROOT, "worker-crash-%s-%02d.log", stamp, n));
      }
      try (OutputStream out = Files.newOutputStream(kept, StandardOpenOption.CREATE_NEW)) {
        out.write((heading + "\n").getBytes(StandardCharsets.UTF_8));
        for (Path f : files) {
          if (!Files.isRegularFile(f)) {
            continue;
          }
          out.write(("\n==> " + f.getFileName() + " <==\n").getBytes(StandardCharsets.UTF_8));
          try (InputStream in = Files.newInputStream(f)) {
            in.transferTo(out);
          }
        }
      }
      prune(folder);
      return kept;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static void prune(Path folder) throws IOException {
    List<Path> crashes = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      files
          .filter(p -> p.getFileName().toString().startsWith("worker-crash-"))
          .forEach(crashes::add);
    }
    crashes.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
    for (Path old : crashes.subList(Math.min(KEPT_CRASHES, crashes.size()), crashes.size())) {
      Files.deleteIfExists(old);
    }
  }

  /** The last {@code maxBytes} of {@code file} as text (whole lines), or "" when unreadable. */
  public static String tail(Path file, int maxBytes) {
    try {
      byte[] all = Files.readAllBytes(file);
      int from = Math.max(0, all.length - maxBytes);
      String s = new String(all, from, all.length - from, StandardCharsets.UTF_8);
      int nl = s.indexOf('\n');
      return from > 0 && nl >= 0 ? s.substring(nl + 1) : s;
    } catch (IOException e) {
      return "";
    }
  }
}
