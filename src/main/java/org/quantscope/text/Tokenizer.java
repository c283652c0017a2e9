// SPDX-License-Identifier: Apache-2.0
package org.quantscope.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.quantscope.json.Json;
import org.quantscope.model.ModelFormatException;

/**
 * A HuggingFace {@code tokenizer.json}, read and applied by our own code: WordPiece (BERT: {@code
 * BertNormalizer}, {@code BertPreTokenizer}, {@code TemplateProcessing} or {@code BertProcessing}
 * with [CLS] and [SEP]) and byte-level BPE (GPT-2, RoBERTa: {@code ByteLevel} pre-tokenizer,
 * merges, {@code RobertaProcessing}). A part of the file it does not implement is refused by its
 * type name when the file is read, never guessed at. Special tokens written in a text ([MASK],
 * &lt;s&gt;) are kept whole, as the original does. Pairs of texts are not supported: one text is
 * one sequence.
 */
public final class Tokenizer {
  private static final String READS =
      "QuantScope reads WordPiece (BERT) and byte-level BPE (GPT-2, RoBERTa) tokenizers";

  private final String name;
  private final List<TextStep> normalizers;
  private final Function<String, List<String>> preTokenizer;
  private final WordModel model;
  private final int[] before;
  private final int[] after;
  private final List<String> specials;
  private final int padId;
  private final Integer maxLength;

  private Tokenizer(
      String name,
      List<TextStep> normalizers,
      Function<String, List<String>> preTokenizer,
      WordModel model,
      int[] before,
      int[] after,
      List<String> specials,
      int padId,
      Integer maxLength) {
    this.name = name;
    this.normalizers = normalizers;
    this.preTokenizer = preTokenizer;
    this.model = model;
    this.before = before;
    this.after = after;
    this.specials = specials;
    this.padId = padId;
    this.maxLength = maxLength;
  }

  /**
   * Reads a {@code tokenizer.json}.
   *
   * @throws ModelFormatException naming the file and the part it cannot read or does not implement
   */
  public static Tokenizer read(Path file) throws IOException {
    String shown = file.getFileName() == null ? file.toString() : file.getFileName().toString();
    if (!Files.isRegularFile(file)) {
      throw new IOException("tokenizer file " + file + " does not exist");
    }
    Map<?, ?> json;
    try {
      json = Json.read(file, Map.class);
    } catch (IOException e) {
      throw new ModelFormatException(
          shown + " is not a readable tokenizer.json (JSON expected): " + firstLine(e), e);
    }
    return parse(json, shown);
  }

