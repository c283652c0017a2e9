// SPDX-License-Identifier: Apache-2.0
package org.quantscope.sensitivity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The search behind {@link AutoExclude}, apart from models and runtimes: which candidates to leave
 * in float so that a test passes, with as few left in float as it can find.
 *
 * <ol>
 *   <li>Greedy: leave the {@code k} most harmful candidates in float, for the smallest {@code k}
 *       that passes. When no prefix passes, start from the best candidate that passed on its own
 *       (everything else in float), if there is one.
 *   <li>Second pass: put each excluded candidate back in int8, least harmful first, keeping it
 *       there when the test still passes.
 *   <li>Exact check, when it fits the budget: try every smaller set of candidates to leave in
 *       float, smallest first (ties in order of the ranking); the first that passes wins. When the
 *       budget allows it, the result is therefore a smallest passing set.
 * </ol>
 *
 * Every step asks for several sets at once (up to {@code batch}), and takes the first that passes
 * in the order above, so the outcome does not depend on the batch size.
 */
final class ExclusionSearch {
  private ExclusionSearch() {}

  /** Answers, for sets of candidates left in float, whether the model passes. */
  @FunctionalInterface
  interface Oracle {
    /**
     * @param inFloat sets of candidates to leave in float
     * @param labels what each set is, for progress
     * @return per set, whether the model with every other candidate in int8 passes (and quantizes
     *     at least one node)
     */
    List<Boolean> passes(List<Set<String>> inFloat, List<String> labels) throws IOException;
  }

  /**
   * The outcome.
   *
   * @param excluded the candidates to leave in float, in ranking order; null when nothing passes
   * @param greedy what the first step left in float (empty when no prefix passed)
   * @param requantized candidates the second pass put back in int8
   * @param exact the exact check ran, so no smaller set passes
   */
  record Choice(
      List<String> excluded, List<String> greedy, List<String> requantized, boolean exact) {}

  /**
   * Searches.
   *
   * @param order the candidates, most harmful first
   * @param alonePassing candidates that pass when quantized alone, best first
   * @param batch sets asked for at once (at least 1)
   * @param exactBudget most sets the exact check may try; 0 turns it off
   */
  static Choice choose(
      List<String> order, List<String> alonePassing, int batch, int exactBudget, Oracle test)
      throws IOException {
    int n = order.size();
    // 1. greedy over prefixes of the ranking
    List<String> greedy = null;
    for (int start = 1; start < n && greedy == null; start += batch) {
      int end = Math.min(n - 1, start + batch - 1);
      List<Set<String>> sets = new ArrayList<>();
      List<String> labels = new ArrayList<>();
      for (int k = start; k <= end; k++) {
        sets.add(new LinkedHashSet<>(order.subList(0, k)));
        labels.add("greedy: " + k + " of " + n + " nodes in float");
      }
      List<Boolean> ok = test.passes(sets, labels);
      for (int j = 0; j < ok.size(); j++) {
        if (ok.get(j)) {
          greedy = List.copyOf(order.subList(0, start + j));
          break;
        }
      }
    }
    Set<String> excluded;
    if (greedy != null) {
      excluded = new LinkedHashSet<>(greedy);
    } else if (!alonePassing.isEmpty()) {
      excluded = new LinkedHashSet<>(order);
      excluded.remove(alonePassing.get(0));
    } else {
      excluded = null;
    }

    // 2. put excluded candidates back in int8, least harmful first
    List<String> requantized = new ArrayList<>();
    if (excluded != null) {
      List<String> back = new ArrayList<>(excluded);
      Collections.reverse(back);
      int i = 0;
      while (i < back.size()) {
        int end = Math.min(back.size(), i + batch);
        List<Set<String>> sets = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int j = i; j < end; j++) {
          Set<String> without = new LinkedHashSet<>(excluded);
          without.remove(back.get(j));
          sets.add(without);
          labels.add("second pass: " + back.get(j) + " back in int8?");
        }
        List<Boolean> ok = test.passes(sets, labels);
        int accepted = ok.indexOf(Boolean.TRUE);
        if (accepted < 0) {
          i = end;
        } else {
          excluded.remove(back.get(i + accepted));
          requantized.add(back.get(i + accepted));
          i += accepted + 1;
        }
      }
    }

    // 3. exact check of every smaller set, when affordable
    int limit = excluded == null ? n - 1 : excluded.size() - 1;
    boolean exact = limit < 1; // the only smaller set is the empty one: the full model failed
    if (exactBudget > 0 && limit >= 1 && setsUpTo(n, limit, exactBudget) <= exactBudget) {
      exact = true;
      Set<String> found = smallestPassing(order, limit, batch, test);
      if (found != null) {
        excluded = found;
      }
    }
    List<String> out = excluded == null ? null : order.stream().filter(excluded::contains).toList();
    return new Choice(out, greedy == null ? List.of() : greedy, requantized, exact);
  }

  /** The first passing set of 1..limit candidates, smallest first, in ranking order. */
  private static Set<String> smallestPassing(List<String> order, int limit, int batch, Oracle test)
      throws IOException {
    for (int size = 1; size <= limit; size++) {
      List<Set<String>> all = new ArrayList<>();
      combinations(order, size, 0, new ArrayList<>(), all);
      for (int i = 0; i < all.size(); i += batch) {
        List<Set<String>> sets = all.subList(i, Math.min(all.size(), i + batch));
        List<String> labels = new ArrayList<>();
        for (Set<String> s : sets) {
          labels.add("exact check: " + s + " in float?");
        }
        int hit = test.passes(sets, labels).indexOf(Boolean.TRUE);
        if (hit >= 0) {
          return sets.get(hit);
        }
      }
    }
    return null;
  }

  /** Subsets of {@code size} elements, in lexicographic order of positions in the ranking. */
  private static void combinations(
      List<String> order, int size, int from, List<String> current, List<Set<String>> out) {
    if (current.size() == size) {
      out.add(new LinkedHashSet<>(current));
      return;
    }
    for (int i = from; i <= order.size() - (size - current.size()); i++) {
      current.add(order.get(i));
      combinations(order, size, i + 1, current, out);
      current.remove(current.size() - 1);
    }
  }

  /** Number of subsets of 1..k of n elements, stopping once it passes {@code cap}. */
  static long setsUpTo(int n, int k, long cap) {
    long total = 0;
    long c = 1; // C(n, 0)
    for (int j = 1; j <= k; j++) {
      c = c * (n - j + 1) / j;
      total += c;
      if (total > cap) {
        return total;
      }
    }
    return total;
  }
}
