// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.jar.JarFile;

/**
 * The lines of a class list ({@code -XX:DumpLoadedClassList}) that {@code -Xshare:dump} can turn
 * into an archive. A list holds the classes a run loaded, then {@code @lambda-proxy} lines (the
 * classes Java made for the run's lambdas, about 1,400 of the window's 7,500 classes) and {@code
 * @lambda-form-invoker} lines (the method-handle forms behind them). Java 17 crashes writing an
 * archive with the lambdas of a class it leaves out (SIGSEGV in {@code
 * SystemDictionaryShared::adjust_lambda_proxy_class_dictionary}), as it leaves out every class of
 * a signed jar (ELK's, EMF's); with those lambdas left out, it archives the others.
 */
public final class ClassList {
  private ClassList() {}

  /**
   * {@code OUT LIST...}: writes to OUT the lines of the lists, each line once, in their order, with
   * no comment lines and without the lambdas of the classes an archive leaves out on this JVM's
   * class path. The installers' build runs it on the lists it recorded.
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: ClassList OUT LIST...");
      System.exit(2);
    }
    Set<String> lines = new LinkedHashSet<>();
    for (int i = 1; i < args.length; i++) {
      for (String line : Files.readAllLines(Path.of(args[i]))) {
        if (!line.isBlank() && !line.startsWith("#")) {
          lines.add(line);
        }
      }
    }
    List<String> kept =
        archivable(new ArrayList<>(lines), leftOutBy(ClassLoader.getSystemClassLoader()));
    Files.write(Path.of(args[0]), kept);
  }

  private static final String LAMBDA_PROXY = "@lambda-proxy ";

  /**
   * The lines to archive: all of them but the lambdas of classes for which {@code leftOut} is true
   * (they are named by the line's first word after the tag, in internal form: {@code a/b/C}).
   */
  static List<String> archivable(List<String> lines, Predicate<String> leftOut) {
    List<String> kept = new ArrayList<>(lines.size());
    for (String line : lines) {
      if (line.startsWith(LAMBDA_PROXY)) {
        String rest = line.substring(LAMBDA_PROXY.length()).strip();
        int end = rest.indexOf(' ');
        String owner = end < 0 ? rest : rest.substring(0, end);
        if (owner.isEmpty() || leftOut.test(owner)) {
          continue;
        }
      }
      kept.add(line);
    }
    return kept;
  }

  /** The lines without any lambda line: what every Java 17 archives. */
  static List<String> withoutLambdas(List<String> lines) {
    List<String> kept = new ArrayList<>(lines.size());
    for (String line : lines) {
      if (!line.startsWith("@lambda")) {
        kept.add(line);
      }
    }
    return kept;
  }

  /**
   * A loader of the classes on {@code classPath} and nothing else (the JDK's aside); a jar it names
   * brings its manifest's {@code Class-Path} along, as it does for Java.
   */
  static URLClassLoader loaderOf(String classPath) {
    List<URL> urls = new ArrayList<>();
    for (String part : classPath.split(java.io.File.pathSeparator)) {
      if (!part.isBlank()) {
        try {
          urls.add(Path.of(part).toUri().toURL());
        } catch (MalformedURLException | RuntimeException e) {
          // not a path: nothing of it is found, so its lambdas are left out
        }
      }
    }
    return new URLClassLoader(urls.toArray(URL[]::new), null);
  }

  /**
   * Whether a class (internal name) is one that an archive leaves out, among those {@code loader}
   * finds: in a signed jar, or not found at all. The JDK's own classes are never left out.
   */
  static Predicate<String> leftOutBy(ClassLoader loader) {
    Map<String, Boolean> signedJars = new HashMap<>();
    return name -> {
      URL where = loader.getResource(name + ".class");
      if (where == null) {
        return true;
      }
      if (!"jar".equals(where.getProtocol())) {
        return false; // the JDK's (jrt:) or a class folder's
      }
      String jar = where.toString();
      jar = jar.substring(0, jar.indexOf("!/") + 2);
      return signedJars.computeIfAbsent(jar, ClassList::signed);
    };
  }

  /** Whether the jar at {@code jarUrl} ({@code jar:file:...!/}) carries a signature. */
  private static boolean signed(String jarUrl) {
    try {
      JarURLConnection c = (JarURLConnection) new URL(jarUrl).openConnection();
      c.setUseCaches(false);
      try (JarFile jar = c.getJarFile()) {
        return jar.stream()
            .map(e -> e.getName().toUpperCase(Locale.ROOT))
            .anyMatch(
                n ->
                    n.startsWith("META-INF/")
                        && n.indexOf('/', "META-INF/".length()) < 0
                        && (n.endsWith(".SF")
                            || n.endsWith(".RSA")
                            || n.endsWith(".DSA")
                            || n.endsWith(".EC")));
      }
    } catch (IOException | UncheckedIOException | ClassCastException e) {
      return true; // cannot tell: leave its lambdas out
    }
  }
}
