// SPDX-License-Identifier: Apache-2.0
package org.quantscope.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * BERT's text rules as HuggingFace tokenizers apply them: the {@code BertNormalizer} (drop control
 * characters, whitespace to spaces, spaces around CJK ideographs, strip accents, lowercase) and the
 * {@code BertPreTokenizer} (split on whitespace, every punctuation character a word of its own).
 */
final class BertText {
  private BertText() {}

  /**
   * @param cleanText drop control characters and turn whitespace into spaces
   * @param chineseChars put spaces around CJK ideographs, so each is a word
   * @param stripAccents remove combining marks after canonical decomposition
   * @param lowercase lowercase everything
   */
  record Normalize(boolean cleanText, boolean chineseChars, boolean stripAccents, boolean lowercase)
      implements TextStep {
    @Override
    public String apply(String text) {
      String s = text;
      if (cleanText) {
        s = clean(s);
      }
      if (chineseChars) {
        s = spaceIdeographs(s);
      }
      if (stripAccents) {
        s = BertText.stripAccents(s);
      }
      if (lowercase) {
        s = s.toLowerCase(Locale.ROOT);
      }
      return s;
    }
  }

  static String clean(String s) {
    StringBuilder out = new StringBuilder(s.length());
    s.codePoints()
        .forEach(
            c -> {
              if (c == 0 || c == 0xFFFD || isControl(c)) {
                return;
              }
              out.appendCodePoint(isWhitespace(c) ? ' ' : c);
            });
    return out.toString();
  }

  static String spaceIdeographs(String s) {
    StringBuilder out = new StringBuilder(s.length());
    s.codePoints()
        .forEach(
            c -> {
              if (isIdeograph(c)) {
                out.append(' ').appendCodePoint(c).append(' ');
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }

  static String stripAccents(String s) {
    String d = java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD);
    StringBuilder out = new StringBuilder(d.length());
    d.codePoints()
        .filter(c -> Character.getType(c) != Character.NON_SPACING_MARK)
        .forEach(out::appendCodePoint);
    return out.toString();
  }

  /** Words: split on whitespace (dropped) and around each punctuation character (kept). */
  static List<String> preTokenize(String s) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      if (isWhitespace(c) || isPunctuation(c)) {
        if (word.length() > 0) {
          words.add(word.toString());
          word.setLength(0);
        }
        if (!isWhitespace(c)) {
          words.add(new String(Character.toChars(c)));
        }
      } else {
        word.appendCodePoint(c);
      }
    }
    if (word.length() > 0) {
      words.add(word.toString());
    }
    return words;
  }

  /** Unicode's White_Space property (tab, newline and carriage return included). */
  static boolean isWhitespace(int c) {
    return (c >= 0x09 && c <= 0x0D)
        || c == 0x20
        || c == 0x85
        || c == 0xA0
        || c == 0x1680
        || (c >= 0x2000 && c <= 0x200A)
        || c == 0x2028
        || c == 0x2029
        || c == 0x202F
        || c == 0x205F
        || c == 0x3000;
  }

  /** Unicode's "other" categories (control, format, surrogate, private use, unassigned). */
  static boolean isControl(int c) {
    if (c == '\t' || c == '\n' || c == '\r') {
      return false;
    }
    int t = Character.getType(c);
    return t == Character.CONTROL
        || t == Character.FORMAT
        || t == Character.SURROGATE
        || t == Character.PRIVATE_USE
        || t == Character.UNASSIGNED;
  }

  /**
   * ASCII punctuation (which includes $, +, &lt;, =, &gt;, ^, `, |, ~) or a Unicode P* category.
   */
  static boolean isPunctuation(int c) {
    if (c < 0x80) {
      return (c >= 33 && c <= 47)
          || (c >= 58 && c <= 64)
          || (c >= 91 && c <= 96)
          || (c >= 123 && c <= 126);
    }
    return switch (Character.getType(c)) {
      case Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION ->
          true;
      default -> false;
    };
  }

  /** The CJK Unified Ideographs blocks BERT treats as words of their own. */
  static boolean isIdeograph(int c) {
    return (c >= 0x4E00 && c <= 0x9FFF)
        || (c >= 0x3400 && c <= 0x4DBF)
        || (c >= 0x20000 && c <= 0x2A6DF)
        || (c >= 0x2A700 && c <= 0x2B73F)
        || (c >= 0x2B740 && c <= 0x2B81F)
        || (c >= 0x2B920 && c <= 0x2CEAF)
        || (c >= 0xF900 && c <= 0xFAFF)
        || (c >= 0x2F800 && c <= 0x2FA1F);
  }
}
