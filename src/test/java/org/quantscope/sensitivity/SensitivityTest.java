// SPDX-License-Identifier: Apache-2.0
package org.quantscope.sensitivity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.OrtRunner;
import org.quantscope.TestModels;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.SaveOptions;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.parity.ParityOptions;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.runtime.Synthesizer;

/**
 * Sensitivity analysis and automatic exclusion on {@link TestModels#fragileMlp}, whose fragile
 * layers give an output error of about 19 when quantized while the others stay below 0.2 (seen on
 * 20 normal samples): the tolerances of 1.0 (max) and 0.3 (mean) separate the two by a wide margin.
 */
class SensitivityTest {
  static final OrtRuntime.SessionConfig SESSIONS =
      new OrtRuntime.SessionConfig(0, OrtRuntime.OptLevel.ALL, true);
  static final ParityOptions TOL = new ParityOptions(1.0, 0.3, 0.5, Set.of(), 40);
  static final QuantizeOptions DEFAULTS = QuantizeOptions.builder().build();

  @TempDir Path dir;

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  static List<Map<String, NdArray>> feeds(OnnxModel m) throws Exception {
    return Synthesizer.synthesize(m, Synthesizer.Options.of(20, 7));
  }

  @Test
  void ranksTheFragileLayerFirstWithBothViews() throws Exception {
    OnnxModel m = OnnxModel.of(TestModels.fragileMlp("fc2"));
    List<long[]> steps = new ArrayList<>();
    SensitivityReport r =
        Sensitivity.analyze(
            Study.of(m, DEFAULTS, feeds(m), TOL, SESSIONS),
            (done, total, msg) -> {
              synchronized (steps) {
                steps.add(new long[] {done, total});
              }
            });
    assertThat(r.nodes()).extracting(NodeSensitivity::node).first().isEqualTo("fc2");
    assertThat(r.nodes()).extracting(NodeSensitivity::rank).containsExactly(1, 2, 3);
    assertThat(r.candidates()).isEqualTo(3);
    assertThat(r.full().passed()).isFalse();
    NodeSensitivity fc2 = r.node("fc2").orElseThrow();
    assertThat(fc2.onlyThis().passed()).isFalse();
    assertThat(fc2.onlyThis().maxAbsDiff()).isGreaterThan(5 * TOL.absTol());
    assertThat(fc2.allButThis().passed()).as("leaving fc2 in float is enough").isTrue();
    for (String other : List.of("fc1", "fc3")) {
      NodeSensitivity n = r.node(other).orElseThrow();
      assertThat(n.onlyThis().passed()).as(other).isTrue();
      assertThat(n.allButThis().passed()).as(other).isFalse();
      assertThat(n.impact()).isLessThan(fc2.impact() / 10);
    }
    // float model, full int8, then two variants per node: every one a progress step
    assertThat(steps.size()).isGreaterThanOrEqualTo(2 + 2 * 3);
    long[] last = steps.get(steps.size() - 1);
    assertThat(last[0]).isEqualTo(last[1]);
    // 2 x 3 variants, but "only fc2" of ... none coincide here: the full model plus 6
    assertThat(r.variants()).isEqualTo(7);
  }