  /** The tokenizer a parsed {@code tokenizer.json} describes; {@code name} is for messages. */
  static Tokenizer parse(Map<?, ?> json, String name) throws ModelFormatException {
    Parts p = new Parts(name);
    Map<?, ?> modelJson = p.map(json.get("model"), "model");
    if (modelJson == null) {
      throw new ModelFormatException(name + " has no \"model\"; " + READS);
    }
    String modelType = p.type(modelJson, "model");
    Map<String, Integer> vocab = p.vocab(modelJson.get("vocab"));
    List<TextStep> normalizers = p.normalizers(json.get("normalizer"));
    Map<?, ?> pre = p.map(json.get("pre_tokenizer"), "pre_tokenizer");
    String preType = pre == null ? null : p.type(pre, "pre_tokenizer");
    WordModel model;
    Function<String, List<String>> preTokenizer;
    switch (modelType) {
      case "WordPiece" -> {
        String unk = p.string(modelJson, "unk_token", "[UNK]");
        model =
            new WordPiece(
                vocab,
                unk,
                p.string(modelJson, "continuing_subword_prefix", "##"),
                p.integer(modelJson, "max_input_chars_per_word", 100));
        p.needToken(vocab, unk, "the model's unk_token");
        if (preType == null || preType.equals("BertPreTokenizer")) {
          preTokenizer = BertText::preTokenize;
        } else if (preType.equals("WhitespaceSplit")) {
          preTokenizer = s -> List.of(s.trim().isEmpty() ? new String[0] : s.trim().split("\\s+"));
        } else {
          throw p.unsupported("pre-tokenizer", preType);
        }
      }
      case "BPE" -> {
        if (!"ByteLevel".equals(preType)) {
          throw new ModelFormatException(
              name
                  + " is a BPE tokenizer with the pre-tokenizer "
                  + (preType == null ? "none" : "'" + preType + "'")
                  + ", which QuantScope does not implement; "
                  + READS);
        }
        if (modelJson.get("dropout") instanceof Number d && d.doubleValue() > 0) {
          throw new ModelFormatException(
              name + " sets BPE dropout, which makes tokens random; remove it to use this file");
        }
        if (modelJson.get("continuing_subword_prefix") instanceof String s && !s.isEmpty()
            || modelJson.get("end_of_word_suffix") instanceof String e && !e.isEmpty()) {
          throw new ModelFormatException(
              name + " is a BPE tokenizer with subword prefixes or suffixes; " + READS);
        }
        boolean prefixSpace = p.bool(pre, "add_prefix_space", true);
        boolean useRegex = p.bool(pre, "use_regex", true);
        preTokenizer = s -> BytePairs.preTokenize(s, prefixSpace, useRegex);
        Object unk = modelJson.get("unk_token");
        model =
            new BytePairs(
                vocab,
                p.merges(modelJson.get("merges")),
                unk instanceof String u ? u : null,
                p.bool(modelJson, "ignore_merges", false));
      }
      default -> throw p.unsupported("model", modelType);
    }
    int[][] template = p.template(json.get("post_processor"), vocab);
    List<String> specials = new ArrayList<>();
    if (json.get("added_tokens") instanceof List<?> added) {
      for (Object o : added) {
        if (o instanceof Map<?, ?> t
            && Boolean.TRUE.equals(t.get("special"))
            && t.get("content") instanceof String c
            && !c.isEmpty()
            && vocab.containsKey(c)) {
          specials.add(c);
        }
      }
    }
    specials.sort(Comparator.comparingInt(String::length).reversed());
    int padId = 0;
    Map<?, ?> padding = p.map(json.get("padding"), "padding");
    if (padding != null && padding.get("pad_id") instanceof Number n) {
      padId = n.intValue();
    }
    Integer maxLength = null;
    Map<?, ?> truncation = p.map(json.get("truncation"), "truncation");
    if (truncation != null && truncation.get("max_length") instanceof Number n) {
      maxLength = n.intValue();
    }
    String kind =
        modelType.equals("WordPiece")
            ? "WordPiece, " + vocab.size()
            : "byte-level BPE, " + vocab.size();
    return new Tokenizer(
        name + " (" + kind + " tokens)",
        normalizers,
        preTokenizer,
        model,
        template[0],
        template[1],
        List.copyOf(specials),
        padId,
        maxLength);
  }

  /** The file's name and kind, e.g. "tokenizer.json (WordPiece, 30522 tokens)". */
  public String describe() {
    return name;
  }

  /** The id padding takes (the file's {@code pad_id}, else 0). */
  public int padId() {
    return padId;
  }

  /** The file's truncation length, or null when it sets none. */
  public Integer maxLength() {
    return maxLength;
  }

  /** Special tokens added around every text (e.g. 2 for [CLS] and [SEP]). */
  public int specialCount() {
    return before.length + after.length;
  }

