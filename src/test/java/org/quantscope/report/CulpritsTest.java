// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quantscope.trace.NodeError;
import org.quantscope.trace.TraceReport;

/** Which nodes a failed report names first, and the option it prints for them. */
class CulpritsTest {
  /** A trace whose nodes introduce these dB, ranked as given. */
  private static TraceReport trace(Double... introduced) {
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
              introduced[i]));
    }
    return new TraceReport(1, 1, nodes, List.of(), List.of(), null, List.of());
  }

  @Test
  void theWorstAndThoseWithinThreeDbOfItAreCulprits() {
    // 10 dB and 12.9 dB: within 3 dB (less than twice the noise); 13.5 dB is not
    assertThat(Culprits.names(Culprits.of(trace(10.0, 12.9, 13.5, 14.0))))
        .containsExactly("n0", "n1");
    assertThat(Culprits.names(Culprits.of(trace(0.0, 44.6)))).containsExactly("n0");
  }

  @Test
  void atMostThreeAreNamed() {
    assertThat(Culprits.of(trace(20.0, 20.1, 20.2, 20.3, 20.4))).hasSize(Culprits.MAX);
  }

  @Test
  void nodesThatIntroduceNoErrorOrAnUnknownOneAreNotCulprits() {
    assertThat(Culprits.of(trace(Double.POSITIVE_INFINITY, null))).isEmpty();
    assertThat(Culprits.names(Culprits.of(trace(30.0, Double.POSITIVE_INFINITY, null))))
        .containsExactly("n0");
    // the summary's top nodes follow the same filter
    assertThat(Report.introducingError(trace(30.0, 31.0, Double.POSITIVE_INFINITY, null), 5))
        .extracting(NodeError::node)
        .containsExactly("n0", "n1");
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
