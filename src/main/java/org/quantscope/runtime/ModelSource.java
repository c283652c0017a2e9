// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import org.quantscope.model.OnnxModel;

/**
 * A model as a run sees it: where ONNX Runtime gets it, what the reports call it, and its size.
 * Either a loaded model (held in memory or read from its file) or a model file that ONNX Runtime
 * reads itself without QuantScope parsing it first (the worker process, which only runs models).
 *
 * @param model the loaded model, or null for a file ONNX Runtime reads itself
 * @param file the model file, or null for a loaded model
 * @param name the model's name in reports (a path, or "int8 (quantized in memory)")
 * @param sizeBytes the model's size in reports: its files, or its serialized size; -1 unknown
 */
public record ModelSource(OnnxModel model, Path file, String name, long sizeBytes) {
  public ModelSource {
    if ((model == null) == (file == null)) {
      throw new IllegalArgumentException("a model source is a loaded model or a file, not both");
    }
    Objects.requireNonNull(name, "name");
  }

  /** A loaded model. */
  public static ModelSource of(OnnxModel model, String name, long sizeBytes) {
    return new ModelSource(model, null, name, sizeBytes);
  }

  /** A model file ONNX Runtime reads itself. */
  public static ModelSource file(Path file, String name, long sizeBytes) {
    return new ModelSource(null, file, name, sizeBytes);
  }

  /**
   * A session over this model; the caller closes it. A file kept by the {@link SessionCache} gets
   * its kept session, which closing leaves open.
   */
  public ModelRunner open(OrtRuntime.SessionConfig sessions) throws IOException {
    return model != null ? ModelRunner.open(model, sessions) : SessionCache.open(file, sessions);
  }
}
