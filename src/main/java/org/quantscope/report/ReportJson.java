// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.io.IOException;
import java.nio.file.Path;
import org.quantscope.json.Json;
import org.quantscope.json.JsonDocument;

/**
 * The report as JSON: what CI reads, the document {@link JsonDocument#REPORT} in the shared
 * convention ({@link Json}: snake_case, {@code schema_version} first). The parity part keeps the
 * seed workflow's {@code parity_report.json} keys ({@code max_abs_diff}, {@code mean_abs_diff},
 * {@code passed}) at its top level; {@code summary} repeats the headline figures.
 */
public final class ReportJson {
  private ReportJson() {}

  /** The report as indented JSON text. */
  public static String toJson(Report report) {
    return Json.document(JsonDocument.REPORT, report);
  }

  /** Reads a report written by {@link #write}. */
  public static Report fromJson(String json) throws IOException {
    return Json.read(json, Report.class);
  }

  /** Writes the report atomically. */
  public static void write(Report report, Path file) throws IOException {
    Json.writeDocument(file, JsonDocument.REPORT, report);
  }

  /** Reads a report file. */
  public static Report read(Path file) throws IOException {
    return Json.read(file, Report.class);
  }
}
