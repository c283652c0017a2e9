// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.quantscope.model.ElementType;

/**
 * One array from a file, for expected outputs: a CSV with a header and one row per sample ([rows,
 * columns], as float64), or a .npy file.
 */
public final class ArrayFiles {
  private ArrayFiles() {}

  public static NdArray read(Path path) throws IOException {
    String name = String.valueOf(path.getFileName());
    String lower = name.toLowerCase(Locale.ROOT);
    if (!Files.isRegularFile(path)) {
      throw new NoSuchFileException(path + ": no such file");
    }
    if (lower.endsWith(".npy")) {
      return Npy.read(Files.readAllBytes(path), name);
    }
    if (lower.endsWith(".csv")) {
      InputSpec any = new InputSpec(name, ElementType.DOUBLE, Arrays.asList(null, null));
      return Csv.read(path, List.of(any)).get(0).get(name);
    }
    throw new IOException(
        path + ": expected outputs must be a CSV (header, one row per sample) or a .npy file");
  }
}
