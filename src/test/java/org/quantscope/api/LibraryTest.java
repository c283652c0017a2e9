// SPDX-License-Identifier: Apache-2.0
package org.quantscope.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.graph.ModelSummary;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.OnnxModel;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.NothingToQuantizeException;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.quantize.QuantizeOptions;

/** The library's entry points do what the command line does, as the README shows them. */
class LibraryTest {
  @TempDir Path dir;

  @Test
  void theReadmeExampleQuantizesAFile() throws Exception {
    Path in = Files.write(dir.resolve("model.onnx"), TestModels.mlp().toByteArray());
    byte[] before = Files.readAllBytes(in);
    // the README's lines
    QuantizationResult r =
        Quantizer.with(QuantizeOptions.builder().perChannel(true).build())
            .quantize(Path.of(dir + "/model.onnx"), Path.of(dir + "/model.int8.onnx"));
    assertThat(r.quantizedCount()).isEqualTo(2);
    assertThat(r.fileBytesAfter()).isEqualTo(Files.size(dir.resolve("model.int8.onnx")));
    assertThat(Files.readAllBytes(in)).as("the input is never touched").isEqualTo(before);
    // the same bytes as the engine's own call, which the command line makes
    OnnxModel m = ModelFiles.load(in);
    DynamicQuantizer.Output o =
        DynamicQuantizer.quantize(
            m, QuantizeOptions.builder().perChannel(true).build(), Progress.NONE);
    assertThat(ModelFiles.load(dir.resolve("model.int8.onnx")).proto())
        .isEqualTo(o.model().proto());
    assertThat(Quantizer.withDefaults().quantize(m).result().quantizedCount()).isEqualTo(2);
  }

  @Test
  void progressIsReportedAndBadCallsAreRefused() throws Exception {
    Path in = Files.write(dir.resolve("m.onnx"), TestModels.mlp().toByteArray());
    List<Long> done = new ArrayList<>();
    Quantizer.withDefaults()
        .progress((d, total, message) -> done.add(d))
        .quantize(in, dir.resolve("q.onnx"));
    assertThat(done).isNotEmpty();
    assertThatThrownBy(() -> Quantizer.withDefaults().quantize(in, in))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is the input model");
    Path trees = Files.write(dir.resolve("t.onnx"), TestModels.treeOnly().toByteArray());
    assertThatThrownBy(() -> Quantizer.withDefaults().quantize(trees, dir.resolve("t8.onnx")))
        .isInstanceOf(NothingToQuantizeException.class);
    assertThat(dir.resolve("t8.onnx")).doesNotExist();
    Path junk = Files.writeString(dir.resolve("junk.onnx"), "hello");
    assertThatThrownBy(() -> Inspector.inspect(junk))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("junk.onnx");
  }

  @Test
  void theInspectorGivesTheVerdicts() throws IOException {
    Path in = Files.write(dir.resolve("if.onnx"), TestModels.withIf().toByteArray());
    ModelSummary s = Inspector.inspect(in);
    assertThat(s.quantizable()).isNotEmpty();
    var first = s.quantizable().get(0);
    assertThat(Inspector.willQuantize(s, first.node())).isEqualTo(first.willQuantize());
    assertThat(Inspector.willQuantize(s, "no such node")).isFalse();
  }
}
