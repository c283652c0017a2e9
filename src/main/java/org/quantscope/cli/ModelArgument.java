// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.nio.file.Path;
import picocli.CommandLine.Parameters;

/**
 * The float model every verb that quantizes takes as its first argument, defaulting to the seed's
 * {@code artifacts/model.onnx}: a picocli mixin, so that the argument reads the same everywhere.
 */
final class ModelArgument {
  /** The seed's float model. */
  static final Path DEFAULT = Path.of("artifacts", "model.onnx");

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "MODEL",
      description = "The float model (default: artifacts/model.onnx).")
  Path model;

  /** The model given, or the default. */
  Path path() {
    return model != null ? model : DEFAULT;
  }
}
