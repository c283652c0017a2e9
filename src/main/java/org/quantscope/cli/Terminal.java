// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.Console;
import java.lang.reflect.Method;

/**
 * Whether the command line runs in a terminal, where a progress line may be rewritten in place with
 * {@code \r}. On Java 22 and newer {@link System#console()} is not null even when the output is
 * redirected to a file or a pipe; {@code Console.isTerminal()} (Java 22) says whether it really is
 * a terminal. On older Java a console exists only when standard input and output are terminals.
 * {@code TERM=dumb} (Emacs shells, some CI) turns the progress line off too.
 */
final class Terminal {
  private Terminal() {}

  /** True when progress lines may use {@code \r}. */
  static boolean isInteractive() {
    return isInteractive(System.console(), System.getenv("TERM"));
  }

  /** The rule, for a console (or null) and a {@code TERM} value (or null). */
  static boolean isInteractive(Console console, String term) {
    if (console == null || "dumb".equals(term)) {
      return false;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (NoSuchMethodException e) {
      return true; // before Java 22 a console is only there for a terminal
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}
