// SPDX-License-Identifier: Apache-2.0
package org.quantscope;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.quantscope.onnx.ModelProto;

/** Runs models in ONNX Runtime for tests: float and int64 inputs in, float outputs out. */
public final class OrtRunner {
  private OrtRunner() {}

  /** An input: float or int64 values with a shape. */
  public record Input(float[] floats, long[] longs, Boolean bool, long[] shape) {
    public static Input floats(float[] v, long... shape) {
      return new Input(v, null, null, shape);
    }

    public static Input longs(long[] v, long... shape) {
      return new Input(null, v, null, shape);
    }

    /** A boolean scalar. */
    public static Input bools(boolean v) {
      return new Input(null, null, v, new long[] {});
    }
  }

  /**
   * Runs the model once; returns every float output by name, flattened.
   *
   * <p>On x86 CPUs without VNNI, ORT's u8 x s8 kernels sum pairs of products in 16 bits and can
   * saturate (the reason ORT documents reduce_range). Tests compare the quantization, not that CPU
   * quirk, so sessions enable ORT's own workaround, {@code session.x64quantprecision}.
   */
  public static Map<String, float[]> run(ModelProto model, Map<String, Input> inputs)
      throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.addConfigEntry("session.x64quantprecision", "1");
      return run(env, model, opts, inputs);
    }
  }

  private static Map<String, float[]> run(
      OrtEnvironment env,
      ModelProto model,
      OrtSession.SessionOptions opts,
      Map<String, Input> inputs)
      throws OrtException {
    try (OrtSession s = env.createSession(model.toByteArray(), opts)) {
      Map<String, OnnxTensor> feed = new HashMap<>();
      try {
        for (var e : inputs.entrySet()) {
          Input in = e.getValue();
          OnnxTensor t;
          if (in.floats() != null) {
            t = OnnxTensor.createTensor(env, FloatBuffer.wrap(in.floats()), in.shape());
          } else if (in.longs() != null) {
            t = OnnxTensor.createTensor(env, LongBuffer.wrap(in.longs()), in.shape());
          } else {
            t = OnnxTensor.createTensor(env, in.bool());
          }
          feed.put(e.getKey(), t);
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        try (OrtSession.Result r = s.run(feed)) {
          for (Map.Entry<String, OnnxValue> o : r) {
            if (o.getValue() instanceof OnnxTensor t
                && t.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT) {
              FloatBuffer fb = t.getFloatBuffer();
              float[] v = new float[fb.remaining()];
              fb.get(v);
              out.put(o.getKey(), v);
            }
          }
        }
        return out;
      } finally {
        feed.values().forEach(OnnxTensor::close);
      }
    }
  }

  /** Largest absolute difference between two arrays of the same length. */
  public static double maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
    }
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs((double) a[i] - b[i]));
    }
    return m;
  }

  /** Largest absolute value. */
  public static double maxAbs(float[] a) {
    double m = 0;
    for (float v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }
}
