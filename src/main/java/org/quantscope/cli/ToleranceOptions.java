// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.util.LinkedHashSet;
import java.util.List;
import org.quantscope.parity.Metric;
import org.quantscope.parity.ParityOptions;
import picocli.CommandLine.Option;

/** The parity tolerances: one mixin for every verb that judges parity. */
final class ToleranceOptions {
  @Option(
      names = "--abs-tol",
      paramLabel = "X",
      description = "Largest |float - int8| allowed (default: ${DEFAULT-VALUE}).")
  double absTol = 0.04;

  @Option(
      names = "--mean-tol",
      paramLabel = "X",
      description = "Largest mean |float - int8| allowed (default: ${DEFAULT-VALUE}).")
  double meanTol = 0.01;

  @Option(
      names = "--threshold",
      paramLabel = "X",
      description =
          "Decision threshold for one-score and binary outputs (default: ${DEFAULT-VALUE}).")
  double threshold = 0.5;

  @Option(
      names = "--metric",
      paramLabel = "abs|cosine|top1",
      description =
          "What the verdict judges: abs (max and mean |d|, the default), cosine (the smallest"
              + " cosine over output rows, [N, T, D] outputs mean-pooled under the attention mask)"
              + " or top1 (the share of classifier decisions that agree).")
  String metric = "abs";

  @Option(
      names = "--cosine-tol",
      paramLabel = "X",
      description = "Smallest row cosine allowed with --metric cosine (default: ${DEFAULT-VALUE}).")
  double cosineTol = ParityOptions.COSINE_TOL;

  @Option(
      names = "--top1-tol",
      paramLabel = "X",
      description =
          "Smallest share of agreeing decisions with --metric top1 (default: ${DEFAULT-VALUE}).")
  double top1Tol = ParityOptions.TOP1_TOL;

  /** The parity options these give, over every output. */
  ParityOptions parityOptions() {
    return parityOptions(List.of());
  }

  /** The parity options these give, over the named outputs (all when none are named). */
  ParityOptions parityOptions(List<String> outputs) {
    Metric m = Metric.parse(metric);
    ParityOptions o =
        new ParityOptions(absTol, meanTol, threshold, new LinkedHashSet<>(outputs), 40);
    return switch (m) {
      case ABS -> o;
      case COSINE -> o.withMetric(m, cosineTol);
      case TOP1 -> o.withMetric(m, top1Tol);
    };
  }
}
