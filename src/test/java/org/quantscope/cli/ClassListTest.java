// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which lines of a recorded class list go into a class-data archive. */
class ClassListTest {
  @TempDir Path dir;

  @Test
  void lambdasOfClassesThatAnArchiveLeavesOutAreLeftOutOfTheList() throws IOException {
    // an unsigned jar whose manifest brings a signed one along, as quantscope.jar brings ELK's
    Path signed = dir.resolve("signed.jar");
    try (OutputStream o = Files.newOutputStream(signed);
        JarOutputStream j = new JarOutputStream(o, new Manifest())) {
      j.putNextEntry(new java.util.jar.JarEntry("META-INF/SIGNER.SF"));
      j.putNextEntry(new java.util.jar.JarEntry("b/B.class"));
    }
    Manifest m = new Manifest();
    m.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(java.util.jar.Attributes.Name.CLASS_PATH, "signed.jar");
    Path app = dir.resolve("app.jar");
    try (OutputStream o = Files.newOutputStream(app);
        JarOutputStream j = new JarOutputStream(o, m)) {
      j.putNextEntry(new java.util.jar.JarEntry("a/A.class"));
    }
    try (var classes = ClassList.loaderOf(app.toString())) {
      var leftOut = ClassList.leftOutBy(classes);
      assertThat(leftOut.test("a/A")).isFalse();
      assertThat(leftOut.test("java/lang/Thread")).isFalse();
      assertThat(leftOut.test("b/B")).isTrue();
      assertThat(leftOut.test("no/such/Class")).isTrue();

      List<String> lines =
          List.of(
              "a/A id: 1",
              "b/B id: 2",
              "@lambda-proxy a/A run ()Ljava/lang/Runnable; ()V REF_invokeStatic a/A l ()V ()V",
              "@lambda-proxy b/B run ()Ljava/lang/Runnable; ()V REF_invokeStatic b/B l ()V ()V",
              "@lambda-form-invoker [LF_RESOLVE] java.lang.invoke.Invokers$Holder linkToTargetMethod"
                  + " L_L");
      assertThat(ClassList.archivable(lines, leftOut))
          .containsExactly(lines.get(0), lines.get(1), lines.get(2), lines.get(4));
      assertThat(ClassList.withoutLambdas(lines)).containsExactly(lines.get(0), lines.get(1));
    }
  }

  @Test
  void theInstallersListIsBothListsInOrderEachLineOnceWithoutComments() throws IOException {
    Path window = dir.resolve("window.classlist");
    Path cli = dir.resolve("cli.classlist");
    Files.writeString(
        window,
        "# NOTE: Do not modify this file.\n"
            + "java/lang/Object id: 0\n"
            + "org/quantscope/Main id: 1\n"
            + "@lambda-proxy org/quantscope/Main run ()Ljava/lang/Runnable; ()V x\n"
            + "@lambda-proxy no/such/Owner run ()Ljava/lang/Runnable; ()V x\n");
    Files.writeString(cli, "java/lang/Object id: 0\npicocli/CommandLine id: 7\n");
    Path out = dir.resolve("app.classlist");
    ClassList.main(new String[] {out.toString(), window.toString(), cli.toString()});
    assertThat(Files.readAllLines(out))
        .containsExactly(
            "java/lang/Object id: 0",
            "org/quantscope/Main id: 1",
            "@lambda-proxy org/quantscope/Main run ()Ljava/lang/Runnable; ()V x",
            "picocli/CommandLine id: 7");
  }
}
