// SPDX-License-Identifier: Apache-2.0
package org.quantscope.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quantscope.TestModels;
import org.quantscope.model.OnnxModel;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantType;
import org.quantscope.quantize.QuantizeOptions;
import org.quantscope.runtime.ModelRunner;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;
import org.quantscope.runtime.Synthesizer;

/** The runtime table against models that use each op, and the options a target chooses. */
class RuntimeSupportTest {
  static OnnxModel int8(ModelProto m, QuantizeOptions o) throws Exception {
    return DynamicQuantizer.quantize(OnnxModel.of(m), o, Progress.NONE).model();
  }

  static Set<String> ops(OnnxModel m) {
    return m.graph().getNodeList().stream().map(NodeProto::getOpType).collect(Collectors.toSet());
  }

  /** Every op dynamic quantization writes, in a model that uses it. */
  static Map<String, OnnxModel> modelsByOp() throws Exception {
    QuantizeOptions d = QuantizeOptions.DEFAULTS;
    return Map.of(
        "MatMulInteger", int8(TestModels.mlp(), d),
        "ConvInteger", int8(TestModels.convNet(), d),
        "DynamicQuantizeLSTM", int8(TestModels.lstm(), d),
        "QAttention", int8(TestModels.fusedBert(), d),
        "DynamicQuantizeMatMul", OnnxModel.of(TestModels.contribInt8("DynamicQuantizeMatMul")),
        "MatMulIntegerToFloat", OnnxModel.of(TestModels.contribInt8("MatMulIntegerToFloat")),
        "QGemm", OnnxModel.of(TestModels.contribInt8("QGemm")),
        "QEmbedLayerNormalization", int8(TestModels.fusedBert(), d));
  }

  @Test
  void theTableHasEveryOpOnEveryTargetWithItsSource() {
    for (String op : RuntimeSupport.ops()) {
      for (RuntimeSupport.Target t : RuntimeSupport.Target.values()) {
        assertThat(RuntimeSupport.lookup(op, "int8", t)).as(op + " on " + t).isPresent();
        assertThat(RuntimeSupport.lookup(op, "uint8", t)).as(op + " on " + t).isPresent();
      }
    }
    assertThat(RuntimeSupport.source())
        .anyMatch(l -> l.contains("OperatorKernels.md"))
        .anyMatch(l -> l.startsWith("Read on 20"));
  }

  @Test
  void everyOpTheTableSaysRunsOnTheCpuLoadsAndRunsInTheOnnxRuntimeWeShip() throws Exception {
    String version = OrtRuntime.version();
    for (Map.Entry<String, OnnxModel> e : modelsByOp().entrySet()) {
      OnnxModel m = e.getValue();
      assertThat(ops(m)).as(e.getKey()).contains(e.getKey());
      RuntimeSupport.Entry row =
          RuntimeSupport.lookup(e.getKey(), "int8", RuntimeSupport.Target.CPU).orElseThrow();
      assertThat(row.status()).isEqualTo(RuntimeSupport.Status.YES);
      assertThat(row.since() == null || compare(version, row.since()) >= 0).isTrue();
      List<Map<String, NdArray>> feeds = Synthesizer.synthesize(m, Synthesizer.Options.of(1, 3));
      try (ModelRunner r = ModelRunner.open(m, OrtRuntime.SessionConfig.DEFAULT)) {
        assertThat(r.run(feeds.get(0))).as(e.getKey()).isNotEmpty();
      }
    }
  }

