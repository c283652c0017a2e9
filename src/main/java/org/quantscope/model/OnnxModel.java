// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.onnx.TypeProto;
import org.quantscope.onnx.ValueInfoProto;

/**
 * A loaded ONNX model: its protobuf, the file and folder it came from (external data is resolved
 * against that folder), and the size of the file. Immutable; derived models made with {@link
 * #withProto} share the source folder, so tensors they still reference from external files stay
 * readable.
 *
 * <p>Large payloads are not copied: a model loaded from a file aliases the read-only memory map of
 * that file, and external data is mapped on demand.
 */
public final class OnnxModel {
  private final ModelProto proto;
  private final Path file;
  private final long fileSizeBytes;
  private final ExternalData externalData;
  private final Path source;

  OnnxModel(ModelProto proto, Path file, long fileSizeBytes, ExternalData externalData) {
    this(proto, file, fileSizeBytes, externalData, file);
  }

  private OnnxModel(
      ModelProto proto, Path file, long fileSizeBytes, ExternalData externalData, Path source) {
    this.proto = proto;
    this.file = file;
    this.fileSizeBytes = fileSizeBytes;
    this.externalData = externalData;
    this.source = source;
  }

  /** A model that exists only in memory and cannot refer to external data. */
  public static OnnxModel of(ModelProto proto) {
    return new OnnxModel(proto, null, -1, new ExternalData(null));
  }

  /** A model in memory whose external data, if any, lives in {@code directory}. */
  public static OnnxModel of(ModelProto proto, Path directory) {
    return new OnnxModel(proto, null, -1, new ExternalData(directory));
  }

  /** The same source (folder and external data) with another protobuf, e.g. a rewritten graph. */
  public OnnxModel withProto(ModelProto newProto) {
    return new OnnxModel(newProto, null, -1, externalData, source);
  }

  /**
   * The same model with {@code names} added as graph outputs (those it does not output already),
   * typed by {@code types} (float when not given): for runs that read intermediate tensors. ONNX
   * Runtime returns only graph outputs.
   */
  public OnnxModel withOutputs(Set<String> names, Map<String, ElementType> types) {
    ModelProto.Builder b = proto.toBuilder();
    GraphProto.Builder g = b.getGraphBuilder();
    Set<String> outputs = new HashSet<>();
    g.getOutputList().forEach(v -> outputs.add(v.getName()));
    for (String name : names) {
      if (outputs.add(name)) {
        ElementType t = types.getOrDefault(name, ElementType.FLOAT);
        g.addOutput(
            ValueInfoProto.newBuilder()
                .setName(name)
                .setType(
                    TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(t.code()))));
      }
    }
    return withProto(b.build());
  }

  /**
   * The files this model reads from: the file it (or the model it was derived from) was loaded
   * from, and the external data files resolved so far. Saving refuses to write over any of them.
   */
  public Set<Path> sourceFiles() {
    Set<Path> all = new java.util.LinkedHashSet<>();
    if (source != null) {
      all.add(source);
    }
    all.addAll(externalData.files());
    return all;
  }

  /**
   * Checks that the files this model reads its weights from have not changed on disk since it was
   * opened (size, modification time, identity). Reading a weight checks its own file too; this
   * checks them all at once, e.g. before handing the file to ONNX Runtime.
   *
   * @throws ModelFormatException naming the file that changed and saying to open it again
   */
  public void checkUnchanged() throws ModelFormatException {
    externalData.checkUnchanged();
  }

  public ModelProto proto() {
    return proto;
  }

  public GraphProto graph() {
    return proto.getGraph();
  }

  /** The file this model was loaded from; empty for models built or rewritten in memory. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /** Size of the loaded file in bytes (without external data), or -1 for in-memory models. */
  public long fileSizeBytes() {
    return fileSizeBytes;
  }

  /** External data files that have been resolved so far (all of them after loading). */
  public Set<Path> externalDataFiles() {
    return externalData.files();
  }

  /**
   * The tensor's values as little-endian bytes, whatever the storage: raw_data and external data
   * are returned without copying (read-only), a typed field is encoded into a new buffer. Strings
   * have no byte form and are refused.
   */
  public ByteBuffer payload(TensorProto t) throws ModelFormatException {
    ElementType type = Tensors.elementType(t);
    if (type == ElementType.STRING) {
      throw new ModelFormatException("tensor '" + t.getName() + "' holds strings, not numbers");
    }
    long expected = Tensors.rawBytes(t);
    if (ExternalData.isExternal(t)) {
      return externalData.read(t, expected);
    }
    if (t.hasRawData()) {
      if (t.getRawData().size() != expected) {
        throw new ModelFormatException(
            String.format(
                "tensor '%s' has %d bytes of raw_data, but dims %s of %s need %d",
                t.getName(), t.getRawData().size(), t.getDimsList(), type.onnxName(), expected));
      }
      return t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }
    long entries = type.typedFieldEntries(Tensors.elementCount(t));
    int present = Tensors.typedCount(t, type);
    if (present != entries) {
      throw new ModelFormatException(
          String.format(
              "tensor '%s' has %d values in %s, but dims %s of %s need %d",
              t.getName(),
              present,
              type.field().name().toLowerCase(java.util.Locale.ROOT),
              t.getDimsList(),
              type.onnxName(),
              entries));
    }
    return Tensors.typedToRaw(t, type, expected);
  }

  /**
   * The values of a floating-point tensor (FLOAT, FLOAT16, BFLOAT16, DOUBLE) as float32.
   *
   * @throws ModelFormatException if the tensor is not floating point or its payload is malformed
   */
  public float[] floats(TensorProto t) throws ModelFormatException {
    ElementType type = Tensors.elementType(t);
    if (!type.isFloatingPoint()) {
      throw new ModelFormatException(
          "tensor '" + t.getName() + "' is " + type.onnxName() + ", expected a float type");
    }
    long n = Tensors.elementCount(t);
    if (n > Integer.MAX_VALUE - 8) {
      throw new ModelFormatException(
          "tensor '" + t.getName() + "' has " + n + " elements, more than one array can hold");
    }
    if (type == ElementType.FLOAT && !t.hasRawData() && !ExternalData.isExternal(t)) {
      payload(t); // validates the count
      com.google.protobuf.Internal.FloatList v =
          (com.google.protobuf.Internal.FloatList) t.getFloatDataList();
      float[] out = new float[v.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = v.getFloat(i);
      }
      return out;
    }
    return Tensors.toFloats(payload(t), type, (int) n);
  }

  /** Checks an external tensor's location and range without reading it. */
  void checkExternal(TensorProto t) throws ModelFormatException {
    externalData.check(t, Tensors.rawBytes(t));
  }

  /** A short description for messages: the file name, or "model" for in-memory ones. */
  public String displayName() {
    return file == null ? "model" : String.valueOf(file.getFileName());
  }

  @Override
  public String toString() {
    return "OnnxModel[" + (file == null ? "in memory" : file) + "]";
  }
}
