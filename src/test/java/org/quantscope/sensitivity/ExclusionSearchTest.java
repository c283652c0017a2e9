// SPDX-License-Identifier: Apache-2.0
package org.quantscope.sensitivity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The search on made-up pass/fail rules, with the sets it asked about counted. */
class ExclusionSearchTest {
  static final List<String> ORDER = List.of("a", "b", "c", "d", "e");

  /** An oracle passing when {@code rule} holds for the set in float; remembers what it saw. */
  static final class Rule implements ExclusionSearch.Oracle {
    final Predicate<Set<String>> rule;
    final List<Set<String>> asked = new ArrayList<>();

    Rule(Predicate<Set<String>> rule) {
      this.rule = rule;
    }

    @Override
    public List<Boolean> passes(List<Set<String>> inFloat, List<String> labels) {
      assertThat(labels).hasSameSizeAs(inFloat);
      asked.addAll(inFloat);
      return inFloat.stream().map(s -> s.size() < ORDER.size() && rule.test(s)).toList();
    }
  }

  @Test
  void greedyThenTheSecondPassDropsNodesExcludedWithoutNeed() throws Exception {
    // only c matters, but a and b rank above it
    Rule r = new Rule(s -> s.contains("c"));
    ExclusionSearch.Choice c = ExclusionSearch.choose(ORDER, List.of(), 1, 0, r);
    assertThat(c.greedy()).containsExactly("a", "b", "c");
    assertThat(c.requantized()).containsExactly("b", "a");
    assertThat(c.excluded()).containsExactly("c");
    assertThat(c.exact()).as("one node in float, and the full model failed").isTrue();
  }

  @Test
  void theExactCheckFindsASmallerSetTheGreedyStepsMiss() throws Exception {
    // {a, b} together pass, and so does {e} alone; neither a nor b can go back on its own
    Predicate<Set<String>> rule = s -> s.containsAll(Set.of("a", "b")) || s.equals(Set.of("e"));
    ExclusionSearch.Choice local = ExclusionSearch.choose(ORDER, List.of(), 2, 0, new Rule(rule));
    assertThat(local.excluded()).containsExactly("a", "b");
    assertThat(local.exact()).isFalse();
    ExclusionSearch.Choice exact = ExclusionSearch.choose(ORDER, List.of(), 2, 64, new Rule(rule));
    assertThat(exact.excluded()).containsExactly("e");
    assertThat(exact.exact()).isTrue();
  }

  @Test
  void theBatchSizeDoesNotChangeTheOutcome() throws Exception {
    Predicate<Set<String>> rule = s -> s.contains("b") && (s.contains("d") || s.contains("e"));
    List<String> first = null;
    for (int batch = 1; batch <= 6; batch++) {
      ExclusionSearch.Choice c = ExclusionSearch.choose(ORDER, List.of(), batch, 0, new Rule(rule));
      if (first == null) {
        first = c.excluded();
      }
      assertThat(c.excluded()).as("batch " + batch).isEqualTo(first);
    }
    assertThat(first).containsExactly("b", "d");
  }

  @Test
  void withoutAPassingPrefixItStartsFromTheBestNodeThatPassedAlone() throws Exception {
    // only sets keeping "d" and "e" out of int8... except that d alone in int8 passes: the
    // greedy prefixes keep the least harmful (e) in int8, which always fails
    Rule r = new Rule(s -> s.contains("e") && s.size() >= 3);
    ExclusionSearch.Choice c = ExclusionSearch.choose(ORDER, List.of("d"), 1, 0, r);
    assertThat(c.greedy()).isEmpty();
    assertThat(c.excluded()).contains("e").hasSize(3);
  }

  @Test
  void nothingPassesGivesNoSetAndTheExactCheckCoversSmallModels() throws Exception {
    Rule r = new Rule(s -> false);
    ExclusionSearch.Choice c = ExclusionSearch.choose(ORDER, List.of(), 3, 64, r);
    assertThat(c.excluded()).isNull();
    assertThat(c.exact()).isTrue();
    // 2^5 - 2 sets with 1 to 4 nodes in float, each asked about at least once
    assertThat(Set.copyOf(r.asked)).hasSize(30);
  }

