// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.onnx.ModelProto;

/**
 * The files QuantScope writes are read by ONNX Runtime, the consumer that matters: inline and
 * external-data copies of a model give exactly the outputs of the original.
 */
class OrtRoundTripTest {
  @TempDir Path dir;

  private static float[] run(OrtSession s, String input, float[] x, long[] shape)
      throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
        OrtSession.Result r = s.run(Map.of(input, t))) {
      OnnxTensor out = (OnnxTensor) r.get(0);
      FloatBuffer fb = out.getFloatBuffer();
      float[] v = new float[fb.remaining()];
      fb.get(v);
      return v;
    }
  }

  private static float[] runBytes(ModelProto m, String input, float[] x, long[] shape)
      throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession s = env.createSession(m.toByteArray(), new OrtSession.SessionOptions())) {
      return run(s, input, x, shape);
    }
  }

  private static float[] runFile(Path p, String input, float[] x, long[] shape)
      throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession s = env.createSession(p.toString(), new OrtSession.SessionOptions())) {
      return run(s, input, x, shape);
    }
  }

  @Test
  void savedCopiesRunInOnnxRuntimeWithIdenticalOutputs() throws IOException, OrtException {
    ModelProto m = TestModels.bigWeight();
    float[] x = TestModels.values(256, 99);
    long[] shape = {1, 256};
    float[] expected = runBytes(m, "x", x, shape);

    Path inline = dir.resolve("inline.onnx");
    ModelFiles.save(OnnxModel.of(m), inline);
    assertThat(runFile(inline, "x", x, shape)).containsExactly(expected);

    Path external = dir.resolve("external.onnx");
    ModelFiles.save(OnnxModel.of(m), external, SaveOptions.withExternalData());
    assertThat(runFile(external, "x", x, shape)).containsExactly(expected);

    // external -> loaded -> saved inline again
    Path again = dir.resolve("again.onnx");
    ModelFiles.save(ModelFiles.load(external), again);
    assertThat(runFile(again, "x", x, shape)).containsExactly(expected);
  }

  @Test
  void theExampleModelRunsAndGivesProbabilities() throws OrtException {
    float[] x = TestModels.values(2 * ExampleModel.FEATURES, 5);
    float[] p =
        runBytes(ExampleModel.build(), "features", x, new long[] {2, ExampleModel.FEATURES});
    assertThat(p).hasSize(2 * ExampleModel.CLASSES);
    for (int row = 0; row < 2; row++) {
      float sum = 0;
      for (int c = 0; c < ExampleModel.CLASSES; c++) {
        float v = p[row * ExampleModel.CLASSES + c];
        assertThat(v).isBetween(0f, 1f);
        sum += v;
      }
      assertThat(sum).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
    }
  }
}
