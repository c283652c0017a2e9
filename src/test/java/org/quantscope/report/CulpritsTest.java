// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quantscope.trace.NodeError;
import org.quantscope.trace.TraceReport;

/** Which nodes a failed report names first, how it writes their share, and the option it prints. */
class CulpritsTest {
  /** A trace whose nodes introduce these dB, ranked as given, with no share estimated. */
  private static TraceReport trace(Double... introduced) {
    Double[] shares = new Double[introduced.length];
    return trace(shares, introduced);
  }

  /** A trace whose nodes have these shares of the output error, ranked as given. */
  private static TraceReport shares(Double... shares) {
    Double[] introduced = new Double[shares.length];
    Arrays.fill(introduced, 20.0);
    return trace(shares, introduced);
  }

  private static TraceReport trace(Double[] shares, Double[] introduced) {
    List<NodeError> nodes = new ArrayList<>();
    for (int i = 0; i < introduced.length; i++) {
      nodes.add(
          new NodeError(
              i + 1,
              "n" + i,
              "MatMul",
              i,
              List.of(),
              "y" + i,
              40.0,
              45.0,
              40.0,
              30.0,
              introduced[i],
              shares[i]));
    }
    return new TraceReport(1, 1, nodes, List.of(), List.of(), null, List.of());
  }

  @Test
  void theTopShareAndThoseWithAtLeastHalfOfItAreCulprits() {
    assertThat(Culprits.names(Culprits.of(shares(0.4, 0.2, 0.19, 0.1))))
        .containsExactly("n0", "n1");
    assertThat(Culprits.names(Culprits.of(shares(0.9, 0.05)))).containsExactly("n0");
    // the share decides, not the error introduced: n1 introduces far more but counts less
    TraceReport t = trace(new Double[] {0.6, 0.2}, new Double[] {30.0, 5.0});
    assertThat(Culprits.names(Culprits.of(t))).containsExactly("n0");
  }

  @Test
  void nodesWithoutShareOrWithNoneAreNotCulpritsWhenOthersHaveOne() {
    assertThat(Culprits.names(Culprits.of(shares(0.5, null, 0.0)))).containsExactly("n0");
    assertThat(Culprits.of(shares(0.0, 0.0))).isEmpty();
    // the summary's top nodes leave out a node with no share; one whose share is unknown but
    // that introduces error is listed, after those with a share (the trace ranks it there)
    assertThat(Report.makingError(shares(0.7, 0.3, 0.0, null), 5))
        .extracting(NodeError::node)
        .containsExactly("n0", "n1", "n3");
  }

  @Test
  void withoutSharesTheWorstAndThoseWithinThreeDbOfItAreCulprits() {
    // 10 dB and 12.9 dB: within 3 dB (less than twice the noise); 13.5 dB is not
    assertThat(Culprits.names(Culprits.of(trace(10.0, 12.9, 13.5, 14.0))))
        .containsExactly("n0", "n1");
    assertThat(Culprits.names(Culprits.of(trace(0.0, 44.6)))).containsExactly("n0");
  }

  @Test
  void atMostThreeAreNamed() {
    assertThat(Culprits.of(trace(20.0, 20.1, 20.2, 20.3, 20.4))).hasSize(Culprits.MAX);
    assertThat(Culprits.of(shares(0.2, 0.2, 0.2, 0.2, 0.2))).hasSize(Culprits.MAX);
  }

  @Test
  void withoutSharesNodesThatIntroduceNoErrorOrAnUnknownOneAreNotCulprits() {
    assertThat(Culprits.of(trace(Double.POSITIVE_INFINITY, null))).isEmpty();
    assertThat(Culprits.names(Culprits.of(trace(30.0, Double.POSITIVE_INFINITY, null))))
        .containsExactly("n0");
    assertThat(Report.makingError(trace(30.0, 31.0, Double.POSITIVE_INFINITY, null), 5))
        .extracting(NodeError::node)
        .containsExactly("n0", "n1");
  }

  @Test
  void aShareReadsAsAPercentageAndATinyOneIsNotNone() {
    assertThat(Figures.share(0.8734)).isEqualTo("87.3 %");
    assertThat(Figures.share(0.0)).isEqualTo("0.0 %");
    assertThat(Figures.share(0.0001)).isEqualTo("< 0.1 %");
    assertThat(Figures.share(null)).isEqualTo("-");
    assertThat(Figures.share(Double.NaN)).isEqualTo("-");
    assertThat(Figures.db(-0.01)).isEqualTo("0.0 dB");
    assertThat(Figures.db(-0.06)).isEqualTo("-0.1 dB");
    // the summary's wording: both figures, or the one known
    assertThat(new Report.TopNode("a", "MatMul", 0.5, 12.34, 10.0).figures())
        .isEqualTo("50.0 % of the output error, 12.3 dB introduced");
    assertThat(new Report.TopNode("a", "MatMul", null, 12.34, 10.0).figures())
        .isEqualTo("12.3 dB introduced");
  }

  @Test
  void theOptionKeepsTheUsersExclusionsAndQuotesWhatTheShellWouldSplit() {
    assertThat(Culprits.excludeOption(List.of(), List.of("/layer.1/attn/query/MatMul", "MatMul#2")))
        .isEqualTo("--nodes-to-exclude /layer.1/attn/query/MatMul,MatMul#2");
    assertThat(Culprits.excludeOption(List.of("fc3", "fc2"), List.of("fc2", "fc1")))
        .isEqualTo("--nodes-to-exclude fc3,fc2,fc1");
    assertThat(Culprits.excludeOption(List.of(), List.of("dense 1", "it's")))
        .isEqualTo("--nodes-to-exclude 'dense 1,it'\\''s'");
    // control characters from a hostile model never reach the printed option
    assertThat(Culprits.excludeOption(null, List.of("a\u001b[2Jb"))).doesNotContain("\u001b");
  }
}
