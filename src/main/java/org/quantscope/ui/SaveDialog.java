// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the user wants a file saved: a file chooser in the window, a fixed answer in tests, so that
 * the export and save commands can be driven without a native dialog.
 */
interface SaveDialog {
  /**
   * Asks for a file.
   *
   * @param title the dialog's title
   * @param name the suggested file name
   * @param filters description and extension (without the dot) of each file type offered
   * @return the file and the index of the filter chosen, or null when cancelled
   */
  Choice choose(String title, String name, List<String[]> filters);

  /** The file chosen and the index of the file type (filter) it was chosen under. */
  record Choice(Path file, int filter) {}
}
