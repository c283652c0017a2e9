// SPDX-License-Identifier: Apache-2.0
package org.quantscope;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.cli.Cli;
import org.quantscope.json.JsonDocument;
import org.quantscope.json.SchemaCheck;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.report.ReportPdf;
import org.quantscope.ui.JobRunner;
import org.quantscope.ui.MainViewModel;
import org.quantscope.ui.ReportFormat;

/**
 * The window and the command line are two faces of one pipeline: the same model, options and
 * samples give the same report, whichever face made it. Only what the clock decides may differ:
 * when the report was made, and the measured latencies. The window's Run all checks parity without
 * the error trace, so the command line is asked for the same ({@code --no-trace}).
 */
class FacesAgreeTest {
  @TempDir Path dir;

  /** Fields the clock decides: they differ between any two runs. */
  private static final List<String> TIMED =
      List.of(
          "load_ms",
          "mean_ms",
          "stdev_ms",
          "min_ms",
          "max_ms",
          "p50_ms",
          "p90_ms",
          "p95_ms",
          "p99_ms",
          "throughput_per_s",
          "elapsed_ms",
          "speedup_p50",
          "speedup",
          "fp32_latency_ms",
          "int8_latency_ms");

  @Test
  void theWindowAndTheCommandLineWriteTheSameReport() throws Exception {
    Path model =
        Files.write(dir.resolve("fragile.onnx"), TestModels.fragileMlp("fc2").toByteArray());

    Path cliJson = dir.resolve("cli.json");
    StringWriter out = new StringWriter();
    int code =
        Cli.run(
            new String[] {
              "report",
              model.toString(),
              "--per-channel",
              "--samples",
              "20",
              "--seed",
              "7",
              "--abs-tol",
              "1.0",
              "--mean-tol",
              "0.3",
              "--runs",
              "5",
              "--warmup",
              "5",
              "--no-trace",
              "--json",
              cliJson.toString()
            },
            new PrintWriter(out),
            new PrintWriter(new StringWriter()),
            (m, exitAfter) -> 2);
    assertThat(code).as(out.toString()).isIn(0, 1);

    MainViewModel vm = new MainViewModel(JobRunner.synchronous(), Pipeline.inProcess());
    vm.open(model);
    vm.options().perChannelProperty().set(true);
    vm.options().samples().textProperty().set("20");
    vm.options().seed().textProperty().set("7");
    vm.options().absTol().textProperty().set("1.0");
    vm.options().meanTol().textProperty().set("0.3");
    vm.options().benchRuns().textProperty().set("5");
    vm.runs().runAll();
    assertThat(vm.runs().failureProperty().get()).isNull();
    Path windowJson = dir.resolve("window.json");
    vm.runs().exportReport(windowJson, ReportFormat.JSON, ReportPdf.Paper.A4);
    assertThat(vm.runs().failureProperty().get()).isNull();

    JsonNode a = SchemaCheck.valid(JsonDocument.REPORT, cliJson);
    JsonNode b = SchemaCheck.valid(JsonDocument.REPORT, windowJson);
    // the comparison would be empty if the reports were: they hold every result
    assertThat(a.at("/quantization/quantized")).hasSize(3);
    assertThat(a.at("/parity/outputs")).isNotEmpty();
    assertThat(a.at("/bench/models")).hasSize(2);
    assertThat(a.at("/settings/per_channel").asBoolean()).isTrue();
    assertThat(a.has("trace")).isFalse();
    assertThat(withoutClock(b)).isEqualTo(withoutClock(a));
  }

  private static JsonNode withoutClock(JsonNode n) {
    JsonNode copy = n.deepCopy();
    ((ObjectNode) copy).remove("created");
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode n) {
    if (n instanceof ObjectNode o) {
      o.remove(TIMED);
    }
    for (JsonNode child : n) {
      strip(child);
    }
  }
}
