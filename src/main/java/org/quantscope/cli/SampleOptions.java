// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.quantscope.pipeline.SampleSource;
import org.quantscope.runtime.Batches;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.runtime.Synthesizer;
import picocli.CommandLine.Option;

/** Where model inputs come from, and how sessions are made: shared by parity and bench. */
final class SampleOptions {
  @Option(
      names = "--inputs",
      paramLabel = "FILE|DIR",
      description =
          "Samples to run: a CSV (header, one row per sample, for one 2-D float input), a .npy or"
              + " .npz file, or an ONNX test-data folder (input_0.pb, ...). Default: made up"
              + " from the model's inputs.")
  Path inputs;

  @Option(
      names = "--text",
      paramLabel = "FILE",
      description =
          "Real text for a text model: one text per line (UTF-8), tokenized with the model's"
              + " tokenizer.json into input_ids, attention_mask and token_type_ids, one text per"
              + " run, padded to the longest text (at most 128 tokens) or to --dim sequence=N.")
  Path text;

  @Option(
      names = "--tokenizer",
      paramLabel = "FILE",
      description =
          "The tokenizer.json for --text (default: tokenizer.json beside the model). WordPiece"
              + " (BERT) and byte-level BPE (GPT-2, RoBERTa) are read.")
  Path tokenizer;

  @Option(
      names = "--samples",
      paramLabel = "N",
      description = "Number of made-up samples (default: ${DEFAULT-VALUE}).")
  int samples = 100;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Seed for made-up samples (default: ${DEFAULT-VALUE}).")
  long seed = 0;

  @Option(
      names = "--dim",
      paramLabel = "NAME=VALUE",
      description =
          "Size of a symbolic dimension, e.g. --dim sequence=64 (defaults: batch 1,"
              + " sequence-like 128).")
  Map<String, Long> dims = new LinkedHashMap<>();

  @Option(
      names = "--distribution",
      paramLabel = "normal|uniform",
      description = "Distribution of made-up float inputs (default: normal).")
  String distribution = "normal";

  @Option(
      names = "--batch",
      paramLabel = "N|all",
      description =
          "Rows per run (all: every sample in one run). Dynamic quantization takes one activation"
              + " scale over each run's whole batch, so a verdict holds for the batch it ran with."
              + " Default: a file as stored (a CSV or .npy in one run), made-up samples one per run.")
  String batch;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "ONNX Runtime intra-op threads (default: ORT's choice).")
  int threads;

  @Option(
      names = "--opt-level",
      paramLabel = "LEVEL",
      description = "ONNX Runtime graph optimizations: none, basic, extended, all (default).")
  String optLevel = "all";

  @Option(
      names = "--x64-quant-precision",
      description =
          "Turn on ONNX Runtime's session.x64quantprecision (int8 weights as uint8 on x86 CPUs"
              + " without VNNI, so u8 x s8 kernels cannot saturate).")
  boolean x64QuantPrecision;

  /** The session settings these options give. */
  OrtRuntime.SessionConfig sessionConfig() {
    OrtRuntime.OptLevel level;
    try {
      level = OrtRuntime.OptLevel.valueOf(optLevel.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--opt-level must be none, basic, extended or all, got '" + optLevel + "'");
    }
    return new OrtRuntime.SessionConfig(threads, level, x64QuantPrecision);
  }

  /** Rows per run from --batch ({@link Batches#ALL} for all), or null when not given. */
  Integer batchRows() {
    if (batch == null) {
      return null;
    }
    String b = batch.trim();
    if (b.equalsIgnoreCase("all")) {
      return Batches.ALL;
    }
    try {
      int n = Integer.parseInt(b);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw new IllegalArgumentException("--batch must be a number >= 1 or all, got '" + batch + "'");
  }

  /** Where the samples come from (--inputs, or made up one row each), grouped by --batch. */
  SampleSource source() {
    Integer rows = batchRows();
    SampleSource s = source(null);
    return rows == null ? s : s.batched(rows);
  }

  /**
   * The samples for timing: a file grouped by --batch; made-up samples with --batch rows each (the
   * distinct inputs the timed runs take in turn).
   */
  SampleSource timingSource() {
    Integer rows = batchRows();
    if (inputs != null || text != null || rows == null) {
      return source();
    }
    if (rows == Batches.ALL) {
      throw new IllegalArgumentException(
          "--batch all needs --inputs: made-up samples for timing have --batch N rows each");
    }
    return source((long) rows);
  }

  /**
   * Where the samples come from: --inputs, or made up with {@code batch} rows each (null: the
   * model's own batch dimension rule).
   */
  private SampleSource source(Long batch) {
    if (text != null && inputs != null) {
      throw new IllegalArgumentException("give --inputs or --text, not both");
    }
    if (tokenizer != null && text == null) {
      throw new IllegalArgumentException("--tokenizer is for --text; give the text file too");
    }
    if (text != null) {
      return new SampleSource.Text(text, tokenizer, dims);
    }
    if (inputs != null) {
      return new SampleSource.File(inputs);
    }
    Synthesizer.Distribution d;
    try {
      d = Synthesizer.Distribution.valueOf(distribution.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--distribution must be normal or uniform, got '" + distribution + "'");
    }
    Map<String, Long> given = new LinkedHashMap<>(dims);
    if (batch != null) {
      given.putIfAbsent("batch", batch);
    }
    return new SampleSource.Synthetic(new Synthesizer.Options(samples, seed, given, d));
  }
}
