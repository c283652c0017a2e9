// SPDX-License-Identifier: Apache-2.0
package org.quantscope.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.quantscope.model.ExampleModel;
import org.quantscope.model.OnnxModel;
import org.quantscope.runtime.Batches;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.runtime.SampleFiles;
import org.quantscope.runtime.Synthesizer;

/**
 * Where a run's samples come from: a file, made-up inputs, or the example model's own rows. The
 * command line's {@code --inputs/--samples/--seed/--dim/--distribution} and the window's sample
 * options both become one of these.
 */
public sealed interface SampleSource {

  /** The feeds for {@code model}, one per run. */
  List<Map<String, NdArray>> read(OnnxModel model) throws IOException;

  /**
   * The same samples, {@code rows} per run ({@link Batches#ALL}: every row in one run). Without it,
   * a file runs as it is stored (a CSV or .npy as one batch, a test-data folder one run per set)
   * and made-up samples one row per run.
   */
  default SampleSource batched(int rows) {
    return new Batched(this instanceof Batched b ? b.source() : this, rows);
  }

  /** Another source's samples regrouped into runs of {@code rows} (see {@link Batches}). */
  record Batched(SampleSource source, int rows) implements SampleSource {
    public Batched {
      Objects.requireNonNull(source, "source");
      if (rows < 0) {
        throw new IllegalArgumentException("--batch must be a number >= 1 or all, got " + rows);
      }
    }

    @Override
    public List<Map<String, NdArray>> read(OnnxModel model) throws IOException {
      return Batches.regroup(source.read(model), rows, OrtRuntime.inputs(model));
    }
  }

  /** A CSV, .npy/.npz file or ONNX test-data folder (see {@code SampleFiles}). */
  record File(Path path) implements SampleSource {
    public File {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public List<Map<String, NdArray>> read(OnnxModel model) throws IOException {
      return SampleFiles.read(path, OrtRuntime.inputs(model));
    }
  }

  /** Made-up inputs (see {@code Synthesizer}). */
  record Synthetic(Synthesizer.Options options) implements SampleSource {
    public Synthetic {
      Objects.requireNonNull(options, "options");
    }

    @Override
    public List<Map<String, NdArray>> read(OnnxModel model) throws IOException {
      return Synthesizer.synthesize(model, options);
    }
  }

  /** The built-in example model's sample rows, as one batch. */
  record Example() implements SampleSource {
    /** Rows in the batch. */
    public static final int ROWS = 64;

    @Override
    public List<Map<String, NdArray>> read(OnnxModel model) {
      return List.of(
          Map.of(
              ExampleModel.INPUT,
              NdArray.of(ExampleModel.sampleRows(ROWS), ROWS, ExampleModel.FEATURES)));
    }
  }
}
