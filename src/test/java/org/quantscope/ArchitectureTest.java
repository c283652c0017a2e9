// SPDX-License-Identifier: Apache-2.0
package org.quantscope;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@code src/site/markdown/architecture.md}, enforced: its whole "may use" table, no
 * cycles between packages, and which packages may touch which libraries.
 */
class ArchitectureTest {
  private static final String ROOT = "org.quantscope";

  /**
   * The "may use" table of the architecture page: package to the packages of ours it may use
   * (besides itself and the root package's {@code AppInfo}). Keep the two in step.
   */
  static final Map<String, Set<String>> MAY_USE = new LinkedHashMap<>();

  static {
    Set<String> engine =
        Set.of(
            "onnx",
            "progress",
            "model",
            "graph",
            "quantize",
            "runtime",
            "parity",
            "bench",
            "sensitivity",
            "trace",
            "deploy",
            "text");
    MAY_USE.put("onnx", Set.of());
    MAY_USE.put("json", Set.of("model"));
    MAY_USE.put("logs", Set.of());
    MAY_USE.put("progress", Set.of());
    MAY_USE.put("model", Set.of("onnx", "progress"));
    MAY_USE.put("graph", Set.of("onnx", "progress", "model"));
    MAY_USE.put("quantize", Set.of("onnx", "progress", "model", "graph"));
    MAY_USE.put("runtime", Set.of("onnx", "progress", "model"));
    MAY_USE.put("api", Set.of("onnx", "progress", "model", "graph", "quantize"));
    MAY_USE.put("text", Set.of("onnx", "progress", "model", "runtime", "json"));
    MAY_USE.put("parity", Set.of("onnx", "progress", "model", "runtime"));
    MAY_USE.put("bench", Set.of("onnx", "progress", "model", "runtime"));
    MAY_USE.put(
        "sensitivity",
        Set.of("onnx", "progress", "model", "graph", "quantize", "runtime", "parity", "bench"));
    MAY_USE.put(
        "trace", Set.of("onnx", "progress", "model", "graph", "quantize", "runtime", "parity"));
    MAY_USE.put(
        "deploy", Set.of("onnx", "progress", "model", "graph", "quantize", "runtime", "trace"));
    MAY_USE.put(
        "report",
        Set.of(
            "onnx",
            "progress",
            "model",
            "graph",
            "quantize",
            "parity",
            "bench",
            "sensitivity",
            "trace",
            "deploy",
            "json"));
    MAY_USE.put("worker", union(engine, Set.of("json", "logs")));
    MAY_USE.put("pipeline", union(engine, Set.of("report", "worker", "json", "logs")));
    MAY_USE.put("ui", union(engine, Set.of("report", "pipeline", "json", "logs")));
    MAY_USE.put("cli", union(engine, Set.of("report", "pipeline", "worker", "json", "logs")));
  }

  /** Libraries only some packages may touch. */
  static final Map<String, Set<String>> LIBRARIES = new LinkedHashMap<>();

  static {
    LIBRARIES.put("javafx..", Set.of("ui"));
    LIBRARIES.put("org.controlsfx..", Set.of("ui"));
    LIBRARIES.put("org.jfree.chart.fx..", Set.of("ui"));
    LIBRARIES.put("org.jfree..", Set.of("report", "ui"));
    LIBRARIES.put("org.apache.pdfbox..", Set.of("report"));
    LIBRARIES.put("de.rototor..", Set.of("report"));
    LIBRARIES.put("picocli..", Set.of("cli"));
    LIBRARIES.put("ai.onnxruntime..", Set.of("runtime", "bench"));
    LIBRARIES.put("org.eclipse.elk..", Set.of("graph"));
    // one JSON mapper (json); Jackson's CSV parser reads samples (runtime)
    LIBRARIES.put("com.fasterxml.jackson.databind..", Set.of("json", "runtime"));
    LIBRARIES.put("com.fasterxml.jackson.core..", Set.of("json", "runtime"));
    LIBRARIES.put("com.fasterxml.jackson.dataformat..", Set.of("runtime"));
  }

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> s = new TreeSet<>(a);
    s.addAll(b);
    return s;
  }

  @Test
  void everyPackageIsInTheTable() {
    Set<String> packages =
        classes.stream()
            .map(JavaClass::getPackageName)
            .filter(p -> p.startsWith(ROOT + "."))
            .map(p -> p.substring(ROOT.length() + 1).split("\\.")[0])
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(MAY_USE.keySet()).containsAll(packages);
  }

  @Test
  void eachPackageUsesOnlyWhatTheTableAllows() {
    for (Map.Entry<String, Set<String>> e : MAY_USE.entrySet()) {
      List<String> forbidden =
          MAY_USE.keySet().stream()
              .filter(p -> !p.equals(e.getKey()) && !e.getValue().contains(p))
              .map(p -> ROOT + "." + p + "..")
              .toList();
      if (forbidden.isEmpty()) {
        continue;
      }
      noClasses()
          .that()
          .resideInAPackage(ROOT + "." + e.getKey() + "..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(forbidden.toArray(String[]::new))
          .because("architecture.md: " + e.getKey() + " may use " + e.getValue())
          .allowEmptyShould(true)
          .check(classes);
    }
  }

  @Test
  void noCyclesBetweenPackages() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void librariesStayInTheirPackages() {
    for (Map.Entry<String, Set<String>> e : LIBRARIES.entrySet()) {
      String[] allowed =
          e.getValue().stream().map(p -> ROOT + "." + p + "..").toArray(String[]::new);
      noClasses()
          .that()
          .resideInAPackage(ROOT + "..")
          .and()
          .resideOutsideOfPackages(allowed)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(e.getKey())
          .because("architecture.md: only " + e.getValue() + " use " + e.getKey())
          .check(classes);
    }
  }

  @Test
  void onlyCliAndMainWriteToTheConsole() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + ".cli..")
        .and()
        .doNotHaveFullyQualifiedName(ROOT + ".Main")
        .should()
        .accessField(System.class, "out")
        .orShould()
        .accessField(System.class, "err")
        .check(classes);
  }
}
