// SPDX-License-Identifier: Apache-2.0
package org.quantscope.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.model.ModelFormatException;

/**
 * Expected ids are derived by hand from the fixture vocabulary ({@link TokenizerFixtures#VOCAB}:
 * [CLS] 2, [SEP] 3, hello 5, world 6, ...) following HuggingFace tokenizers' documented rules; no
 * reference implementation is installable here (Debian has no python3-tokenizers or
 * python3-transformers).
 */
class TokenizerTest {
  @TempDir Path dir;

  private Tokenizer bert() throws Exception {
    return Tokenizer.read(TokenizerFixtures.write(TokenizerFixtures.wordPiece(), dir));
  }

  private static Tokenizer parse(Map<String, Object> json) throws ModelFormatException {
    return Tokenizer.parse(json, "tokenizer.json");
  }

  @Test
  void lowercasesAndSplitsPunctuationAroundClsAndSep() throws Exception {
    assertThat(bert().encode("Hello, World!", 128)).containsExactly(2, 5, 7, 6, 8, 3);
  }

  @Test
  void stripsAccentsWhenItLowercases() throws Exception {
    assertThat(bert().tokens("Café NAÏVE")).containsExactly("cafe", "naive");
  }

  @Test
  void continuesWordsWithHashSubwords() throws Exception {
    Tokenizer t = bert();
    assertThat(t.encode("unaffable", 128)).containsExactly(2, 10, 11, 12, 3);
    assertThat(t.tokens("cats dogs")).containsExactly("cat", "##s", "dog", "##s");
  }

  @Test
  void aWordThatCannotBeCoveredIsOneUnknownToken() throws Exception {
    Tokenizer t = bert();
    assertThat(t.tokens("zebra")).containsExactly("[UNK]");
    // "un" and "##aff" match, "x" does not: the whole word is [UNK], not un ##aff [UNK]
    assertThat(t.encode("unaffx ok", 128)).containsExactly(2, 1, 24, 3);
  }

  @Test
  void cleansControlCharactersAndOddWhitespace() throws Exception {
    Tokenizer t = bert();
    assertThat(t.tokens("hel\u0000lo\u00A0wor\u200Bld\tok"))
        .containsExactly("hello", "world", "ok");
  }

  @Test
  void chineseCharactersAreWordsAndAsciiSymbolsArePunctuation() throws Exception {
    Tokenizer t = bert();
    assertThat(t.tokens("ok東ok")).containsExactly("ok", "東", "ok");
    assertThat(t.tokens("$ok")).containsExactly("$", "ok");
  }

  @Test
  void specialTokensWrittenInTheTextStayWhole() throws Exception {
    assertThat(bert().encode("[MASK] ok", 128)).containsExactly(2, 4, 24, 3);
  }

  @Test
  void truncationKeepsTheClosingSeparator() throws Exception {
    Tokenizer t = bert();
    assertThat(t.encode("hello world hello world", 4)).containsExactly(2, 5, 6, 3);
    assertThat(t.maxLength()).isEqualTo(128);
    assertThat(t.specialCount()).isEqualTo(2);
  }

  @Test
  void withoutLowercaseCapitalsAreUnknown() throws Exception {
    Map<String, Object> json = TokenizerFixtures.wordPiece();
    json.put(
        "normalizer", Map.of("type", "BertNormalizer", "lowercase", false, "strip_accents", false));
    assertThat(parse(json).tokens("Hello hello")).containsExactly("[UNK]", "hello");
  }

  @Test
  void refusesWhatItDoesNotImplementByName() {
    Map<String, Object> unigram = TokenizerFixtures.wordPiece();
    unigram.put("model", Map.of("type", "Unigram", "vocab", Map.of("a", 0)));
    assertThatThrownBy(() -> parse(unigram))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("the model 'Unigram', which QuantScope does not implement")
        .hasMessageContaining("WordPiece (BERT) and byte-level BPE");
    Map<String, Object> metaspace = TokenizerFixtures.wordPiece();
    metaspace.put("pre_tokenizer", Map.of("type", "Metaspace"));
    assertThatThrownBy(() -> parse(metaspace)).hasMessageContaining("pre-tokenizer 'Metaspace'");
    Map<String, Object> post = TokenizerFixtures.wordPiece();
    post.put("post_processor", Map.of("type", "Sequence"));
    assertThatThrownBy(() -> parse(post)).hasMessageContaining("post-processor 'Sequence'");
  }

  @Test
  void aFileThatIsNotJsonIsNamed() throws Exception {
    Path bad = dir.resolve("tokenizer.json");
    java.nio.file.Files.writeString(bad, "{ not json");
    assertThatThrownBy(() -> Tokenizer.read(bad))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageStartingWith("tokenizer.json is not a readable tokenizer.json");
    assertThatThrownBy(() -> Tokenizer.read(dir.resolve("missing.json")))
        .hasMessageContaining("does not exist");
  }

  /**
   * A GPT-2-style byte-level BPE: spaces become Ġ, merges apply by rank. "hi there" splits into
   * "hi" and " there" (Ġthere); RobertaProcessing puts &lt;s&gt; (0) and &lt;/s&gt; (2) around.
   */
  @Test
  void byteLevelBpeMergesByRank() throws Exception {
    List<String> tokens =
        List.of(
            "<s>", "<pad>", "</s>", "<unk>", "h", "i", "hi", "Ġ", "t", "e", "r", "Ġt", "Ġth", "er",
            "Ġther", "Ġthere", "!");
    Map<String, Object> vocab = new LinkedHashMap<>();
    for (int i = 0; i < tokens.size(); i++) {
      vocab.put(tokens.get(i), i);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put(
        "model",
        Map.of(
            "type",
            "BPE",
            "vocab",
            vocab,
            "merges",
            List.of("h i", "Ġ t", "Ġt h", List.of("e", "r"), "Ġth er", "Ġther e")));
    json.put(
        "pre_tokenizer", Map.of("type", "ByteLevel", "add_prefix_space", false, "use_regex", true));
    json.put(
        "post_processor",
        Map.of("type", "RobertaProcessing", "cls", List.of("<s>", 0), "sep", List.of("</s>", 2)));
    Tokenizer t = parse(json);
    assertThat(t.tokens("hi there!")).containsExactly("hi", "Ġthere", "!");
    assertThat(t.encode("hi there", 16)).containsExactly(0, 6, 15, 2);
    // "he" has no merge: h and e stay apart
    assertThat(t.tokens("he")).containsExactly("h", "e");
  }
}
