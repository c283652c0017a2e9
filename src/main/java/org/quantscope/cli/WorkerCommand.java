// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.quantscope.worker.WorkerMain;
import org.quantscope.worker.WorkerProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code quantscope __worker FOLDER}: runs one ONNX Runtime job for the window in this process and
 * exits. Started by {@link WorkerProcess}; hidden from the help, not for people.
 */
@Command(name = WorkerProcess.VERB, hidden = true)
final class WorkerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FOLDER")
  Path folder;

  @Override
  public Integer call() {
    return WorkerMain.run(folder, System.in, spec.commandLine().getOut());
  }
}
