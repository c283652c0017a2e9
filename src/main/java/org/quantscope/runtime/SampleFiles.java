// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
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
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.TensorProto;

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

  /** The element types an NdArray holds, so the input types sample files can feed. */
  static final Set<ElementType> SUPPORTED =
      Collections.unmodifiableSet(
          EnumSet.of(
              ElementType.FLOAT,
              ElementType.DOUBLE,
              ElementType.INT64,
              ElementType.INT32,
              ElementType.INT8,
              ElementType.UINT8,
              ElementType.BOOL));

  private static final String SUPPORTED_NAMES = "float32, float64, int64, int32, int8, uint8, bool";
  private static final Pattern INPUT_FILE = Pattern.compile("input_(\\d{1,9})\\.pb");
  private static final Pattern DATA_SET = Pattern.compile("test_data_set_(\\d{1,9})");
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
      return readFolder(path, inputs);
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
    return Map.of(spec.name(), fit(a, spec, file));
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
        feed.put(spec.name(), fit(Npy.read(bytes, where), spec, where));
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

  private static List<Map<String, NdArray>> readFolder(Path dir, List<InputSpec> inputs)
      throws IOException {
    String folder = displayName(dir.toAbsolutePath().normalize());
    TreeMap<Integer, Path> files = numbered(dir, INPUT_FILE, false, folder);
    TreeMap<Integer, Path> sets = numbered(dir, DATA_SET, true, folder);
    if (!files.isEmpty() && !sets.isEmpty()) {
      throw new ModelFormatException(
          folder
              + " holds both input_*.pb files and test_data_set_* folders; keep one layout: the"
              + " files for one sample, or one folder per sample");
    }
    if (!files.isEmpty()) {
      return List.of(readSet(dir, files, "", folder, inputs));
    }
    if (sets.isEmpty()) {
      throw new IOException(
          folder + " is a folder without input_0.pb or test_data_set_0/; samples must be " + KINDS);
    }
    List<Map<String, NdArray>> feeds = new ArrayList<>();
    for (Path set : sets.values()) {
      String setName = displayName(set);
      TreeMap<Integer, Path> setFiles = numbered(set, INPUT_FILE, false, setName);
      if (setFiles.isEmpty()) {
        throw new ModelFormatException(
            setName + " holds no input_0.pb; each test_data_set folder holds one sample");
      }
      feeds.add(readSet(set, setFiles, setName + "/", setName, inputs));
    }
    return List.copyOf(feeds);
  }

  /** The entries of {@code dir} whose names match {@code pattern}, by their number. */
  private static TreeMap<Integer, Path> numbered(
      Path dir, Pattern pattern, boolean folders, String where) throws IOException {
    TreeMap<Integer, Path> out = new TreeMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        Matcher m = pattern.matcher(displayName(p));
        if (m.matches() && (folders ? Files.isDirectory(p) : Files.isRegularFile(p))) {
          Path previous = out.put(Integer.parseInt(m.group(1)), p);
          if (previous != null) {
            throw new ModelFormatException(
                String.format(
                    "%s holds both %s and %s; keep one",
                    where, displayName(previous), displayName(p)));
          }
        }
      }
    }
    return out;
  }

  /** One feed from input_N.pb files: a tensor named after an input goes there, else by N. */
  private static Map<String, NdArray> readSet(
      Path dir, TreeMap<Integer, Path> files, String prefix, String where, List<InputSpec> inputs)
      throws IOException {
    Map<String, InputSpec> byName = new LinkedHashMap<>();
    for (InputSpec i : inputs) {
      byName.put(i.name(), i);
    }
    Map<String, NdArray> found = new LinkedHashMap<>();
    Map<String, String> source = new LinkedHashMap<>();
    for (Map.Entry<Integer, Path> f : files.entrySet()) {
      int index = f.getKey();
      String file = prefix + displayName(f.getValue());
      TensorProto t;
      try {
        t = TensorProto.parseFrom(Files.readAllBytes(f.getValue()));
      } catch (InvalidProtocolBufferException e) {
        throw new ModelFormatException(
            file + " is not a serialized TensorProto: " + e.getMessage(), e);
      }
      InputSpec spec = byName.get(t.getName());
      if (spec == null) {
        if (index >= inputs.size()) {
          throw new ModelFormatException(
              String.format(
                  "%s is input %d%s, but the model has %s: %s",
                  file,
                  index,
                  t.getName().isEmpty() ? "" : " (tensor '" + t.getName() + "')",
                  inputs.size() == 1 ? "1 input" : inputs.size() + " inputs",
                  names(inputs)));
        }
        spec = inputs.get(index);
      }
      String previous = source.put(spec.name(), file);
      if (previous != null) {
        throw new ModelFormatException(
            String.format("%s and %s both hold input '%s'", previous, file, spec.name()));
      }
      found.put(spec.name(), fit(decode(t, dir, file), spec, file));
    }
    Map<String, NdArray> feed = new LinkedHashMap<>();
    for (int k = 0; k < inputs.size(); k++) {
      InputSpec spec = inputs.get(k);
      NdArray a = found.get(spec.name());
      if (a == null) {
        throw new ModelFormatException(
            String.format(
                "%s has no file for input '%s' (input_%d.pb, or a TensorProto named '%s'); the"
                    + " model has inputs %s",
                where, spec.name(), k, spec.name(), names(inputs)));
      }
      feed.put(spec.name(), a);
    }
    return Collections.unmodifiableMap(feed);
  }

  private static NdArray decode(TensorProto t, Path dir, String file) throws ModelFormatException {
    try {
      ElementType type = Tensors.elementType(t);
      if (!SUPPORTED.contains(type)) {
        throw new ModelFormatException(
            String.format(
                "%s holds %s values, which sample files cannot feed; expected %s",
                file, type.numpyName(), SUPPORTED_NAMES));
      }
      long n = Tensors.elementCount(t);
      if (n > Integer.MAX_VALUE - 8) {
        throw new ModelFormatException(
            file + " has " + n + " elements, more than one array can hold");
      }
      ByteBuffer bytes = OnnxModel.of(ModelProto.getDefaultInstance(), dir).payload(t);
      return Npy.fromLittleEndian(bytes, type, Tensors.dims(t));
    } catch (ModelFormatException e) {
      if (e.getMessage().startsWith(file)) {
        throw e;
      }
      throw new ModelFormatException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The array as the input takes it: the shape must fit, and the values are converted to the
   * input's type when no value changes (any number to float32 or float64; integers and bools to a
   * wider or equal integer type, or to a narrower one when every value fits). Floats to integers
   * and anything but bool to bool are refused.
   */
  static NdArray fit(NdArray a, InputSpec spec, String where) throws ModelFormatException {
    if (!SUPPORTED.contains(spec.type())) {
      throw new ModelFormatException(
          String.format(
              "%s: input '%s' expects %s, which sample files cannot feed; they feed %s inputs",
              where, spec.name(), spec.describe(), SUPPORTED_NAMES));
    }
    if (!spec.accepts(a.shape())) {
      throw new ModelFormatException(
          String.format(
              "%s holds %s, but input '%s' expects %s",
              where, a.describe(), spec.name(), spec.describe()));
    }
    ElementType to = spec.type();
    if (a.type() == to) {
      return a;
    }
    long[] shape = a.shape();
    switch (to) {
      case FLOAT -> {
        double[] d = a.toDoubles();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
          f[i] = (float) d[i];
        }
        return NdArray.of(f, shape);
      }
      case DOUBLE -> {
        return NdArray.of(a.toDoubles(), shape);
      }
      case BOOL ->
          throw new ModelFormatException(
              String.format(
                  "%s holds %s values, but input '%s' expects %s; save the array as bool",
                  where, a.type().numpyName(), spec.name(), spec.describe()));
      default -> {
        if (a.isFloat()) {
          throw new ModelFormatException(
              String.format(
                  "%s holds %s values, but input '%s' expects %s; converting floats to integers"
                      + " could change them, so save the array as %s",
                  where, a.type().numpyName(), spec.name(), spec.describe(), to.numpyName()));
        }
        return narrow(longs(a), shape, spec, where);
      }
    }
  }

  private static long[] longs(NdArray a) {
    int n = a.size();
    long[] out = new long[n];
    switch (a.type()) {
      case INT64 -> System.arraycopy((long[]) a.data(), 0, out, 0, n);
      case INT32 -> {
        int[] v = (int[]) a.data();
        for (int i = 0; i < n; i++) {
          out[i] = v[i];
        }
      }
      case INT8 -> {
        byte[] v = (byte[]) a.data();
        for (int i = 0; i < n; i++) {
          out[i] = v[i];
        }
      }
      case UINT8 -> {
        byte[] v = (byte[]) a.data();
        for (int i = 0; i < n; i++) {
          out[i] = v[i] & 0xff;
        }
      }
      case BOOL -> {
        boolean[] v = (boolean[]) a.data();
        for (int i = 0; i < n; i++) {
          out[i] = v[i] ? 1 : 0;
        }
      }
      default -> throw new IllegalArgumentException(a.type() + " is not an integer type");
    }
    return out;
  }

  private static NdArray narrow(long[] v, long[] shape, InputSpec spec, String where)
      throws ModelFormatException {
    ElementType to = spec.type();
    long min;
    long max;
    switch (to) {
      case INT32 -> {
        min = Integer.MIN_VALUE;
        max = Integer.MAX_VALUE;
      }
      case INT8 -> {
        min = Byte.MIN_VALUE;
        max = Byte.MAX_VALUE;
      }
      case UINT8 -> {
        min = 0;
        max = 255;
      }
      default -> {
        min = Long.MIN_VALUE;
        max = Long.MAX_VALUE;
      }
    }
    for (int i = 0; i < v.length; i++) {
      if (v[i] < min || v[i] > max) {
        throw new ModelFormatException(
            String.format(
                "%s: value %d at %s does not fit input '%s', which expects %s",
                where, v[i], index(i, shape), spec.name(), spec.describe()));
      }
    }
    Object data =
        switch (to) {
          case INT64 -> v;
          case INT32 -> {
            int[] out = new int[v.length];
            for (int i = 0; i < v.length; i++) {
              out[i] = (int) v[i];
            }
            yield out;
          }
          default -> {
            byte[] out = new byte[v.length];
            for (int i = 0; i < v.length; i++) {
              out[i] = (byte) v[i];
            }
            yield out;
          }
        };
    return new NdArray(to, shape, data);
  }

  /** The row-major index of flat position {@code flat}, e.g. {@code [0, 2]}. */
  private static String index(int flat, long[] shape) {
    long[] idx = new long[shape.length];
    long rest = flat;
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = rest % shape[d];
      rest /= shape[d];
    }
    return Arrays.toString(idx);
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
