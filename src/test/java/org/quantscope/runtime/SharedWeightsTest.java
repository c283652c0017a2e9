// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quantscope.TestModels;
import org.quantscope.model.ElementType;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.Protos;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantizeOptions;

/** Variants opened with the float weights they keep given once: the same outputs, bit for bit. */
class SharedWeightsTest {
  private static final OrtRuntime.SessionConfig ONE =
      new OrtRuntime.SessionConfig(1, OrtRuntime.OptLevel.ALL, false);
  private static final int WIDTH = 64; // 64 x 64 floats: 16 kB per weight

  /** x[batch, 64] through three MatMul + Relu layers. */
  private static ModelProto mlp(int seedOfFirst) {
    GraphProto.Builder g = GraphProto.newBuilder().setName("mlp");
    g.addInput(Protos.tensorValue("x", ElementType.FLOAT, "batch", WIDTH));
    String h = "x";
    for (int l = 0; l < 3; l++) {
      int seed = l == 0 ? seedOfFirst : 10 + l;
      g.addInitializer(
          Tensors.rawFloats(
              "W" + l, new long[] {WIDTH, WIDTH}, TestModels.values(WIDTH * WIDTH, seed)));
      g.addNode(Protos.node("MatMul", "fc" + l, List.of(h, "W" + l), List.of("m" + l)));
      g.addNode(Protos.node("Relu", "relu" + l, List.of("m" + l), List.of("r" + l)));
      h = "r" + l;
    }
    g.addOutput(Protos.tensorValue(h, ElementType.FLOAT, "batch", WIDTH));
    return TestModels.model(g);
  }

  private static Map<String, NdArray> feed() {
    return Map.of("x", NdArray.of(TestModels.values(4 * WIDTH, 3), 4, WIDTH));
  }

  private static Map<String, NdArray> plain(OnnxModel m) throws Exception {
    try (ModelRunner r = ModelRunner.open(m, ONE)) {
      return r.run(feed());
    }
  }

  @Test
  void aVariantRunsAsItsOwnBytesWouldWithTheFloatWeightsItKeepsShared() throws Exception {
    OnnxModel fp32 = OnnxModel.of(mlp(1));
    // fc0 in int8, fc1 and fc2 in float: their weights are the float model's
    OnnxModel variant =
        DynamicQuantizer.quantize(
                fp32,
                QuantizeOptions.builder().nodesToExclude(Set.of("fc1", "fc2")).build(),
                Progress.NONE)
            .model();
    try (SharedWeights shared = SharedWeights.of(fp32, 1024)) {
      assertThat(shared.count()).isEqualTo(3);
      try (ModelRunner r = shared.open(variant, ONE)) {
        assertThat(r.run(feed())).isEqualTo(plain(variant));
      }
      // and again: the native tensors outlive a session that used them
      try (ModelRunner r = shared.open(variant, ONE)) {
        assertThat(r.run(feed())).isEqualTo(plain(variant));
      }
    }
  }

  @Test
  void aWeightChangedUnderTheSameNameIsNotTakenFromTheShare() throws Exception {
    OnnxModel fp32 = OnnxModel.of(mlp(1));
    OnnxModel other = OnnxModel.of(mlp(77)); // W0 differs, W1 and W2 are equal
    Map<String, NdArray> own = plain(other);
    assertThat(own).isNotEqualTo(plain(fp32));
    try (SharedWeights shared = SharedWeights.of(fp32, 1024);
        ModelRunner r = shared.open(other, ONE)) {
      assertThat(r.run(feed())).isEqualTo(own);
    }
  }

  @Test
  void theInt8WeightsOfTheFullyQuantizedModelAreSharedToo() throws Exception {
    OnnxModel fp32 = OnnxModel.of(mlp(1));
    OnnxModel all =
        DynamicQuantizer.quantize(fp32, QuantizeOptions.DEFAULTS, Progress.NONE).model();
    // fc0 and fc1 in int8 (their weights as in the fully quantized model), fc2 in float
    OnnxModel variant =
        DynamicQuantizer.quantize(
                fp32,
                QuantizeOptions.builder().nodesToExclude(Set.of("fc2")).build(),
                Progress.NONE)
            .model();
    try (SharedWeights shared = SharedWeights.of(List.of(fp32, all), 1024)) {
      assertThat(shared.count()).isEqualTo(6); // three float weights, three int8 ones
      try (ModelRunner r = shared.open(variant, ONE)) {
        assertThat(r.run(feed())).isEqualTo(plain(variant));
      }
    }
  }

  @Test
  void smallWeightsAreNotShared() throws Exception {
    try (SharedWeights shared = SharedWeights.of(OnnxModel.of(mlp(1)), 64L << 10)) {
      assertThat(shared.count()).isZero();
    }
  }
}
