// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a verdict's samples came from, so that two verdicts can be compared: made-up inputs hold
 * for their seed, a file's rows for that file, text for that text and tokenizer.
 *
 * @param source {@code made-up}, {@code csv}, {@code npy}, {@code npz}, {@code test-data}, {@code
 *     text} or {@code example} (the built-in example model's rows)
 * @param file the sample or text file as given, or null
 * @param rows samples over all runs (texts for {@code text})
 * @param seed the seed of made-up samples, or null
 * @param tokenizer the tokenizer.json that tokenized the text, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SampleOrigin(String source, String file, long rows, Long seed, String tokenizer) {

  /** Made-up samples from a seed. */
  public static SampleOrigin madeUp(long rows, long seed) {
    return new SampleOrigin("made-up", null, rows, seed, null);
  }

  /** Rows of a CSV, .npy, .npz file or an ONNX test-data folder. */
  public static SampleOrigin file(Path path, boolean folder, long rows) {
    String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    String kind =
        folder
            ? "test-data"
            : lower.endsWith(".npy") ? "npy" : lower.endsWith(".npz") ? "npz" : "csv";
    return new SampleOrigin(kind, path.toString(), rows, null, null);
  }

  /** Texts of a file, tokenized. */
  public static SampleOrigin text(Path file, Path tokenizer, long rows) {
    return new SampleOrigin("text", file.toString(), rows, null, tokenizer.toString());
  }

  /** The built-in example model's rows. */
  public static SampleOrigin example(long rows) {
    return new SampleOrigin("example", null, rows, null, null);
  }

  /**
   * Where from, as a phrase for reports: "text from sentences.txt, tokenized by tokenizer.json",
   * "made up, seed 0", "from breast.csv".
   */
  public String describe() {
    return switch (source) {
      case "made-up" -> "made up, seed " + seed;
      case "text" -> "text from " + name(file) + ", tokenized by " + name(tokenizer);
      case "example" -> "the example model's rows";
      case "test-data" -> "from the test-data folder " + name(file);
      default -> "from " + name(file);
    };
  }

  private static String name(String path) {
    if (path == null) {
      return "?";
    }
    Path p = Path.of(path).getFileName();
    return p == null ? path : p.toString();
  }
}
