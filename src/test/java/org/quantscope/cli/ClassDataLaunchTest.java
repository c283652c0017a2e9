// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a plain {@code java -jar} start relaunches on a class-data archive, and the archive. */
class ClassDataLaunchTest {
  @TempDir Path dir;
  private Path jar;
  private Path cache;
  private final String javaHome = System.getProperty("java.home");
  private final long now = System.currentTimeMillis();

  @BeforeEach
  void jar() throws IOException {
    jar = dir.resolve("quantscope.jar");
    try (OutputStream o = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(o, new Manifest())) {
      j.flush();
    }
    cache = dir.resolve("cache");
  }

  private ClassDataLaunch.Start start(
      List<String> javaArguments, String[] args, Map<String, String> env) {
    return new ClassDataLaunch.Start(
        Optional.ofNullable(javaArguments),
        args,
        jar.toString(),
        javaHome,
        "17-test",
        env,
        false,
        false,
        cache,
        now);
  }

  private ClassDataLaunch.Start plain(String... args) {
    List<String> given = new java.util.ArrayList<>(List.of("-jar", jar.toString()));
    given.addAll(List.of(args));
    return start(given, args, Map.of());
  }

  @Test
  void theFirstPlainStartRecordsTheClassesAndLaterOnesStartOnTheArchive() throws IOException {
    ClassDataLaunch.Plan first = ClassDataLaunch.plan(plain("model.onnx", "--exit-after", "2"));
    assertThat(first.action()).isEqualTo(ClassDataLaunch.Action.RECORD);
    assertThat(first.command().get(0)).isEqualTo(Path.of(javaHome, "bin", "java").toString());
    assertThat(first.command())
        .contains("-XX:DumpLoadedClassList=" + first.files().classList())
        .contains("-D" + ClassDataLaunch.RELAUNCHED_PROPERTY + "=true")
        .endsWith("-jar", jar.toAbsolutePath().toString(), "model.onnx", "--exit-after", "2");
    assertThat(first.files().classList().getParent()).isEqualTo(cache);
    assertThat(cache).isDirectory();

    // while the list is being turned into an archive, starts run as before
    Files.writeString(first.files().classList(), "java/lang/Object id: 1\n");
    assertThat(ClassDataLaunch.plan(plain("model.onnx")).action())
        .isEqualTo(ClassDataLaunch.Action.IN_PROCESS);
    // a list left long ago by a run that did not end well is recorded again
    Files.setLastModifiedTime(
        first.files().classList(),
        FileTime.fromMillis(now - ClassDataLaunch.WRITING_MILLIS - 1000));
    assertThat(ClassDataLaunch.plan(plain("model.onnx")).action())
        .isEqualTo(ClassDataLaunch.Action.RECORD);
    assertThat(first.files().classList()).doesNotExist();

    Files.writeString(first.files().archive(), "archive");
    ClassDataLaunch.Plan later = ClassDataLaunch.plan(plain("model.onnx"));
    assertThat(later.action()).isEqualTo(ClassDataLaunch.Action.SHARE);
    assertThat(later.command())
        .contains("-XX:SharedArchiveFile=" + first.files().archive(), "-Xshare:auto")
        .containsSubsequence(ClassDataLaunch.WINDOW_JIT)
        .endsWith("-jar", jar.toAbsolutePath().toString(), "model.onnx");
    assertThat(first.command()).containsSubsequence(ClassDataLaunch.WINDOW_JIT);
  }

