// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.quantscope.model.ExampleModel;
import org.quantscope.model.OnnxModel;
import org.quantscope.quantize.Summaries;

/** The Model tab's lines, without a window: what is shown, in which order, written how. */
class ModelFactTest {
  @Test
  void theExampleIsDescribedLineByLine() throws Exception {
    var facts = ModelFact.of(Summaries.summarize(OnnxModel.of(ExampleModel.build())));
    assertThat(facts)
        .extracting(ModelFact::label)
        .containsExactly(
            "File",
            "Producer",
            "IR version",
            "Opsets",
            "Inputs",
            "Outputs",
            "Nodes",
            "Weights",
            "Quantizable");
    assertThat(facts)
        .extracting(ModelFact::value)
        .containsExactly(
            "(built-in example: " + ExampleModel.NAME + ")",
            "quantscope",
            "8",
            "ai.onnx 17",
            "features tensor(float) [batch, 8]",
            "probabilities tensor(float) [batch, 3]",
            "8",
            "6 initializers, 5.8 kB",
            "2 of 4 will be quantized");
  }
}
