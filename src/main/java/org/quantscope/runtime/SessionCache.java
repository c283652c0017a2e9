// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Sessions kept open across runs, for a process that serves many runs over the same model file (the
 * window's warm worker): creating a session is most of a short run's cost (loading and optimizing
 * the model). Off unless {@link #install()} was called; then a model file listed by {@link
 * #keepOnly} is opened once per session configuration and its session handed out again while the
 * file's size and modification time stay the same. Runners over a kept session do not close it;
 * {@link #keepOnly} closes the sessions of files no longer listed, so at most the files of the
 * current run are held.
 *
 * <p>Sessions are not shared between threads at once: the worker runs one job at a time.
 */
public final class SessionCache {
  private SessionCache() {}

  private record Key(
      Path file, long sizeBytes, long modifiedMillis, OrtRuntime.SessionConfig cfg) {}

  private static final Object LOCK = new Object();
  private static boolean installed;
  private static Set<Path> kept = Set.of();
  private static final Map<Key, ModelRunner> OPEN = new HashMap<>();
  private static long reused;

  /** Turns the cache on in this process. */
  public static void install() {
    synchronized (LOCK) {
      installed = true;
    }
  }

  /** Turns the cache off and closes every session it holds (tests). */
  public static void uninstall() {
    synchronized (LOCK) {
      installed = false;
      kept = Set.of();
      closeAll(k -> true);
      reused = 0;
    }
  }

  /**
   * The model files whose sessions may be kept from now on; the sessions of every other file are
   * closed. Paths are compared absolute and normalized.
   */
  public static void keepOnly(Set<Path> files) {
    synchronized (LOCK) {
      kept = files.stream().map(SessionCache::canonical).collect(Collectors.toSet());
      closeAll(k -> !kept.contains(k.file()));
    }
  }

  /** How many times a kept session was handed out again since {@link #install()}. */
  public static long reusedCount() {
    synchronized (LOCK) {
      return reused;
    }
  }

  /** A runner over the file: a kept session when the cache holds one, else a new session. */
  static ModelRunner open(Path file, OrtRuntime.SessionConfig cfg) throws IOException {
    Path f = canonical(file);
    synchronized (LOCK) {
      if (!installed || !kept.contains(f)) {
        return ModelRunner.open(file, cfg);
      }
      BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
      Key key = new Key(f, a.size(), a.lastModifiedTime().toMillis(), cfg);
      ModelRunner r = OPEN.get(key);
      if (r != null) {
        reused++;
        return r.shared();
      }
      // the same file changed on disk: its older session with these options is of no use
      closeAll(k -> k.file().equals(f) && k.cfg().equals(cfg));
      r = ModelRunner.open(file, cfg);
      OPEN.put(key, r);
      return r.shared();
    }
  }

  private static void closeAll(Predicate<Key> which) {
    for (Iterator<Map.Entry<Key, ModelRunner>> it = OPEN.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Key, ModelRunner> e = it.next();
      if (which.test(e.getKey())) {
        e.getValue().close();
        it.remove();
      }
    }
  }

  private static Path canonical(Path p) {
    return p.toAbsolutePath().normalize();
  }
}
