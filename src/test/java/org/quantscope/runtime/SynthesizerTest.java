// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quantscope.TestModels;
import org.quantscope.model.ElementType;
import org.quantscope.model.ExampleModel;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.Protos;
import org.quantscope.onnx.ModelProto;

class SynthesizerTest {
  private static List<Map<String, NdArray>> make(ModelProto m, Synthesizer.Options o)
      throws ModelFormatException {
    return Synthesizer.synthesize(OnnxModel.of(m), o);
  }

  @Test
  void floatsAreSeededAndReproducible() throws Exception {
    List<Map<String, NdArray>> a = make(ExampleModel.build(), Synthesizer.Options.of(3, 7));
    List<Map<String, NdArray>> b = make(ExampleModel.build(), Synthesizer.Options.of(3, 7));
    List<Map<String, NdArray>> c = make(ExampleModel.build(), Synthesizer.Options.of(3, 8));
    assertThat(a).hasSize(3);
    NdArray f = a.get(0).get("features");
    assertThat(f.type()).isEqualTo(ElementType.FLOAT);
    assertThat(f.shape()).containsExactly(1, ExampleModel.FEATURES);
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
    assertThat(a.get(0)).isNotEqualTo(a.get(1));
  }

  @Test
  void tokenIdsStayBelowTheTableTheyIndexAndMasksAreOnes() throws Exception {
    List<Map<String, NdArray>> feeds = make(TestModels.tokens(), Synthesizer.Options.of(5, 1));
    for (Map<String, NdArray> f : feeds) {
      NdArray ids = f.get("input_ids");
      assertThat(ids.shape()).containsExactly(1, Synthesizer.DEFAULT_SEQUENCE);
      for (long v : (long[]) ids.data()) {
        assertThat(v).isBetween(0L, 49L);
      }
      assertThat((long[]) f.get("attention_mask").data()).containsOnly(1L);
    }
    // and the model runs on them
    try (ModelRunner r =
        ModelRunner.open(OnnxModel.of(TestModels.tokens()), OrtRuntime.SessionConfig.DEFAULT)) {
      assertThat(r.run(feeds.get(0)).get("summed").shape()).containsExactly(1, 128, 4);
    }
  }

  @Test
  void embedLayerNormIdsFollowTheirTables() throws Exception {
    Map<String, NdArray> f = make(TestModels.fusedBert(), Synthesizer.Options.of(1, 2)).get(0);
    for (int v : (int[]) f.get("input_ids").data()) {
      assertThat(v).isBetween(0, 9);
    }
    for (int v : (int[]) f.get("segment_ids").data()) {
      assertThat(v).isBetween(0, 1);
    }
  }

  /** The tokens model with a position table of {@code rows} and the ids an exporter leaves. */
  private static ModelProto withPositions(int rows) {
    ModelProto m = TestModels.tokens();
    return m.toBuilder()
        .setGraph(
            m.getGraph().toBuilder()
                .addInitializer(
                    org.quantscope.model.Tensors.rawFloats(
                        "embeddings.position_embeddings.weight",
                        new long[] {rows, 4},
                        new float[rows * 4]))
                .addInitializer(
                    org.quantscope.model.Tensors.int64Data(
                        "embeddings.position_ids", new long[] {1, 512}, new long[512])))
        .build();
  }

  @Test
  void theSequenceIsBoundedByThePositionTableNotByItsIndices() throws Exception {
    // a table of 64 rows bounds the made-up sequence; the int64 position ids beside it ([1, 512],
    // as Hugging Face's BERTs have) do not, and a table longer than the default leaves the default
    for (int rows : new int[] {64, 512}) {
      NdArray ids = make(withPositions(rows), Synthesizer.Options.of(1, 0)).get(0).get("input_ids");
      assertThat(ids.shape()).containsExactly(1, Math.min(rows, Synthesizer.DEFAULT_SEQUENCE));
    }
  }

  @Test
  void symbolicDimsComeFromTheUser() throws Exception {
    Synthesizer.Options o =
        new Synthesizer.Options(
            1, 0, Map.of("batch", 3L, "sequence", 16L), Synthesizer.Distribution.UNIFORM);
    NdArray ids = make(TestModels.tokens(), o).get(0).get("input_ids");
    assertThat(ids.shape()).containsExactly(3, 16);

    var m = TestModels.mlp();
    var odd =
        m.toBuilder()
            .setGraph(
                m.getGraph().toBuilder()
                    .setInput(0, Protos.tensorValue("x", ElementType.FLOAT, "batch", "width")))
            .build();
    assertThatThrownBy(() -> make(odd, Synthesizer.Options.of(1, 0)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage(
            "input 'x' (float32[batch, width]) has the dimension 'width' whose size is unknown;"
                + " set it with --dim width=N");
    assertThat(
            make(
                    odd,
                    new Synthesizer.Options(
                        1, 0, Map.of("width", 4L), Synthesizer.Distribution.NORMAL))
                .get(0)
                .get("x")
                .shape())
        .containsExactly(1, 4);
  }

  @Test
  void badOptionsAreRefused() {
    assertThatThrownBy(() -> Synthesizer.Options.of(0, 1)).hasMessageContaining("--samples");
    assertThatThrownBy(
            () ->
                new Synthesizer.Options(1, 1, Map.of("batch", 0L), Synthesizer.Distribution.NORMAL))
        .hasMessageContaining("--dim batch");
  }
}
