// SPDX-License-Identifier: Apache-2.0
package org.quantscope.worker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.nio.file.Path;
import org.quantscope.model.AtomicFile;

/** The JSON of job and result files: the reports' own snake_case, written atomically. */
final class WorkerJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private WorkerJson() {}

  static void write(Path file, Object value) throws IOException {
    byte[] bytes = MAPPER.writeValueAsBytes(value);
    AtomicFile.write(file, out -> out.write(bytes));
  }

  static <T> T read(Path file, Class<T> type) throws IOException {
    return MAPPER.readValue(file.toFile(), type);
  }
}
