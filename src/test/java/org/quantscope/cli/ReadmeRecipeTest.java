// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.json.JsonDocument;
import org.quantscope.json.SchemaCheck;

/**
 * The README's CI recipe ("Quantize in CI") runs as written: its {@code report} command line, taken
 * from the README, on a model and a CSV at the paths it names (inside a temporary folder), writes
 * the PDF and the JSON the workflow keeps as artifacts, and the JSON has what the recipe's {@code
 * jq} step reads.
 */
class ReadmeRecipeTest {
  @TempDir Path dir;

  /** The fenced block after {@code heading}, up to its closing fence. */
  static List<String> block(String heading, String fence) throws IOException {
    List<String> lines = Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8);
    int h = lines.indexOf(heading);
    assertThat(h).as("README has the section " + heading).isNotNegative();
    int start = h + 1;
    while (!lines.get(start).equals(fence)) {
      start++;
    }
    int end = start + 1;
    while (!lines.get(end).equals("```")) {
      end++;
    }
    return lines.subList(start + 1, end);
  }

  @Test
  void theCiWorkflowsReportCommandWritesTheArtifacts() throws IOException {
    List<String> yaml = block("## Quantize in CI", "```yaml");
    String command = "";
    for (int i = 0; i < yaml.size(); i++) {
      if (yaml.get(i).contains("quantscope.jar report")) {
        StringBuilder joined = new StringBuilder();
        for (int j = i; ; j++) {
          String line = yaml.get(j).strip();
          boolean more = line.endsWith("\\");
          joined.append(more ? line.substring(0, line.length() - 1) : line).append(' ');
          if (!more) {
            break;
          }
        }
        command = joined.toString().strip();
      }
    }
    assertThat(command).as("the workflow's report step").startsWith("java -jar ");
    assertThat(String.join("\n", yaml))
        .contains("actions/upload-artifact")
        .contains("path: int8-report.*")
        .contains("if: always()");

    // the files the command names, made in a temporary folder
    List<String> words = List.of(command.split("\\s+"));
    List<String> args = new ArrayList<>();
    for (String w : words.subList(words.indexOf("report"), words.size())) {
      args.add(w.startsWith("-") || w.equals("report") ? w : dir.resolve(w).toString());
    }
    Path model = dir.resolve(words.get(words.indexOf("report") + 1));
    Files.createDirectories(model.getParent());
    Files.write(model, TestModels.mlp().toByteArray());
    Path csv = Path.of(args.get(args.indexOf("--inputs") + 1));
    Files.createDirectories(csv.getParent());
    Files.writeString(csv, "a,b,c,d\n0.1,0.2,-0.3,0.4\n0.5,-0.6,0.7,0.8\n-0.9,1.0,0.1,-0.2\n");
    args.addAll(List.of("--runs", "3", "--warmup", "1"));

    CliTest.Result r = CliTest.run(args.toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isIn(ExitCodes.OK, ExitCodes.CHECK_FAILED);
    Path pdf = Path.of(args.get(args.indexOf("--pdf") + 1));
    Path json = Path.of(args.get(args.indexOf("--json") + 1));
    assertThat(pdf.getFileName().toString()).matches("int8-report\\..*");
    assertThat(json.getFileName().toString()).matches("int8-report\\..*");
    assertThat(Files.readAllBytes(pdf)).startsWith("%PDF".getBytes(StandardCharsets.US_ASCII));
    JsonNode report = SchemaCheck.valid(JsonDocument.REPORT, json);
    // the README's jq step and the keys it names
    assertThat(report.at("/parity/passed").isBoolean()).isTrue();
    assertThat(report.at("/parity/passed").asBoolean()).isEqualTo(r.code() == ExitCodes.OK);
    assertThat(report.at("/summary/verdict").isTextual()).isTrue();
    assertThat(report.at("/parity/max_abs_diff").isNumber()).isTrue();
  }

  @Test
  void theJavaExampleIsTenLinesOfTheCallsLibraryTestRuns() throws IOException {
    List<String> java = block("## Use QuantScope from Java", "```java");
    List<String> code =
        java.stream().filter(l -> !l.isBlank() && !l.startsWith("import ")).toList();
    assertThat(code).hasSizeLessThanOrEqualTo(10);
    String text = String.join("\n", java);
    // the calls org.quantscope.api.LibraryTest makes, so that the README's lines are tested ones
    assertThat(text)
        .contains("Inspector.inspect(Path.of(\"model.onnx\"))")
        .contains("Quantizer.with(QuantizeOptions.builder().perChannel(true).build())")
        .contains(".quantize(Path.of(\"model.onnx\"), Path.of(\"model.int8.onnx\"))")
        .contains("r.quantizedCount()")
        .contains("n.willQuantize()");
  }
}
