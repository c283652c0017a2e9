// SPDX-License-Identifier: Apache-2.0
package org.quantscope.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.SaveOptions;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.quantize.QuantizeOptions;

/**
 * QuantScope's quantizer as a library: ONNX Runtime's dynamic INT8 quantization ({@code
 * quantize_dynamic}), in Java, with the same output byte for byte under the default options. The
 * one entry point for programs that use QuantScope's engine; the window and the command line use
 * the same code underneath.
 *
 * <pre>{@code
 * QuantizationResult r =
 *     Quantizer.with(QuantizeOptions.builder().perChannel(true).build())
 *         .quantize(Path.of("model.onnx"), Path.of("model.int8.onnx"));
 * System.out.println(r.quantizedCount() + " of " + r.candidateCount() + " nodes quantized");
 * }</pre>
 *
 * <p>An instance is immutable and may be shared between threads. The input model is never modified;
 * the output is written to a temporary file beside it and moved into place.
 */
public final class Quantizer {
  private final QuantizeOptions options;
  private final SaveOptions save;
  private final Progress progress;

  private Quantizer(QuantizeOptions options, SaveOptions save, Progress progress) {
    this.options = Objects.requireNonNull(options, "options");
    this.save = Objects.requireNonNull(save, "save");
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  /** ONNX Runtime's defaults: QInt8 weights, per tensor, every quantizable op type. */
  public static Quantizer withDefaults() {
    return with(QuantizeOptions.DEFAULTS);
  }

  /** A quantizer with these options ({@link QuantizeOptions#builder()} makes them). */
  public static Quantizer with(QuantizeOptions options) {
    return new Quantizer(options, SaveOptions.DEFAULT, Progress.NONE);
  }

  /** The same, reporting progress (nodes done of all) to {@code progress}. */
  public Quantizer progress(Progress progress) {
    return new Quantizer(options, save, progress);
  }

  /** The same, writing the weights to {@code OUT.data} beside the output (above 2 GB anyway). */
  public Quantizer externalData() {
    return new Quantizer(options, SaveOptions.withExternalData(), progress);
  }

  /** The options this quantizer applies. */
  public QuantizeOptions options() {
    return options;
  }

  /**
   * Quantizes the model file {@code in} and writes the result to {@code out}.
   *
   * @return what was quantized, per node, with the files' sizes
   * @throws NothingToQuantizeException when no node would be quantized (nothing is written)
   * @throws IOException when {@code in} cannot be read or is not a valid model (a {@link
   *     org.quantscope.model.ModelFormatException} naming the problem), or {@code out} cannot be
   *     written
   * @throws IllegalArgumentException when {@code out} is {@code in}
   */
  public QuantizationResult quantize(Path in, Path out)
      throws IOException, NothingToQuantizeException {
    Path a = in.toAbsolutePath().normalize();
    Path b = out.toAbsolutePath().normalize();
    if (a.equals(b) || (Files.exists(b) && Files.isSameFile(a, b))) {
      throw new IllegalArgumentException(
          "the output " + out + " is the input model; choose another file");
    }
    OnnxModel model = ModelFiles.load(in);
    return DynamicQuantizer.quantizeTo(model, options, out, save, progress).result();
  }

  /**
   * Quantizes a model in memory.
   *
   * @return the quantized model (save it with {@link ModelFiles#save}) and what was done
   * @throws NothingToQuantizeException when no node would be quantized
   */
  public DynamicQuantizer.Output quantize(OnnxModel model)
      throws ModelFormatException, NothingToQuantizeException {
    return DynamicQuantizer.quantize(model, options, progress);
  }
}
