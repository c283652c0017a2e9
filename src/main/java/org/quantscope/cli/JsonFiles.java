// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.quantscope.model.AtomicFile;

/** Writes JSON reports atomically. */
final class JsonFiles {
  private JsonFiles() {}

  static void write(Path target, Object value) throws IOException {
    byte[] bytes = (Json.write(value) + "\n").getBytes(StandardCharsets.UTF_8);
    AtomicFile.write(target, out -> out.write(bytes));
  }
}
