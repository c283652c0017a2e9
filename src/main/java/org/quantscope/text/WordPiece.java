// SPDX-License-Identifier: Apache-2.0
package org.quantscope.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * BERT's WordPiece model: each word becomes the longest vocabulary entry that starts it, then the
 * longest {@code ##}-prefixed entry that continues it, and so on; a word that cannot be covered so
 * (or is longer than {@code maxChars} characters) is one unknown token.
 */
record WordPiece(Map<String, Integer> vocab, String unknown, String prefix, int maxChars)
    implements WordModel {

  @Override
  public List<String> split(String word) {
    if (word.codePointCount(0, word.length()) > maxChars) {
      return List.of(unknown);
    }
    List<String> pieces = new ArrayList<>();
    int start = 0;
    while (start < word.length()) {
      int end = word.length();
      String found = null;
      while (start < end) {
        String piece = word.substring(start, end);
        if (start > 0) {
          piece = prefix + piece;
        }
        if (vocab.containsKey(piece)) {
          found = piece;
          break;
        }
        end = word.offsetByCodePoints(end, -1);
      }
      if (found == null) {
        return List.of(unknown);
      }
      pieces.add(found);
      start = end;
    }
    return pieces;
  }
}