  @Test
  void theWindowsJvmOptionsAreOnesThisJavaTakes() throws Exception {
    // an option Java does not know would stop the window's JVM before it starts
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(javaHome, "bin", "java").toString());
    command.addAll(ClassDataLaunch.WINDOW_JIT);
    command.add("-XX:+PrintFlagsFinal");
    command.add("-version");
    String flags = run(command.toArray(String[]::new));
    assertThat(flags)
        .containsPattern("TieredStopAtLevel\\s+= 1\\s+\\{product\\} \\{command line\\}");
  }

  @Test
  void anyOtherStartRunsAsBefore() throws IOException {
    String[] args = {"model.onnx"};
    List<String> plainArgs = List.of("-jar", jar.toString(), "model.onnx");
    // options to Java stay the user's
    assertInProcess(start(List.of("-Xmx2g", "-jar", jar.toString(), "model.onnx"), args, Map.of()));
    assertInProcess(start(plainArgs, args, Map.of("JDK_JAVA_OPTIONS", "-Xmx2g")));
    assertInProcess(start(plainArgs, args, Map.of("JAVA_TOOL_OPTIONS", "-Xmx2g")));
    // turned off
    assertInProcess(start(plainArgs, args, Map.of(ClassDataLaunch.SWITCH_ENV, "off")));
    // the arguments of this JVM unknown, or not those the app got
    assertInProcess(start(null, args, Map.of()));
    assertInProcess(start(plainArgs, new String[] {"other.onnx"}, Map.of()));
    // already relaunched; an installer's launcher; from a class folder
    assertInProcess(marked(true, false));
    assertInProcess(marked(false, true));
    Path classes = Files.createDirectories(dir.resolve("classes"));
    assertInProcess(
        new ClassDataLaunch.Start(
            Optional.of(List.of("-jar", classes.toString(), "model.onnx")),
            args,
            classes.toString(),
            javaHome,
            "17",
            Map.of(),
            false,
            false,
            cache,
            now));
    // once writing the archive failed for this jar and Java
    ClassDataLaunch.Plan p = ClassDataLaunch.plan(plain("model.onnx"));
    Files.writeString(p.files().failed(), "failed");
    assertInProcess(plain("model.onnx"));
    // a cache folder that cannot be made (a file in its place)
    Files.delete(p.files().failed());
    Files.writeString(dir.resolve("blocked"), "");
    assertInProcess(
        new ClassDataLaunch.Start(
            Optional.of(plainArgs),
            args,
            jar.toString(),
            javaHome,
            "17",
            Map.of(),
            false,
            false,
            dir.resolve("blocked").resolve("cache"),
            now));
  }

  /** A plain start, already relaunched or under an installer's launcher. */
  private ClassDataLaunch.Start marked(boolean relaunched, boolean packagedLauncher) {
    ClassDataLaunch.Start s = plain("model.onnx");
    return new ClassDataLaunch.Start(
        s.javaArguments(),
        s.args(),
        s.classPath(),
        javaHome,
        "17",
        Map.of(),
        relaunched,
        packagedLauncher,
        cache,
        now);
  }

  private static void assertInProcess(ClassDataLaunch.Start s) {
    assertThat(ClassDataLaunch.plan(s).action()).isEqualTo(ClassDataLaunch.Action.IN_PROCESS);
  }

  @Test
  void aRebuiltJarGetsItsOwnArchiveAndTheEarlierOneGoes() throws IOException {
    ClassDataLaunch.ArchiveFiles before = ClassDataLaunch.files(cache, jar, javaHome, "17");
    assertThat(ClassDataLaunch.files(cache, jar, javaHome, "17")).isEqualTo(before);
    assertThat(ClassDataLaunch.files(cache, jar, javaHome, "21").archive())
        .isNotEqualTo(before.archive());
    Files.setLastModifiedTime(jar, FileTime.fromMillis(now + 60_000));
    ClassDataLaunch.ArchiveFiles after = ClassDataLaunch.files(cache, jar, javaHome, "17");
    assertThat(after.archive()).isNotEqualTo(before.archive());
    Path otherJar = Files.copy(jar, dir.resolve("other.jar"));
    ClassDataLaunch.ArchiveFiles other = ClassDataLaunch.files(cache, otherJar, javaHome, "17");

    Files.createDirectories(cache);
    for (Path p : List.of(before.archive(), before.failed(), after.archive(), other.archive())) {
      Files.writeString(p, "x");
    }
    ClassDataLaunch.removeEarlier(after.archive());
    assertThat(before.archive()).doesNotExist();
    assertThat(before.failed()).doesNotExist();
    assertThat(after.archive()).exists();
    assertThat(other.archive()).exists(); // another jar's
  }

  @Test
  void theCacheFolderOfEachPlatform() {
    assertThat(ClassDataLaunch.cacheFolder("Linux", Map.of("XDG_CACHE_HOME", "/c"), "/home/u"))
        .isEqualTo(Path.of("/c/quantscope"));
    assertThat(ClassDataLaunch.cacheFolder("Linux", Map.of("XDG_CACHE_HOME", "rel"), "/home/u"))
        .isEqualTo(Path.of("/home/u/.cache/quantscope"));
    assertThat(ClassDataLaunch.cacheFolder("Mac OS X", Map.of(), "/Users/u"))
        .isEqualTo(Path.of("/Users/u/Library/Caches/QuantScope"));
    assertThat(ClassDataLaunch.cacheFolder("Windows 11", Map.of("LOCALAPPDATA", "/L"), "/h"))
        .isEqualTo(Path.of("/L", "QuantScope", "Cache"));
  }

  @Test
  void aListJavaCannotArchiveWithItsLambdasIsArchivedWithoutThemAndJavaStartsOnIt()
      throws Exception {
    Path java = Path.of(javaHome, "bin", "java");
    Path list = dir.resolve("run.classlist");
    // as -XX:DumpLoadedClassList writes it, with a lambda line that -Xshare:dump refuses (a
    // format error, exit 1): the archive is then written without the lambdas
    Files.writeString(
        list,
        "java/lang/Object id: 1\n"
            + "java/lang/String id: 2\n"
            + "java/util/ArrayList id: 3\n"
            + "@lambda-proxy java/lang/Thread\n");
    Path archive = dir.resolve("app.jsa");
    assertThat(ClassDataLaunch.write(java, jar.toString(), list, archive)).isTrue();
    assertThat(archive).isNotEmptyFile();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("quantscope.jar", "run.classlist", "app.jsa");
    }
    run(
        java.toString(),
        "-XX:SharedArchiveFile=" + archive,
        "-Xshare:on",
        "-cp",
        jar.toString(),
        "-version");

    // a list that is not there: no archive, nothing left behind
    Path none = dir.resolve("none.jsa");
    assertThat(ClassDataLaunch.write(java, jar.toString(), dir.resolve("missing"), none)).isFalse();
    assertThat(none).doesNotExist();
  }

  @Test
  void theLambdasOfTheRecordedRunAreArchivedWithItsClasses() throws Exception {
    Path java = Path.of(javaHome, "bin", "java");
    Path probeJar = dir.resolve("probe.jar");
    String probe = LambdaProbe.class.getName().replace('.', '/') + ".class";
    try (OutputStream o = Files.newOutputStream(probeJar);
        JarOutputStream j = new JarOutputStream(o, new Manifest());
        var in = LambdaProbe.class.getResourceAsStream("LambdaProbe.class")) {
      j.putNextEntry(new java.util.jar.JarEntry(probe));
      in.transferTo(j);
      j.closeEntry();
    }
    Path list = dir.resolve("probe.classlist");
    String recorded =
        run(
            java.toString(),
            "-XX:DumpLoadedClassList=" + list,
            "-cp",
            probeJar.toString(),
            LambdaProbe.class.getName());
    assertThat(recorded).contains("probe 0");
    assertThat(Files.readAllLines(list))
        .anyMatch(l -> l.startsWith("@lambda-proxy org/quantscope/cli/LambdaProbe "));

    Path archive = dir.resolve("probe.jsa");
    assertThat(ClassDataLaunch.write(java, probeJar.toString(), list, archive)).isTrue();
    String started =
        run(
            java.toString(),
            "-XX:SharedArchiveFile=" + archive,
            "-Xshare:on",
            "-Xlog:class+load=info",
            "-cp",
            probeJar.toString(),
            LambdaProbe.class.getName());
    assertThat(started.lines())
        .anyMatch(l -> l.contains("LambdaProbe$$Lambda") && l.contains("shared objects file"))
        .anyMatch(l -> l.contains("probe 0"));
  }

  /** Runs a command to its end; its output and errors together. */
  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void theBackgroundWriterMarksAFailureSoThatItIsNotTriedAgain() throws IOException {
    Path list = dir.resolve("a.classlist");
    Files.writeString(list, "no/such/Class id: 1\n");
    Path archive = cache.resolve("cds-00000000-00000000.jsa");
    Path failed = cache.resolve("cds-00000000-00000000.failed");
    Files.createDirectories(cache);
    // an unwritable archive path (a folder where the file goes) makes the dump fail
    Files.createDirectories(archive);
    ClassDataLaunch.main(new String[] {list.toString(), archive.toString(), failed.toString()});
    assertThat(failed).exists();
    assertThat(list).doesNotExist();
  }
}
