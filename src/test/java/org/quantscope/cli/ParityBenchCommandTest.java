// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.json.JsonDocument;
import org.quantscope.json.SchemaCheck;
import org.quantscope.model.ExampleModel;

/** The parity and bench verbs end to end on the example classifier and its int8 copy. */
class ParityBenchCommandTest {
  @TempDir Path dir;
  Path fp32;
  Path int8;

  @BeforeEach
  void models() throws IOException {
    fp32 = Files.write(dir.resolve("model.onnx"), ExampleModel.build().toByteArray());
    int8 = dir.resolve("model.int8.onnx");
    CliTest.Result q =
        CliTest.run("quantize", fp32.toString(), "-o", int8.toString(), "--reduce-range");
    assertThat(q.code()).as(q.err()).isZero();
  }

  @Test
  void parityPassesAndWritesTheSeedKeys() throws IOException {
    CliTest.Result r =
        CliTest.run(
            "parity",
            "--reference",
            fp32.toString(),
            "--candidate",
            int8.toString(),
            "--samples",
            "20",
            "--abs-tol",
            "0.2",
            "--mean-tol",
            "0.05");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("PASSED").contains("probabilities");
    JsonNode j = SchemaCheck.valid(JsonDocument.PARITY, dir.resolve("parity_report.json"));
    List<String> keys = new java.util.ArrayList<>();
    j.fieldNames().forEachRemaining(keys::add);
    // the document's version, then the seed's keys
    assertThat(keys.subList(0, 4))
        .containsExactly("schema_version", "max_abs_diff", "mean_abs_diff", "passed");
    assertThat(j.get("samples").asInt()).isEqualTo(20);
    assertThat(j.get("abs_tol").asDouble()).isEqualTo(0.2);
    JsonNode out = j.get("outputs").get(0);
    for (String k :
        List.of(
            "max_abs_diff",
            "mean_abs_diff",
            "p50_abs_diff",
            "p90_abs_diff",
            "p99_abs_diff",
            "rmse",
            "max_rel_diff",
            "cosine_similarity",
            "histogram",
            "decision_flips",
            "near_threshold")) {
      assertThat(out.has(k)).as(k).isTrue();
    }
    assertThat(out.get("max_abs_diff").asDouble()).isEqualTo(j.get("max_abs_diff").asDouble());
  }

  @Test
  void parityFailsWithExitCodeOneWhenOutOfTolerance() {
    Path report = dir.resolve("p.json");
    CliTest.Result r =
        CliTest.run(
            "parity",
            "--reference",
            fp32.toString(),
            "--candidate",
            int8.toString(),
            "--samples",
            "5",
            "--abs-tol",
            "0.0000001",
            "-o",
            report.toString());
    assertThat(r.code()).isEqualTo(ExitCodes.CHECK_FAILED);
    assertThat(r.out()).contains("FAILED");
    assertThat(report).exists();
  }

  @Test
  void parityAgainstExpectedOutputsAndInputsFromCsv() throws IOException {
    StringBuilder csv = new StringBuilder("f0,f1,f2,f3,f4,f5,f6,f7\n");
    for (int i = 0; i < 6; i++) {
      csv.append("0.1,0.2,-0.3,0.4,0.5,-0.6,0.7,").append(i * 0.1).append('\n');
    }
    Path inputs = Files.writeString(dir.resolve("x.csv"), csv);
    // the float model's own probabilities, as the expected file
    CliTest.Result ref =
        CliTest.run(
            "parity",
            "--reference",
            fp32.toString(),
            "--candidate",
            fp32.toString(),
            "--inputs",
            inputs.toString(),
            "-o",
            dir.resolve("self.json").toString());
    assertThat(ref.code()).as(ref.err()).isZero();
    assertThat(ref.out()).contains("PASSED: max_abs_diff 0.000000");
    StringBuilder expected = new StringBuilder("p0,p1,p2\n");
    for (int i = 0; i < 6; i++) {
      expected.append("0.3,0.3,0.4\n");
    }
    Path exp = Files.writeString(dir.resolve("expected.csv"), expected);
    CliTest.Result r =
        CliTest.run(
            "parity",
            "--candidate",
            int8.toString(),
            "--inputs",
            inputs.toString(),
            "--expected",
            exp.toString(),
            "--abs-tol",
            "1",
            "--mean-tol",
            "1",
            "-o",
            dir.resolve("e.json").toString());
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = SchemaCheck.valid(JsonDocument.PARITY, dir.resolve("e.json"));
    assertThat(j.get("expected").asText()).endsWith("expected.csv");
    assertThat(j.get("samples").asInt()).isEqualTo(6);
  }

