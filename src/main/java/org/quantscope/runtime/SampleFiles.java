// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.quantscope.model.ModelFormatException;

/**
 * Reads model inputs for calibration and comparison runs from the files users already have: a CSV
 * of tabular samples, a NumPy {@code .npy} or {@code .npz}, or a folder in the ONNX test-data
 * layout ({@code input_0.pb}, ... or {@code test_data_set_0/}, ...). Every array is checked against
 * the model's input (type and shape) before anything runs, and converted to the input's element
 * type where that cannot change the values, so that mistakes surface as one message naming the
 * file, not as an ONNX Runtime error.
 */
public final class SampleFiles {
  static final String KINDS =
      "a CSV file (for a model with one 2-D float input), an .npy file, an .npz file, or an ONNX"
          + " test-data folder (input_0.pb, ... or test_data_set_0/, test_data_set_1/, ...)";

  private static final Pattern POSITIONAL = Pattern.compile("arr_(\\d{1,9})");

  private SampleFiles() {}

  /**
   * Reads model inputs from a file or folder; each element of the result is one feed (input name ->
   * array) for one session.run.
   *
   * @param path a {@code .csv}, {@code .npy} or {@code .npz} file, or an ONNX test-data folder
   * @param inputs the model's graph inputs
   * @throws IOException if the path cannot be read, or its arrays do not fit the inputs; the
   *     message names the file and what was expected
   */
  public static List<Map<String, NdArray>> read(Path path, List<InputSpec> inputs)
      throws IOException {
    if (Files.isDirectory(path)) {
      return TestDataFolder.read(path, inputs);
    }
    if (!Files.isRegularFile(path)) {
      throw new IOException(path + " does not exist; samples must be " + KINDS);
    }
    String name = displayName(path);
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".csv")) {
      return Csv.read(path, inputs);
    }
    if (lower.endsWith(".npy")) {
      return List.of(readNpy(path, inputs));
    }
    if (lower.endsWith(".npz")) {
      return List.of(readNpz(path, inputs));
    }
    throw new IOException(name + " is not a supported sample file; samples must be " + KINDS);
  }

  private static Map<String, NdArray> readNpy(Path path, List<InputSpec> inputs)
      throws IOException {
    String file = displayName(path);
    if (inputs.size() != 1) {
      throw new ModelFormatException(
          file
              + " holds one array, but "
              + (inputs.isEmpty()
                  ? "the model has no inputs"
                  : "the model has inputs "
                      + names(inputs)
                      + "; use an .npz with one array per input, e.g. np.savez('samples.npz', "
                      + inputs.stream()
                          .map(i -> i.name() + "=...")
                          .collect(Collectors.joining(", "))
                      + ")"));
    }
    if (Files.size(path) > Integer.MAX_VALUE - 8) {
      throw new ModelFormatException(file + " is larger than 2 GB, more than one array can hold");
    }
    InputSpec spec = inputs.get(0);
    NdArray a = Npy.read(Files.readAllBytes(path), file);
    return Map.of(spec.name(), InputFit.fit(a, spec, file));
  }

  private static Map<String, NdArray> readNpz(Path path, List<InputSpec> inputs)
      throws IOException {
    String file = displayName(path);
    try (ZipFile zip = new ZipFile(path.toFile())) {
      Map<String, ZipEntry> arrays = new LinkedHashMap<>();
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        if (e.isDirectory()) {
          continue;
        }
        if (!e.getName().endsWith(".npy")) {
          throw new ModelFormatException(
              file + " holds '" + e.getName() + "', which is not an .npy array");
        }
        arrays.put(e.getName().substring(0, e.getName().length() - 4), e);
      }
      if (arrays.isEmpty()) {
        throw new ModelFormatException(file + " holds no arrays");
      }
      Map<String, String> arrayFor = match(file, arrays.keySet(), inputs);
      Map<String, NdArray> feed = new LinkedHashMap<>();
      for (InputSpec spec : inputs) {
        ZipEntry e = arrays.get(arrayFor.get(spec.name()));
        String where = file + "/" + e.getName();
        if (e.getSize() > Integer.MAX_VALUE - 8) {
          throw new ModelFormatException(
              where + " is larger than 2 GB, more than one array can hold");
        }
        byte[] bytes;
        try (InputStream in = zip.getInputStream(e)) {
          bytes = in.readAllBytes();
        }
        feed.put(spec.name(), InputFit.fit(Npy.read(bytes, where), spec, where));
      }
      return Collections.unmodifiableMap(feed);
    } catch (ZipException e) {
      throw new ModelFormatException(
          file + " is not a readable ZIP archive (an .npz holds .npy files): " + e.getMessage(), e);
    }
  }

  /** Input name -> array name (entry name without .npy): by name, else arr_0, arr_1... in order. */
  private static Map<String, String> match(String file, Set<String> arrays, List<InputSpec> inputs)
      throws ModelFormatException {
    Map<String, String> out = new LinkedHashMap<>();
    boolean byName = inputs.stream().anyMatch(i -> arrays.contains(i.name()));
    if (byName) {
      Set<String> inputNames = inputs.stream().map(InputSpec::name).collect(Collectors.toSet());
      for (String a : arrays) {
        if (!inputNames.contains(a)) {
          throw new ModelFormatException(
              String.format(
                  "%s holds array '%s', but the model has no input of that name; its inputs are %s",
                  file, a, names(inputs)));
        }
      }
      for (InputSpec i : inputs) {
        if (!arrays.contains(i.name())) {
          throw new ModelFormatException(
              String.format(
                  "%s has no array for input '%s'; it holds %s",
                  file, i.name(), String.join(", ", arrays)));
        }
        out.put(i.name(), i.name());
      }
      return out;
    }
    TreeMap<Integer, String> positional = new TreeMap<>();
    for (String a : arrays) {
      Matcher m = POSITIONAL.matcher(a);
      if (m.matches()) {
        positional.put(Integer.parseInt(m.group(1)), a);
      }
    }
    boolean inOrder =
        positional.size() == arrays.size()
            && positional.firstKey() == 0
            && positional.lastKey() == arrays.size() - 1;
    if (!inOrder) {
      throw new ModelFormatException(
          String.format(
              "%s holds arrays %s, none named after an input of this model (%s); save them with"
                  + " np.savez(path, %s)",
              file,
              String.join(", ", arrays),
              names(inputs),
              inputs.stream().map(i -> i.name() + "=...").collect(Collectors.joining(", "))));
    }
    if (positional.size() != inputs.size()) {
      throw new ModelFormatException(
          String.format(
              "%s holds %d unnamed arrays (%s), but the model has %d inputs: %s",
              file,
              positional.size(),
              String.join(", ", positional.values()),
              inputs.size(),
              names(inputs)));
    }
    int k = 0;
    for (String a : positional.values()) {
      out.put(inputs.get(k++).name(), a);
    }
    return out;
  }

  /** The input names for messages, e.g. {@code a, b}. */
  static String names(List<InputSpec> inputs) {
    return inputs.stream().map(InputSpec::name).collect(Collectors.joining(", "));
  }

  /** The last element of a path, for messages. */
  static String displayName(Path path) {
    Path name = path.getFileName();
    return name == null ? path.toString() : name.toString();
  }
}
