// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.util.LinkedHashSet;
import java.util.List;
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

  /** The parity options these give, over every output. */
  ParityOptions parityOptions() {
    return parityOptions(List.of());
  }

  /** The parity options these give, over the named outputs (all when none are named). */
  ParityOptions parityOptions(List<String> outputs) {
    return new ParityOptions(absTol, meanTol, threshold, new LinkedHashSet<>(outputs), 40);
  }
}
