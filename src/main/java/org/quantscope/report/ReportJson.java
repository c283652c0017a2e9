// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.quantscope.model.AtomicFile;

/**
 * The report as JSON: what CI reads. The parity part keeps the seed workflow's {@code
 * parity_report.json} keys ({@code max_abs_diff}, {@code mean_abs_diff}, {@code passed}) at its top
 * level; {@code summary} repeats the headline figures.
 */
public final class ReportJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          // snake_case throughout, as the seed's parity_report.json; annotated names stay as given
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.USE_LONG_FOR_INTS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  static {
    MAPPER.getFactory().setCharacterEscapes(Texts.jsonEscapes());
  }

  private ReportJson() {}

  /** The report as indented JSON text. */
  public static String toJson(Report report) {
    try {
      return MAPPER.writeValueAsString(report) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise the report", e);
    }
  }

  /** Reads a report written by {@link #write}. */
  public static Report fromJson(String json) throws IOException {
    return MAPPER.readValue(json, Report.class);
  }

  /** Writes the report atomically. */
  public static void write(Report report, Path file) throws IOException {
    byte[] bytes = toJson(report).getBytes(StandardCharsets.UTF_8);
    AtomicFile.write(file, out -> out.write(bytes));
  }

  /** Reads a report file. */
  public static Report read(Path file) throws IOException {
    return fromJson(Files.readString(file, StandardCharsets.UTF_8));
  }
}