  @Test
  void ofTwoPassingSetsTheOneLeavingFewerBytesInFloatWins() throws Exception {
    // a is fragile; with a in float, b or c must follow it. b ranks above c, so the count-based
    // search leaves {a, b} in float; b is by far the biggest layer, so {a, c} keeps more in int8
    List<String> order = List.of("a", "b", "c");
    Map<String, Long> bytes = Map.of("a", 30_720L, "b", 262_144L, "c", 4_096L);
    Predicate<Set<String>> rule = s -> s.contains("a") && (s.contains("b") || s.contains("c"));
    ExclusionSearch.Choice byCount =
        ExclusionSearch.choose(order, List.of(), 1, 0, new ThreeRule(rule));
    assertThat(byCount.excluded()).containsExactly("a", "b");
    ExclusionSearch.Choice byBytes =
        ExclusionSearch.choose(order, List.of(), 1, 64, bytes, new ThreeRule(rule));
    assertThat(byBytes.excluded()).containsExactly("a", "c");
    assertThat(byBytes.exact()).isTrue();
    assertThat(ExclusionSearch.cost(bytes, Set.copyOf(byBytes.excluded())))
        .isLessThan(ExclusionSearch.cost(bytes, Set.copyOf(byCount.excluded())));
  }

  @Test
  void moreNodesInFloatWinWhenTheyWeighLess() throws Exception {
    // {a} alone passes, and so does {d, e}; a is the big one
    Map<String, Long> bytes = Map.of("a", 1_000_000L, "b", 10L, "c", 10L, "d", 10L, "e", 10L);
    Predicate<Set<String>> rule = s -> s.contains("a") || s.containsAll(Set.of("d", "e"));
    ExclusionSearch.Choice c =
        ExclusionSearch.choose(ORDER, List.of(), 2, 64, bytes, new Rule(rule));
    assertThat(c.excluded()).containsExactly("d", "e");
    assertThat(c.exact()).isTrue();
    // without bytes every node weighs the same, and one node beats two
    ExclusionSearch.Choice plain = ExclusionSearch.choose(ORDER, List.of(), 2, 64, new Rule(rule));
    assertThat(plain.excluded()).containsExactly("a");
  }

  @Test
  void beyondTheBudgetOnlySmallerSetsAreTriedAndTheResultIsNotCalledExact() throws Exception {
    // 5 candidates with a budget of 20: all 30 subsets do not fit, the 15 sets of 1 or 2 do
    Map<String, Long> bytes = Map.of("a", 100L, "b", 1L, "c", 1L, "d", 1L, "e", 1L);
    Predicate<Set<String>> rule = s -> s.containsAll(Set.of("a", "b", "c")) || s.contains("e");
    Rule r = new Rule(rule);
    ExclusionSearch.Choice c = ExclusionSearch.choose(ORDER, List.of(), 1, 20, bytes, r);
    assertThat(c.excluded()).containsExactly("e");
    assertThat(c.exact()).as("sizes differ: fewer nodes need not be fewer bytes").isFalse();
    assertThat(r.asked).allMatch(s -> s.size() <= 3);
  }

  /** {@link Rule} over three candidates. */
  static final class ThreeRule implements ExclusionSearch.Oracle {
    final Predicate<Set<String>> rule;

    ThreeRule(Predicate<Set<String>> rule) {
      this.rule = rule;
    }

    @Override
    public List<Boolean> passes(List<Set<String>> inFloat, List<String> labels) {
      return inFloat.stream().map(s -> s.size() < 3 && rule.test(s)).toList();
    }
  }

  @Test
  void setCounts() {
    assertThat(ExclusionSearch.setsUpTo(5, 4, 1000)).isEqualTo(30);
    assertThat(ExclusionSearch.setsUpTo(8, 2, 1000)).isEqualTo(8 + 28);
    assertThat(ExclusionSearch.setsUpTo(36, 35, 64)).isGreaterThan(64);
  }
}