  @Test
  void problemsNameTheOpsAModelUsesTargetByTarget() throws Exception {
    OnnxModel conv = int8(TestModels.convNet(), QuantizeOptions.DEFAULTS);
    List<RuntimeSupport.Problem> p = RuntimeSupport.problems(conv);
    assertThat(p)
        .anySatisfy(
            x -> {
              assertThat(x.target()).isEqualTo("web");
              assertThat(x.op()).isEqualTo("ConvInteger (int8 weights)");
              assertThat(x.severity()).isEqualTo("version");
              assertThat(x.since()).isEqualTo("1.24");
              assertThat(x.nodes()).isEqualTo(2);
            })
        .anySatisfy(
            x -> {
              assertThat(x.target()).isEqualTo("mobile");
              assertThat(x.op()).isEqualTo("ConvInteger (int8 weights)");
              assertThat(x.severity()).isEqualTo("error");
            })
        .anySatisfy(
            x -> {
              assertThat(x.target()).isEqualTo("cuda");
              assertThat(x.op()).isEqualTo("DynamicQuantizeLinear");
              assertThat(x.severity()).isEqualTo("fallback");
            });
    // uint8 Conv weights run everywhere but on CUDA (which falls back) and mobile
    OnnxModel u8 =
        int8(TestModels.convNet(), QuantizeOptions.builder().weightType(QuantType.QUInt8).build());
    assertThat(RuntimeSupport.problems(u8, RuntimeSupport.Target.WEB)).isEmpty();
    assertThat(RuntimeSupport.problems(u8, RuntimeSupport.Target.CPU)).isEmpty();
    // a MatMul-only model loads on the mobile package
    OnnxModel mlp = int8(TestModels.mlp(), QuantizeOptions.DEFAULTS);
    assertThat(RuntimeSupport.problems(mlp, RuntimeSupport.Target.MOBILE)).isEmpty();
    assertThat(RuntimeSupport.problems(int8(TestModels.lstm(), QuantizeOptions.DEFAULTS)))
        .anyMatch(x -> x.target().equals("mobile") && x.op().equals("DynamicQuantizeLSTM"));
  }

  @Test
  void aTargetChoosesOptionsThatAvoidItsProblems() throws Exception {
    ModelProto conv = TestModels.convNet();
    TargetOptions.Choice web =
        TargetOptions.choose(
            RuntimeSupport.Target.WEB, QuantizeOptions.DEFAULTS, conv.getGraph(), false);
    assertThat(web.options().weightType()).isEqualTo(QuantType.QUInt8);
    assertThat(web.changes()).singleElement().asString().contains("QUInt8");
    OnnxModel q =
        DynamicQuantizer.quantize(OnnxModel.of(conv), web.options(), Progress.NONE).model();
    assertThat(RuntimeSupport.problems(q, RuntimeSupport.Target.WEB)).isEmpty();

    assertThatThrownBy(
            () ->
                TargetOptions.choose(
                    RuntimeSupport.Target.WEB, QuantizeOptions.DEFAULTS, conv.getGraph(), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--weight-type");

    // a MatMul-only model keeps int8 weights on the web
    assertThat(
            TargetOptions.choose(
                    RuntimeSupport.Target.WEB,
                    QuantizeOptions.DEFAULTS,
                    TestModels.mlp().getGraph(),
                    false)
                .changes())
        .isEmpty();

    for (ModelProto m : List.of(conv, TestModels.lstm(), TestModels.fusedBert())) {
      TargetOptions.Choice mobile =
          TargetOptions.choose(
              RuntimeSupport.Target.MOBILE, QuantizeOptions.DEFAULTS, m.getGraph(), false);
      assertThat(mobile.changes()).hasSize(1);
      try {
        OnnxModel mq =
            DynamicQuantizer.quantize(OnnxModel.of(m), mobile.options(), Progress.NONE).model();
        assertThat(RuntimeSupport.problems(mq, RuntimeSupport.Target.MOBILE))
            .noneMatch(x -> x.severity().equals("error"));
      } catch (org.quantscope.quantize.NothingToQuantizeException nothing) {
        // all its quantizable ops are ones the package lacks: left in float, which loads
      }
    }

    TargetOptions.Choice cuda =
        TargetOptions.choose(
            RuntimeSupport.Target.CUDA, QuantizeOptions.DEFAULTS, conv.getGraph(), false);
    assertThat(cuda.options()).isEqualTo(QuantizeOptions.DEFAULTS);
    assertThat(cuda.notes()).singleElement().asString().contains("CPU");
  }

  /** Compares dotted versions numerically. */
  static int compare(String a, String b) {
    String[] x = a.split("[.-]");
    String[] y = b.split("[.-]");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int p = i < x.length && x[i].matches("\\d+") ? Integer.parseInt(x[i]) : 0;
      int q = i < y.length && y[i].matches("\\d+") ? Integer.parseInt(y[i]) : 0;
      if (p != q) {
        return Integer.compare(p, q);
      }
    }
    return 0;
  }
}
