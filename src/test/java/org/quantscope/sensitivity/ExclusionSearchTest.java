// SPDX-License-Identifier: Apache-2.0
package org.quantscope.sensitivity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
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
  void setCounts() {
    assertThat(ExclusionSearch.setsUpTo(5, 4, 1000)).isEqualTo(30);
    assertThat(ExclusionSearch.setsUpTo(8, 2, 1000)).isEqualTo(8 + 28);
    assertThat(ExclusionSearch.setsUpTo(36, 35, 64)).isGreaterThan(64);
  }
}