  @Test
  void autoExcludeLeavesExactlyTheFragileLayerInFloatAndTheResultPassesInOrt() throws Exception {
    OnnxModel m = OnnxModel.of(TestModels.fragileMlp("fc2"));
    List<Map<String, NdArray>> feeds = feeds(m);
    AutoExcludeResult r =
        AutoExclude.search(Study.of(m, DEFAULTS, feeds, TOL, SESSIONS), null, Progress.NONE);
    assertThat(r.passed()).isTrue();
    assertThat(r.excluded()).containsExactly("fc2");
    assertThat(r.smallest()).isTrue();
    assertThat(r.quantizedNodes()).isEqualTo(2);
    assertThat(r.before().passed()).isFalse();
    assertThat(r.after().passed()).isTrue();
    // fc2's float weights cost more than its int8 copy with scale and zero point
    assertThat(r.int8Bytes()).isGreaterThan(r.fullInt8Bytes());

    Path out = dir.resolve("auto.int8.onnx");
    AutoExcludeResult written = AutoExclude.write(r, out, SaveOptions.DEFAULT);
    assertThat(written.quantization().fileBytesAfter()).isEqualTo(Files.size(out));
    ModelProto q = ModelFiles.load(out).proto();
    List<String> floatMatMuls =
        q.getGraph().getNodeList().stream()
            .filter(n -> n.getOpType().equals("MatMul"))
            .map(NodeProto::getName)
            .toList();
    assertThat(floatMatMuls).containsExactly("fc2");
    assertThat(
            q.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("MatMulInteger")))
        .hasSize(2);
    // the written file, run by the tests' own ORT runner on the samples, is within tolerance
    double max = 0;
    for (Map<String, NdArray> feed : feeds) {
      NdArray x = feed.get("x");
      Map<String, OrtRunner.Input> in =
          Map.of("x", OrtRunner.Input.floats((float[]) x.data(), x.shape()));
      float[] want = OrtRunner.run(m.proto(), in).get("y");
      float[] got = OrtRunner.run(q, in).get("y");
      max = Math.max(max, OrtRunner.maxAbsDiff(want, got));
    }
    assertThat(max).isLessThanOrEqualTo(TOL.absTol()).isEqualTo(r.after().maxAbsDiff(), within());
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-6);
  }

  @Test
  void twoFragileLayersAreBothExcludedAndNothingElse() throws Exception {
    OnnxModel m = OnnxModel.of(TestModels.fragileMlp("fc2", "fc3"));
    AutoExcludeResult r =
        AutoExclude.search(Study.of(m, DEFAULTS, feeds(m), TOL, SESSIONS), null, Progress.NONE);
    assertThat(r.passed()).isTrue();
    assertThat(r.excluded()).containsExactly("fc2", "fc3");
    assertThat(r.quantizedNodes()).isEqualTo(1);
  }

  @Test
  void autoExcludeKeepsTheBigLayerInInt8AndLeavesTheTwoSmallOnesInFloat() throws Exception {
    // fc1 (30x256) must stay in float; then either fc2 (256x256, the more harmful) or fc3
    // (256x4) must follow it. Both sets are two nodes; leaving fc3 in float keeps 64 times more
    // weight bytes in int8. Measured: fc1 in float, fc2 and fc3 int8 3.54/1.04; only fc2 int8
    // 3.41/0.94; only fc3 int8 1.31/0.41
    OnnxModel m = OnnxModel.of(TestModels.bigMiddleMlp());
    ParityOptions tol = new ParityOptions(3.48, 1.0, 0.5, Set.of(), 1);
    AutoExcludeResult r =
        AutoExclude.search(
            Study.of(m, DEFAULTS, TestModels.bigMiddleFeeds(64), tol, SESSIONS),
            null,
            Progress.NONE);
    assertThat(r.passed()).isTrue();
    assertThat(r.excluded()).containsExactlyInAnyOrder("fc1", "fc3");
    assertThat(r.smallest()).isTrue();
    assertThat(r.after().maxAbsDiff()).isLessThanOrEqualTo(tol.absTol());
    // the sensitivity ranking puts fc2 above fc3: a search counting nodes would have chosen it
    SensitivityReport s =
        Sensitivity.analyze(
            Study.of(m, DEFAULTS, TestModels.bigMiddleFeeds(64), tol, SESSIONS), Progress.NONE);
    List<String> ranked = s.nodes().stream().map(NodeSensitivity::node).toList();
    assertThat(ranked.indexOf("fc2")).isLessThan(ranked.indexOf("fc3"));
  }

  @Test
  void aModelThatPassesKeepsEveryNodeInInt8WithoutAnalysis() throws Exception {
    OnnxModel m = OnnxModel.of(TestModels.fragileMlp());
    AutoExcludeResult r =
        AutoExclude.search(Study.of(m, DEFAULTS, feeds(m), TOL, SESSIONS), null, Progress.NONE);
    assertThat(r.passed()).isTrue();
    assertThat(r.excluded()).isEmpty();
    assertThat(r.sensitivity()).isNull();
    assertThat(r.variants()).isEqualTo(1);
  }

  @Test
  void whenNoSubsetPassesItSaysSoAndHasNothingToWrite() throws Exception {
    OnnxModel m = OnnxModel.of(TestModels.fragileMlp("fc2"));
    ParityOptions strict = new ParityOptions(1e-7, 1e-8, 0.5, Set.of(), 40);
    AutoExcludeResult r =
        AutoExclude.search(Study.of(m, DEFAULTS, feeds(m), strict, SESSIONS), null, Progress.NONE);
    assertThat(r.passed()).isFalse();
    assertThat(r.output()).isNull();
    assertThat(r.after()).isNull();
    assertThat(r.smallest()).as("3 nodes: every subset was tried").isTrue();
    assertThat(r.message())
        .startsWith("no subset of the 3 quantizable nodes passes")
        .contains("tolerance 1.0E-7");
    Path out = dir.resolve("never.onnx");
    assertThatThrownBy(() -> AutoExclude.write(r, out, SaveOptions.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(out).doesNotExist();
  }

  @Test
  void nodesTheUserExcludedStayInFloatAndAreNotCandidates() throws Exception {
    OnnxModel m = OnnxModel.of(TestModels.fragileMlp("fc2"));
    QuantizeOptions opts = DEFAULTS.toBuilder().nodesToExclude(Set.of("fc1")).build();
    AutoExcludeResult r =
        AutoExclude.search(Study.of(m, opts, feeds(m), TOL, SESSIONS), null, Progress.NONE);
    assertThat(r.candidates()).isEqualTo(2);
    assertThat(r.excluded()).containsExactly("fc2");
    assertThat(r.quantization().quantized())
        .extracting(org.quantscope.quantize.QuantizationResult.NodeReport::node)
        .containsExactly("fc3");
  }

  @Test
  void cancellingBetweenVariantsStopsWithNothing() throws Exception {
    OnnxModel m = OnnxModel.of(TestModels.fragileMlp("fc2"));
    Thread caller = Thread.currentThread();
    AtomicInteger seen = new AtomicInteger();
    Progress cancelAfterThree =
        (done, total, msg) -> {
          if (seen.incrementAndGet() == 3) {
            caller.interrupt();
          }
        };
    assertThatThrownBy(
            () ->
                AutoExclude.search(
                    Study.of(m, DEFAULTS, feeds(m), TOL, SESSIONS), null, cancelAfterThree))
        .isInstanceOf(CancellationException.class);
    assertThat(seen.get()).as("stopped before the 8 steps of the analysis").isLessThan(8);
  }

  @Test
  void cachedWeightsGiveTheSameModelsAsFreshOnes() throws Exception {
    OnnxModel m = OnnxModel.of(TestModels.fragileMlp("fc2"));
    QuantizeOptions perChannel = DEFAULTS.toBuilder().perChannel(true).build();
    org.quantscope.quantize.WeightCache cache = new org.quantscope.quantize.WeightCache();
    Map<String, ModelProto> first = new HashMap<>();
    for (QuantizeOptions o : List.of(DEFAULTS, perChannel)) {
      for (Set<String> ex : List.of(Set.<String>of(), Set.of("fc1"), Set.of("fc2", "fc3"))) {
        QuantizeOptions x = o.toBuilder().nodesToExclude(ex).build();
        ModelProto fresh =
            org.quantscope.quantize.DynamicQuantizer.quantize(m, x, Progress.NONE).model().proto();
        ModelProto cached =
            org.quantscope.quantize.DynamicQuantizer.quantize(m, x, Progress.NONE, cache)
                .model()
                .proto();
        assertThat(cached.toByteArray()).isEqualTo(fresh.toByteArray());
        first.put(o.perChannel() + "" + ex, cached);
      }
    }
    // per tensor and per channel scales of the same weights are different entries
    assertThat(cache.size()).isEqualTo(6);
  }
}
