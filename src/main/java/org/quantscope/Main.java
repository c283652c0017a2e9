// SPDX-License-Identifier: Apache-2.0
package org.quantscope;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.quantscope.cli.ClassDataLaunch;
import org.quantscope.cli.Cli;
import org.quantscope.cli.ExitCodes;
import org.quantscope.ui.QuantScopeApp;

/**
 * Entry point. A verb ({@code inspect}, ...) runs the CLI headless; no arguments or a model path
 * opens the window. This class must not extend {@code Application}, so that JavaFX starts from the
 * class path.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, Charset.defaultCharset());
    PrintWriter err = new PrintWriter(System.err, true, Charset.defaultCharset());
    int code =
        Cli.run(args, out, err, (models, exitAfter) -> openWindow(args, models, exitAfter, err));
    System.exit(code);
  }

  private static int openWindow(
      String[] args, List<Path> models, double exitAfterSeconds, PrintWriter err) {
    // a plain "java -jar" start runs the window in a JVM on a class-data archive when it can
    OptionalInt relaunched = ClassDataLaunch.relaunch(args);
    if (relaunched.isPresent()) {
      return relaunched.getAsInt();
    }
    String why = QuantScopeApp.displayProblem();
    if (why != null) {
      err.println("quantscope: cannot open the window: " + why);
      err.println("Use a verb such as 'inspect' to run headless; see 'quantscope --help'.");
      return ExitCodes.BAD_INPUT;
    }
    return QuantScopeApp.launch(models, exitAfterSeconds, err);
  }
}
