// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.json.JsonDocument;
import org.quantscope.json.SchemaCheck;

/** The check-deploy verb end to end on a model whose 8-bit ranges are full. */
class CheckDeployCommandTest {
  @TempDir Path dir;

  /** 16 rows of x[64] in [0, 1): uint8 activations up to 255. */
  private Path csv() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < 64; j++) {
      sb.append(j == 0 ? "" : ",").append("x").append(j);
    }
    sb.append('\n');
    Random r = new Random(3);
    for (int i = 0; i < 16; i++) {
      for (int j = 0; j < 64; j++) {
        sb.append(j == 0 ? "" : ",").append(r.nextFloat());
      }
      sb.append('\n');
    }
    return Files.writeString(dir.resolve("x.csv"), sb.toString());
  }

  private Path quantized(String name, String... flags) throws Exception {
    Path fp32 = dir.resolve("sat.onnx");
    if (!Files.exists(fp32)) {
      Files.write(fp32, TestModels.saturatingMatMul().toByteArray());
    }
    Path out = dir.resolve(name);
    String[] args = new String[4 + flags.length];
    args[0] = "quantize";
    args[1] = fp32.toString();
    args[2] = "-o";
    args[3] = out.toString();
    System.arraycopy(flags, 0, args, 4, flags.length);
    CliTest.Result q = CliTest.run(args);
    assertThat(q.code()).as(q.err()).isZero();
    return out;
  }

  @Test
  void aSaturatingModelIsAtRiskAndReduceRangeIsCheckedToRemoveIt() throws Exception {
    Path int8 = quantized("sat.int8.onnx");
    Path json = dir.resolve("deploy.json");
    CliTest.Result r =
        CliTest.run(
            "check-deploy",
            int8.toString(),
            "--float",
            dir.resolve("sat.onnx").toString(),
            "--inputs",
            csv().toString(),
            "--json",
            json.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.out())
        .startsWith("NODE")
        .contains("u8s8")
        .contains("With --reduce-range (emulated on the same samples): 0 saturating nodes")
        .contains("Verdict: at risk: 1 node saturates on CPUs without VNNI")
        .contains("Wrote " + json);
    JsonNode j = SchemaCheck.valid(JsonDocument.CHECK_DEPLOY, json);
    JsonConventionTest.assertSnakeCase(j, "check_deploy");
    assertThat(j.get("at_risk").asBoolean()).isTrue();
    assertThat(j.at("/saturation/nodes/0/saturated_pairs").asLong()).isPositive();
    assertThat(j.at("/saturation/samples").asLong()).isEqualTo(16);
    assertThat(j.at("/alternative/emulated").asBoolean()).isTrue();
    assertThat(j.at("/alternative_saturation/nodes/0/saturated_pairs").asLong()).isZero();
    assertThat(j.get("runtime_problems")).anyMatch(p -> p.get("target").asText().equals("cuda"));
    // where the samples came from, as every verb that runs samples says it
    assertThat(j.at("/samples_from/source").asText()).isEqualTo("csv");
    assertThat(j.at("/samples_from/rows").asLong()).isEqualTo(16);
    assertThat(r.out()).contains("(from " + csv().getFileName() + ")");
  }

  @Test
  void aReduceRangeModelIsSafeAndTheJsonCanGoToStandardOutput() throws Exception {
    Path int8 = quantized("rr.int8.onnx", "--reduce-range");
    CliTest.Result r =
        CliTest.run("check-deploy", int8.toString(), "--inputs", csv().toString(), "--json", "-");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = SchemaCheck.valid(JsonDocument.CHECK_DEPLOY, r.out());
    assertThat(j.get("at_risk").asBoolean()).isFalse();
    assertThat(j.get("alternative").isNull()).isTrue();
    assertThat(j.at("/saturation/saturating_nodes").asInt()).isZero();
    assertThat(r.err()).contains("Verdict: safe on CPUs without VNNI");
  }

  @Test
  void aBrokenModelIsOneLineAndExitTwo() throws Exception {
    Path broken = Files.writeString(dir.resolve("broken.onnx"), "not a model");
    CliTest.Result r = CliTest.run("check-deploy", broken.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
  }

  @Test
  void inspectListsTheProblemsOfAnInt8ModelAndQuantizeTargetAvoidsThem() throws Exception {
    Path conv = Files.write(dir.resolve("conv.onnx"), TestModels.convNet().toByteArray());
    Path int8 = dir.resolve("conv.int8.onnx");
    assertThat(CliTest.run("quantize", conv.toString(), "-o", int8.toString()).code()).isZero();
    CliTest.Result i = CliTest.run("inspect", int8.toString());
    assertThat(i.code()).as(i.err()).isZero();
    assertThat(i.out())
        .contains("Where it will run")
        .containsPattern("web +version: ConvInteger \\(int8 weights\\) on onnxruntime-web")
        .containsPattern("mobile +error: ConvInteger \\(int8 weights\\) does not load");
    JsonNode j =
        SchemaCheck.valid(
            JsonDocument.INSPECT, CliTest.run("inspect", "--json", "-", int8.toString()).out());
    assertThat(j.get("runtime_problems")).anyMatch(p -> p.get("since").asText().equals("1.24"));
    // a float model has none
    JsonNode f =
        SchemaCheck.valid(
            JsonDocument.INSPECT, CliTest.run("inspect", "--json", "-", conv.toString()).out());
    assertThat(f.get("runtime_problems")).isEmpty();

    Path web = dir.resolve("conv.web.onnx");
    CliTest.Result q =
        CliTest.run("quantize", conv.toString(), "-o", web.toString(), "--target", "web");
    assertThat(q.code()).as(q.err()).isZero();
    assertThat(q.err())
        .contains(
            "target web: --weight-type QUInt8: ConvInteger with int8 weights needs onnxruntime-web 1.24");
    JsonNode w =
        SchemaCheck.valid(
            JsonDocument.INSPECT, CliTest.run("inspect", "--json", "-", web.toString()).out());
    assertThat(w.get("runtime_problems")).noneMatch(p -> p.get("target").asText().equals("web"));

    CliTest.Result clash =
        CliTest.run(
            "quantize",
            conv.toString(),
            "-o",
            web.toString(),
            "--target",
            "web",
            "--weight-type",
            "QInt8");
    assertThat(clash.code()).isEqualTo(2);
    assertThat(clash.err()).contains("drop --weight-type or use QUInt8");
    assertThat(CliTest.run("quantize", conv.toString(), "--target", "tpu").err())
        .contains("unknown target 'tpu', expected one of cpu, web, cuda, mobile");
  }
}
