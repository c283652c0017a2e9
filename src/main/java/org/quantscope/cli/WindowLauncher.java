// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.nio.file.Path;
import java.util.List;

/**
 * Opens the window when the command line names no verb. {@code Main} supplies the implementation,
 * so the CLI never depends on the UI.
 */
@FunctionalInterface
public interface WindowLauncher {
  /**
   * @param models the models to open, a window each; empty for the built-in example
   * @param exitAfterSeconds close the windows after this many seconds (for smoke tests), or 0
   * @return the process exit code
   */
  int launch(List<Path> models, double exitAfterSeconds);
}
