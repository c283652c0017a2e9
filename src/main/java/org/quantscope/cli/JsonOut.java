// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.quantscope.json.Json;
import org.quantscope.json.JsonDocument;

/**
 * Where a verb's JSON document goes: a file, written atomically, or standard output when the file
 * is given as {@code -}. When the document goes to standard output, the verb's text (tables, "Wrote
 * ...") goes to standard error, so that standard output is exactly one JSON document to pipe into
 * {@code jq}.
 */
final class JsonOut {
  /** The file name that means standard output. */
  static final String STDOUT = "-";

  private JsonOut() {}

  /** True when {@code target} is {@code -}. */
  static boolean isStdout(Path target) {
    return target != null && target.toString().equals(STDOUT);
  }

  /** Writes {@code value} as the document {@code doc} to {@code target} or to {@code out}. */
  static void write(Path target, JsonDocument doc, Object value, PrintWriter out)
      throws IOException {
    if (isStdout(target)) {
      out.print(Json.document(doc, value));
      out.flush();
    } else {
      Json.writeDocument(target, doc, value);
    }
  }

  /** Where the verb's text goes: {@code err} when one of {@code targets} is standard output. */
  static PrintWriter text(PrintWriter out, PrintWriter err, Path... targets) {
    for (Path t : targets) {
      if (isStdout(t)) {
        return err;
      }
    }
    return out;
  }

  /** "Wrote FILE", or nothing for standard output. */
  static void wrote(Path target, PrintWriter text) {
    if (target != null && !isStdout(target)) {
      text.println("Wrote " + target);
    }
  }
}
