// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.quantscope.graph.ModelSummary;
import org.quantscope.model.ExampleModel;
import org.quantscope.quantize.QuantizationDetector;
import org.quantscope.report.DiffText;
import org.quantscope.report.Figures;

/**
 * One line of the Model tab: what it is and its value as written (raw: the panel cleans and cuts
 * text that comes from the model). Kept apart from the panel so the wording is tested without a
 * window.
 *
 * @param label what the line is, e.g. "Opsets"
 * @param value its value, e.g. "ai.onnx 17"; inputs and outputs one per line
 */
record ModelFact(String label, String value) {

  /** The facts of a model, in the order shown. */
  static List<ModelFact> of(ModelSummary s) {
    return of(s, null);
  }

  /**
   * The facts of a model, in the order shown; a model that is already quantized gets a last line
   * "Quantization": "already quantized (...; recipe ...)", then how, one setting a line.
   *
   * @param d what detection found in the model, or null
   */
  static List<ModelFact> of(ModelSummary s, QuantizationDetector.Detection d) {
    List<ModelFact> f = new ArrayList<>();
    f.add(
        new ModelFact(
            "File", s.file() == null ? "(built-in example: " + ExampleModel.NAME + ")" : s.file()));
    f.add(new ModelFact("Producer", (s.producer() + " " + s.producerVersion()).strip()));
    f.add(new ModelFact("IR version", Long.toString(s.irVersion())));
    f.add(
        new ModelFact(
            "Opsets",
            s.opsets().entrySet().stream()
                .map(e -> (e.getKey().isEmpty() ? "ai.onnx" : e.getKey()) + " " + e.getValue())
                .collect(Collectors.joining(", "))));
    f.add(new ModelFact("Inputs", values(s.inputs())));
    f.add(new ModelFact("Outputs", values(s.outputs())));
    f.add(new ModelFact("Nodes", Integer.toString(s.nodeCount())));
    f.add(
        new ModelFact(
            "Weights",
            s.initializerCount() + " initializers, " + Figures.size(s.initializerBytes())));
    f.add(
        new ModelFact(
            "Quantizable",
            s.willQuantizeCount() + " of " + s.quantizable().size() + " will be quantized"));
    if (d != null && d.facts().quantized()) {
      List<String> lines = new ArrayList<>();
      for (String[] row : DiffText.quantization(d)) {
        lines.add(row[0].isEmpty() || row[0].equals("quantized") ? row[1] : row[0] + ": " + row[1]);
      }
      f.add(new ModelFact("Quantization", String.join("\n", lines)));
    }
    return f;
  }

  private static String values(List<ModelSummary.ValueSummary> values) {
    return values.stream()
        .map(v -> v.name() + " " + v.type() + " " + Figures.shape(v.shape()))
        .collect(Collectors.joining("\n"));
  }
}
