// SPDX-License-Identifier: Apache-2.0
package org.quantscope;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package rules of docs/architecture.md, enforced. */
class ArchitectureTest {
  private static final String[] ENGINE = {
    "org.quantscope.onnx..",
    "org.quantscope.model..",
    "org.quantscope.graph..",
    "org.quantscope.quantize..",
    "org.quantscope.runtime..",
    "org.quantscope.parity..",
    "org.quantscope.bench..",
    "org.quantscope.sensitivity..",
    "org.quantscope.report..",
    "org.quantscope.progress..",
    "org.quantscope.worker.."
  };

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.quantscope");
  }

  @Test
  void engineNeverUsesJavaFxUiOrCli() {
    noClasses()
        .that()
        .resideInAnyPackage(ENGINE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "javafx..",
            "org.controlsfx..",
            "org.jfree.chart.fx..",
            "org.quantscope.ui..",
            "org.quantscope.cli..")
        .check(classes);
  }

  @Test
  void uiAndCliDoNotKnowEachOther() {
    noClasses()
        .that()
        .resideInAPackage("org.quantscope.ui..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.quantscope.cli..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("org.quantscope.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.quantscope.ui..")
        .check(classes);
  }

  @Test
  void engineLayersPointDownward() {
    noClasses()
        .that()
        .resideInAPackage("org.quantscope.onnx..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.quantscope.model..", "org.quantscope.graph..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("org.quantscope.model..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.quantscope.graph..", "org.quantscope.quantize..", "org.quantscope.runtime..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("org.quantscope.graph..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.quantscope.quantize..", "org.quantscope.runtime..", "org.quantscope.parity..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("org.quantscope.progress..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.quantscope.(*)..")
        .allowEmptyShould(true)
        .check(classes);
    // sensitivity sits above quantize, parity and bench: it drives them, they never call it
    noClasses()
        .that()
        .resideInAnyPackage(
            "org.quantscope.model..",
            "org.quantscope.graph..",
            "org.quantscope.quantize..",
            "org.quantscope.runtime..",
            "org.quantscope.parity..",
            "org.quantscope.bench..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.quantscope.sensitivity..")
        .check(classes);
    // the worker runs the others in a separate process: only the clients (ui, cli) call it
    noClasses()
        .that()
        .resideInAnyPackage(ENGINE)
        .and()
        .resideOutsideOfPackage("org.quantscope.worker..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.quantscope.worker..")
        .check(classes);
  }

  @Test
  void onlyCliAndMainWriteToTheConsole() {
    noClasses()
        .that()
        .resideOutsideOfPackage("org.quantscope.cli..")
        .and()
        .doNotHaveFullyQualifiedName("org.quantscope.Main")
        .should()
        .accessField(System.class, "out")
        .orShould()
        .accessField(System.class, "err")
        .check(classes);
  }
}
