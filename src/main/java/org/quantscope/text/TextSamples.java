// SPDX-License-Identifier: Apache-2.0
package org.quantscope.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;
import org.quantscope.runtime.InputSpec;
import org.quantscope.runtime.NdArray;

/**
 * Real text as a text model's inputs: one text per line of a UTF-8 file, tokenized, cut and padded
 * to one sequence length, and written to the inputs the model has of {@code input_ids}, {@code
 * attention_mask} (1 for the text's tokens, 0 for padding) and {@code token_type_ids} (all 0: one
 * text is one sequence), matched by name. Each text is one run of one row; {@code --batch} groups
 * them.
 */
public final class TextSamples {
  private TextSamples() {}

  /** The sequence length when the model leaves it open and no {@code --dim} sets it. */
  public static final int DEFAULT_MAX_LENGTH = 128;

  /** What a model input is filled with. */
  enum Role {
    IDS,
    MASK,
    TYPES
  }

  /**
   * The non-empty lines of a UTF-8 text file (a byte-order mark and line ends dropped).
   *
   * @throws IOException naming the file when it is missing, not UTF-8, or holds no text
   */
  public static List<String> readLines(Path file) throws IOException {
    String shown = file.getFileName() == null ? file.toString() : file.getFileName().toString();
    if (!Files.isRegularFile(file)) {
      throw new IOException("text file " + file + " does not exist");
    }
    String all;
    try {
      all =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
    } catch (CharacterCodingException e) {
      throw new ModelFormatException(shown + " is not UTF-8 text (one text per line expected)");
    }
    if (all.startsWith("\uFEFF")) {
      all = all.substring(1);
    }
    List<String> lines = new ArrayList<>();
    for (String line : all.split("\r?\n|\r")) {
      if (!line.isBlank()) {
        lines.add(line);
      }
    }
    if (lines.isEmpty()) {
      throw new ModelFormatException(shown + " holds no text (one text per line expected)");
    }
    return lines;
  }

  /**
   * The feeds for {@code texts}: one run per text, each [1, L].
   *
   * @param dims sizes given with {@code --dim}: the sequence axis by its name (or as {@code
   *     sequence}) sets L; else a fixed axis, else the longest text capped at the tokenizer's
   *     truncation length or {@link #DEFAULT_MAX_LENGTH}
   * @throws ModelFormatException when an input is not one a tokenizer fills, or the inputs disagree
   *     on the sequence length
   */
  public static List<Map<String, NdArray>> feeds(
      List<String> texts, Tokenizer tokenizer, List<InputSpec> inputs, Map<String, Long> dims)
      throws ModelFormatException {
    Map<InputSpec, Role> roles = roles(inputs);
    List<int[]> encoded = new ArrayList<>(texts.size());
    int cap = cap(tokenizer);
    Long fixed = sequenceLength(roles.keySet(), dims);
    int length = fixed != null ? (int) (long) fixed : 0;
    for (String t : texts) {
      int[] ids = tokenizer.encode(t, fixed != null ? length : cap);
      encoded.add(ids);
      if (fixed == null) {
        length = Math.max(length, ids.length);
      }
    }
    List<Map<String, NdArray>> feeds = new ArrayList<>(texts.size());
    for (int[] ids : encoded) {
      Map<String, NdArray> feed = new LinkedHashMap<>();
      for (Map.Entry<InputSpec, Role> e : roles.entrySet()) {
        long[] row = new long[length];
        for (int i = 0; i < length; i++) {
          row[i] =
              switch (e.getValue()) {
                case IDS -> i < ids.length ? ids[i] : tokenizer.padId();
                case MASK -> i < ids.length ? 1 : 0;
                case TYPES -> 0;
              };
        }
        feed.put(e.getKey().name(), array(row, e.getKey()));
      }
      feeds.add(feed);
    }
    return feeds;
  }

  private static int cap(Tokenizer tokenizer) {
    Integer m = tokenizer.maxLength();
    return m == null || m <= 0 ? DEFAULT_MAX_LENGTH : Math.min(m, DEFAULT_MAX_LENGTH);
  }

  /** The length set by a fixed axis or --dim, or null when it follows the texts. */
  private static Long sequenceLength(Iterable<InputSpec> inputs, Map<String, Long> dims)
      throws ModelFormatException {
    Long found = null;
    for (InputSpec in : inputs) {
      Object d = in.dims().get(1);
      Long len = null;
      if (d instanceof Long l) {
        len = l;
      } else if (d instanceof String s && dims.containsKey(s)) {
        len = dims.get(s);
      } else if (dims.containsKey("sequence")) {
        len = dims.get("sequence");
      }
      if (len != null && found != null && !len.equals(found)) {
        throw new ModelFormatException(
            "the model's text inputs disagree on the sequence length ("
                + found
                + " and "
                + len
                + " for '"
                + in.name()
                + "')");
      }
      found = len != null ? len : found;
    }
    if (found != null && found < 1) {
      throw new ModelFormatException("the sequence length must be at least 1, got " + found);
    }
    return found;
  }

  /** Each input's role, by its name; an input a tokenizer does not fill is refused. */
  static Map<InputSpec, Role> roles(List<InputSpec> inputs) throws ModelFormatException {
    Map<InputSpec, Role> roles = new LinkedHashMap<>();
    boolean ids = false;
    for (InputSpec in : inputs) {
      String n = in.name().toLowerCase(Locale.ROOT);
      Role r;
      if (n.contains("mask")) {
        r = Role.MASK;
      } else if (n.contains("type") || n.contains("segment")) {
        r = Role.TYPES;
      } else if (n.contains("ids") || n.contains("token") || n.equals("input")) {
        r = Role.IDS;
      } else {
        throw new ModelFormatException(
            "the model's input '"
                + in.name()
                + "' is not one a tokenizer fills (input_ids, attention_mask, token_type_ids);"
                + " --text cannot feed this model");
      }
      if (in.type() != ElementType.INT64 && in.type() != ElementType.INT32) {
        throw new ModelFormatException(
            "the model's input '"
                + in.name()
                + "' is "
                + in.describe()
                + "; --text fills 64- or 32-bit integer token inputs");
      }
      if (in.dims().size() != 2) {
        throw new ModelFormatException(
            "the model's input '"
                + in.name()
                + "' is "
                + in.describe()
                + "; --text fills [batch, sequence] inputs");
      }
      ids |= r == Role.IDS;
      roles.put(in, r);
    }
    if (!ids) {
      throw new ModelFormatException(
          "the model has no token-id input (such as input_ids) for --text to fill; its inputs are "
              + inputs.stream().map(InputSpec::name).toList());
    }
    return roles;
  }

  private static NdArray array(long[] row, InputSpec in) {
    if (in.type() == ElementType.INT32) {
      int[] v = new int[row.length];
      for (int i = 0; i < row.length; i++) {
        v[i] = (int) row[i];
      }
      return NdArray.of(v, 1, row.length);
    }
    return NdArray.of(row, 1, row.length);
  }
}
