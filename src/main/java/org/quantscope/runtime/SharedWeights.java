// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.StringStringEntryProto;
import org.quantscope.onnx.TensorProto;

/**
 * The weights of one model and its int8 forms, handed to ONNX Runtime once as native tensors for
 * the many in-memory variants of that model that keep them unchanged (the sensitivity analysis
 * builds one variant per node and set of nodes). A variant's session gets them through ONNX
 * Runtime's external initializers instead of in the variant's serialized bytes, so they are neither
 * serialized again nor parsed again per variant; ONNX Runtime copies them into the session as it
 * would have from the bytes, and the results are the same bit for bit.
 *
 * <p>Only the main graph's float, int8 and uint8 initializers of at least {@code minBytes} bytes
 * stored inline as raw data are shared, and in a variant only those equal to the original (same
 * name, dims and bytes). Close it to free the native tensors.
 */
public final class SharedWeights implements AutoCloseable {
  /** Below this, a tensor costs less to serialize than to share. */
  public static final long MIN_BYTES = 64L << 10;

  private static final String LOCATION = "quantscope-shared-weights";

  private final Map<String, TensorProto> originals;
  private final Map<String, OnnxTensor> tensors;

  private SharedWeights(Map<String, TensorProto> originals, Map<String, OnnxTensor> tensors) {
    this.originals = originals;
    this.tensors = tensors;
  }

  /** The model's float initializers of at least {@code minBytes}, as native tensors. */
  public static SharedWeights of(OnnxModel model, long minBytes) throws IOException {
    return of(List.of(model), minBytes);
  }

  /**
   * The initializers of at least {@code minBytes} of the models (the float model, and the model
   * with every candidate quantized, whose int8 weights every variant shares), as native tensors; a
   * name met again is the first model's.
   */
  public static SharedWeights of(List<OnnxModel> models, long minBytes) throws IOException {
    Map<String, TensorProto> originals = new LinkedHashMap<>();
    Map<String, OnnxTensor> tensors = new HashMap<>();
    SharedWeights shared = new SharedWeights(originals, tensors);
    try {
      for (OnnxModel model : models) {
        shared.add(model, minBytes);
      }
      return shared;
    } catch (IOException | RuntimeException e) {
      shared.close();
      throw e;
    }
  }

  private void add(OnnxModel model, long minBytes) throws IOException {
    try {
      for (TensorProto t : ModelFiles.inline(model).getGraph().getInitializerList()) {
        OnnxJavaType type = JAVA_TYPES.get(t.getDataType());
        if (type == null
            || t.getDataLocation() == TensorProto.DataLocation.EXTERNAL
            || t.getRawData().isEmpty()
            || t.getRawData().size() < minBytes
            || t.getRawData().size() != Tensors.rawBytes(t)
            || originals.containsKey(t.getName())) {
          continue;
        }
        ByteBuffer b =
            ByteBuffer.allocateDirect(t.getRawData().size()).order(ByteOrder.LITTLE_ENDIAN);
        t.getRawData().copyTo(b);
        b.flip();
        tensors.put(
            t.getName(), OnnxTensor.createTensor(OrtRuntime.env(), b, Tensors.dims(t), type));
        originals.put(t.getName(), t);
      }
    } catch (OrtException e) {
      throw new IOException(
          "ONNX Runtime could not hold the model's weights: " + e.getMessage(), e);
    }
  }

  /** The element types shared, as ONNX Runtime's Java API names them. */
  private static final Map<Integer, OnnxJavaType> JAVA_TYPES =
      Map.of(
          ElementType.FLOAT.code(), OnnxJavaType.FLOAT,
          ElementType.INT8.code(), OnnxJavaType.INT8,
          ElementType.UINT8.code(), OnnxJavaType.UINT8);

  /** How many initializers are shared. */
  public int count() {
    return originals.size();
  }

  /**
   * A session over an in-memory variant of the model, its unchanged shared weights taken from here.
   * The caller closes it.
   */
  public ModelRunner open(OnnxModel variant, OrtRuntime.SessionConfig cfg) throws IOException {
    if (originals.isEmpty() || variant.file().isPresent()) {
      return ModelRunner.open(variant, cfg);
    }
    ModelProto inline = ModelFiles.inline(variant);
    GraphProto.Builder g = inline.getGraph().toBuilder();
    Map<String, OnnxTensorLike> used = new HashMap<>();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      TensorProto t = g.getInitializer(i);
      TensorProto original = originals.get(t.getName());
      if (original != null && (t == original || sameTensor(t, original))) {
        g.setInitializer(i, stub(t));
        used.put(t.getName(), tensors.get(t.getName()));
      }
    }
    if (used.isEmpty()) {
      return ModelRunner.open(variant, cfg);
    }
    byte[] bytes = inline.toBuilder().setGraph(g).build().toByteArray();
    long t0 = System.nanoTime();
    try (OrtSession.SessionOptions o = OrtRuntime.options(cfg)) {
      o.addExternalInitializers(used);
      OrtSession s = OrtRuntime.env().createSession(bytes, o);
      return ModelRunner.of(s, variant.displayName(), System.nanoTime() - t0);
    } catch (OrtException e) {
      throw new IOException(
          "ONNX Runtime cannot load "
              + variant.displayName()
              + ": "
              + OrtRuntime.firstLine(e.getMessage()),
          e);
    }
  }

  /** The same tensor: every field equal, the bytes compared by {@link SameBytes}. */
  static boolean sameTensor(TensorProto a, TensorProto b) {
    return SameBytes.of(a.getRawData(), b.getRawData())
        && a.toBuilder().clearRawData().build().equals(b.toBuilder().clearRawData().build());
  }

  /** The initializer without its bytes, marked as external data that ONNX Runtime is given. */
  private static TensorProto stub(TensorProto t) {
    return TensorProto.newBuilder()
        .setName(t.getName())
        .setDataType(t.getDataType())
        .addAllDims(t.getDimsList())
        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(entry("location", LOCATION))
        .addExternalData(entry("offset", "0"))
        .addExternalData(entry("length", Long.toString(t.getRawData().size())))
        .build();
  }

  private static StringStringEntryProto entry(String key, String value) {
    return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  @Override
  public void close() {
    tensors.values().forEach(OnnxTensor::close);
    tensors.clear();
  }
}
