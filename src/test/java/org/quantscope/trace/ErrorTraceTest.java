// SPDX-License-Identifier: Apache-2.0
package org.quantscope.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quantscope.TestModels;
import org.quantscope.model.OnnxModel;
import org.quantscope.onnx.ModelProto;
import org.quantscope.parity.OutputParity;
import org.quantscope.parity.ParityCheck;
import org.quantscope.parity.ParityOptions;
import org.quantscope.parity.ParityReport;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.ModelSource;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.runtime.Synthesizer;

/** The error trace on models built in code, run in ONNX Runtime. */
class ErrorTraceTest {
  /** x64quantprecision: CPUs without VNNI must not saturate, or the culprit would change. */
  static final OrtRuntime.SessionConfig SESSIONS =
      new OrtRuntime.SessionConfig(1, OrtRuntime.OptLevel.ALL, true);

  static final ParityOptions TOL = new ParityOptions(1.0, 0.3, 0.5, Set.of(), 40);

  record Traced(TraceReport report, OnnxModel fp32, DynamicQuantizer.Output int8) {}

  static Traced trace(ModelProto m, QuantizeOptions o, List<Map<String, NdArray>> feeds)
      throws Exception {
    OnnxModel fp32 = OnnxModel.of(m);
    DynamicQuantizer.Output q = DynamicQuantizer.quantize(fp32, o, Progress.NONE);
    TraceReport r =
        ErrorTrace.trace(
            ModelSource.of(fp32, "fp32", -1),
            ModelSource.of(q.model(), "int8", -1),
            q.result(),
            feeds,
            TOL,
            SESSIONS,
            List.of(),
            Progress.NONE);
    return new Traced(r, fp32, q);
  }

  static List<Map<String, NdArray>> feeds(ModelProto m, int n) throws Exception {
    return Synthesizer.synthesize(OnnxModel.of(m), Synthesizer.Options.of(n, 7));
  }

  @Test
  void theLayerThatBreaksParityIntroducesTheMostError() throws Exception {
    for (String fragile : List.of("fc2", "fc3")) {
      ModelProto m = TestModels.fragileMlp(fragile);
      Traced t = trace(m, QuantizeOptions.DEFAULTS, feeds(m, 20));
      TraceReport r = t.report();
      assertThat(r.nodes())
          .extracting(NodeError::node)
          .containsExactlyInAnyOrder("fc1", "fc2", "fc3");
      assertThat(r.nodes().get(0).node())
          .as("culprit of fragileMlp(%s)", fragile)
          .isEqualTo(fragile);
      assertThat(r.nodes().get(0).rank()).isEqualTo(1);
      // and leaving it in float is what makes parity pass (the oracle: SensitivityTest's case)
      assertThat(r.parity().passed()).isFalse();
      QuantizeOptions without =
          QuantizeOptions.DEFAULTS.toBuilder().nodesToExclude(Set.of(fragile)).build();
      assertThat(trace(m, without, feeds(m, 20)).report().parity().passed()).isTrue();
    }
  }

  @Test
  void theGraphOutputsAreExactlyWhatParityReports() throws Exception {
    ModelProto m = TestModels.fragileMlp("fc2");
    List<Map<String, NdArray>> feeds = feeds(m, 12);
    Traced t = trace(m, QuantizeOptions.DEFAULTS, feeds);
    ParityReport p =
        ParityCheck.check(
            ModelSource.of(t.fp32(), "fp32", -1),
            ModelSource.of(t.int8().model(), "int8", -1),
            feeds,
            TOL,
            SESSIONS,
            List.of(),
            Progress.NONE);
    assertThat(t.report().parity()).isEqualTo(p);
    // the exposed runs see the same graph output, within float rounding of other kernels
    OutputParity y = p.outputs().get(0);
    TensorError ty = t.report().tensor("y").orElseThrow();
    assertThat(ty.maxAbsDiff()).isCloseTo(y.maxAbsDiff(), within(1e-4 * y.maxAbsDiff() + 1e-6));
    assertThat(ty.meanAbsDiff()).isCloseTo(y.meanAbsDiff(), within(1e-4 * y.meanAbsDiff() + 1e-6));
    assertThat(ty.elements()).isEqualTo(y.elements());
    assertThat(t.report().samples()).isEqualTo(12);
    assertThat(t.report().runs()).isEqualTo(12);
  }

