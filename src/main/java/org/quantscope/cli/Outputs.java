// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.quantscope.model.AtomicFile;
import org.quantscope.model.OnnxModel;

/**
 * Checks a verb's output files before any work is done: none may be one of the input models' files
 * (the model or its external data), no two may be the same file, and each folder must take a new
 * file. A refusal then costs nothing, instead of coming after minutes of quantizing. At most one
 * output may be {@code -}, standard output.
 */
final class Outputs {
  private Outputs() {}

  /**
   * @param outputs the files the verb will write; nulls (options not given) are skipped
   * @param inputs the models the verb reads
   * @throws IOException naming the output and what is wrong with it
   */
  static void check(List<Path> outputs, OnnxModel... inputs) throws IOException {
    List<Path> seen = new ArrayList<>();
    int toStdout = 0;
    for (Path o : outputs) {
      if (o == null) {
        continue;
      }
      if (JsonOut.isStdout(o)) {
        if (++toStdout > 1) {
          throw new IllegalArgumentException(
              "only one output can be '-' (standard output); give a file for the others");
        }
        continue;
      }
      Path out = o.toAbsolutePath().normalize();
      for (OnnxModel m : inputs) {
        for (Path src : m.sourceFiles()) {
          if (same(src, out)) {
            throw new IOException(
                "refusing to overwrite "
                    + out
                    + ": it is an input ("
                    + (m.externalDataFiles().contains(src) ? "external data of " : "")
                    + m.displayName()
                    + "); choose another name");
          }
        }
      }
      for (Path s : seen) {
        if (same(s, out)) {
          throw new IllegalArgumentException(
              out + " is given for two outputs; choose a file for each");
        }
      }
      seen.add(out);
      AtomicFile.probe(out);
    }
  }

  private static boolean same(Path a, Path b) throws IOException {
    return a.equals(b) || (Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b));
  }
}
