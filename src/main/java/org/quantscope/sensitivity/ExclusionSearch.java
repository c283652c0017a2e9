// SPDX-License-Identifier: Apache-2.0
package org.quantscope.sensitivity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The search behind {@link AutoExclude}, apart from models and runtimes: which candidates to leave
 * in float so that a test passes, keeping as many weight bytes in int8 as it can find (with every
 * candidate weighing the same, as few candidates in float as it can find).
 *
 * <ol>
 *   <li>Greedy: leave the {@code k} most harmful candidates in float, for the smallest {@code k}
 *       that passes. When no prefix passes, start from the best candidate that passed on its own
 *       (everything else in float), if there is one.
 *   <li>Second pass: put each excluded candidate back in int8, least harmful first, keeping it
 *       there when the test still passes.
 *   <li>Exact check, when it fits the budget: try every set of candidates that would leave fewer
 *       weight bytes in float than the one found, fewest bytes first (then fewest candidates, then
 *       in order of the ranking); the first that passes wins. With few enough candidates every such
 *       set is tried, and the result leaves the fewest weight bytes in float of all passing sets;
 *       with more, only sets of fewer candidates than the one found.
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
    return choose(order, alonePassing, batch, exactBudget, Map.of(), test);
  }

  /**
   * Searches, keeping the most weight bytes in int8.
   *
   * @param bytes per candidate, the float weight bytes its quantization turns into 8 bits (a
   *     missing candidate weighs 1, so that without bytes the search keeps the most candidates)
   */
  static Choice choose(
      List<String> order,
      List<String> alonePassing,
      int batch,
      int exactBudget,
      Map<String, Long> bytes,
      Oracle test)
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

    // 3. exact check of every set that would leave fewer bytes in float, when affordable
    boolean uniform = order.stream().map(c -> weight(bytes, c)).distinct().count() <= 1;
    long bound = excluded == null ? Long.MAX_VALUE : cost(bytes, excluded);
    // the empty set failed: one candidate in float is the fewest there can be
    boolean exact = uniform && (excluded == null ? n <= 1 : excluded.size() == 1);
    if (exactBudget > 0 && n < 31 && (1L << n) - 2 <= exactBudget) {
      // every proper, non-empty subset
      exact = true;
      Set<String> found = firstPassing(order, n - 1, bytes, bound, batch, test);
      if (found != null) {
        excluded = found;
      }
    } else {
      int limit = excluded == null ? n - 1 : excluded.size() - 1;
      if (exactBudget > 0 && limit >= 1 && setsUpTo(n, limit, exactBudget) <= exactBudget) {
        exact = uniform; // every smaller set tried: the fewest candidates, the fewest bytes only if
        // equal
        Set<String> found = firstPassing(order, limit, bytes, bound, batch, test);
        if (found != null) {
          excluded = found;
        }
      }
    }
    List<String> out = excluded == null ? null : order.stream().filter(excluded::contains).toList();
    return new Choice(out, greedy == null ? List.of() : greedy, requantized, exact);
  }

  /**
   * The first passing set of 1..limit candidates leaving fewer than {@code bound} bytes in float:
   * fewest bytes first, then fewest candidates, then in ranking order.
   */
  private static Set<String> firstPassing(
      List<String> order, int limit, Map<String, Long> bytes, long bound, int batch, Oracle test)
      throws IOException {
    List<Set<String>> all = new ArrayList<>();
    for (int size = 1; size <= limit; size++) {
      combinations(order, size, 0, new ArrayList<>(), all);
    }
    List<Set<String>> sets = new ArrayList<>();
    for (Set<String> s : all) {
      if (cost(bytes, s) < bound) {
        sets.add(s);
      }
    }
    // stable: sets of one size stay in ranking order
    sets.sort(
        Comparator.comparingLong((Set<String> s) -> cost(bytes, s)).thenComparingInt(Set::size));
    for (int i = 0; i < sets.size(); i += batch) {
      List<Set<String>> some = sets.subList(i, Math.min(sets.size(), i + batch));
      List<String> labels = new ArrayList<>();
      for (Set<String> s : some) {
        labels.add("exact check: " + s + " in float?");
      }
      int hit = test.passes(some, labels).indexOf(Boolean.TRUE);
      if (hit >= 0) {
        return some.get(hit);
      }
    }
    return null;
  }

  private static long weight(Map<String, Long> bytes, String candidate) {
    return bytes.getOrDefault(candidate, 1L);
  }

  /** The weight bytes a set of candidates leaves in float. */
  static long cost(Map<String, Long> bytes, Set<String> inFloat) {
    long c = 0;
    for (String x : inFloat) {
      c += weight(bytes, x);
    }
    return c;
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