  @Test
  void everyTensorAndActivationIsFollowedInGraphOrder() throws Exception {
    ModelProto m = TestModels.fragileMlp("fc2");
    TraceReport r = trace(m, QuantizeOptions.DEFAULTS, feeds(m, 5)).report();
    assertThat(r.tensors())
        .extracting(TensorError::name)
        .containsExactly("h1", "r1", "h2", "r2", "y");
    assertThat(r.tensors()).extracting(TensorError::position).containsExactly(0, 1, 2, 3, 4);
    // fc1 reads the graph input: quantized at run time, but it arrives exact
    assertThat(r.activations()).extracting(ActivationReport::name).containsExactly("x", "r1", "r2");
    NodeError fc1 = r.node("fc1").orElseThrow();
    assertThat(fc1.activations()).containsExactly("x");
    assertThat(fc1.inputSqnrDb()).isInfinite();
    assertThat(fc1.output()).isEqualTo("h1");
    assertThat(fc1.weightSqnrDb()).isNotNull();
    // fc1's output error is all made there, so introduced equals its output SQNR
    assertThat(fc1.introducedDb()).isCloseTo(fc1.outputSqnrDb(), within(1e-9));
    NodeError fc3 = r.node("fc3").orElseThrow();
    assertThat(fc3.inputSqnrDb()).isCloseTo(r.tensor("r2").orElseThrow().sqnrDb(), within(1e-9));
    // a node that mostly passes on what came in introduces less than its output carries
    assertThat(fc3.introducedDb()).isGreaterThan(fc3.outputSqnrDb());
    ActivationReport x = r.activation("x").orElseThrow();
    assertThat(x.rowMaxAbs()).hasSize(5);
    assertThat(x.consumers()).containsExactly("fc1");
    assertThat(x.runs()).isEqualTo(5);
  }

  @Test
  void aGivenInt8ModelIsTracedFromItsGraphAlone() throws Exception {
    ModelProto m = TestModels.fragileMlp("fc2");
    List<Map<String, NdArray>> feeds = feeds(m, 6);
    Traced ours = trace(m, QuantizeOptions.DEFAULTS, feeds);
    TraceReport given =
        ErrorTrace.trace(
            ModelSource.of(ours.fp32(), "fp32", -1),
            ModelSource.of(ours.int8().model(), "int8", -1),
            null,
            feeds,
            TOL,
            SESSIONS,
            List.of(),
            Progress.NONE);
    assertThat(given.nodes())
        .extracting(NodeError::node)
        .containsExactlyElementsOf(ours.report().nodes().stream().map(NodeError::node).toList());
    assertThat(given.nodes()).allSatisfy(n -> assertThat(n.weightSqnrDb()).isNull());
    assertThat(given.tensors()).isEqualTo(ours.report().tensors());
  }

  @Test
  void everyRewriteIsMatched() throws Exception {
    // MatMul and Gemm (rewritten to MatMul + Add)
    ModelProto mlp = TestModels.mlp();
    TraceReport r = trace(mlp, QuantizeOptions.DEFAULTS, feeds(mlp, 4)).report();
    assertThat(r.nodes()).extracting(NodeError::node).containsExactlyInAnyOrder("fc1", "fc2");
    assertThat(r.node("fc2").orElseThrow().output()).isEqualTo("logits");
    assertThat(r.node("fc2").orElseThrow().activations()).containsExactly("r");
    assertThat(r.nodes()).allSatisfy(n -> assertThat(n.outputSqnrDb()).isNotNull());

    // Conv (with a bias, whose Add writes the output) and an unnamed Conv, by its id
    ModelProto conv = TestModels.convNet();
    r = trace(conv, QuantizeOptions.DEFAULTS, feeds(conv, 3)).report();
    assertThat(r.nodes()).extracting(NodeError::node).containsExactlyInAnyOrder("conv1", "Conv#2");
    assertThat(r.node("Conv#2").orElseThrow().activations()).containsExactly("r1");
    assertThat(r.nodes()).allSatisfy(n -> assertThat(n.outputSqnrDb()).isNotNull());

    // LSTM: X stays float and is quantized inside DynamicQuantizeLSTM
    ModelProto lstm = TestModels.lstm();
    r = trace(lstm, QuantizeOptions.DEFAULTS, feeds(lstm, 3)).report();
    NodeError l = r.node("lstm").orElseThrow();
    assertThat(l.activations()).containsExactly("X");
    assertThat(l.output()).isEqualTo("Y");
    assertThat(l.outputSqnrDb()).isNotNull();

    // Gather: an 8-bit table, no run-time activation; its output is dequantized under its name
    ModelProto emb = TestModels.embedding();
    r = trace(emb, QuantizeOptions.DEFAULTS, feeds(emb, 3)).report();
    NodeError g = r.node("lookup").orElseThrow();
    assertThat(g.activations()).isEmpty();
    assertThat(g.output()).isEqualTo("emb");
    assertThat(g.outputSqnrDb()).isNotNull();
    // ids and an 8-bit table come in, no float activation: all of its error is made here
    assertThat(g.introducedDb()).isEqualTo(g.outputSqnrDb());
    assertThat(r.node("project").orElseThrow().activations())
        .as("the MatMul takes the Gather's 8-bit output directly")
        .isEmpty();

    // Attention (QAttention) after EmbedLayerNormalization (QEmbedLayerNormalization)
    ModelProto bert = TestModels.fusedBert();
    r = trace(bert, QuantizeOptions.DEFAULTS, feeds(bert, 2)).report();
    assertThat(r.nodes())
        .extracting(NodeError::node)
        .containsExactlyInAnyOrder("embed", "attention");
    NodeError a = r.node("attention").orElseThrow();
    assertThat(a.activations()).containsExactly("emb_out");
    assertThat(a.output()).isEqualTo("attn");
    assertThat(a.outputSqnrDb()).isNotNull();
  }
}
