// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import org.quantscope.deploy.DeployReport;
import org.quantscope.pipeline.Outcome;
import org.quantscope.pipeline.Plan;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.sensitivity.AutoExcludeResult;
import org.quantscope.sensitivity.SensitivityReport;
import org.quantscope.ui.RunViewModel.Comparison;

/** What a run changed; null fields leave the window's state as it is. */
record RunResults(
    Outcome outcome,
    SensitivityReport sensitivity,
    AutoExcludeResult autoExcluded,
    Comparison comparison,
    DeployReport deploy) {
  static RunResults of(Outcome o) {
    return new RunResults(o, null, null, null, null);
  }

  static RunResults of(SensitivityReport s) {
    return new RunResults(null, s, null, null, null);
  }

  static RunResults of(Comparison c) {
    return new RunResults(null, null, null, c, null);
  }

  /** A check-deploy, with the outcome that made its int8 model. */
  static RunResults of(Outcome o, DeployReport d) {
    return new RunResults(o, null, null, null, d);
  }

  /** The search, and when it passed, its int8 model and parity as the window's outcome. */
  static RunResults of(AutoExcludeResult a, OrtRuntime.SessionConfig sessions) {
    Outcome o =
        a.passed() && a.output() != null
            ? new Outcome(
                a.output().model(),
                Plan.QUANTIZED_IN_MEMORY,
                null,
                a.output(),
                a.fp32Bytes(),
                a.int8Bytes(),
                a.after(),
                null,
                null,
                sessions)
            : null;
    return new RunResults(o, a.sensitivity(), a, null, null);
  }
}
