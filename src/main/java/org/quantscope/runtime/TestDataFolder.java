// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.TensorProto;

/**
 * Samples in the ONNX test-data layout: {@code input_0.pb, input_1.pb, ...} for one sample, or one
 * {@code test_data_set_N/} folder of those per sample, each file a serialized TensorProto named
 * after (or in the order of) the model's inputs.
 */
final class TestDataFolder {
  private static final Pattern INPUT_FILE = Pattern.compile("input_(\\d{1,9})\\.pb");
  private static final Pattern DATA_SET = Pattern.compile("test_data_set_(\\d{1,9})");

  private TestDataFolder() {}

  static List<Map<String, NdArray>> read(Path dir, List<InputSpec> inputs) throws IOException {
    String folder = SampleFiles.displayName(dir.toAbsolutePath().normalize());
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
          folder
              + " is a folder without input_0.pb or test_data_set_0/; samples must be "
              + SampleFiles.KINDS);
    }
    List<Map<String, NdArray>> feeds = new ArrayList<>();
    for (Path set : sets.values()) {
      String setName = SampleFiles.displayName(set);
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
        Matcher m = pattern.matcher(SampleFiles.displayName(p));
        if (m.matches() && (folders ? Files.isDirectory(p) : Files.isRegularFile(p))) {
          Path previous = out.put(Integer.parseInt(m.group(1)), p);
          if (previous != null) {
            throw new ModelFormatException(
                String.format(
                    "%s holds both %s and %s; keep one",
                    where, SampleFiles.displayName(previous), SampleFiles.displayName(p)));
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
      String file = prefix + SampleFiles.displayName(f.getValue());
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
                  SampleFiles.names(inputs)));
        }
        spec = inputs.get(index);
      }
      String previous = source.put(spec.name(), file);
      if (previous != null) {
        throw new ModelFormatException(
            String.format("%s and %s both hold input '%s'", previous, file, spec.name()));
      }
      found.put(spec.name(), InputFit.fit(decode(t, dir, file), spec, file));
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
                where, spec.name(), k, spec.name(), SampleFiles.names(inputs)));
      }
      feed.put(spec.name(), a);
    }
    return Collections.unmodifiableMap(feed);
  }

  private static NdArray decode(TensorProto t, Path dir, String file) throws ModelFormatException {
    try {
      ElementType type = Tensors.elementType(t);
      if (!InputFit.SUPPORTED.contains(type)) {
        throw new ModelFormatException(
            String.format(
                "%s holds %s values, which sample files cannot feed; expected %s",
                file, type.numpyName(), InputFit.SUPPORTED_NAMES));
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
}
