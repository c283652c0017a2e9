// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.nio.file.Path;

/**
 * Opens the window when the command line names no verb. {@code Main} supplies the implementation,
 * so the CLI never depends on the UI.
 */
@FunctionalInterface
public interface WindowLauncher {
  /**
   * @param model the model to open, or null for the built-in example
   * @param exitAfterSeconds close the window after this many seconds (for smoke tests), or 0
   * @return the process exit code
   */
  int launch(Path model, double exitAfterSeconds);
}
