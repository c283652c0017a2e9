// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.json.JsonDocument;
import org.quantscope.json.SchemaCheck;
import org.quantscope.onnx.ModelProto;

/**
 * The recipe verbs end to end: {@code quantize --recipe}, {@code inspect} naming the recipe of an
 * int8 file, {@code quantize --like} reproducing it and {@code diff} telling identical from
 * different (exit 0, 1 and 2).
 */
class RecipeCommandsTest {
  @TempDir Path dir;

  private Path model(String name, ModelProto m) throws IOException {
    return Files.write(dir.resolve(name), m.toByteArray());
  }

  private Path quantize(Path in, String out, String... flags) {
    String[] args = new String[flags.length + 4];
    args[0] = "quantize";
    args[1] = in.toString();
    args[2] = "-o";
    args[3] = dir.resolve(out).toString();
    System.arraycopy(flags, 0, args, 4, flags.length);
    CliTest.Result r = CliTest.run(args);
    assertThat(r.code()).as(r.err()).isZero();
    return dir.resolve(out);
  }

  @Test
  void aRecipeIsNamedByInspectAndReproducedWithLike() throws IOException {
    Path f = model("cand.onnx", TestModels.candidates());
    Path shipped = quantize(f, "shipped.onnx", "--recipe", "optimum-avx2");

    CliTest.Result text = CliTest.run("inspect", shipped.toString());
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out())
        .contains("Already quantized:")
        .contains("recipe optimum-avx2")
        .contains("MatMul uint8");

    CliTest.Result json = CliTest.run("inspect", shipped.toString(), "--json");
    JsonNode j = SchemaCheck.valid(JsonDocument.INSPECT, json.out());
    assertThat(j.get("recipe").asText()).isEqualTo("optimum-avx2");
    JsonNode q = j.get("quantization");
    assertThat(q.get("quantized").asBoolean()).isTrue();
    assertThat(q.get("per_channel").asBoolean()).isTrue();
    // zero point 128: symmetric, or asymmetric weights centred on zero; never "no"
    assertThat(q.get("symmetric_weights").isNull() || q.get("symmetric_weights").asBoolean())
        .isTrue();
    assertThat(q.get("weight_types").get("MatMul").asText()).isEqualTo("uint8");

    Path again = quantize(f, "again.onnx", "--like", shipped.toString());
    CliTest.Result same = CliTest.run("diff", shipped.toString(), again.toString());
    assertThat(same.code()).as(same.out() + same.err()).isZero();
    assertThat(same.out()).contains("IDENTICAL");
    assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(shipped));
  }

  @Test
  void aFloatModelHasNoQuantizationInInspect() throws IOException {
    CliTest.Result json =
        CliTest.run("inspect", model("mlp.onnx", TestModels.mlp()).toString(), "--json");
    JsonNode j = SchemaCheck.valid(JsonDocument.INSPECT, json.out());
    assertThat(j.has("quantization")).isTrue();
    assertThat(j.get("quantization").isNull()).isTrue();
    assertThat(j.get("recipe").isNull()).isTrue();
    assertThat(CliTest.run("inspect", dir.resolve("mlp.onnx").toString()).out())
        .doesNotContain("Already quantized");
  }

  @Test
  void flagsChangeARecipe() throws IOException {
    Path f = model("cand.onnx", TestModels.candidates());
    Path a = quantize(f, "a.onnx", "--recipe", "optimum-avx2", "--per-channel=false");
    Path b = quantize(f, "b.onnx", "--recipe", "optimum-avx2");
    JsonNode ja =
        SchemaCheck.valid(
            JsonDocument.INSPECT, CliTest.run("inspect", a.toString(), "--json").out());
    assertThat(ja.get("quantization").get("per_channel").asBoolean()).isFalse();
    assertThat(ja.get("quantization").get("weight_types").get("MatMul").asText())
        .isEqualTo("uint8");
    CliTest.Result d = CliTest.run("diff", a.toString(), b.toString());
    assertThat(d.code()).isEqualTo(ExitCodes.CHECK_FAILED);
  }

  @Test
  void diffSaysWhatDiffersAndWritesJson() throws IOException {
    Path f = model("mlp.onnx", TestModels.mlp());
    Path a = quantize(f, "a.onnx");
    Path b = quantize(f, "b.onnx", "--weight-type", "QUInt8");
    Path json = dir.resolve("diff.json");
    CliTest.Result r = CliTest.run("diff", a.toString(), b.toString(), "--json", json.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.CHECK_FAILED);
    assertThat(r.out())
        .contains("DIFFERENT")
        .contains("initializers that differ")
        .contains("type")
        .contains("Wrote " + json);
    JsonNode j = SchemaCheck.valid(JsonDocument.DIFF, json);
    assertThat(j.get("identical").asBoolean()).isFalse();
    assertThat(j.get("initializers").size()).isPositive();

    CliTest.Result self = CliTest.run("diff", f.toString(), f.toString());
    assertThat(self.code()).isZero();
    CliTest.Result vsFloat = CliTest.run("diff", f.toString(), a.toString());
    assertThat(vsFloat.code()).isEqualTo(ExitCodes.CHECK_FAILED);
    assertThat(vsFloat.out()).contains("op counts (A -> B):").contains("MatMulInteger: 0 -> 2");
  }

  @Test
  void badInputIsOneLineAndExitTwo() throws IOException {
    Path f = model("mlp.onnx", TestModels.mlp());
    Path broken = Files.writeString(dir.resolve("broken.onnx"), "not a model");
    CliTest.Result d = CliTest.run("diff", f.toString(), broken.toString());
    assertThat(d.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(d.err().strip()).contains("broken.onnx").doesNotContain("\n").doesNotContain("at ");

    CliTest.Result unknown = CliTest.run("quantize", f.toString(), "--recipe", "avx9");
    assertThat(unknown.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(unknown.err()).contains("unknown recipe 'avx9', expected one of ort-default");

    CliTest.Result likeFloat = CliTest.run("quantize", f.toString(), "--like", f.toString());
    assertThat(likeFloat.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(likeFloat.err()).contains("mlp.onnx: not quantized");

    Path a = quantize(f, "a.onnx");
    CliTest.Result both =
        CliTest.run("quantize", f.toString(), "--like", a.toString(), "--recipe", "ort-default");
    assertThat(both.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(both.err()).contains("give --like or --recipe, not both");
    assertThat(Files.exists(dir.resolve("mlp.int8.onnx"))).isFalse();
  }
}
