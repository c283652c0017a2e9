// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.json.JsonDocument;
import org.quantscope.json.SchemaCheck;

/** The trace verb end to end on the fragile MLP, whose second layer breaks parity. */
class TraceCommandTest {
  @TempDir Path dir;

  @Test
  void ranksTheCulpritFirstAndWritesEveryRecordAsJson() throws Exception {
    Path model =
        Files.write(dir.resolve("fragile.onnx"), TestModels.fragileMlp("fc2").toByteArray());
    Path json = dir.resolve("trace.json");
    CliTest.Result r =
        CliTest.run(
            "trace",
            model.toString(),
            "--samples",
            "20",
            "--seed",
            "7",
            "--abs-tol",
            "1.0",
            "--mean-tol",
            "0.3",
            "--x64-quant-precision",
            "--json",
            json.toString());
    assertThat(r.code()).as(r.err()).isZero();
    String[] lines = r.out().split("\n");
    assertThat(lines[0]).startsWith("RANK  NODE");
    assertThat(lines[1]).matches("\\s+1  fc2\\s+MatMul .*");
    assertThat(r.out())
        .contains("Graph outputs: max_abs_diff")
        .contains("FAILED")
        .contains("--nodes-to-exclude fc2")
        .contains("Wrote " + json);
    JsonNode j = SchemaCheck.valid(JsonDocument.TRACE, json);
    assertThat(j.get("nodes")).hasSize(3);
    assertThat(j.at("/nodes/0/node").asText()).isEqualTo("fc2");
    assertThat(j.at("/nodes/0/introduced_db").isNumber()).isTrue();
    assertThat(j.get("tensors")).hasSize(5);
    assertThat(j.at("/activations/0/name").asText()).isEqualTo("x");
    assertThat(j.at("/activations/0/row_max_abs")).hasSize(20);
    assertThat(j.at("/parity/passed").asBoolean()).isFalse();
  }

  @Test
  void aBrokenModelIsOneLineAndExitTwo() throws Exception {
    Path broken = Files.writeString(dir.resolve("broken.onnx"), "not a model");
    CliTest.Result r = CliTest.run("trace", broken.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("quantscope: ").doesNotContain("Exception");
    assertThat(r.err().lines()).hasSize(1);
  }
}