  @Test
  void theBatchIsAnOptionAndEveryVerdictSaysWhichBatchItHoldsFor() throws IOException {
    Path f = Files.write(dir.resolve("outlier.onnx"), TestModels.outlierMlp().toByteArray());
    Path q = dir.resolve("outlier.int8.onnx");
    assertThat(CliTest.run("quantize", f.toString(), "-o", q.toString(), "--reduce-range").code())
        .isZero();
    float[] x = (float[]) TestModels.outlierFeeds(143, 30f).get(0).get("x").data();
    StringBuilder csv = new StringBuilder();
    for (int c = 0; c < 30; c++) {
      csv.append(c == 0 ? "" : ",").append("f").append(c);
    }
    csv.append('\n');
    for (int r = 0; r < 143; r++) {
      for (int c = 0; c < 30; c++) {
        csv.append(c == 0 ? "" : ",").append(x[r * 30 + c]);
      }
      csv.append('\n');
    }
    Path rows = Files.writeString(dir.resolve("rows.csv"), csv);
    Path json = dir.resolve("p.json");
    String[] base = {
      "parity",
      "--reference",
      f.toString(),
      "--candidate",
      q.toString(),
      "--inputs",
      rows.toString(),
      "--report",
      json.toString()
    };
    // a CSV runs as one batch, as the seed did: the far row fails it
    CliTest.Result whole = CliTest.run(base);
    assertThat(whole.code()).as(whole.out() + whole.err()).isEqualTo(ExitCodes.CHECK_FAILED);
    assertThat(whole.out())
        .contains("FAILED")
        .contains("over 143 samples in one run (batch 143)")
        .contains("note: this verdict holds for batch 143: one row per run, the model passes");
    JsonNode j = SchemaCheck.valid(JsonDocument.PARITY, json);
    assertThat(j.get("batch").asInt()).isEqualTo(143);
    assertThat(j.get("batch_1").get("passed").asBoolean()).isTrue();
    assertThat(j.get("batch_1").get("max_abs_diff").asDouble()).isLessThan(0.04);

    String[] one = java.util.Arrays.copyOf(base, base.length + 2);
    one[base.length] = "--batch";
    one[base.length + 1] = "1";
    CliTest.Result single = CliTest.run(one);
    assertThat(single.code()).as(single.out() + single.err()).isZero();
    assertThat(single.out()).contains("PASSED").contains("143 samples, one per run (batch 1)");
    j = SchemaCheck.valid(JsonDocument.PARITY, json);
    assertThat(j.get("batch").asInt()).isEqualTo(1);
    assertThat(j.has("batch_1")).isFalse();

    // the report verb says the same
    CliTest.Result report =
        CliTest.run(
            "report",
            f.toString(),
            "--inputs",
            rows.toString(),
            "--reduce-range",
            "--no-trace",
            "--no-bench",
            "--json",
            dir.resolve("r.json").toString());
    assertThat(report.code()).as(report.out() + report.err()).isEqualTo(ExitCodes.CHECK_FAILED);
    assertThat(report.out())
        .contains("samples  143 samples in one run (batch 143)")
        .contains("one row per run it passes");

    one[base.length + 1] = "0";
    CliTest.Result bad = CliTest.run(one);
    assertThat(bad.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(bad.err()).contains("--batch must be a number >= 1 or all, got '0'");
  }

  @Test
  void theVerdictCanJudgeRowCosinesOrTopOneDecisions() throws IOException {
    Path json = dir.resolve("m.json");
    CliTest.Result cos =
        CliTest.run(
            "parity",
            "--reference",
            fp32.toString(),
            "--candidate",
            int8.toString(),
            "--samples",
            "20",
            "--metric",
            "cosine",
            "--cosine-tol",
            "0.9",
            "-o",
            json.toString());
    assertThat(cos.code()).as(cos.out() + cos.err()).isZero();
    assertThat(cos.out()).contains("PASSED: min row cosine 0.").contains("(tolerance 0.9, mean");
    JsonNode j = SchemaCheck.valid(JsonDocument.PARITY, json);
    assertThat(j.get("metric").asText()).isEqualTo("cosine");
    assertThat(j.get("metric_tol").asDouble()).isEqualTo(0.9);
    assertThat(j.get("row_cosine_min").asDouble()).isBetween(0.9, 1.0);
    assertThat(j.get("top1_agreement").asDouble()).isBetween(0.0, 1.0);

    CliTest.Result top =
        CliTest.run(
            "parity",
            "--reference",
            fp32.toString(),
            "--candidate",
            int8.toString(),
            "--samples",
            "20",
            "--metric",
            "top1",
            "--top1-tol",
            "1.01",
            "-o",
            json.toString());
    assertThat(top.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(top.err()).contains("--top1-tol must be a share from 0 to 1, got 1.01");

    CliTest.Result bad =
        CliTest.run(
            "parity",
            "--reference",
            fp32.toString(),
            "--candidate",
            int8.toString(),
            "--metric",
            "l2");
    assertThat(bad.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(bad.err()).contains("--metric must be abs, cosine or top1, got 'l2'");
  }

  @Test
  void parityBadInputsExitTwo() throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.csv"), "a,b\n1,2\n");
    for (String[] args :
        List.of(
            new String[] {
              "parity",
              "--reference",
              fp32.toString(),
              "--candidate",
              int8.toString(),
              "--inputs",
              bad.toString()
            },
            new String[] {
              "parity",
              "--reference",
              fp32.toString(),
              "--candidate",
              dir.resolve("none.onnx").toString()
            },
            new String[] {
              "parity",
              "--reference",
              fp32.toString(),
              "--candidate",
              int8.toString(),
              "--output",
              "nope"
            },
            new String[] {
              "parity",
              "--reference",
              fp32.toString(),
              "--candidate",
              int8.toString(),
              "--abs-tol",
              "-1"
            })) {
      CliTest.Result r = CliTest.run(args);
      assertThat(r.code())
          .as(String.join(" ", args) + ": " + r.err())
          .isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(r.err()).doesNotContain("\tat ");
    }
  }

  @Test
  void benchPrintsBothModelsAndWritesTheJsonKeys() throws IOException {
    Path json = dir.resolve("bench.json");
    CliTest.Result r =
        CliTest.run(
            "bench",
            "--model",
            fp32.toString(),
            "--candidate",
            int8.toString(),
            "--warmup",
            "2",
            "--runs",
            "10",
            "--batch",
            "4",
            "--json",
            json.toString(),
            "--backend",
            "onnx");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("fp32").contains("int8").contains("speedup (p50)");
    JsonNode j = SchemaCheck.valid(JsonDocument.BENCH, json);
    assertThat(j.get("speedup_p50").asDouble()).isPositive();
    assertThat(j.get("environment").get("cores").asInt()).isPositive();
    JsonNode m = j.get("models").get(1);
    for (String k :
        List.of(
            "path",
            "role",
            "size_bytes",
            "load_ms",
            "mean_ms",
            "stdev_ms",
            "p50_ms",
            "p90_ms",
            "p95_ms",
            "p99_ms",
            "throughput_per_s")) {
      assertThat(m.has(k)).as(k).isTrue();
    }
    assertThat(m.get("role").asText()).isEqualTo("candidate");
    assertThat(m.get("runs").asInt()).isEqualTo(10);
    assertThat(m.get("batch").asInt()).isEqualTo(4);
    assertThat(CliTest.run("bench", "--model", fp32.toString(), "--backend", "torch").code())
        .isEqualTo(ExitCodes.BAD_INPUT);
  }
}
