// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

import java.util.List;
import java.util.Random;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;

/**
 * The built-in example: a small tabular classifier (8 features, two hidden layers of 32, 3 classes,
 * softmax probabilities), in the shape scikit-learn and PyTorch exporters give an MLP: Gemm, Relu,
 * MatMul + Add, Relu, Gemm, Softmax. Its weights are seeded pseudo-random numbers, so the model is
 * the same on every machine; it exists to show the workflow, not to classify anything real.
 */
public final class ExampleModel {
  public static final String NAME = "example-classifier.onnx";
  public static final int FEATURES = 8;

  /** The name of its one input, [batch, FEATURES] floats. */
  public static final String INPUT = "features";

  public static final int HIDDEN = 32;
  public static final int CLASSES = 3;

  private ExampleModel() {}

  public static ModelProto build() {
    Random rnd = new Random(20240521L);
    GraphProto.Builder g = GraphProto.newBuilder().setName("example_classifier");
    g.addInput(Protos.tensorValue(INPUT, ElementType.FLOAT, "batch", FEATURES));
    g.addOutput(Protos.tensorValue("probabilities", ElementType.FLOAT, "batch", CLASSES));

    // Gemm stores weights as [out, in] with transB=1, as PyTorch's Linear exports do.
    g.addInitializer(
        Tensors.rawFloats(
            "fc1.weight", new long[] {HIDDEN, FEATURES}, he(rnd, HIDDEN * FEATURES, FEATURES)));
    g.addInitializer(Tensors.rawFloats("fc1.bias", new long[] {HIDDEN}, small(rnd, HIDDEN)));
    g.addInitializer(
        Tensors.rawFloats(
            "fc2.weight", new long[] {HIDDEN, HIDDEN}, he(rnd, HIDDEN * HIDDEN, HIDDEN)));
    g.addInitializer(Tensors.rawFloats("fc2.bias", new long[] {HIDDEN}, small(rnd, HIDDEN)));
    g.addInitializer(
        Tensors.rawFloats(
            "head.weight", new long[] {CLASSES, HIDDEN}, he(rnd, CLASSES * HIDDEN, HIDDEN)));
    g.addInitializer(Tensors.rawFloats("head.bias", new long[] {CLASSES}, small(rnd, CLASSES)));

    g.addNode(
        Protos.node(
            "Gemm",
            "fc1",
            List.of(INPUT, "fc1.weight", "fc1.bias"),
            List.of("fc1_out"),
            Protos.attr("transB", 1L)));
    g.addNode(Protos.node("Relu", "relu1", List.of("fc1_out"), List.of("relu1_out")));
    g.addNode(
        Protos.node(
            "Transpose",
            "fc2.weight_T",
            List.of("fc2.weight"),
            List.of("fc2.weight_t"),
            Protos.attr("perm", 1L, 0L)));
    g.addNode(
        Protos.node("MatMul", "fc2", List.of("relu1_out", "fc2.weight_t"), List.of("fc2_mm")));
    g.addNode(Protos.node("Add", "fc2_bias", List.of("fc2_mm", "fc2.bias"), List.of("fc2_out")));
    g.addNode(Protos.node("Relu", "relu2", List.of("fc2_out"), List.of("relu2_out")));
    g.addNode(
        Protos.node(
            "Gemm",
            "head",
            List.of("relu2_out", "head.weight", "head.bias"),
            List.of("logits"),
            Protos.attr("transB", 1L)));
    g.addNode(
        Protos.node(
            "Softmax",
            "softmax",
            List.of("logits"),
            List.of("probabilities"),
            Protos.attr("axis", 1L)));
    return Protos.model(g.build(), 8, 17);
  }

  /**
   * The sample rows that come with the example: {@code rows} x {@link #FEATURES} values around
   * three cluster centres, one per class, the same on every machine.
   */
  public static float[] sampleRows(int rows) {
    Random rnd = new Random(7L);
    float[][] centres = new float[CLASSES][FEATURES];
    for (float[] c : centres) {
      for (int j = 0; j < FEATURES; j++) {
        c[j] = (float) (rnd.nextGaussian() * 1.5);
      }
    }
    float[] out = new float[rows * FEATURES];
    for (int r = 0; r < rows; r++) {
      float[] c = centres[r % CLASSES];
      for (int j = 0; j < FEATURES; j++) {
        out[r * FEATURES + j] = c[j] + (float) (rnd.nextGaussian() * 0.5);
      }
    }
    return out;
  }

  private static float[] he(Random rnd, int n, int fanIn) {
    float[] w = new float[n];
    double std = Math.sqrt(2.0 / fanIn);
    for (int i = 0; i < n; i++) {
      w[i] = (float) (rnd.nextGaussian() * std);
    }
    return w;
  }

  private static float[] small(Random rnd, int n) {
    float[] b = new float[n];
    for (int i = 0; i < n; i++) {
      b[i] = (float) (rnd.nextGaussian() * 0.05);
    }
    return b;
  }
}
