// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.regex.Pattern;
import org.quantscope.AppInfo;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The command line: {@code quantscope [MODEL]} opens the window, {@code quantscope VERB ...} runs
 * headless. Output and errors go to the writers given, so tests run it in-process.
 */
public final class Cli {
  private Cli() {}

  /**
   * The verbs, in the order {@code --help} lists them, as {@link #commandLine} registers them: an
   * argument spelled as one of them is never taken for a model by {@link #windowRequest}.
   */
  static final Set<String> VERBS =
      Collections.unmodifiableSet(
          new LinkedHashSet<>(
              List.of(
                  "inspect",
                  "quantize",
                  "sensitivity",
                  "trace",
                  "parity",
                  "bench",
                  "report",
                  "diff",
                  "check-deploy",
                  "__worker",
                  "__shell-files",
                  "generate-completion")));

  /**
   * A new command for a verb of {@link #VERBS}. A switch, not a table of constructor references:
   * making those loads every verb's class, which a window start (and one verb's run) do not need.
   */
  private static Object command(String verb) {
    switch (verb) {
      case "inspect":
        return new InspectCommand();
      case "quantize":
        return new QuantizeCommand();
      case "sensitivity":
        return new SensitivityCommand();
      case "trace":
        return new TraceCommand();
      case "parity":
        return new ParityCommand();
      case "bench":
        return new BenchCommand();
      case "report":
        return new ReportCommand();
      case "diff":
        return new DiffCommand();
      case "check-deploy":
        return new CheckDeployCommand();
      case "__worker":
        return new WorkerCommand();
      case "__shell-files":
        return new ShellFilesCommand();
      case "generate-completion":
        CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion());
        completion.getCommandSpec().usageMessage().hidden(false);
        return completion;
      default:
        throw new IllegalArgumentException("no verb " + verb);
    }
  }

  /** The verbs that need the whole command line (they describe every verb). */
  private static final Set<String> NEED_ALL_VERBS = Set.of("__shell-files", "generate-completion");

  private static final Pattern PLAIN_NUMBER = Pattern.compile("\\d{1,9}(\\.\\d{1,9})?");

  /** What the window is asked to open: the models (none for the example) and --exit-after. */
  record WindowRequest(List<Path> models, double exitAfter) {}

  /**
   * The window's request when the arguments can only mean "open the window" (model paths, {@code
   * --exit-after N}, {@code --verbose}), read without building the command line; null for anything
   * else (a verb, an option, {@code @file}, {@code --}), which {@link #run} leaves to picocli.
   * Building picocli's model of every verb takes 0.2-0.4 s of a cold start, which a double-click on
   * a model would otherwise wait for before the window; a test checks that picocli reads every such
   * argument list the same way.
   */
  static WindowRequest windowRequest(String[] args) {
    List<Path> models = new ArrayList<>();
    double exitAfter = 0;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--exit-after")
          && i + 1 < args.length
          && PLAIN_NUMBER.matcher(args[i + 1]).matches()) {
        exitAfter = Double.parseDouble(args[++i]);
      } else if (a.equals("--verbose")) {
        continue;
      } else if (a.isEmpty() || a.startsWith("-") || a.startsWith("@") || VERBS.contains(a)) {
        return null;
      } else {
        try {
          models.add(Path.of(a));
        } catch (InvalidPathException e) {
          return null; // picocli says why
        }
      }
    }
    return new WindowRequest(List.copyOf(models), exitAfter);
  }

  /** Runs the command line and returns the exit code; never calls {@code System.exit}. */
  public static int run(String[] args, PrintWriter out, PrintWriter err, WindowLauncher window) {
    WindowRequest request = window == null ? null : windowRequest(args);
    if (request != null) {
      return window.launch(request.models(), request.exitAfter());
    }
    out = TerminalWriter.wrap(out);
    err = err != null ? TerminalWriter.wrap(err) : null;
    // a verb's run builds picocli's model of that verb only: of all of them it took 0.15-0.3 s
    String only =
        args.length > 0 && VERBS.contains(args[0]) && !NEED_ALL_VERBS.contains(args[0])
            ? args[0]
            : null;
    if (only != null && !only.startsWith("__")) {
      // the model it names, read while picocli builds its model of the verb and parses
      EarlyModel.startFor(java.util.Arrays.copyOfRange(args, 1, args.length));
    }
    CommandLine cl = commandLine(out, err, window, only);
    int code;
    try {
      code = cl.execute(args);
    } finally {
      EarlyModel.forget(); // a read the verb did not take is not for a later run in this JVM
    }
    out.flush();
    err.flush();
    return code;
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err, WindowLauncher window) {
    return commandLine(out, err, window, null);
  }

  /**
   * The command line with every verb, or with one.
   *
   * @param only the one verb to register; null for all
   */
  static CommandLine commandLine(
      PrintWriter out, PrintWriter err, WindowLauncher window, String only) {
    CommandLine cl = new CommandLine(new Root(window));
    for (String verb : VERBS) {
      if (only == null || only.equals(verb)) {
        cl.addSubcommand(verb, command(verb));
      }
    }
    cl.setOut(out);
    cl.setErr(err != null ? err : out);
    cl.setExecutionExceptionHandler(Cli::handleExecutionException);
    cl.setParameterExceptionHandler(Cli::handleParameterException);
    return cl;
  }

  private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println("quantscope: " + e.getMessage());
    String name = cl.getCommandSpec().qualifiedName(" ");
    err.println("Try '" + name + " --help' for usage.");
    return ExitCodes.BAD_INPUT;
  }

  private static int handleExecutionException(
      Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    boolean verbose = parsed.hasMatchedOption("--verbose") || isVerbose(parsed);
    int code;
    String message;
    if (e instanceof IOException || e instanceof IllegalArgumentException) {
      code = ExitCodes.BAD_INPUT;
      message = oneLine(e.getMessage());
    } else if (e instanceof CancellationException) {
      code = ExitCodes.INTERNAL;
      message = "cancelled";
    } else {
      code = ExitCodes.INTERNAL;
      message =
          "internal error: "
              + e.getClass().getSimpleName()
              + (e.getMessage() != null ? ": " + oneLine(e.getMessage()) : "")
              + (verbose ? "" : " (run with --verbose for details)");
    }
    err.println("quantscope: " + message);
    if (verbose) {
      e.printStackTrace(err);
    }
    return code;
  }

  private static boolean isVerbose(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }

  /** Prints the version with the ONNX Runtime it was built against. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        AppInfo.NAME + " " + AppInfo.version(),
        "ONNX Runtime " + AppInfo.onnxRuntimeVersion(),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vendor")
            + ")"
      };
    }
  }

  @Command(
      name = "quantscope",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      sortOptions = false,
      usageHelpAutoWidth = true,
      description = {
        "Inspect, quantize (ONNX Runtime dynamic INT8), check parity and benchmark ONNX models.",
        "",
        "Without a verb, opens the window on each MODEL given (or on the built-in example). With"
            + " a verb, runs headless."
      },
      footerHeading = "%nExit codes:%n",
      footer = {
        "  0  success",
        "  1  a check failed (parity out of tolerance, nothing to quantize)",
        "  2  bad input or usage (unreadable or malformed model, wrong option)",
        "  3  internal error"
      })
  static final class Root implements Callable<Integer> {
    private final WindowLauncher window;

    @Parameters(
        arity = "0..*",
        paramLabel = "MODEL",
        description =
            "The .onnx files to open, a window each (a file that cannot be opened shows why in"
                + " its window; the others open all the same).")
    List<Path> models = new ArrayList<>();

    @Option(
        names = "--exit-after",
        paramLabel = "SECONDS",
        description = "Close the window after this many seconds (for smoke tests).")
    double exitAfter;

    @Option(
        names = "--verbose",
        scope = CommandLine.ScopeType.INHERIT,
        description = "Print stack traces of errors.")
    boolean verbose;

    Root(WindowLauncher window) {
      this.window = window;
    }

    @Override
    public Integer call() {
      if (exitAfter < 0) {
        throw new IllegalArgumentException("--exit-after must be >= 0, got " + exitAfter);
      }
      if (window == null) {
        throw new IllegalStateException("no window available");
      }
      return window.launch(List.copyOf(models), exitAfter);
    }
  }
}
