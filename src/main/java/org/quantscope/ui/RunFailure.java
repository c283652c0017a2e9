// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.quantscope.quantize.NothingToQuantizeException;

/** A failure for the error dialog: one line for the user, the details behind a click. */
public record RunFailure(String title, String message, String details) {
  /** The failure of a run: user errors as their message, bugs with their stack trace. */
  static RunFailure of(Throwable t) {
    boolean userError =
        t instanceof IOException
            || t instanceof IllegalArgumentException
            || t instanceof NothingToQuantizeException;
    String details = "";
    if (!userError) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      details = trace.toString();
    }
    String message =
        t instanceof NothingToQuantizeException
            ? "Nothing to quantize: " + t.getMessage().replaceFirst("^nothing to quantize: ", "")
            : t instanceof IOException || t instanceof IllegalArgumentException
                ? t.getMessage()
                : t.getClass().getSimpleName()
                    + (t.getMessage() == null ? "" : ": " + t.getMessage());
    return new RunFailure("The run failed", message, details);
  }
}
