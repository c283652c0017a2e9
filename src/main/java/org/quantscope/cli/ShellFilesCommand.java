// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.quantscope.model.AtomicFile;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code quantscope __shell-files FOLDER} (hidden): writes the bash completion script ({@code
 * quantscope.bash}, from picocli's {@link AutoComplete}) and the manual page ({@code quantscope.1},
 * see {@link ManPage}), both from the annotations of the verbs. The installer build runs it, and
 * the {@code .deb} installs the two files.
 */
@Command(name = "__shell-files", hidden = true)
final class ShellFilesCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FOLDER")
  Path folder;

  @Override
  public Integer call() throws IOException {
    CommandLine root = spec.root().commandLine();
    Files.createDirectories(folder);
    write(folder.resolve("quantscope.bash"), completion(root));
    write(folder.resolve("quantscope.1"), ManPage.of(root, LocalDate.now().toString()));
    spec.commandLine().getOut().println("Wrote " + folder.resolve("quantscope.bash"));
    spec.commandLine().getOut().println("Wrote " + folder.resolve("quantscope.1"));
    return ExitCodes.OK;
  }

  /** The bash (and zsh, through bashcompinit) completion script for {@code quantscope}. */
  static String completion(CommandLine root) {
    return AutoComplete.bash("quantscope", root);
  }

  private static void write(Path file, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    AtomicFile.write(file, out -> out.write(bytes));
  }
}
