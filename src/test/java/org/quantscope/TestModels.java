// SPDX-License-Identifier: Apache-2.0
package org.quantscope;

import static org.quantscope.model.Protos.attr;
import static org.quantscope.model.Protos.node;
import static org.quantscope.model.Protos.tensorValue;

import java.util.List;
import java.util.Random;
import org.quantscope.model.ElementType;
import org.quantscope.model.Protos;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;

/** Every fixture model of the test suite, built in code. */
public final class TestModels {
  private TestModels() {}

  /** Seeded values in [-1, 1). */
  public static float[] values(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextFloat() * 2 - 1;
    }
    return v;
  }

  public static ModelProto model(GraphProto.Builder g) {
    return Protos.model(g.build(), 8, 17);
  }

  /**
   * x[batch, 4] -> MatMul(W1 [4, 8]) -> Add(b1) -> Relu -> Gemm(W2 [3, 8], transB) -> Softmax: two
   * quantizable nodes, both with initializer weights.
   */
  public static ModelProto mlp() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("mlp");
    g.addInput(tensorValue("x", ElementType.FLOAT, "batch", 4));
    g.addOutput(tensorValue("y", ElementType.FLOAT, "batch", 3));
    g.addInitializer(Tensors.rawFloats("W1", new long[] {4, 8}, values(32, 1)));
    g.addInitializer(Tensors.rawFloats("b1", new long[] {8}, values(8, 2)));
    g.addInitializer(Tensors.rawFloats("W2", new long[] {3, 8}, values(24, 3)));
    g.addInitializer(Tensors.rawFloats("b2", new long[] {3}, values(3, 4)));
    g.addNode(node("MatMul", "fc1", List.of("x", "W1"), List.of("h")));
    g.addNode(node("Add", "fc1_bias", List.of("h", "b1"), List.of("hb")));
    g.addNode(node("Relu", "relu", List.of("hb"), List.of("r")));
    g.addNode(node("Gemm", "fc2", List.of("r", "W2", "b2"), List.of("logits"), attr("transB", 1L)));
    g.addNode(node("Softmax", "softmax", List.of("logits"), List.of("y"), attr("axis", 1L)));
    return model(g);
  }

  /**
   * A BERT-like encoder as an exporter writes it, with {@code layers} layers of 62 nodes (Constants
   * included): Q, K and V projections (MatMul, Add, Reshape, Transpose), scores, softmax, context,
   * output projection, residual Add and LayerNorm spelled out in nine ops, a GELU feed-forward and
   * a second LayerNorm. The embeddings end with the same nine LayerNorm ops the layers end with,
   * and a pooler follows. Two heads of 4 over a sequence of 4; it runs in ONNX Runtime. Node names
   * are path-like ({@code /encoder/layer.3/attention/self/query/MatMul}), or all empty when {@code
   * named} is false. Hidden size 8.
   */
  public static ModelProto bertEncoder(int layers, boolean named) {
    return model(new EncoderBuilder(named).encoder(layers));
  }

  /**
   * A ResNet-like CNN: a stem, stage 1 of three residual blocks (Conv, Relu, Conv, Add, Relu), then
   * stages 2 and 3 alike, each a downsampling block (strided Conv and a 1x1 shortcut Conv) and two
   * residual blocks, then pooling and a classifier. Names as torchvision exports them ({@code
   * /layer2/layer2.1/conv1/Conv}).
   */
  public static ModelProto resNetLike() {
    EncoderBuilder b = new EncoderBuilder(true);
    b.g.setName("resnet_like");
    b.g.addInput(tensorValue("img", ElementType.FLOAT, 1, 3, 32, 32));
    b.prefix = "";
    String x = b.op("Conv", "conv1/Conv", "img", b.weight("stem.w", 8, 3, 3, 3));
    x = b.op("Relu", "relu/Relu", x);
    x = b.op("MaxPool", "maxpool/MaxPool", x);
    int[] blocks = {3, 3, 3};
    for (int stage = 1; stage <= 3; stage++) {
      for (int k = 0; k < blocks[stage - 1]; k++) {
        b.prefix = "/layer" + stage + "/layer" + stage + "." + k;
        String w = "l" + stage + "." + k;
        boolean down = stage > 1 && k == 0;
        String in = x;
        String c =
            down
                ? b.op(
                    "Conv",
                    "conv1/Conv",
                    List.of(in, b.weight(w + ".c1", 8, 8, 3, 3)),
                    attr("strides", 2L, 2L))
                : b.op("Conv", "conv1/Conv", in, b.weight(w + ".c1", 8, 8, 3, 3));
        c = b.op("Relu", "relu/Relu", c);
        c = b.op("Conv", "conv2/Conv", c, b.weight(w + ".c2", 8, 8, 3, 3));
        if (down) {
          in =
              b.op(
                  "Conv",
                  "downsample/downsample.0/Conv",
                  List.of(in, b.weight(w + ".d", 8, 8, 1, 1)),
                  attr("strides", 2L, 2L));
        }
        c = b.op("Add", "Add", c, in);
        x = b.op("Relu", "relu_1/Relu", c);
      }
    }
    b.prefix = "";
    x = b.op("GlobalAveragePool", "avgpool/GlobalAveragePool", x);
    x = b.op("Flatten", "Flatten", x);
    x = b.op("Gemm", "fc/Gemm", x, b.weight("fc.w", 10, 8));
    b.g.addOutput(tensorValue(x, ElementType.FLOAT, 1, 10));
    return model(b.g);
  }

  /** Writes the nodes of {@link #bertEncoder} and {@link #resNetLike}. */
  private static final class EncoderBuilder {
    final GraphProto.Builder g = GraphProto.newBuilder().setName("bert_encoder");
    final boolean named;
    String prefix = "";
    private int values;

    EncoderBuilder(boolean named) {
      this.named = named;
    }

    GraphProto.Builder encoder(int layers) {
      g.addInput(tensorValue("input_ids", ElementType.INT64, 1, 4));
      g.addInput(tensorValue("attention_mask", ElementType.FLOAT, 1, 1, 1, 4));
      prefix = "/embeddings";
      String h = op("Gather", "word_embeddings/Gather", weight("word", 30, 8), "input_ids");
      h = op("Add", "Add", h, weight("positions", 4, 8));
      h = layerNorm(h);
      prefix = "";
      String mask = op("Mul", "Mul", "attention_mask", constant("Constant"));
      for (int layer = 0; layer < layers; layer++) {
        h = layer(layer, h, mask);
      }
      prefix = "/pooler";
      h = op("Gather", "Gather", List.of(h, ints("Constant")), attr("axis", 1L));
      h = op("MatMul", "dense/MatMul", h, weight("pool.w", 8, 8));
      h = op("Tanh", "activation/Tanh", h);
      g.addOutput(tensorValue(h, ElementType.FLOAT, 1, 8));
      return g;
    }

    private String layer(int layer, String h, String mask) {
      String base = "/encoder/layer." + layer;
      String w = "l" + layer;
      prefix = base + "/attention/self";
      String q = head("query", h, w + ".q", 0, 2, 1, 3);
      String k = head("key", h, w + ".k", 0, 2, 3, 1);
      String v = head("value", h, w + ".v", 0, 2, 1, 3);
      String s = op("MatMul", "MatMul", q, k);
      s = op("Div", "Div", s, constant("Constant"));
      s = op("Add", "Add", s, mask);
      s = op("Softmax", "Softmax", List.of(s), attr("axis", -1L));
      String c = op("MatMul", "MatMul_1", s, v);
      c = op("Transpose", "Transpose_3", List.of(c), attr("perm", 0L, 2L, 1L, 3L));
      c = op("Reshape", "Reshape_3", c, ints("Constant_1", 1, 4, 8));
      prefix = base + "/attention/output";
      c = op("MatMul", "dense/MatMul", c, weight(w + ".ao.w", 8, 8));
      c = op("Add", "dense/Add", c, weight(w + ".ao.b", 8));
      c = op("Add", "Add", c, h);
      String a = layerNorm(c);
      prefix = base + "/intermediate";
      String f = op("MatMul", "dense/MatMul", a, weight(w + ".i.w", 8, 32));
      f = op("Add", "dense/Add", f, weight(w + ".i.b", 32));
      String half = op("Div", "intermediate_act_fn/Div", f, constant("Constant"));
      half = op("Erf", "intermediate_act_fn/Erf", half);
      half = op("Add", "intermediate_act_fn/Add", half, constant("Constant_1"));
      f = op("Mul", "intermediate_act_fn/Mul", f, half);
      f = op("Mul", "intermediate_act_fn/Mul_1", f, constant("Constant_2"));
      prefix = base + "/output";
      f = op("MatMul", "dense/MatMul", f, weight(w + ".o.w", 32, 8));
      f = op("Add", "dense/Add", f, weight(w + ".o.b", 8));
      f = op("Add", "Add", f, a);
      return layerNorm(f);
    }

    private String head(String name, String h, String w, long... perm) {
      String x = op("MatMul", name + "/MatMul", h, weight(w + ".w", 8, 8));
      x = op("Add", name + "/Add", x, weight(w + ".b", 8));
      x = op("Reshape", name + "/Reshape", x, ints(name + "/Constant", 1, 4, 2, 4));
      return op("Transpose", name + "/Transpose", List.of(x), attr("perm", perm));
    }

    /** Nine ops, as exporters write a LayerNorm that was not fused. */
    private String layerNorm(String x) {
      String saved = prefix;
      prefix = prefix + "/LayerNorm";
      String mean = op("ReduceMean", "ReduceMean", List.of(x), attr("axes", new long[] {-1}));
      String d = op("Sub", "Sub", x, mean);
      String sq = op("Pow", "Pow", d, constant("Constant"));
      String variance =
          op("ReduceMean", "ReduceMean_1", List.of(sq), attr("axes", new long[] {-1}));
      String std = op("Add", "Add", variance, constant("Constant_1"));
      std = op("Sqrt", "Sqrt", std);
      String y = op("Div", "Div", d, std);
      y = op("Mul", "Mul", y, weight(saved + ".gamma", 8));
      y = op("Add", "Add_1", y, weight(saved + ".beta", 8));
      prefix = saved;
      return y;
    }

    String op(String opType, String name, String... inputs) {
      return add(opType, name, List.of(inputs), List.of());
    }

    String op(String opType, String name, List<String> inputs, AttributeProto... attributes) {
      return add(opType, name, inputs, List.of(attributes));
    }

    private String add(
        String opType, String name, List<String> inputs, List<AttributeProto> attributes) {
      String out = "v" + values++;
      NodeProto.Builder n =
          NodeProto.newBuilder()
              .setOpType(opType)
              .setName(named ? prefix + "/" + name : "")
              .addAllInput(inputs)
              .addOutput(out)
              .addAllAttribute(attributes);
      g.addNode(n);
      return out;
    }

    String constant(String name) {
      String out = "v" + values++;
      g.addNode(
          NodeProto.newBuilder()
              .setOpType("Constant")
              .setName(named ? prefix + "/" + name : "")
              .addOutput(out)
              .addAttribute(
                  attr("value", Tensors.rawFloats("", new long[] {1}, new float[] {values}))));
      return out;
    }

    /** An int64 Constant: a shape for Reshape, or with no values the scalar index 0. */
    String ints(String name, long... values) {
      String out = "v" + this.values++;
      g.addNode(
          NodeProto.newBuilder()
              .setOpType("Constant")
              .setName(named ? prefix + "/" + name : "")
              .addOutput(out)
              .addAttribute(
                  attr(
                      "value",
                      values.length == 0
                          ? Tensors.int64Data("", new long[] {}, 0L)
                          : Tensors.int64Data("", new long[] {values.length}, values))));
      return out;
    }

    String weight(String name, long... dims) {
      int n = 1;
      for (long d : dims) {
        n *= (int) d;
      }
      g.addInitializer(Tensors.rawFloats(name, dims, values(n, name.hashCode())));
      return name;
    }
  }

  /**
   * One initializer per storage kind, every one consumed by an Identity node so the model runs:
   * raw_data and each typed field, small ints, float16, bool, strings, complex, 4-bit.
   */
  public static ModelProto allStorageKinds() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("storage");
    List<TensorProto> tensors =
        List.of(
            Tensors.rawFloats("f_raw", new long[] {2, 3}, 1f, -2f, 3.5f, 0f, -0f, 1e-30f),
            Tensors.floatData("f_typed", new long[] {3}, 0.5f, Float.MAX_VALUE, -Float.MIN_VALUE),
            Tensors.int32Data("i8", ElementType.INT8, new long[] {4}, -128, -1, 0, 127),
            Tensors.int32Data("u8", ElementType.UINT8, new long[] {3}, 0, 128, 255),
            Tensors.int32Data("i16", ElementType.INT16, new long[] {2}, -32768, 32767),
            Tensors.int32Data("u16", ElementType.UINT16, new long[] {2}, 0, 65535),
            Tensors.int32Data("i32", ElementType.INT32, new long[] {2}, Integer.MIN_VALUE, 7),
            Tensors.int32Data("b", ElementType.BOOL, new long[] {3}, 1, 0, 1),
            Tensors.int32Data("h", ElementType.FLOAT16, new long[] {2}, 0x3c00, 0xc000),
            Tensors.int32Data("bf", ElementType.BFLOAT16, new long[] {1}, 0x3f80),
            Tensors.int64Data("i64", new long[] {3}, Long.MIN_VALUE, 0, Long.MAX_VALUE),
            TensorProto.newBuilder()
                .setName("d")
                .setDataType(ElementType.DOUBLE.code())
                .addDims(2)
                .addDoubleData(Math.PI)
                .addDoubleData(-1e300)
                .build(),
            TensorProto.newBuilder()
                .setName("u32")
                .setDataType(ElementType.UINT32.code())
                .addDims(2)
                .addUint64Data(0xffffffffL)
                .addUint64Data(1)
                .build(),
            TensorProto.newBuilder()
                .setName("u64")
                .setDataType(ElementType.UINT64.code())
                .addDims(1)
                .addUint64Data(-1L)
                .build(),
            TensorProto.newBuilder()
                .setName("s")
                .setDataType(ElementType.STRING.code())
                .addDims(2)
                .addStringData(com.google.protobuf.ByteString.copyFromUtf8("héllo"))
                .addStringData(com.google.protobuf.ByteString.copyFromUtf8(""))
                .build(),
            TensorProto.newBuilder()
                .setName("c64")
                .setDataType(ElementType.COMPLEX64.code())
                .addDims(1)
                .addFloatData(1f)
                .addFloatData(-1f)
                .build(),
            Tensors.int32Data("i4", ElementType.INT4, new long[] {3}, 0x7f, 0x08),
            Tensors.rawFloats("scalar", new long[] {}, 42f),
            Tensors.rawFloats("empty", new long[] {0, 5}));
    for (TensorProto t : tensors) {
      g.addInitializer(t);
      ElementType type = ElementType.of(t.getDataType()).orElseThrow();
      String out = t.getName() + "_out";
      g.addNode(node("Identity", "id_" + t.getName(), List.of(t.getName()), List.of(out)));
      Object[] dims = t.getDimsList().toArray();
      g.addOutput(tensorValue(out, type, dims));
    }
    return model(g);
  }

  /** A model whose weight is big enough to go to external data: [256, 256] floats. */
  public static ModelProto bigWeight() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("big");
    g.addInput(tensorValue("x", ElementType.FLOAT, 1, 256));
    g.addOutput(tensorValue("y", ElementType.FLOAT, 1, 256));
    g.addInitializer(Tensors.rawFloats("W", new long[] {256, 256}, values(256 * 256, 9)));
    g.addInitializer(Tensors.floatData("bias", new long[] {256}, values(256, 10)));
    g.addInitializer(Tensors.rawFloats("tiny", new long[] {1}, 0.5f));
    g.addNode(node("MatMul", "mm", List.of("x", "W"), List.of("h")));
    g.addNode(node("Add", "add", List.of("h", "bias"), List.of("h2")));
    g.addNode(node("Mul", "mul", List.of("h2", "tiny"), List.of("y")));
    return model(g);
  }

  /**
   * An If whose branches each hold a MatMul on the outer initializer W: op counts must include the
   * branch nodes.
   */
  public static ModelProto withIf() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("cond");
    g.addInput(tensorValue("x", ElementType.FLOAT, 1, 4));
    g.addInput(tensorValue("flag", ElementType.BOOL));
    g.addOutput(tensorValue("y", ElementType.FLOAT, 1, 4));
    g.addInitializer(Tensors.rawFloats("W", new long[] {4, 4}, values(16, 5)));
    GraphProto thenBranch =
        GraphProto.newBuilder()
            .setName("then")
            .addNode(node("MatMul", "then_mm", List.of("x", "W"), List.of("t_out")))
            .addOutput(tensorValue("t_out", ElementType.FLOAT, 1, 4))
            .build();
    GraphProto elseBranch =
        GraphProto.newBuilder()
            .setName("else")
            .addNode(node("MatMul", "", List.of("x", "W"), List.of("e_mm")))
            .addNode(node("Relu", "", List.of("e_mm"), List.of("e_out")))
            .addOutput(tensorValue("e_out", ElementType.FLOAT, 1, 4))
            .build();
    g.addNode(
        node(
            "If",
            "branch",
            List.of("flag"),
            List.of("y"),
            attr("then_branch", thenBranch),
            attr("else_branch", elseBranch)));
    return model(g);
  }

  /**
   * Gemm nodes inside If branches, as wake-word and VAD models have them. Main graph: a plain Gemm
   * {@code pre} (transB, weight Wm), then the If {@code branch} (attributes unsorted, with a domain
   * and a doc_string), then the MatMul {@code head} on its output; the If output is also a graph
   * output. The then-branch Gemm {@code then_fc} reads the main graph's W_shared with transB and
   * has a bias of its own; the else-branch has a plain {@code else_fc} on its own W_else, a {@code
   * late_fc} with transB on the main graph's W_late and a {@code scaled_fc} with alpha = 0.5 that
   * ORT leaves a Gemm.
   */
  public static ModelProto gemmInIf() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("gemm_in_if");
    g.addInput(tensorValue("x", ElementType.FLOAT, 2, 8));
    g.addInput(tensorValue("flag", ElementType.BOOL));
    g.addOutput(tensorValue("y", ElementType.FLOAT, 2, 4));
    g.addOutput(tensorValue("h", ElementType.FLOAT, 2, 8));
    g.addInitializer(Tensors.rawFloats("W_shared", new long[] {8, 8}, values(64, 91)));
    g.addInitializer(Tensors.rawFloats("Wm", new long[] {8, 8}, values(64, 92)));
    g.addInitializer(Tensors.rawFloats("W_late", new long[] {8, 8}, values(64, 93)));
    g.addInitializer(Tensors.rawFloats("W_head", new long[] {8, 4}, values(32, 94)));
    GraphProto thenBranch =
        GraphProto.newBuilder()
            .setName("then")
            .addInitializer(Tensors.rawFloats("B_then", new long[] {8}, values(8, 95)))
            .addNode(
                node(
                    "Gemm",
                    "then_fc",
                    List.of("p", "W_shared", "B_then"),
                    List.of("t_out"),
                    attr("transB", 1L)))
            .addOutput(tensorValue("t_out", ElementType.FLOAT, 2, 8))
            .build();
    GraphProto elseBranch =
        GraphProto.newBuilder()
            .setName("else")
            .addInitializer(Tensors.rawFloats("W_else", new long[] {8, 8}, values(64, 96)))
            .addNode(node("Gemm", "else_fc", List.of("p", "W_else"), List.of("e1")))
            .addNode(
                node("Gemm", "late_fc", List.of("e1", "W_late"), List.of("e2"), attr("transB", 1L)))
            .addNode(
                node(
                    "Gemm",
                    "scaled_fc",
                    List.of("e2", "W_else"),
                    List.of("e_out"),
                    attr("alpha", 0.5f)))
            .addOutput(tensorValue("e_out", ElementType.FLOAT, 2, 8))
            .build();
    g.addNode(node("Gemm", "pre", List.of("x", "Wm"), List.of("p"), attr("transB", 1L)));
    g.addNode(
        node(
                "If",
                "branch",
                List.of("flag"),
                List.of("h"),
                attr("then_branch", thenBranch),
                attr("else_branch", elseBranch))
            .toBuilder()
            .setDomain("ai.onnx")
            .setDocString("picks a branch")
            .build());
    g.addNode(node("MatMul", "head", List.of("h", "W_head"), List.of("y")));
    return model(g);
  }

  /**
   * An opset 9 CNN as old exporters wrote them (PaddleOCR's classifiers, PyTorch before opset 11):
   * x[1, 3, 8, 8] -> Conv -> Clip(0, 6) with attributes -> Upsample (scales [1, 1, 2, 2]) -> Slice
   * with starts/ends/axes attributes -> Pad (pads and value attributes) -> GlobalAveragePool ->
   * Flatten -> Gemm (transB) -> y, and TopK(k = 2) of y. Every op the conversion to opset 11 has to
   * adapt, in one graph that ONNX Runtime runs before and after.
   */
  public static ModelProto opset9Cnn() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("opset9_cnn");
    g.addInput(tensorValue("x", ElementType.FLOAT, 1, 3, 8, 8));
    g.addOutput(tensorValue("y", ElementType.FLOAT, 1, 4));
    g.addOutput(tensorValue("top", ElementType.FLOAT, 1, 2));
    g.addInitializer(Tensors.rawFloats("conv.w", new long[] {6, 3, 3, 3}, values(162, 101)));
    g.addInitializer(Tensors.floatData("scales", new long[] {4}, 1f, 1f, 2f, 2f));
    g.addInitializer(Tensors.rawFloats("fc.w", new long[] {4, 6}, values(24, 102)));
    g.addInitializer(Tensors.rawFloats("fc.b", new long[] {4}, values(4, 103)));
    g.addNode(
        node(
            "Conv",
            "conv",
            List.of("x", "conv.w"),
            List.of("c"),
            attr("kernel_shape", 3L, 3L),
            attr("pads", 1L, 1L, 1L, 1L)));
    g.addNode(node("Clip", "relu6", List.of("c"), List.of("r"), attr("min", 0f), attr("max", 6f)));
    g.addNode(
        node("Upsample", "up", List.of("r", "scales"), List.of("u"), attr("mode", "nearest")));
    g.addNode(
        node(
            "Slice",
            "crop",
            List.of("u"),
            List.of("s"),
            attr("starts", 1L, 1L),
            attr("ends", 15L, 15L),
            attr("axes", 2L, 3L)));
    g.addNode(
        node(
            "Pad",
            "pad",
            List.of("s"),
            List.of("p"),
            attr("pads", 0L, 0L, 1L, 1L, 0L, 0L, 1L, 1L),
            attr("value", 0f)));
    g.addNode(node("GlobalAveragePool", "gap", List.of("p"), List.of("g")));
    g.addNode(node("Flatten", "flat", List.of("g"), List.of("f"), attr("axis", 1L)));
    g.addNode(node("Gemm", "fc", List.of("f", "fc.w", "fc.b"), List.of("y"), attr("transB", 1L)));
    g.addNode(node("TopK", "topk", List.of("y"), List.of("top", "top_idx"), attr("k", 2L)));
    return Protos.model(g.build(), 8, 9);
  }

  /** A MatMul whose weight comes from a Constant node, as Paddle and others export. */
  public static ModelProto constantWeight() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("const");
    g.addInput(tensorValue("x", ElementType.FLOAT, 1, 4));
    g.addOutput(tensorValue("y", ElementType.FLOAT, 1, 2));
    g.addNode(
        node(
            "Constant",
            "w_const",
            List.of(),
            List.of("w"),
            attr("value", Tensors.rawFloats("w_value", new long[] {4, 2}, values(8, 6)))));
    g.addNode(node("MatMul", "mm", List.of("x", "w"), List.of("y")));
    return model(g);
  }

  /**
   * One node of every candidate op type, each in a situation with a known verdict. Names say what
   * is expected: {@code yes_*} will be quantized, {@code no_*} will not.
   */
  public static ModelProto candidates() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("candidates");
    g.addInput(tensorValue("x", ElementType.FLOAT, 1, 4));
    g.addInput(tensorValue("img", ElementType.FLOAT, 1, 2, 5, 5));
    g.addInput(tensorValue("ids", ElementType.INT64, 1, 3));
    g.addInput(tensorValue("seq", ElementType.FLOAT, 3, 1, 4));
    g.addInput(tensorValue("xi", ElementType.INT32, 1, 4));
    g.addInput(tensorValue("z", ElementType.FLOAT, 2, 3));
    g.addInitializer(Tensors.rawFloats("W", new long[] {4, 4}, values(16, 11)));
    g.addInitializer(Tensors.int32Data("Wi", ElementType.INT32, new long[] {4, 4}, new int[16]));
    g.addInitializer(Tensors.rawFloats("K", new long[] {3, 2, 3, 3}, values(54, 12)));
    g.addInitializer(Tensors.rawFloats("E", new long[] {10, 4}, values(40, 13)));
    g.addInitializer(Tensors.rawFloats("LW", new long[] {1, 8, 4}, values(32, 14)));
    g.addInitializer(Tensors.rawFloats("LR", new long[] {1, 8, 2}, values(16, 15)));

    List<NodeProto> nodes =
        List.of(
            node("MatMul", "yes_matmul", List.of("x", "W"), List.of("m1")),
            node("MatMul", "no_matmul_activation", List.of("m1", "m1"), List.of("m2")),
            node("MatMul", "no_matmul_int", List.of("xi", "Wi"), List.of("m3")),
            node("Gemm", "yes_gemm", List.of("x", "W"), List.of("g1")),
            node("Gemm", "no_gemm_alpha", List.of("x", "W"), List.of("g2"), attr("alpha", 0.5f)),
            node("Gemm", "no_gemm_transA", List.of("x", "W"), List.of("g3"), attr("transA", 1L)),
            node("Conv", "yes_conv", List.of("img", "K"), List.of("c1")),
            node("Gather", "yes_gather", List.of("E", "ids"), List.of("emb")),
            node("Transpose", "yes_transpose", List.of("emb"), List.of("embT")),
            // x was quantized for yes_matmul, so ORT runs this Transpose on x_quantized
            node("Transpose", "yes_transpose_activation", List.of("x"), List.of("xT")),
            node("Transpose", "no_transpose", List.of("z"), List.of("zT")),
            node("Gather", "no_gather_activation", List.of("x", "ids"), List.of("gx")),
            node(
                "LSTM",
                "yes_lstm",
                List.of("seq", "LW", "LR"),
                List.of("ly"),
                attr("hidden_size", 2L)),
            node(
                "LSTM",
                "no_lstm",
                List.of("seq", "m1", "LR"),
                List.of("ly2"),
                attr("hidden_size", 2L)));
    g.addAllNode(nodes);
    for (String out :
        List.of("m2", "m3", "g1", "g2", "g3", "c1", "embT", "xT", "zT", "gx", "ly", "ly2")) {
      g.addOutput(
          Protos.tensorValueNoShape(out, out.equals("m3") ? ElementType.INT32 : ElementType.FLOAT));
    }
    return model(g);
  }

  /** Conv with bias (named) then an unnamed Conv without bias, pooling and a flat output. */
  public static ModelProto convNet() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("convnet");
    g.addInput(tensorValue("img", ElementType.FLOAT, 1, 2, 8, 8));
    g.addOutput(tensorValue("feat", ElementType.FLOAT, 1, 3));
    g.addInitializer(Tensors.rawFloats("K1", new long[] {4, 2, 3, 3}, values(72, 21)));
    g.addInitializer(Tensors.rawFloats("B1", new long[] {4}, values(4, 22)));
    g.addInitializer(Tensors.rawFloats("K2", new long[] {3, 4, 1, 1}, values(12, 23)));
    g.addNode(
        node(
            "Conv",
            "conv1",
            List.of("img", "K1", "B1"),
            List.of("c1"),
            attr("pads", 1L, 1L, 1L, 1L),
            attr("kernel_shape", 3L, 3L)));
    g.addNode(node("Relu", "relu1", List.of("c1"), List.of("r1")));
    g.addNode(node("Conv", "", List.of("r1", "K2"), List.of("c2")));
    g.addNode(node("GlobalAveragePool", "gap", List.of("c2"), List.of("p")));
    g.addNode(node("Flatten", "flat", List.of("p"), List.of("feat")));
    return model(g);
  }

  /**
   * An embedding table read by Gather; its output feeds a MatMul (which takes the 8-bit copy
   * directly), a Transpose (which runs on it) and a ReduceMean (which needs it dequantized), and is
   * a graph output too.
   */
  public static ModelProto embedding() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("embedding");
    g.addInput(tensorValue("ids", ElementType.INT64, 1, 5));
    g.addOutput(tensorValue("proj", ElementType.FLOAT, 1, 5, 4));
    g.addOutput(tensorValue("mean", ElementType.FLOAT, 1, 5, 1));
    g.addOutput(tensorValue("embT", ElementType.FLOAT, 8, 5, 1));
    g.addOutput(tensorValue("emb", ElementType.FLOAT, 1, 5, 8));
    g.addInitializer(Tensors.rawFloats("E", new long[] {20, 8}, values(160, 31)));
    g.addInitializer(Tensors.rawFloats("Wp", new long[] {8, 4}, values(32, 32)));
    g.addNode(node("Gather", "lookup", List.of("E", "ids"), List.of("emb")));
    g.addNode(node("MatMul", "project", List.of("emb", "Wp"), List.of("proj")));
    g.addNode(
        node("ReduceMean", "avg", List.of("emb"), List.of("mean"), attr("axes", new long[] {2})));
    g.addNode(node("Transpose", "swap", List.of("emb"), List.of("embT"), attr("perm", 2L, 1L, 0L)));
    return model(g);
  }

  /** One LSTM layer (seq 4, batch 1, input 3, hidden 2) with bias. */
  public static ModelProto lstm() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("lstm");
    g.addInput(tensorValue("X", ElementType.FLOAT, 4, 1, 3));
    g.addOutput(tensorValue("Y", ElementType.FLOAT, 4, 1, 1, 2));
    g.addOutput(tensorValue("Y_h", ElementType.FLOAT, 1, 1, 2));
    g.addInitializer(Tensors.rawFloats("W", new long[] {1, 8, 3}, values(24, 41)));
    g.addInitializer(Tensors.rawFloats("R", new long[] {1, 8, 2}, values(16, 42)));
    g.addInitializer(Tensors.rawFloats("Bl", new long[] {1, 16}, values(16, 43)));
    g.addNode(
        node(
            "LSTM",
            "lstm",
            List.of("X", "W", "R", "Bl"),
            List.of("Y", "Y_h"),
            attr("hidden_size", 2L)));
    return model(g);
  }

  /**
   * com.microsoft EmbedLayerNormalization followed by Attention, as ORT's BERT optimizer writes.
   */
  public static ModelProto fusedBert() {
    int hidden = 8;
    GraphProto.Builder g = GraphProto.newBuilder().setName("fused_bert");
    g.addInput(tensorValue("input_ids", ElementType.INT32, 1, 4));
    g.addInput(tensorValue("segment_ids", ElementType.INT32, 1, 4));
    g.addOutput(tensorValue("attn", ElementType.FLOAT, 1, 4, hidden));
    g.addInitializer(Tensors.rawFloats("word", new long[] {10, hidden}, values(10 * hidden, 51)));
    g.addInitializer(Tensors.rawFloats("pos", new long[] {16, hidden}, values(16 * hidden, 52)));
    g.addInitializer(Tensors.rawFloats("seg", new long[] {2, hidden}, values(2 * hidden, 53)));
    float[] ones = new float[hidden];
    java.util.Arrays.fill(ones, 1f);
    g.addInitializer(Tensors.rawFloats("gamma", new long[] {hidden}, ones));
    g.addInitializer(Tensors.rawFloats("beta", new long[] {hidden}, new float[hidden]));
    g.addInitializer(
        Tensors.rawFloats(
            "qkv_w", new long[] {hidden, 3 * hidden}, values(3 * hidden * hidden, 54)));
    g.addInitializer(Tensors.rawFloats("qkv_b", new long[] {3 * hidden}, values(3 * hidden, 55)));
    g.addNode(
        node(
                "EmbedLayerNormalization",
                "embed",
                List.of("input_ids", "segment_ids", "word", "pos", "seg", "gamma", "beta"),
                List.of("emb_out", "mask_index"),
                attr("epsilon", 1e-12f))
            .toBuilder()
            .setDomain("com.microsoft")
            .build());
    g.addNode(
        node(
                "Attention",
                "attention",
                List.of("emb_out", "qkv_w", "qkv_b"),
                List.of("attn"),
                attr("num_heads", 2L))
            .toBuilder()
            .setDomain("com.microsoft")
            .build());
    return Protos.model(g.build(), 8, 17).toBuilder()
        .addOpsetImport(Protos.opset("com.microsoft", 1))
        .build();
  }

  /** A classifier made only of ai.onnx.ml operators: nothing to quantize. */
  public static ModelProto treeOnly() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("trees");
    g.addInput(tensorValue("x", ElementType.FLOAT, 1, 2));
    g.addOutput(tensorValue("y", ElementType.FLOAT, 1, 2));
    g.addNode(
        node("Normalizer", "norm", List.of("x"), List.of("y"), attr("norm", "L2")).toBuilder()
            .setDomain("ai.onnx.ml")
            .build());
    return Protos.model(g.build(), 8, 17).toBuilder()
        .clearOpsetImport()
        .addOpsetImport(Protos.opset("ai.onnx.ml", 3))
        .build();
  }

  /**
   * Gemm nodes ORT leaves in float: transA with transB, alpha and beta on constants; and alpha,
   * beta on a C computed at run time.
   */
  public static ModelProto gemmGeneral() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("gemm_general");
    g.addInput(tensorValue("xt", ElementType.FLOAT, 4, 2));
    g.addOutput(tensorValue("y", ElementType.FLOAT, 2, 3));
    g.addOutput(tensorValue("z", ElementType.FLOAT, 2, 3));
    g.addInitializer(Tensors.rawFloats("B", new long[] {3, 4}, values(12, 61)));
    g.addInitializer(Tensors.rawFloats("C", new long[] {3}, values(3, 62)));
    g.addInitializer(Tensors.rawFloats("B2", new long[] {4, 3}, values(12, 63)));
    g.addNode(
        node(
            "Gemm",
            "g1",
            List.of("xt", "B", "C"),
            List.of("y"),
            attr("transA", 1L),
            attr("transB", 1L),
            attr("alpha", 0.5f),
            attr("beta", 2f)));
    g.addNode(
        node(
            "Gemm",
            "g2",
            List.of("xt", "B2", "y"),
            List.of("z"),
            attr("transA", 1L),
            attr("alpha", 1.5f),
            attr("beta", 0.25f)));
    return model(g);
  }

  /** MatMul weights shared the way exporters do: an Identity of an initializer. */
  public static ModelProto identityWeights() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("identity_weights");
    g.addInput(tensorValue("x", ElementType.FLOAT, 1, 4));
    g.addOutput(tensorValue("y", ElementType.FLOAT, 1, 4));
    g.addInitializer(Tensors.rawFloats("W", new long[] {4, 4}, values(16, 64)));
    g.addNode(node("Identity", "Identity_0", List.of("W"), List.of("W_copy")));
    g.addNode(node("MatMul", "mm1", List.of("x", "W"), List.of("h")));
    g.addNode(node("MatMul", "mm2", List.of("h", "W_copy"), List.of("y")));
    return model(g);
  }

  /** The MLP with value_info an exporter left behind that no longer fits the graph. */
  public static ModelProto staleValueInfo() {
    ModelProto m = mlp();
    GraphProto g =
        m.getGraph().toBuilder()
            .addValueInfo(tensorValue("h", ElementType.FLOAT, "batch", 99))
            .addValueInfo(tensorValue("W2", ElementType.FLOAT, 3, 8))
            .addValueInfo(tensorValue("logits", ElementType.FLOAT, 7, 7))
            .build();
    return m.toBuilder().setGraph(g).build();
  }

  /** Token ids and an attention mask with symbolic dims, as transformer exports have. */
  public static ModelProto tokens() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("tokens");
    g.addInput(tensorValue("input_ids", ElementType.INT64, "batch", "sequence"));
    g.addInput(tensorValue("attention_mask", ElementType.INT64, "batch", "sequence"));
    g.addOutput(tensorValue("summed", ElementType.FLOAT, "batch", "sequence", 4));
    g.addOutput(tensorValue("mask_out", ElementType.INT64, "batch", "sequence"));
    g.addInitializer(Tensors.rawFloats("emb", new long[] {50, 4}, values(200, 71)));
    g.addNode(node("Gather", "lookup", List.of("emb", "input_ids"), List.of("summed")));
    g.addNode(node("Identity", "mask_copy", List.of("attention_mask"), List.of("mask_out")));
    return model(g);
  }

  /**
   * x[batch, 16] -> fc1 (MatMul 16x16) -> Relu -> fc2 (MatMul 16x16) -> Relu -> fc3 (MatMul 16x4)
   * -> y: three quantizable layers with weights in [-1, 1). A layer named in {@code fragile} gets
   * one weight of 1000 on an input row that is always 0 (the previous layer's column for it is
   * zero, so Relu gives 0): the float output does not change, but with one scale per tensor every
   * other weight of that layer rounds to 0 in int8, so quantizing it wrecks the output. Only fc2
   * and fc3 can be made fragile.
   */
  public static ModelProto fragileMlp(String... fragile) {
    List<String> f = List.of(fragile);
    int w = 16;
    float[] w1 = values(w * w, 81);
    float[] w2 = values(w * w, 82);
    float[] w3 = values(w * 4, 83);
    if (f.contains("fc2")) {
      for (int i = 0; i < w; i++) {
        w1[i * w] = 0; // column 0 of fc1: h1[0] is always 0
      }
      w2[3] = 1000; // row 0 of fc2
    }
    if (f.contains("fc3")) {
      for (int i = 0; i < w; i++) {
        w2[i * w + 1] = 0; // column 1 of fc2: h2[1] is always 0
      }
      w3[4 + 2] = 1000; // row 1 of fc3
    }
    GraphProto.Builder g = GraphProto.newBuilder().setName("fragile_mlp");
    g.addInput(tensorValue("x", ElementType.FLOAT, "batch", w));
    g.addOutput(tensorValue("y", ElementType.FLOAT, "batch", 4));
    g.addInitializer(Tensors.rawFloats("W1", new long[] {w, w}, w1));
    g.addInitializer(Tensors.rawFloats("W2", new long[] {w, w}, w2));
    g.addInitializer(Tensors.rawFloats("W3", new long[] {w, 4}, w3));
    g.addNode(node("MatMul", "fc1", List.of("x", "W1"), List.of("h1")));
    g.addNode(node("Relu", "relu1", List.of("h1"), List.of("r1")));
    g.addNode(node("MatMul", "fc2", List.of("r1", "W2"), List.of("h2")));
    g.addNode(node("Relu", "relu2", List.of("h2"), List.of("r2")));
    g.addNode(node("MatMul", "fc3", List.of("r2", "W3"), List.of("y")));
    return model(g);
  }

  /**
   * Three MatMul layers, 30x256, 256x256 and 256x4, with ReLU between: the first breaks parity when
   * quantized (one weight of 1000 in the row of input feature 0, which {@link #bigMiddleFeeds}
   * keeps at zero, so that the float model never sees it but its int8 scale rounds every other
   * weight of the layer to 0); the big middle layer and the small last one are plain.
   */
  public static ModelProto bigMiddleMlp() {
    float[] w1 = values(30 * 256, 91);
    w1[7] = 1000; // row 0 (input feature 0), column 7
    GraphProto.Builder g = GraphProto.newBuilder().setName("big_middle_mlp");
    g.addInput(tensorValue("x", ElementType.FLOAT, "batch", 30));
    g.addOutput(tensorValue("y", ElementType.FLOAT, "batch", 4));
    g.addInitializer(Tensors.rawFloats("W1", new long[] {30, 256}, w1));
    float[] w2 = values(256 * 256, 92);
    w2[3] = 4; // a wider range: coarser int8 steps than the last layer's
    g.addInitializer(Tensors.rawFloats("W2", new long[] {256, 256}, w2));
    g.addInitializer(Tensors.rawFloats("W3", new long[] {256, 4}, values(256 * 4, 93)));
    g.addNode(node("MatMul", "fc1", List.of("x", "W1"), List.of("h1")));
    g.addNode(node("Relu", "relu1", List.of("h1"), List.of("r1")));
    g.addNode(node("MatMul", "fc2", List.of("r1", "W2"), List.of("h2")));
    g.addNode(node("Relu", "relu2", List.of("h2"), List.of("r2")));
    g.addNode(node("MatMul", "fc3", List.of("r2", "W3"), List.of("y")));
    return model(g);
  }

  /** Samples for {@link #bigMiddleMlp}: one batch of {@code rows}, input feature 0 always 0. */
  public static java.util.List<java.util.Map<String, org.quantscope.runtime.NdArray>>
      bigMiddleFeeds(int rows) {
    float[] x = values(rows * 30, 94);
    for (int r = 0; r < rows; r++) {
      x[r * 30] = 0;
    }
    return java.util.List.of(java.util.Map.of("x", org.quantscope.runtime.NdArray.of(x, rows, 30)));
  }

  /**
   * A breast-cancer-like classifier: 30 standardised features, MatMul 30x16, ReLU, MatMul 16x1,
   * Sigmoid. With {@link #outlierFeeds} it shows why the batch is part of a verdict: one far row
   * widens the uint8 step of the first layer's input for every row of its run.
   */
  public static ModelProto outlierMlp() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("outlier_mlp");
    g.addInput(tensorValue("x", ElementType.FLOAT, "batch", 30));
    g.addOutput(tensorValue("p", ElementType.FLOAT, "batch", 1));
    float[] w1 = values(30 * 16, 61);
    for (int i = 0; i < w1.length; i++) {
      w1[i] *= 0.6f;
    }
    g.addInitializer(Tensors.rawFloats("W1", new long[] {30, 16}, w1));
    g.addInitializer(Tensors.rawFloats("W2", new long[] {16, 1}, values(16, 62)));
    g.addNode(node("MatMul", "fc1", List.of("x", "W1"), List.of("h")));
    g.addNode(node("Relu", "relu", List.of("h"), List.of("r")));
    g.addNode(node("MatMul", "fc2", List.of("r", "W2"), List.of("logit")));
    g.addNode(node("Sigmoid", "sigmoid", List.of("logit"), List.of("p")));
    return model(g);
  }

  /**
   * One batch of {@code rows} standard normal rows for {@link #outlierMlp}, the last with feature 0
   * at {@code far} standard deviations.
   */
  public static java.util.List<java.util.Map<String, org.quantscope.runtime.NdArray>> outlierFeeds(
      int rows, float far) {
    Random r = new Random(63);
    float[] x = new float[rows * 30];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    x[(rows - 1) * 30] = far;
    return java.util.List.of(java.util.Map.of("x", org.quantscope.runtime.NdArray.of(x, rows, 30)));
  }

  /**
   * x[batch, 64] -> MatMul(W [64, 16]) -> y: weights of magnitude 0.5 to 1 (random signs, so int8
   * weights fill most of [-127, 127]), meant for inputs in [0, 1) (uint8 activations up to 255):
   * many adjacent pairs of u8 x s8 products overflow 16 bits, as on CPUs without VNNI.
   */
  public static ModelProto saturatingMatMul() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("saturating");
    g.addInput(tensorValue("x", ElementType.FLOAT, "batch", 64));
    g.addOutput(tensorValue("y", ElementType.FLOAT, "batch", 16));
    Random r = new Random(20);
    float[] w = new float[64 * 16];
    for (int i = 0; i < w.length; i++) {
      w[i] = (r.nextBoolean() ? 1 : -1) * (0.5f + 0.5f * r.nextFloat());
    }
    g.addInitializer(Tensors.rawFloats("W", new long[] {64, 16}, w));
    g.addNode(node("MatMul", "fc", List.of("x", "W"), List.of("y")));
    return model(g);
  }

  /**
   * x[batch, 4, 9, 9] -> Conv(W1 [6, 2, 3, 3], group 2, pads 1, strides 2) -> Relu -> Conv(W2 [5,
   * 6, 1, 1], pointwise) -> y: weights of magnitude 0.5 to 1 with random signs, meant for inputs in
   * [0, 1): both 8-bit ranges full, as in {@link #saturatingMatMul()}.
   */
  public static ModelProto saturatingConv() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("saturating_conv");
    g.addInput(tensorValue("x", ElementType.FLOAT, "batch", 4, 9, 9));
    g.addOutput(tensorValue("y", ElementType.FLOAT, "batch", 5, 5, 5));
    Random r = new Random(21);
    float[] w1 = new float[6 * 2 * 3 * 3];
    float[] w2 = new float[5 * 6];
    for (float[] w : List.of(w1, w2)) {
      for (int i = 0; i < w.length; i++) {
        w[i] = (r.nextBoolean() ? 1 : -1) * (0.5f + 0.5f * r.nextFloat());
      }
    }
    g.addInitializer(Tensors.rawFloats("W1", new long[] {6, 2, 3, 3}, w1));
    g.addInitializer(Tensors.rawFloats("W2", new long[] {5, 6, 1, 1}, w2));
    g.addNode(
        node(
            "Conv",
            "conv1",
            List.of("x", "W1"),
            List.of("c1"),
            attr("pads", 1L, 1L, 1L, 1L),
            attr("strides", 2L, 2L),
            attr("group", 2L),
            attr("kernel_shape", 3L, 3L)));
    g.addNode(node("Relu", "relu", List.of("c1"), List.of("r1")));
    g.addNode(node("Conv", "conv2", List.of("r1", "W2"), List.of("y")));
    return model(g);
  }

  /**
   * One com.microsoft integer op as other tools write them, on an int8 weight B [4, 3]:
   * DynamicQuantizeMatMul (float x[2, 4]), MatMulIntegerToFloat or QGemm (uint8 xq[2, 4]); output y
   * float [2, 3]. For checking where each op runs.
   */
  public static ModelProto contribInt8(String op) {
    GraphProto.Builder g = GraphProto.newBuilder().setName(op);
    byte[] b = new byte[12];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i * 19 - 100);
    }
    g.addInitializer(
        Tensors.raw("B", ElementType.INT8, new long[] {4, 3}, java.nio.ByteBuffer.wrap(b)));
    g.addInitializer(Tensors.rawFloats("b_scale", new long[] {}, 0.01f));
    g.addInitializer(
        Tensors.raw(
            "b_zero", ElementType.INT8, new long[] {}, java.nio.ByteBuffer.wrap(new byte[1])));
    g.addInitializer(Tensors.rawFloats("a_scale", new long[] {}, 0.02f));
    g.addInitializer(
        Tensors.raw(
            "a_zero",
            ElementType.UINT8,
            new long[] {},
            java.nio.ByteBuffer.wrap(new byte[] {(byte) 128})));
    g.addOutput(tensorValue("y", ElementType.FLOAT, 2, 3));
    NodeProto n =
        switch (op) {
          case "DynamicQuantizeMatMul" -> {
            g.addInput(tensorValue("x", ElementType.FLOAT, 2, 4));
            yield node(op, op, List.of("x", "B", "b_scale", "b_zero"), List.of("y"));
          }
          case "MatMulIntegerToFloat" -> {
            g.addInput(tensorValue("xq", ElementType.UINT8, 2, 4));
            yield node(
                op, op, List.of("xq", "B", "a_scale", "b_scale", "a_zero", "b_zero"), List.of("y"));
          }
          case "QGemm" -> {
            g.addInput(tensorValue("xq", ElementType.UINT8, 2, 4));
            yield node(
                op, op, List.of("xq", "a_scale", "a_zero", "B", "b_scale", "b_zero"), List.of("y"));
          }
          default -> throw new IllegalArgumentException(op);
        };
    g.addNode(n.toBuilder().setDomain("com.microsoft").build());
    return Protos.model(g.build(), 8, 17).toBuilder()
        .addOpsetImport(Protos.opset("com.microsoft", 1))
        .build();
  }
}
