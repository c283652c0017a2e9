// SPDX-License-Identifier: Apache-2.0
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Rewrites signed jars without their signatures (used by packaging/installer.xml on the bundled
 * copies only). A signed jar costs a digest check of every class at start-up, and the JVM keeps
 * its classes out of an AppCDS archive; the Eclipse jars (ELK, EMF, Xbase) are signed. Unsigned
 * jars are left as they are.
 *
 * <p>{@code java packaging/UnsignJars.java DIR...}: every jar in each DIR (a JDK 17 runs the source
 * directly).
 */
public final class UnsignJars {
  private static final Pattern SIGNATURE =
      Pattern.compile("META-INF/([^/]+\\.(SF|RSA|DSA|EC)|SIG-[^/]+)", Pattern.CASE_INSENSITIVE);

  private UnsignJars() {}

  public static void main(String[] args) throws IOException {
    for (String arg : args) {
      List<Path> jars;
      try (Stream<Path> files = Files.list(Path.of(arg))) {
        jars = files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
      }
      for (Path jar : jars) {
        if (unsign(jar)) {
          System.out.println("unsigned " + jar.getFileName());
        }
      }
    }
  }

  /** Rewrites the jar without signature files; false if it had none. */
  static boolean unsign(Path jar) throws IOException {
    Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
    try (JarFile in = new JarFile(jar.toFile(), false)) {
      if (in.stream().noneMatch(e -> SIGNATURE.matcher(e.getName()).matches())) {
        return false;
      }
      // The main attributes stay; the per-entry digests only served the signature.
      Manifest manifest = new Manifest();
      if (in.getManifest() != null) {
        manifest.getMainAttributes().putAll(in.getManifest().getMainAttributes());
      }
      try (OutputStream file = Files.newOutputStream(tmp);
          JarOutputStream out = new JarOutputStream(file, manifest)) {
        Enumeration<JarEntry> entries = in.entries();
        while (entries.hasMoreElements()) {
          JarEntry entry = entries.nextElement();
          String name = entry.getName();
          if (SIGNATURE.matcher(name).matches() || name.equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
            continue;
          }
          JarEntry copy = new JarEntry(name);
          copy.setTime(entry.getTime());
          out.putNextEntry(copy);
          try (InputStream data = in.getInputStream(entry)) {
            data.transferTo(out);
          }
          out.closeEntry();
        }
      }
    }
    Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
    return true;
  }
}
