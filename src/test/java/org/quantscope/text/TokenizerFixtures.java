// SPDX-License-Identifier: Apache-2.0
package org.quantscope.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quantscope.json.Json;

/**
 * Small {@code tokenizer.json} files built in code, shaped as HuggingFace tokenizers writes them
 * (the WordPiece one as all-MiniLM-L6-v2's, with a vocabulary of 25 tokens, all ids below the 50
 * rows of {@code TestModels.tokens()}'s table).
 */
public final class TokenizerFixtures {
  private TokenizerFixtures() {}

  /** The WordPiece vocabulary, in id order. */
  public static final List<String> VOCAB =
      List.of(
          "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", ",", "!", ".", "un",
          "##aff", "##able", "cafe", "the", "##s", "cat", "dog", "東", "a", "##b", "'", "naive", "$",
          "ok");

  /** A BERT-like tokenizer.json: BertNormalizer, BertPreTokenizer, WordPiece, [CLS] ... [SEP]. */
  public static Map<String, Object> wordPiece() {
    Map<String, Object> vocab = new LinkedHashMap<>();
    for (int i = 0; i < VOCAB.size(); i++) {
      vocab.put(VOCAB.get(i), i);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("version", "1.0");
    json.put(
        "truncation",
        Map.of("direction", "Right", "max_length", 128, "strategy", "LongestFirst", "stride", 0));
    json.put("padding", Map.of("pad_id", 0, "pad_token", "[PAD]"));
    json.put(
        "added_tokens",
        List.of(
            special(0, "[PAD]"),
            special(1, "[UNK]"),
            special(2, "[CLS]"),
            special(3, "[SEP]"),
            special(4, "[MASK]")));
    Map<String, Object> normalizer = new LinkedHashMap<>();
    normalizer.put("type", "BertNormalizer");
    normalizer.put("clean_text", true);
    normalizer.put("handle_chinese_chars", true);
    normalizer.put("strip_accents", null);
    normalizer.put("lowercase", true);
    json.put("normalizer", normalizer);
    json.put("pre_tokenizer", Map.of("type", "BertPreTokenizer"));
    json.put(
        "post_processor",
        Map.of(
            "type",
            "TemplateProcessing",
            "single",
            List.of(
                Map.of("SpecialToken", Map.of("id", "[CLS]", "type_id", 0)),
                Map.of("Sequence", Map.of("id", "A", "type_id", 0)),
                Map.of("SpecialToken", Map.of("id", "[SEP]", "type_id", 0))),
            "special_tokens",
            Map.of(
                "[CLS]", Map.of("id", "[CLS]", "ids", List.of(2), "tokens", List.of("[CLS]")),
                "[SEP]", Map.of("id", "[SEP]", "ids", List.of(3), "tokens", List.of("[SEP]")))));
    json.put(
        "model",
        Map.of(
            "type", "WordPiece",
            "unk_token", "[UNK]",
            "continuing_subword_prefix", "##",
            "max_input_chars_per_word", 100,
            "vocab", vocab));
    return json;
  }

  private static Map<String, Object> special(int id, String content) {
    return Map.of("id", id, "content", content, "special", true, "normalized", false);
  }

  /** Writes a tokenizer.json into {@code dir}. */
  public static Path write(Map<String, Object> json, Path dir) throws IOException {
    Path file = dir.resolve("tokenizer.json");
    Files.writeString(file, Json.write(json));
    return file;
  }
}
