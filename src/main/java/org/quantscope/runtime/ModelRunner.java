// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.quantscope.model.ElementType;
import org.quantscope.model.OnnxModel;

/**
 * One ONNX Runtime session over one model: runs feeds of {@link NdArray} inputs and returns the
 * outputs as arrays. Sequences of maps (scikit-learn's ZipMap probabilities) come back as a [N,
 * classes] float array, classes in key order. Close it to free the native session.
 */
public final class ModelRunner implements AutoCloseable {
  private final OrtSession session;
  private final String name;
  private final long loadNanos;
  private final boolean owned;

  private ModelRunner(OrtSession session, String name, long loadNanos) {
    this(session, name, loadNanos, true);
  }

  private ModelRunner(OrtSession session, String name, long loadNanos, boolean owned) {
    this.session = session;
    this.name = name;
    this.loadNanos = loadNanos;
    this.owned = owned;
  }

  /** A runner over a session opened elsewhere in this package; closing the runner closes it. */
  static ModelRunner of(OrtSession session, String name, long loadNanos) {
    return new ModelRunner(session, name, loadNanos);
  }

  /** A runner over the same session that leaves it open when closed ({@link SessionCache}). */
  ModelRunner shared() {
    return new ModelRunner(session, name, loadNanos, false);
  }

  public static ModelRunner open(OnnxModel model, OrtRuntime.SessionConfig cfg) throws IOException {
    long t0 = System.nanoTime();
    OrtSession s = OrtRuntime.open(model, cfg);
    return new ModelRunner(s, model.displayName(), System.nanoTime() - t0);
  }

  /**
   * A runner over a model file that ORT reads itself, without QuantScope loading it first: for
   * processes that only run the model (the window's worker). Messages name it by its file name.
   */
  public static ModelRunner open(java.nio.file.Path file, OrtRuntime.SessionConfig cfg)
      throws IOException {
    String name = String.valueOf(file.getFileName());
    long t0 = System.nanoTime();
    OrtSession s = OrtRuntime.open(file, name, cfg);
    return new ModelRunner(s, name, System.nanoTime() - t0);
  }

  /** True when an input fixes its first axis to more than one (no run of one row fits it). */
  public boolean fixesFirstAxisAboveOne() throws IOException {
    try {
      for (ai.onnxruntime.NodeInfo in : session.getInputInfo().values()) {
        if (in.getInfo() instanceof ai.onnxruntime.TensorInfo t
            && t.getShape().length > 0
            && t.getShape()[0] > 1) {
          return true;
        }
      }
      return false;
    } catch (OrtException e) {
      throw new IOException(
          "ONNX Runtime could not describe the model's inputs: " + e.getMessage());
    }
  }

  /** Time it took ONNX Runtime to create the session (load and optimize the model). */
  public long loadNanos() {
    return loadNanos;
  }

  /** The native session, for the benchmark's tight loop. */
  public OrtSession session() {
    return session;
  }

  /** Runs one feed; returns every output it can represent, by name, in the model's order. */
  public Map<String, NdArray> run(Map<String, NdArray> feed) throws IOException {
    Map<String, OnnxTensor> tensors = tensors(feed);
    try (OrtSession.Result r = session.run(tensors)) {
      Map<String, NdArray> out = new LinkedHashMap<>();
      for (Map.Entry<String, OnnxValue> e : r) {
        NdArray a = toArray(e.getValue());
        if (a != null) {
          out.put(e.getKey(), a);
        }
      }
      return out;
    } catch (OrtException e) {
      throw new IOException(
          "ONNX Runtime failed running " + name + ": " + OrtRuntime.firstLine(e.getMessage()), e);
    } finally {
      tensors.values().forEach(OnnxTensor::close);
    }
  }

  /**
   * Runs one feed for the named outputs only and keeps ONNX Runtime's result open, so that the
   * caller reads them one at a time (each copied into Java when read) instead of all at once: for
   * runs that expose many intermediate tensors. Close it to free the native result.
   *
   * @param outputs output names of the model (graph outputs, including ones added to expose
   *     intermediate tensors)
   */
  public Outputs run(Map<String, NdArray> feed, Set<String> outputs) throws IOException {
    Map<String, OnnxTensor> tensors = tensors(feed);
    try {
      return new Outputs(session.run(tensors, outputs));
    } catch (OrtException e) {
      throw new IOException(
          "ONNX Runtime failed running " + name + ": " + OrtRuntime.firstLine(e.getMessage()), e);
    } finally {
      tensors.values().forEach(OnnxTensor::close);
    }
  }

  /** The open result of {@link #run(Map, Set)}. */
  public static final class Outputs implements AutoCloseable {
    private final OrtSession.Result result;

    private Outputs(OrtSession.Result result) {
      this.result = result;
    }

