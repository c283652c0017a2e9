// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.json.JsonDocument;
import org.quantscope.json.SchemaCheck;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.SaveOptions;
import picocli.CommandLine;

class CliTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Cli.run(
            args,
            new PrintWriter(out),
            new PrintWriter(err),
            (model, exitAfter) -> {
              throw new AssertionError("the window must not open for " + List.of(args));
            });
    return new Result(code, out.toString(), err.toString());
  }

  private Path model(String name, org.quantscope.onnx.ModelProto m) throws IOException {
    return Files.write(dir.resolve(name), m.toByteArray());
  }

  @Test
  void versionAndHelp() {
    Result v = run("--version");
    assertThat(v.code()).isZero();
    assertThat(v.out()).startsWith("QuantScope ").contains("ONNX Runtime 1.28.0");
    Result h = run("--help");
    assertThat(h.code()).isZero();
    assertThat(h.out()).contains("inspect").contains("Exit codes");
    assertThat(h.out()).doesNotContain("__worker"); // the window's worker verb is not for people
    assertThat(run("inspect", "--help").out()).contains("--json");
  }

  @Test
  void inspectPrintsASummaryWithVerdicts() throws IOException {
    Result r = run("inspect", model("mlp.onnx", TestModels.mlp()).toString());
    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .contains("mlp.onnx")
        .contains("x  tensor(float)  [batch, 4]")
        .contains("Quantizable nodes: 2 of 2 will be quantized")
        .contains("rewritten to MatMul 'fc2_MatMul', then MatMulInteger");
  }

  @Test
  void inspectJsonHasTheDocumentedKeys() throws IOException {
    Result r = run("inspect", "--json", model("if.onnx", TestModels.withIf()).toString());
    assertThat(r.code()).isZero();
    JsonNode j = SchemaCheck.valid(JsonDocument.INSPECT, r.out());
    assertThat(j.get("producer").asText()).isEqualTo("quantscope");
    assertThat(j.get("ir_version").asLong()).isEqualTo(8);
    assertThat(j.get("opsets").get("ai.onnx").asLong()).isEqualTo(17);
    assertThat(j.get("inputs")).hasSize(2);
    assertThat(j.get("inputs").get(0).get("name").asText()).isEqualTo("x");
    assertThat(j.get("inputs").get(0).get("type").asText()).isEqualTo("tensor(float)");
    assertThat(j.get("inputs").get(0).get("shape").toString()).isEqualTo("[1,4]");
    assertThat(j.get("outputs").get(0).get("name").asText()).isEqualTo("y");
    assertThat(j.get("node_count").asInt()).isEqualTo(4);
    assertThat(j.get("op_counts").get("MatMul").asInt()).isEqualTo(2);
    assertThat(j.get("initializer_bytes").asLong()).isEqualTo(64);
    JsonNode q = j.get("quantizable").get(0);
    for (String key : List.of("node", "op", "graph", "weight", "will_quantize", "reason")) {
      assertThat(q.has(key)).as(key).isTrue();
    }
    assertThat(q.get("graph").asText()).isEqualTo("branch.then_branch");
  }

  @Test
  void inspectReadsExternalData() throws IOException {
    Path out = dir.resolve("ext.onnx");
    ModelFiles.save(OnnxModel.of(TestModels.bigWeight()), out, SaveOptions.withExternalData());
    Result r = run("inspect", "--json", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.get("external_data_bytes").asLong()).isEqualTo(256 * 256 * 4 + 256 * 4);
  }

  @Test
  void everyBadFileGetsExitCode2AOneLineMessageAndNoTrace() throws IOException {
    byte[] junk = new byte[2048];
    new Random(3).nextBytes(junk);
    byte[] full = TestModels.bigWeight().toByteArray();
    Path ext = dir.resolve("ext.onnx");
    ModelFiles.save(OnnxModel.of(TestModels.bigWeight()), ext, SaveOptions.withExternalData());
    Files.delete(dir.resolve("ext.onnx.data"));
    var ghost = TestModels.mlp();
    ghost =
        ghost.toBuilder()
            .setGraph(
                ghost.getGraph().toBuilder()
                    .setNode(1, ghost.getGraph().getNode(1).toBuilder().setInput(0, "nobody")))
            .build();
    var shortWeight = TestModels.mlp();
    shortWeight =
        shortWeight.toBuilder()
            .setGraph(
                shortWeight.getGraph().toBuilder()
                    .setInitializer(
                        0, shortWeight.getGraph().getInitializer(0).toBuilder().setDims(0, 5)))
            .build();
    List<Path> bad =
        List.of(
            dir.resolve("missing.onnx"),
            Files.createDirectory(dir.resolve("folder.onnx")),
            Files.createFile(dir.resolve("empty.onnx")),
            Files.write(dir.resolve("junk.onnx"), junk),
            Files.write(dir.resolve("half.onnx"), java.util.Arrays.copyOf(full, full.length / 2)),
            Files.writeString(dir.resolve("text.onnx"), "hello, I am not a model\n"),
            model("ghost.onnx", ghost),
            model("short.onnx", shortWeight),
            ext);
    List<String> before = listing();
    for (Path p : bad) {
      Result r = run("inspect", p.toString());
      assertThat(r.code()).as(p + ": " + r.err()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(r.out()).as(p.toString()).isEmpty();
      assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
      assertThat(r.err())
          .startsWith("quantscope: ")
          .doesNotContain("Exception")
          .doesNotContain("\tat ");
      assertThat(r.err()).contains(p.getFileName().toString());
    }
    assertThat(listing()).isEqualTo(before);
  }

  @Test
  void verbosePrintsTheTrace() {
    Result r = run("inspect", "--verbose", dir.resolve("missing.onnx").toString());
    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("ModelFormatException").contains("\tat ");
  }

  @Test
  void usageErrorsExitWith2() {
    Result r = run("inspect");
    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("Missing required parameter: 'MODEL'").contains("--help");
    assertThat(run("inspect", "--bogus", "x.onnx").code()).isEqualTo(ExitCodes.BAD_INPUT);
  }

  @Test
  void noVerbOpensTheWindow() {
    assertThat(opened("some.onnx", "--exit-after", "2")).containsExactly(Path.of("some.onnx"));
    assertThat(opened()).isEmpty(); // the built-in example
  }

  @Test
  void severalModelsOpenAWindowEach() {
    // as a file manager passes them (the desktop entry's %F): every file, in order, even one
    // that does not exist (its window says so), none refused with "Unmatched argument"
    assertThat(opened("a.onnx", "b b.onnx", "missing.onnx"))
        .containsExactly(Path.of("a.onnx"), Path.of("b b.onnx"), Path.of("missing.onnx"));
  }

  @Test
  void aVerbBuiltAloneReadsAndDescribesItselfAsAmongAllTheOthers() {
    CommandLine all = Cli.commandLine(new PrintWriter(new StringWriter()), null, (m, e) -> 0);
    for (String verb : Cli.VERBS) {
      CommandLine alone =
          Cli.commandLine(new PrintWriter(new StringWriter()), null, (m, e) -> 0, verb);
      assertThat(alone.getSubcommands().keySet()).containsExactly(verb);
      assertThat(alone.getSubcommands().get(verb).getUsageMessage())
          .as(verb)
          .isEqualTo(all.getSubcommands().get(verb).getUsageMessage());
    }
    // as run builds it: one verb; an unknown option is named with the verb's own usage hint
    StringWriter err = new StringWriter();
    int code =
        Cli.run(
            new String[] {"quantize", "--no-such-option", "m.onnx"},
            new PrintWriter(new StringWriter()),
            new PrintWriter(err),
            null);
    assertThat(code).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString())
        .contains("Unknown option: '--no-such-option'")
        .contains("Try 'quantscope quantize --help' for usage.");
  }

  @Test
  void theWindowsShortcutReadsArgumentsAsPicocliDoes() {
    // Cli.run opens the window without building picocli when the arguments can only mean that;
    // every list it takes must be read by picocli the same way, and the rest left to picocli
    assertThat(
            Cli.commandLine(new PrintWriter(new StringWriter()), null, (m, e) -> 0)
                .getSubcommands()
                .keySet())
        .containsExactlyInAnyOrderElementsOf(Cli.VERBS);
    List<String[]> taken =
        List.of(
            new String[] {},
            new String[] {"a.onnx"},
            new String[] {"a.onnx", "b b.onnx", "missing.onnx"},
            new String[] {"--exit-after", "3", "model.onnx"},
            new String[] {"model.onnx", "--exit-after", "0.5"},
            new String[] {"--verbose", "x/y/model.onnx"},
            new String[] {"inspect.onnx"});
    for (String[] args : taken) {
      Cli.WindowRequest fast = Cli.windowRequest(args);
      assertThat(fast).as(String.join(" ", args)).isNotNull();
      CommandLine cl = Cli.commandLine(new PrintWriter(new StringWriter()), null, (m, e) -> 0);
      CommandLine.ParseResult parsed = cl.parseArgs(args);
      assertThat(parsed.hasSubcommand()).isFalse();
      Cli.Root root = cl.getCommand();
      assertThat(fast.models()).as(String.join(" ", args)).isEqualTo(root.models);
      assertThat(fast.exitAfter()).isEqualTo(root.exitAfter);
    }
    List<String[]> left =
        List.of(
            new String[] {"inspect", "a.onnx"},
            new String[] {"a.onnx", "inspect"},
            new String[] {"--version"},
            new String[] {"-h"},
            new String[] {"--exit-after", "-1"},
            new String[] {"--exit-after", "1e3"},
            new String[] {"--exit-after"},
            new String[] {"--", "a.onnx"},
            new String[] {"@args.txt"},
            new String[] {""},
            new String[] {"a\u0000.onnx"});
    for (String[] args : left) {
      assertThat(Cli.windowRequest(args)).as(String.join(" ", args)).isNull();
    }
    // and those are still picocli's: an error or its own output, never the window
    StringWriter sink = new StringWriter();
    int code =
        Cli.run(
            new String[] {"--exit-after", "-1"},
            new PrintWriter(sink),
            new PrintWriter(sink),
            (m, e) -> {
              throw new AssertionError("the window opened");
            });
    assertThat(code).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(sink.toString()).contains("--exit-after");
  }

  private static List<Path> opened(String... args) {
    StringWriter sink = new StringWriter();
    List<Path> opened = new java.util.ArrayList<>();
    int code =
        Cli.run(
            args,
            new PrintWriter(sink),
            new PrintWriter(sink),
            (models, exitAfter) -> {
              opened.addAll(models);
              assertThat(exitAfter)
                  .isEqualTo(args.length > 1 && args[1].equals("--exit-after") ? 2.0 : 0.0);
              return 0;
            });
    assertThat(code).as(sink.toString()).isZero();
    return opened;
  }

  private List<String> listing() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.map(Path::toString).sorted().toList();
    }
  }
}
