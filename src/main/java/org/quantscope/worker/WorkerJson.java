// SPDX-License-Identifier: Apache-2.0
package org.quantscope.worker;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quantscope.json.Json;
import org.quantscope.model.ExampleModel;
import org.quantscope.model.OnnxModel;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.quantize.QuantizeOptions;

/**
 * The JSON of job and result files, in the shared convention ({@link Json}), written atomically.
 * They pass between two processes of one installation, so they carry no schema version.
 */
final class WorkerJson {
  private WorkerJson() {}

  static void write(Path file, Object value) throws IOException {
    Json.writeFile(file, value);
  }

  static <T> T read(Path file, Class<T> type) throws IOException {
    return Json.read(file, type);
  }

  private static final AtomicBoolean WARM = new AtomicBoolean();

  /**
   * Writes and reads a quantize job and its result once per process, which makes the mapper build
   * their serializers and deserializers while nobody waits: made on the first job instead, they
   * took about 0.4 s of the window's first quantization of a BERT-base-sized model
   * (measurements.md, *The worker process*). The window's process calls it when it starts a spare
   * worker, the worker before it waits for jobs.
   */
  static void warmUp() {
    if (!WARM.compareAndSet(false, true)) {
      return;
    }
    try {
      QuantizationResult result =
          DynamicQuantizer.quantize(
                  OnnxModel.of(ExampleModel.build()), QuantizeOptions.DEFAULTS, Progress.NONE)
              .result();
      WorkerJob job =
          new WorkerJob.Quantize(
              new WorkerJob.ModelFile("model.onnx", "model", 1), QuantizeOptions.DEFAULTS, "out");
      Json.read(Json.write(job), WorkerJob.class);
      Json.read(Json.write(WorkerResult.of(result)), WorkerResult.class);
    } catch (IOException | NothingToQuantizeException | RuntimeException e) {
      // the first job meets the same problem and reports it
    }
  }
}
