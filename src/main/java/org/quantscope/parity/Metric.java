// SPDX-License-Identifier: Apache-2.0
package org.quantscope.parity;

import java.util.Locale;

/**
 * What a parity verdict judges. The seed's plain |d| fits outputs read as numbers (scores,
 * regressions); an embedding is used through its direction, a classifier through its decision, and
 * a model can miss 0.04 on its raw hidden state and still give 0.999 cosine or the same top class.
 */
public enum Metric {
  /** max |d| and mean |d| within their tolerances (the seed's, the default). */
  ABS,
  /**
   * The smallest cosine between float and int8 over the rows of the float outputs (an output of
   * shape [N, T, D] mean-pooled over T, under the attention mask when the model takes one) at least
   * the tolerance.
   */
  COSINE,
  /** The share of classifier decisions (top class, or a score across the threshold) that agree. */
  TOP1;

  /** Parses abs, cosine or top1. */
  public static Metric parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("--metric must be abs, cosine or top1, got '" + s + "'");
    }
  }

  /** The name on the command line and in JSON. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
