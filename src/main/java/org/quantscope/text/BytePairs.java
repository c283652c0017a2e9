// SPDX-License-Identifier: Apache-2.0
package org.quantscope.text;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte-level BPE (GPT-2, RoBERTa): the text is split by GPT-2's pattern, each piece's UTF-8 bytes
 * are written as printable characters (a space becomes {@code Ġ}), and adjacent symbols are merged
 * by the merge list, the earliest-listed pair first, until no listed pair remains.
 *
 * @param merges a pair {@code "left right"} to its rank (its position in the file)
 * @param unknown the unknown token, or null (symbols missing from the vocabulary are then dropped)
 * @param ignoreMerges a word that is in the vocabulary as a whole is kept whole
 */
record BytePairs(
    Map<String, Integer> vocab, Map<String, Integer> merges, String unknown, boolean ignoreMerges)
    implements WordModel {

  /** GPT-2's pre-tokenization pattern: contractions, letters, digits, other, spaces. */
  static final Pattern GPT2 =
      Pattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

  private static final char[] BYTE_CHARS = byteChars();

  /** GPT-2's table: printable bytes stand for themselves, the others map to U+0100 onwards. */
  private static char[] byteChars() {
    char[] table = new char[256];
    int next = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable =
          (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      table[b] = printable ? (char) b : (char) (256 + next++);
    }
    return table;
  }

  /**
   * The words of a text, each as byte characters.
   *
   * @param prefixSpace add a space before a text that does not start with one
   * @param useRegex split with GPT-2's pattern (else the text is one word)
   */
  static List<String> preTokenize(String text, boolean prefixSpace, boolean useRegex) {
    String s = prefixSpace && !text.isEmpty() && !text.startsWith(" ") ? " " + text : text;
    List<String> words = new ArrayList<>();
    if (!useRegex) {
      words.add(bytes(s));
      return words;
    }
    Matcher m = GPT2.matcher(s);
    while (m.find()) {
      words.add(bytes(m.group()));
    }
    return words;
  }

  private static String bytes(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(utf8.length);
    for (byte b : utf8) {
      out.append(BYTE_CHARS[b & 0xff]);
    }
    return out.toString();
  }

  @Override
  public List<String> split(String word) {
    if (ignoreMerges && vocab.containsKey(word)) {
      return List.of(word);
    }
    List<String> symbols = new ArrayList<>();
    word.codePoints().forEach(c -> symbols.add(new String(Character.toChars(c))));
    while (symbols.size() > 1) {
      int best = -1;
      int bestRank = Integer.MAX_VALUE;
      for (int i = 0; i + 1 < symbols.size(); i++) {
        Integer rank = merges.get(symbols.get(i) + " " + symbols.get(i + 1));
        if (rank != null && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) {
        break;
      }
      String left = symbols.get(best);
      String right = symbols.get(best + 1);
      // merge every occurrence of the pair, left to right
      for (int i = 0; i + 1 < symbols.size(); i++) {
        if (symbols.get(i).equals(left) && symbols.get(i + 1).equals(right)) {
          symbols.set(i, left + right);
          symbols.remove(i + 1);
        }
      }
    }
    List<String> out = new ArrayList<>(symbols.size());
    for (String s : symbols) {
      if (vocab.containsKey(s)) {
        out.add(s);
      } else if (unknown != null) {
        out.add(unknown);
      }
    }
    return out;
  }
}
