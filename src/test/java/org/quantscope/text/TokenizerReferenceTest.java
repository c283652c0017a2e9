// SPDX-License-Identifier: Apache-2.0
package org.quantscope.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * all-MiniLM-L6-v2's tokenizer (its BERT base uncased vocabulary, cut down as the resource's README
 * says) against the ids HuggingFace publishes for that vocabulary: the transformers docs' "Hello,
 * my dog is cute", the NLP course's sentiment examples and its "GPU" example, and the tokenizers
 * pipeline docs' "y'all" example with an emoji the vocabulary lacks.
 */
class TokenizerReferenceTest {
  static Tokenizer minilm;

  @BeforeAll
  static void read() throws Exception {
    minilm =
        Tokenizer.read(
            Path.of(
                TokenizerReferenceTest.class.getResource("minilm-subset.tokenizer.json").toURI()));
  }

  @Test
  void transformersDocsExample() {
    assertThat(minilm.encode("Hello, my dog is cute", 128))
        .containsExactly(101, 7592, 1010, 2026, 3899, 2003, 10140, 102);
  }

  @Test
  void nlpCourseSentimentExamples() {
    assertThat(minilm.encode("I've been waiting for a HuggingFace course my whole life.", 128))
        .containsExactly(
            101, 1045, 1005, 2310, 2042, 3403, 2005, 1037, 17662, 12172, 2607, 2026, 2878, 2166,
            1012, 102);
    assertThat(minilm.encode("I hate this so much!", 128))
        .containsExactly(101, 1045, 5223, 2023, 2061, 2172, 999, 102);
  }

  @Test
  void subwordsAndUnknownCharacters() {
    assertThat(minilm.tokens("I have a new GPU!"))
        .containsExactly("i", "have", "a", "new", "gp", "##u", "!");
    assertThat(minilm.tokens("Hello, y'all! How are you 😁 ?"))
        .containsExactly("hello", ",", "y", "'", "all", "!", "how", "are", "you", "[UNK]", "?");
  }

  @Test
  void theFilesOwnSettings() {
    assertThat(minilm.maxLength()).isEqualTo(128);
    assertThat(minilm.padId()).isZero();
    assertThat(minilm.describe()).startsWith("minilm-subset.tokenizer.json (WordPiece, ");
  }
}
