// SPDX-License-Identifier: Apache-2.0
package org.quantscope.text;

import java.util.List;
import java.util.Map;

/** A tokenizer's model: how one pre-tokenized word becomes vocabulary tokens. */
interface WordModel {
  /** The vocabulary: token to id. */
  Map<String, Integer> vocab();

  /** The tokens of one word, each in the vocabulary. */
  List<String> split(String word);
}
