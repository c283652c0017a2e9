// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.graph.ModelSummary;
import org.quantscope.graph.QuantizableNode;
import picocli.CommandLine;

/**
 * The command line's text: help written as paragraphs that picocli wraps once, names printed whole,
 * progress only in a terminal, and the shell completion and manual page made from the same
 * annotations.
 */
class CommandLineTextTest {
  @TempDir Path dir;

  private static CommandLine root() {
    StringWriter sink = new StringWriter();
    return Cli.commandLine(new PrintWriter(sink), new PrintWriter(sink), (m, e) -> 0);
  }

  @Test
  void descriptionsAreParagraphsWithAOneSentenceSummary() {
    CommandLine root = root();
    for (CommandLine c : ManPage.visible(root)) {
      String[] d = c.getCommandSpec().usageMessage().description();
      String name = c.getCommandName();
      if (name.equals("generate-completion")) {
        continue; // picocli's own
      }
      assertThat(d).as(name).isNotEmpty();
      // the verb list shows the first line: a whole sentence
      assertThat(d[0]).as(name + " summary").endsWith(".").doesNotContain("\n");
      for (String p : d) {
        // a paragraph is empty or ends a sentence: no line broken by hand, for picocli to
        // wrap once more into ragged lines
        assertThat(p.isEmpty() || p.matches("(?s).*[.:)]$")).as(name + ": " + p).isTrue();
      }
    }
  }

  @Test
  void helpIsWrappedOnceToTheWidth() {
    CommandLine root = root();
    root.setUsageHelpWidth(100);
    String verbs = root.getUsageMessage();
    assertThat(verbs)
        .containsPattern(
            "\\n  quantize +Quantize a model like ONNX Runtime's quantize_dynamic\\.\\n")
        .containsPattern(
            "\\n  report +Quantize, check parity, trace the error, benchmark, and write the report\\.\\n")
        .containsPattern("\\n  generate-completion +Generate bash/zsh completion script");
    String help = root.getSubcommands().get("quantize").getUsageMessage();
    for (String line : help.split("\n")) {
      assertThat(line.length()).as(line).isLessThanOrEqualTo(100);
    }
    // one paragraph fills its lines: no line of the description is short in mid-paragraph
    assertThat(help).contains("INT8 weights, activations quantized at run time; the defaults");
  }

  @Test
  void tablesPrintNodeNamesWhole() {
    String longName = "/encoder/layer.4/intermediate/dense/MatMul_with_a_very_long_suffix";
    ModelSummary s =
        new ModelSummary(
            "m.onnx",
            10,
            0,
            "p",
            "",
            8,
            java.util.Map.of("ai.onnx", 17L),
            List.of(),
            List.of(),
            1,
            java.util.Map.of("MatMul", 1),
            0,
            0,
            0,
            1,
            64,
            List.of(
                new QuantizableNode(
                    longName, "MatMul", "main", "W", List.of(4L, 4L), true, null, "MM", 0)));
    StringWriter whole = new StringWriter();
    InspectCommand.printText(s, false, NameWidth.WHOLE, new PrintWriter(whole));
    assertThat(whole.toString()).contains("  " + longName + "  MatMul");
    StringWriter cut = new StringWriter();
    InspectCommand.printText(s, false, 20, new PrintWriter(cut));
    assertThat(cut.toString()).doesNotContain(longName).contains("…");
  }

  @Test
  void nameWidthIsAnOption() throws IOException {
    Path m = Files.write(dir.resolve("mlp.onnx"), TestModels.mlp().toByteArray());
    CliTest.Result r = CliTest.run("inspect", m.toString(), "--name-width", "3");
    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("--name-width must be at least 8, got 3");
    assertThat(CliTest.run("inspect", m.toString(), "--name-width", "8").code()).isZero();
  }

  @Test
  void progressUsesCarriageReturnsOnlyInATerminal() {
    StringWriter quiet = new StringWriter();
    ProgressLine off = new ProgressLine(new PrintWriter(quiet), false);
    off.report(1, 2, "half");
    off.report(2, 2, "done");
    assertThat(quiet.toString()).isEmpty();
    StringWriter shown = new StringWriter();
    ProgressLine on = new ProgressLine(new PrintWriter(shown), true);
    on.report(1, 2, "half");
    assertThat(shown.toString()).startsWith("\r  1/2 half");
    // no console, or TERM=dumb: no terminal; surefire's forked JVM has no console
    assertThat(Terminal.isInteractive(null, "xterm")).isFalse();
    assertThat(Terminal.isInteractive()).isFalse();
  }

  @Test
  void completionAndManPageComeFromTheAnnotations() throws IOException {
    CliTest.Result r = CliTest.run("__shell-files", dir.toString());
    assertThat(r.code()).as(r.err()).isZero();
    String bash = Files.readString(dir.resolve("quantscope.bash"));
    assertThat(bash)
        .contains("complete -F _complete_quantscope")
        .contains("inspect")
        .contains("--name-width")
        .contains("--auto-exclude")
        .doesNotContain("__worker");
    String man = Files.readString(dir.resolve("quantscope.1"));
    assertThat(man).startsWith(".\\\" Generated by QuantScope").contains("\n.TH QUANTSCOPE 1 ");
    CommandLine root = root();
    for (CommandLine c : ManPage.visible(root)) {
      assertThat(man).contains(".SS \"" + c.getCommandName().replace("-", "\\-"));
      for (var o : c.getCommandSpec().options()) {
        if (!o.hidden()) {
          assertThat(man).as(c.getCommandName()).contains(o.longestName().replace("-", "\\-"));
        }
      }
    }
    assertThat(man).doesNotContain("__worker").contains(".SH EXIT STATUS");
    for (String line : man.split("\n")) {
      // text lines never start with a dot or an apostrophe; requests are the man macros
      assertThat(line)
          .as("a troff line")
          .doesNotStartWith("'")
          .matches("^([^.].*|\\.(TH|SH|SS|PP|TP|B|I|RI|br|\\\\\")( .*)?)?$");
    }
    // the completion a shell asks for: picocli's standard subcommand
    CliTest.Result g = CliTest.run("generate-completion");
    assertThat(g.code()).isZero();
    assertThat(g.out()).contains("complete -F _complete_quantscope");
  }
}