  /** A text's tokens, without the special tokens added around it. */
  public List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    for (String part : splitSpecials(text)) {
      if (specials.contains(part)) {
        out.add(part);
        continue;
      }
      String s = part;
      for (TextStep n : normalizers) {
        s = n.apply(s);
      }
      for (String word : preTokenizer.apply(s)) {
        out.addAll(model.split(word));
      }
    }
    return out;
  }

  /**
   * A text's ids with the special tokens added around it, at most {@code maxLength} of them: the
   * text's own tokens are cut at the end so that the closing special tokens stay.
   */
  public int[] encode(String text, int maxLength) {
    List<String> tokens = tokens(text);
    int room = Math.max(0, maxLength - specialCount());
    int n = Math.min(tokens.size(), room);
    int[] ids = new int[before.length + n + after.length];
    System.arraycopy(before, 0, ids, 0, before.length);
    for (int i = 0; i < n; i++) {
      ids[before.length + i] = model.vocab().get(tokens.get(i));
    }
    System.arraycopy(after, 0, ids, before.length + n, after.length);
    return ids.length <= maxLength ? ids : java.util.Arrays.copyOf(ids, maxLength);
  }

  /** The text cut around the special tokens written in it, the specials kept as parts. */
  private List<String> splitSpecials(String text) {
    List<String> parts = new ArrayList<>();
    if (specials.isEmpty()) {
      parts.add(text);
      return parts;
    }
    int from = 0;
    int i = 0;
    while (i < text.length()) {
      String hit = null;
      for (String s : specials) {
        if (text.startsWith(s, i)) {
          hit = s;
          break;
        }
      }
      if (hit == null) {
        i++;
        continue;
      }
      if (i > from) {
        parts.add(text.substring(from, i));
      }
      parts.add(hit);
      i += hit.length();
      from = i;
    }
    if (from < text.length()) {
      parts.add(text.substring(from));
    }
    return parts;
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** Reading the parts of a tokenizer.json, with messages naming the file. */
  private record Parts(String file) {
    Map<?, ?> map(Object o, String what) throws ModelFormatException {
      if (o == null || o instanceof Map<?, ?>) {
        return (Map<?, ?>) o;
      }
      throw new ModelFormatException(file + ": \"" + what + "\" should be an object");
    }

    String type(Map<?, ?> m, String what) throws ModelFormatException {
      if (m.get("type") instanceof String t) {
        return t;
      }
      if (what.equals("model") && m.containsKey("merges")) {
        return "BPE"; // older files leave the model's type out
      }
      if (what.equals("model") && m.containsKey("continuing_subword_prefix")) {
        return "WordPiece";
      }
      throw new ModelFormatException(file + ": the " + what + " has no \"type\"");
    }

    String string(Map<?, ?> m, String key, String fallback) {
      return m.get(key) instanceof String s ? s : fallback;
    }

    int integer(Map<?, ?> m, String key, int fallback) {
      return m.get(key) instanceof Number n ? n.intValue() : fallback;
    }

    boolean bool(Map<?, ?> m, String key, boolean fallback) {
      return m.get(key) instanceof Boolean b ? b : fallback;
    }

    ModelFormatException unsupported(String part, String type) {
      return new ModelFormatException(
          file
              + " uses the "
              + part
              + " '"
              + type
              + "', which QuantScope does not implement; "
              + READS);
    }

    Map<String, Integer> vocab(Object o) throws ModelFormatException {
      if (!(o instanceof Map<?, ?> m) || m.isEmpty()) {
        throw new ModelFormatException(file + ": the model has no vocabulary (\"vocab\")");
      }
      Map<String, Integer> vocab = new HashMap<>(m.size() * 2);
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getValue() instanceof Number n)) {
          throw new ModelFormatException(
              file + ": the vocabulary entry '" + e.getKey() + "' has no numeric id");
        }
        vocab.put(String.valueOf(e.getKey()), n.intValue());
      }
      return vocab;
    }

    Map<String, Integer> merges(Object o) throws ModelFormatException {
      if (!(o instanceof List<?> list)) {
        throw new ModelFormatException(file + ": the BPE model has no \"merges\" list");
      }
      Map<String, Integer> ranks = new HashMap<>(list.size() * 2);
      for (int i = 0; i < list.size(); i++) {
        Object m = list.get(i);
        String pair;
        if (m instanceof String s && s.indexOf(' ') > 0) {
          pair = s;
        } else if (m instanceof List<?> two && two.size() == 2) {
          pair = two.get(0) + " " + two.get(1);
        } else {
          throw new ModelFormatException(
              file + ": merge " + i + " is neither \"left right\" nor [left, right]");
        }
        ranks.putIfAbsent(pair, i);
      }
      return ranks;
    }

    void needToken(Map<String, Integer> vocab, String token, String what)
        throws ModelFormatException {
      if (!vocab.containsKey(token)) {
        throw new ModelFormatException(
            file + ": " + what + " '" + token + "' is not in the vocabulary");
      }
    }

    List<TextStep> normalizers(Object o) throws ModelFormatException {
      List<TextStep> out = new ArrayList<>();
      Map<?, ?> n = map(o, "normalizer");
      if (n == null) {
        return out;
      }
      String type = type(n, "normalizer");
      switch (type) {
        case "BertNormalizer" -> {
          boolean lowercase = bool(n, "lowercase", true);
          boolean strip = n.get("strip_accents") instanceof Boolean b ? b : lowercase;
          out.add(
              new BertText.Normalize(
                  bool(n, "clean_text", true),
                  bool(n, "handle_chinese_chars", true),
                  strip,
                  lowercase));
        }
        case "Lowercase" -> out.add(s -> s.toLowerCase(java.util.Locale.ROOT));
        case "StripAccents" -> out.add(BertText::stripAccents);
        case "NFC", "NFD", "NFKC", "NFKD" -> {
          java.text.Normalizer.Form form = java.text.Normalizer.Form.valueOf(type);
          out.add(s -> java.text.Normalizer.normalize(s, form));
        }
        case "Sequence" -> {
          if (n.get("normalizers") instanceof List<?> list) {
            for (Object each : list) {
              out.addAll(normalizers(each));
            }
          }
        }
        default -> throw unsupported("normalizer", type);
      }
      return out;
    }

    /** The special ids before and after a single text. */
    int[][] template(Object o, Map<String, Integer> vocab) throws ModelFormatException {
      Map<?, ?> post = map(o, "post_processor");
      if (post == null) {
        return new int[][] {new int[0], new int[0]};
      }
      String type = type(post, "post_processor");
      switch (type) {
        case "BertProcessing", "RobertaProcessing" -> {
          return new int[][] {{tokenId(post.get("cls"), type)}, {tokenId(post.get("sep"), type)}};
        }
        case "ByteLevel" -> {
          return new int[][] {new int[0], new int[0]};
        }
        case "TemplateProcessing" -> {
          List<Integer> before = new ArrayList<>();
          List<Integer> after = new ArrayList<>();
          boolean seenText = false;
          Map<?, ?> specials = map(post.get("special_tokens"), "special_tokens");
          if (!(post.get("single") instanceof List<?> single)) {
            throw new ModelFormatException(
                file + ": TemplateProcessing has no \"single\" template");
          }
          for (Object piece : single) {
            Map<?, ?> m = map(piece, "template piece");
            if (m.containsKey("Sequence")) {
              seenText = true;
            } else if (m.get("SpecialToken") instanceof Map<?, ?> st) {
              Object id = st.get("id");
              Map<?, ?> spec = specials == null ? null : map(specials.get(id), "special token");
              List<Integer> ids = new ArrayList<>();
              if (spec != null && spec.get("ids") instanceof List<?> l) {
                for (Object x : l) {
                  ids.add(((Number) x).intValue());
                }
              } else if (vocab.containsKey(String.valueOf(id))) {
                ids.add(vocab.get(String.valueOf(id)));
              } else {
                throw new ModelFormatException(
                    file + ": the template's special token '" + id + "' has no id");
              }
              (seenText ? after : before).addAll(ids);
            } else {
              throw new ModelFormatException(
                  file + ": a template piece is neither a Sequence nor a SpecialToken");
            }
          }
          return new int[][] {
            before.stream().mapToInt(Integer::intValue).toArray(),
            after.stream().mapToInt(Integer::intValue).toArray()
          };
        }
        default -> throw unsupported("post-processor", type);
      }
    }

    private int tokenId(Object pair, String type) throws ModelFormatException {
      if (pair instanceof List<?> l && l.size() == 2 && l.get(1) instanceof Number n) {
        return n.intValue();
      }
      throw new ModelFormatException(
          file + ": " + type + "'s cls and sep should be [token, id] pairs");
    }
  }
}
