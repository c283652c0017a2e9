// SPDX-License-Identifier: Apache-2.0
package org.quantscope.api;

import java.io.IOException;
import java.nio.file.Path;
import org.quantscope.graph.ModelSummary;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.OnnxModel;
import org.quantscope.quantize.Summaries;

/**
 * What {@code quantscope inspect} tells, as a library call: a model's facts (producer, opsets,
 * inputs and outputs, op counts, weights) and, for every node of a quantizable op type, whether
 * ONNX Runtime's dynamic quantization would quantize it under its default options, and if not, why.
 *
 * <pre>{@code
 * ModelSummary s = Inspector.inspect(Path.of("model.onnx"));
 * for (QuantizableNode n : s.quantizable()) {
 *   System.out.println(n.node() + ": " + (n.willQuantize() ? n.action() : n.reason()));
 * }
 * }</pre>
 */
public final class Inspector {
  private Inspector() {}

  /**
   * Reads and summarizes the model file {@code file} (external data included).
   *
   * @throws ModelFormatException when the file is not a valid ONNX model, naming the problem
   * @throws IOException when the file cannot be read
   */
  public static ModelSummary inspect(Path file) throws IOException {
    return inspect(ModelFiles.load(file));
  }

  /** Summarizes a model already loaded ({@link ModelFiles#load}) or built in memory. */
  public static ModelSummary inspect(OnnxModel model) throws ModelFormatException {
    return Summaries.summarize(model);
  }

  /** True when {@code node} is quantized under ONNX Runtime's defaults. */
  public static boolean willQuantize(ModelSummary summary, String node) {
    return summary.quantizable().stream()
        .filter(n -> n.node().equals(node))
        .anyMatch(QuantizableNode::willQuantize);
  }
}
