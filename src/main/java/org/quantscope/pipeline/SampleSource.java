// SPDX-License-Identifier: Apache-2.0
package org.quantscope.pipeline;

import java.io.IOException;
import java.nio.file.Files;
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
import org.quantscope.runtime.SampleOrigin;
import org.quantscope.runtime.Synthesizer;
import org.quantscope.text.TextSamples;
import org.quantscope.text.Tokenizer;

/**
 * Where a run's samples come from: a file, made-up inputs, or the example model's own rows. The
 * command line's {@code --inputs/--samples/--seed/--dim/--distribution} and the window's sample
 * options both become one of these.
 */
public sealed interface SampleSource {

  /** The feeds for {@code model}, one per run. */
  List<Map<String, NdArray>> read(OnnxModel model) throws IOException;

  /** Where {@code rows} samples read by {@link #read} for {@code model} came from. */
  SampleOrigin origin(OnnxModel model, long rows) throws IOException;

  /** Where the feeds read by {@link #read} for {@code model} came from, their rows counted. */
  default SampleOrigin origin(OnnxModel model, List<Map<String, NdArray>> feeds)
      throws IOException {
    long rows = 0;
    for (Map<String, NdArray> f : feeds) {
      rows += Batches.rows(f);
    }
    return origin(model, rows);
  }

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

    @Override
    public SampleOrigin origin(OnnxModel model, long rows) throws IOException {
      return source.origin(model, rows);
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

    @Override
    public SampleOrigin origin(OnnxModel model, long rows) {
      return SampleOrigin.file(path, Files.isDirectory(path), rows);
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

    @Override
    public SampleOrigin origin(OnnxModel model, long rows) {
      return SampleOrigin.madeUp(rows, options.seed());
    }
  }

  /**
   * Real text, one per line of a UTF-8 file, tokenized by the model's {@code tokenizer.json} (see
   * {@link TextSamples}): one text per run.
   *
   * @param tokenizer the tokenizer.json, or null for the one beside the model
   * @param dims {@code --dim} sizes (the sequence axis)
   */
  record Text(Path path, Path tokenizer, Map<String, Long> dims) implements SampleSource {
    public Text {
      Objects.requireNonNull(path, "path");
      dims = Map.copyOf(dims);
    }

    @Override
    public List<Map<String, NdArray>> read(OnnxModel model) throws IOException {
      List<String> texts = TextSamples.readLines(path);
      return TextSamples.feeds(
          texts, Tokenizer.read(tokenizerFor(model)), OrtRuntime.inputs(model), dims);
    }

    @Override
    public SampleOrigin origin(OnnxModel model, long rows) throws IOException {
      return SampleOrigin.text(path, tokenizerFor(model), rows);
    }

    /** The tokenizer given, or {@code tokenizer.json} in the model's folder. */
    public Path tokenizerFor(OnnxModel model) throws IOException {
      if (tokenizer != null) {
        return tokenizer;
      }
      Path beside =
          model.file().map(f -> f.toAbsolutePath().resolveSibling("tokenizer.json")).orElse(null);
      if (beside == null || !Files.isRegularFile(beside)) {
        throw new IOException(
            "--text needs the model's tokenizer.json: none was found beside the model"
                + (beside == null ? "" : " (" + beside + ")")
                + "; give it with --tokenizer FILE");
      }
      return beside;
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

    @Override
    public SampleOrigin origin(OnnxModel model, long rows) {
      return SampleOrigin.example(rows);
    }
  }
}
