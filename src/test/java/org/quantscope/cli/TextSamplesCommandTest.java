// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.json.JsonDocument;
import org.quantscope.json.SchemaCheck;
import org.quantscope.text.TokenizerFixtures;

/**
 * --text on a tiny text model (token ids and an attention mask into an embedding table) with a
 * WordPiece tokenizer.json beside it: the verbs run real text and say where their samples came
 * from.
 */
class TextSamplesCommandTest {
  @TempDir Path dir;
  Path fp32;
  Path int8;
  Path texts;

  @BeforeEach
  void files() throws IOException {
    fp32 = Files.write(dir.resolve("text.onnx"), TestModels.tokens().toByteArray());
    TokenizerFixtures.write(TokenizerFixtures.wordPiece(), dir);
    texts = Files.writeString(dir.resolve("texts.txt"), "Hello, world!\nthe cats\n\nCafé ok\n");
    int8 = dir.resolve("text.int8.onnx");
    CliTest.Result q = CliTest.run("quantize", fp32.toString(), "-o", int8.toString());
    assertThat(q.code()).as(q.out() + q.err()).isZero();
  }

  private CliTest.Result parity(String... more) {
    String[] base = {
      "parity",
      "--reference",
      fp32.toString(),
      "--candidate",
      int8.toString(),
      "--text",
      texts.toString(),
      "--metric",
      "cosine",
      "--report",
      dir.resolve("p.json").toString()
    };
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return CliTest.run(all);
  }

  @Test
  void parityRunsEachTextWithTheTokenizerBesideTheModel() throws IOException {
    CliTest.Result r = parity();
    assertThat(r.code()).as(r.out() + r.err()).isIn(ExitCodes.OK, ExitCodes.CHECK_FAILED);
    assertThat(r.out())
        .contains("min row cosine")
        .contains(
            "3 samples, one per run (batch 1); text from texts.txt, tokenized by tokenizer.json");
    JsonNode j = SchemaCheck.valid(JsonDocument.PARITY, dir.resolve("p.json"));
    assertThat(j.get("samples").asInt()).isEqualTo(3);
    assertThat(j.get("batch").asInt()).isEqualTo(1);
    assertThat(j.get("row_cosine_min").asDouble()).isBetween(-1.0, 1.0);
    JsonNode from = j.get("samples_from");
    assertThat(from.get("source").asText()).isEqualTo("text");
    assertThat(from.get("file").asText()).isEqualTo(texts.toString());
    assertThat(from.get("rows").asInt()).isEqualTo(3);
    assertThat(from.get("tokenizer").asText()).endsWith("tokenizer.json");
    assertThat(from.has("seed")).isFalse();
    // the mask is the tokenizer's: copied through by the model, int8 agrees on it exactly
    JsonNode mask = j.get("outputs").get(1);
    assertThat(mask.get("name").asText()).isEqualTo("mask_out");
    assertThat(mask.get("label_mismatches").asInt()).isZero();
  }

  @Test
  void textsGroupIntoOneBatchWithBatchAll() throws IOException {
    CliTest.Result r = parity("--batch", "all");
    assertThat(r.code()).as(r.out() + r.err()).isIn(ExitCodes.OK, ExitCodes.CHECK_FAILED);
    assertThat(r.out()).contains("3 samples in one run (batch 3); text from texts.txt");
    JsonNode j = SchemaCheck.valid(JsonDocument.PARITY, dir.resolve("p.json"));
    assertThat(j.get("batch").asInt()).isEqualTo(3);
  }

  @Test
  void madeUpSamplesSayTheirSeed() throws IOException {
    CliTest.Result r =
        CliTest.run(
            "parity",
            "--reference",
            fp32.toString(),
            "--candidate",
            int8.toString(),
            "--samples",
            "2",
            "--seed",
            "7",
            "--report",
            dir.resolve("m.json").toString());
    assertThat(r.out()).contains("2 samples, one per run (batch 1); made up, seed 7");
    JsonNode from =
        SchemaCheck.valid(JsonDocument.PARITY, dir.resolve("m.json")).get("samples_from");
    assertThat(from.get("source").asText()).isEqualTo("made-up");
    assertThat(from.get("seed").asInt()).isEqualTo(7);
    assertThat(from.has("file")).isFalse();
  }

  @Test
  void aMissingTokenizerIsAClearError() throws IOException {
    Files.delete(dir.resolve("tokenizer.json"));
    CliTest.Result r = parity();
    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err())
        .contains("--text needs the model's tokenizer.json: none was found beside the model")
        .contains("give it with --tokenizer FILE")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    Path other =
        TokenizerFixtures.write(
            TokenizerFixtures.wordPiece(), Files.createDirectory(dir.resolve("tok")));
    CliTest.Result given = parity("--tokenizer", other.toString());
    assertThat(given.code())
        .as(given.out() + given.err())
        .isIn(ExitCodes.OK, ExitCodes.CHECK_FAILED);
  }

  @Test
  void benchTraceAndReportSayTheirSamplesToo() throws IOException {
    Path bench = dir.resolve("bench.json");
    CliTest.Result b =
        CliTest.run(
            "bench",
            "--reference",
            fp32.toString(),
            "--candidate",
            int8.toString(),
            "--text",
            texts.toString(),
            "--warmup",
            "1",
            "--runs",
            "3",
            "--json",
            bench.toString());
    assertThat(b.code()).as(b.out() + b.err()).isZero();
    assertThat(b.out())
        .contains("samples: 3 rows, text from texts.txt, tokenized by tokenizer.json");
    JsonNode from = SchemaCheck.valid(JsonDocument.BENCH, bench).get("samples_from");
    assertThat(from.get("source").asText()).isEqualTo("text");

    Path trace = dir.resolve("trace.json");
    CliTest.Result t =
        CliTest.run(
            "trace",
            fp32.toString(),
            "--candidate",
            int8.toString(),
            "--text",
            texts.toString(),
            "--json",
            trace.toString());
    assertThat(t.code()).as(t.out() + t.err()).isZero();
    assertThat(t.out()).contains("text from texts.txt");
    assertThat(
            SchemaCheck.valid(JsonDocument.TRACE, trace)
                .get("parity")
                .get("samples_from")
                .get("rows")
                .asInt())
        .isEqualTo(3);

    Path report = dir.resolve("report.json");
    CliTest.Result r =
        CliTest.run(
            "report",
            fp32.toString(),
            "--text",
            texts.toString(),
            "--no-bench",
            "--metric",
            "cosine",
            "--json",
            report.toString());
    assertThat(r.code()).as(r.out() + r.err()).isIn(ExitCodes.OK, ExitCodes.CHECK_FAILED);
    assertThat(r.out()).contains("samples  3 samples, one per run (batch 1); text from texts.txt");
    JsonNode p = SchemaCheck.valid(JsonDocument.REPORT, report).get("parity");
    assertThat(p.get("samples_from").get("tokenizer").asText()).endsWith("tokenizer.json");
  }

  @Test
  void textAndInputsOrATokenizerAloneAreRefused() {
    CliTest.Result both = parity("--inputs", dir.resolve("x.npy").toString());
    assertThat(both.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(both.err()).contains("give --inputs or --text, not both");
    CliTest.Result alone =
        CliTest.run(
            "parity",
            "--reference",
            fp32.toString(),
            "--candidate",
            int8.toString(),
            "--tokenizer",
            dir.resolve("tokenizer.json").toString());
    assertThat(alone.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(alone.err()).contains("--tokenizer is for --text; give the text file too");
  }
}
