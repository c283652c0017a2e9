// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.quantscope.worker.WorkerMain;
import org.quantscope.worker.WorkerProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code quantscope __worker FOLDER}: runs one ONNX Runtime job for the window in this process and
 * exits; {@code quantscope __worker --serve HOME}: the window's warm worker, which serves jobs
 * until the window goes away. Started by {@link WorkerProcess}; hidden from the help, not for
 * people.
 */
@Command(name = WorkerProcess.VERB, hidden = true)
final class WorkerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = WorkerProcess.SERVE,
      description = "Serve jobs sent on stdin until it closes, instead of running one.")
  boolean serve;

  @Parameters(index = "0", paramLabel = "FOLDER")
  Path folder;

  @Override
  public Integer call() {
    if (serve) {
      return WorkerMain.serve(System.in, spec.commandLine().getOut(), UnaryOperator.identity());
    }
    return WorkerMain.run(folder, System.in, spec.commandLine().getOut());
  }
}