    /** An output as an array (a copy), or null when the run has no such output. */
    public NdArray get(String output) throws IOException {
      try {
        return result.get(output).isPresent() ? toArray(result.get(output).get()) : null;
      } catch (OrtException e) {
        throw new IOException("cannot read output '" + output + "': " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      result.close();
    }
  }

  /** Native tensors for a feed; the caller closes them. */
  public Map<String, OnnxTensor> tensors(Map<String, NdArray> feed) throws IOException {
    OrtEnvironment env = OrtRuntime.env();
    Map<String, OnnxTensor> out = new HashMap<>();
    try {
      for (Map.Entry<String, NdArray> e : feed.entrySet()) {
        out.put(e.getKey(), tensor(env, e.getValue()));
      }
      return out;
    } catch (OrtException e) {
      out.values().forEach(OnnxTensor::close);
      throw new IOException("cannot pass the inputs to ONNX Runtime: " + e.getMessage(), e);
    }
  }

  static OnnxTensor tensor(OrtEnvironment env, NdArray a) throws OrtException {
    long[] shape = a.shape();
    return switch (a.type()) {
      case FLOAT -> OnnxTensor.createTensor(env, FloatBuffer.wrap((float[]) a.data()), shape);
      case DOUBLE -> OnnxTensor.createTensor(env, DoubleBuffer.wrap((double[]) a.data()), shape);
      case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap((long[]) a.data()), shape);
      case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap((int[]) a.data()), shape);
      case INT8 -> OnnxTensor.createTensor(env, ByteBuffer.wrap((byte[]) a.data()), shape);
      case UINT8 ->
          OnnxTensor.createTensor(
              env, ByteBuffer.wrap((byte[]) a.data()), shape, ai.onnxruntime.OnnxJavaType.UINT8);
      case BOOL -> {
        boolean[] v = (boolean[]) a.data();
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
          b[i] = (byte) (v[i] ? 1 : 0);
        }
        yield OnnxTensor.createTensor(
            env, ByteBuffer.wrap(b), shape, ai.onnxruntime.OnnxJavaType.BOOL);
      }
      default -> throw new IllegalArgumentException("cannot pass " + a.type() + " to ORT");
    };
  }

  /** An ORT output as an array, or null for types QuantScope does not compare (strings). */
  static NdArray toArray(OnnxValue v) throws OrtException {
    if (v instanceof OnnxTensor t) {
      long[] shape = t.getInfo().getShape();
      return switch (t.getInfo().type) {
        case FLOAT -> {
          FloatBuffer b = t.getFloatBuffer();
          float[] d = new float[b.remaining()];
          b.get(d);
          yield new NdArray(ElementType.FLOAT, shape, d);
        }
        case DOUBLE -> {
          DoubleBuffer b = t.getDoubleBuffer();
          double[] d = new double[b.remaining()];
          b.get(d);
          yield new NdArray(ElementType.DOUBLE, shape, d);
        }
        case INT64 -> {
          LongBuffer b = t.getLongBuffer();
          long[] d = new long[b.remaining()];
          b.get(d);
          yield new NdArray(ElementType.INT64, shape, d);
        }
        case INT32 -> {
          IntBuffer b = t.getIntBuffer();
          int[] d = new int[b.remaining()];
          b.get(d);
          yield new NdArray(ElementType.INT32, shape, d);
        }
        case INT8, UINT8 -> {
          ByteBuffer b = t.getByteBuffer();
          byte[] d = new byte[b.remaining()];
          b.get(d);
          yield new NdArray(
              t.getInfo().type == ai.onnxruntime.OnnxJavaType.UINT8
                  ? ElementType.UINT8
                  : ElementType.INT8,
              shape,
              d);
        }
        case BOOL -> {
          ByteBuffer b = t.getByteBuffer();
          boolean[] d = new boolean[b.remaining()];
          for (int i = 0; i < d.length; i++) {
            d[i] = b.get(i) != 0;
          }
          yield new NdArray(ElementType.BOOL, shape, d);
        }
        default -> null;
      };
    }
    if (v instanceof OnnxSequence s) {
      return sequenceOfMaps(s);
    }
    return null;
  }

  /** scikit-learn's ZipMap output: a sequence of {class: probability} maps, as [N, classes]. */
  private static NdArray sequenceOfMaps(OnnxSequence s) throws OrtException {
    List<? extends OnnxValue> items = s.getValue();
    if (items.isEmpty() || !(items.get(0) instanceof OnnxMap)) {
      return null;
    }
    List<TreeMap<Object, Float>> rows = new ArrayList<>();
    for (OnnxValue item : items) {
      Map<? extends Object, ? extends Object> m = ((OnnxMap) item).getValue();
      TreeMap<Object, Float> row = new TreeMap<>();
      for (Map.Entry<? extends Object, ? extends Object> e : m.entrySet()) {
        if (!(e.getValue() instanceof Number n)) {
          return null;
        }
        row.put(e.getKey(), n.floatValue());
      }
      rows.add(row);
    }
    int classes = rows.get(0).size();
    float[] d = new float[rows.size() * classes];
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).size() != classes) {
        return null;
      }
      int j = 0;
      for (float p : rows.get(i).values()) {
        d[i * classes + j++] = p;
      }
    }
    return new NdArray(ElementType.FLOAT, new long[] {rows.size(), classes}, d);
  }

  @Override
  public void close() {
    if (!owned) {
      return;
    }
    try {
      session.close();
    } catch (OrtException e) {
      // nothing useful to do: the session is gone either way
    }
  }
}
