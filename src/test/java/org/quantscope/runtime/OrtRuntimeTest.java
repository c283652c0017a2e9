// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.quantscope.model.ExampleModel;
import org.quantscope.model.OnnxModel;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantizeOptions;

/** How in-memory models reach ONNX Runtime: as bytes, or above a size as a temporary file. */
class OrtRuntimeTest {
  private static float[][] run(OrtSession s) throws Exception {
    float[][] rows = new float[4][ExampleModel.FEATURES];
    float[] flat = ExampleModel.sampleRows(4);
    for (int i = 0; i < 4; i++) {
      System.arraycopy(flat, i * ExampleModel.FEATURES, rows[i], 0, ExampleModel.FEATURES);
    }
    try (OnnxTensor x = OnnxTensor.createTensor(OrtRuntime.env(), rows);
        OrtSession.Result r = s.run(Map.of("features", x))) {
      return (float[][]) r.get(0).getValue();
    }
  }

  private static List<Path> temporaryFolders() throws Exception {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("quantscope-ort")).toList();
    }
  }

  @Test
  void aBigInMemoryModelGoesThroughATemporaryFileThatIsDeletedAgain() throws Exception {
    OnnxModel int8 =
        DynamicQuantizer.quantize(
                OnnxModel.of(ExampleModel.build()), QuantizeOptions.DEFAULTS, Progress.NONE)
            .model();
    assertThat(OrtRuntime.weightBytes(int8)).isPositive();
    List<Path> before = temporaryFolders();
    float[][] viaBytes;
    float[][] viaFile;
    try (OrtSession s = OrtRuntime.open(int8, OrtRuntime.SessionConfig.DEFAULT, Long.MAX_VALUE)) {
      viaBytes = run(s);
    }
    try (OrtSession s = OrtRuntime.open(int8, OrtRuntime.SessionConfig.DEFAULT, 0)) {
      assertThat(temporaryFolders()).isEqualTo(before);
      viaFile = run(s);
    }
    assertThat(viaFile).isDeepEqualTo(viaBytes);
  }
}
