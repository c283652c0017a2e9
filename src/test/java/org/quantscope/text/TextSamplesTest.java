// SPDX-License-Identifier: Apache-2.0
package org.quantscope.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;
import org.quantscope.runtime.InputSpec;
import org.quantscope.runtime.NdArray;

class TextSamplesTest {
  @TempDir Path dir;

  private static final InputSpec IDS =
      new InputSpec("input_ids", ElementType.INT64, List.of("batch", "sequence"));
  private static final InputSpec MASK =
      new InputSpec("attention_mask", ElementType.INT64, List.of("batch", "sequence"));
  private static final InputSpec TYPES =
      new InputSpec("token_type_ids", ElementType.INT32, List.of("batch", "sequence"));

  private Tokenizer bert() throws Exception {
    return Tokenizer.read(TokenizerFixtures.write(TokenizerFixtures.wordPiece(), dir));
  }

  @Test
  void padsToTheLongestTextWithAMaskOfItsTokens() throws Exception {
    List<Map<String, NdArray>> feeds =
        TextSamples.feeds(
            List.of("hello world!", "ok"), bert(), List.of(IDS, MASK, TYPES), Map.of());
    assertThat(feeds).hasSize(2);
    assertThat(feeds.get(0).get("input_ids").shape()).containsExactly(1, 5);
    assertThat((long[]) feeds.get(0).get("input_ids").data()).containsExactly(2, 5, 6, 8, 3);
    assertThat((long[]) feeds.get(1).get("input_ids").data()).containsExactly(2, 24, 3, 0, 0);
    assertThat((long[]) feeds.get(1).get("attention_mask").data()).containsExactly(1, 1, 1, 0, 0);
    assertThat(feeds.get(1).get("token_type_ids").type()).isEqualTo(ElementType.INT32);
    assertThat((int[]) feeds.get(1).get("token_type_ids").data()).containsOnly(0);
  }

  @Test
  void aGivenSequenceLengthCutsAndPads() throws Exception {
    List<Map<String, NdArray>> feeds =
        TextSamples.feeds(
            List.of("hello world hello", "ok"), bert(), List.of(IDS, MASK), Map.of("sequence", 4L));
    assertThat((long[]) feeds.get(0).get("input_ids").data()).containsExactly(2, 5, 6, 3);
    assertThat((long[]) feeds.get(1).get("input_ids").data()).containsExactly(2, 24, 3, 0);
    InputSpec fixed = new InputSpec("input_ids", ElementType.INT64, List.of("batch", 6L));
    assertThat(
            TextSamples.feeds(List.of("ok"), bert(), List.of(fixed), Map.of())
                .get(0)
                .get("input_ids")
                .shape())
        .containsExactly(1, 6);
  }

  @Test
  void refusesInputsATokenizerDoesNotFill() throws Exception {
    InputSpec pixels = new InputSpec("pixels", ElementType.FLOAT, List.of("batch", 3L));
    assertThatThrownBy(() -> TextSamples.feeds(List.of("ok"), bert(), List.of(pixels), Map.of()))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("'pixels' is not one a tokenizer fills");
  }

  @Test
  void readsNonEmptyUtf8LinesAndRefusesOtherBytes() throws Exception {
    Path f = dir.resolve("texts.txt");
    Files.writeString(f, "\uFEFFfirst line\r\n\n  \nsecond é\n", StandardCharsets.UTF_8);
    assertThat(TextSamples.readLines(f)).containsExactly("first line", "second é");
    Path latin1 = dir.resolve("latin1.txt");
    Files.write(latin1, new byte[] {'c', 'a', 'f', (byte) 0xE9});
    assertThatThrownBy(() -> TextSamples.readLines(latin1))
        .hasMessage("latin1.txt is not UTF-8 text (one text per line expected)");
    Path empty = dir.resolve("empty.txt");
    Files.writeString(empty, "\n\n");
    assertThatThrownBy(() -> TextSamples.readLines(empty)).hasMessageContaining("holds no text");
  }
}
