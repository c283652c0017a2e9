// SPDX-License-Identifier: Apache-2.0
package org.quantscope.worker;

import java.io.IOException;
import java.nio.file.Path;
import org.quantscope.json.Json;

/**
 * The JSON of job and result files, in the shared convention ({@link Json}), written atomically.
 * They pass between two processes of one installation, so they carry no schema version.
 */
final class WorkerJson {
  private WorkerJson() {}

  static void write(Path file, Object value) throws IOException {
    Json.writeFile(file, value);
  }

  static <T> T read(Path file, Class<T> type) throws IOException {
    return Json.read(file, type);
  }
}
