// SPDX-License-Identifier: Apache-2.0
package org.quantscope.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.SplittableRandom;
import org.quantscope.model.ElementType;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.OperatorSetIdProto;
import org.quantscope.onnx.StringStringEntryProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.onnx.TensorShapeProto;
import org.quantscope.onnx.TypeProto;
import org.quantscope.onnx.ValueInfoProto;

/**
 * Writes a model larger than protobuf's 2 GB limit, for checking by hand that QuantScope opens,
 * quantizes and runs such models without holding them in memory. Not a test, and the model is not
 * stored anywhere: it is made in a few seconds from a seed.
 *
 * <p>The model is a token embedding (Gather from a [vocab, hidden] table) followed by {@code
 * layers} MatMuls with [hidden, hidden] float32 weights and a Relu after each but the last; every
 * weight is external data in {@code NAME.data} beside the model, 4 KiB-aligned. The weights are
 * streamed to that file through a 1 MB buffer, so writing it takes almost no memory. With the
 * defaults (hidden 4096, 32 layers, vocab 16384) the data file is 2.4 GB.
 *
 * <pre>
 * ./mvnw -o -q test-compile dependency:copy-dependencies -DincludeScope=runtime \
 *     -DoutputDirectory=target/lib
 * CP="target/test-classes:target/classes:target/lib/*"
 * java -cp "$CP" org.quantscope.bench.BigModelTool /tmp/big/big.onnx [HIDDEN LAYERS VOCAB]
 * /usr/bin/time -v java -cp "$CP" org.quantscope.Main inspect /tmp/big/big.onnx
 * /usr/bin/time -v java -cp "$CP" org.quantscope.Main quantize /tmp/big/big.onnx \
 *     -o /tmp/big/big.int8.onnx --external-data
 * /usr/bin/time -v java -cp "$CP" org.quantscope.Main parity --reference /tmp/big/big.onnx \
 *     --candidate /tmp/big/big.int8.onnx --samples 4
 * </pre>
 *
 * The results measured with it are in the README ("Big models").
 */
public final class BigModelTool {
  private BigModelTool() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: BigModelTool OUT.onnx [HIDDEN LAYERS VOCAB]");
      System.exit(2);
    }
    Path out = Path.of(args[0]).toAbsolutePath();
    int hidden = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
    int layers = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    int vocab = args.length > 3 ? Integer.parseInt(args[3]) : 16384;
    long t0 = System.nanoTime();
    long dataBytes = write(out, hidden, layers, vocab, 42L);
    System.out.printf(
        Locale.ROOT,
        "wrote %s (%d bytes) and %s.data (%.2f GB) in %.1f s%n",
        out,
        Files.size(out),
        out.getFileName(),
        dataBytes / 1e9,
        (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Writes the model and its data file; returns the size of the data file in bytes. The weights of
   * layer {@code i} are uniform in ±sqrt(3 / hidden) (so activations keep their scale through the
   * stack), drawn from {@code seed}.
   */
  public static long write(Path model, int hidden, int layers, int vocab, long seed)
      throws IOException {
    Files.createDirectories(model.getParent());
    String dataName = model.getFileName() + ".data";
    GraphProto.Builder g = GraphProto.newBuilder().setName("big");
    g.addInput(valueInfo("tokens", ElementType.INT64, -1, -1));
    g.addOutput(valueInfo("y", ElementType.FLOAT, -1, -1, hidden));
    SplittableRandom random = new SplittableRandom(seed);
    try (FileChannel data =
        FileChannel.open(
            model.resolveSibling(dataName),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      g.addInitializer(external("embedding", vocab, hidden, dataName, data, buf, random, 1f));
      g.addNode(node("Gather", "embed", "embedding", "tokens", "h0"));
      float bound = (float) Math.sqrt(3.0 / hidden);
      for (int i = 0; i < layers; i++) {
        String w = "layer" + i + ".weight";
        g.addInitializer(external(w, hidden, hidden, dataName, data, buf, random, bound));
        String mm = i == layers - 1 ? "y" : "m" + i;
        g.addNode(node("MatMul", "layer" + i + ".matmul", "h" + i, w, mm));
        if (i < layers - 1) {
          g.addNode(node("Relu", "layer" + i + ".relu", mm, "h" + (i + 1)));
        }
      }
      ModelProto m =
          ModelProto.newBuilder()
              .setIrVersion(8)
              .setProducerName("BigModelTool")
              .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
              .setGraph(g)
              .build();
      Files.write(model, m.toByteArray());
      return data.size();
    }
  }

  /** Streams a [rows, cols] float32 tensor of uniform values in ±bound to the data file. */
  private static TensorProto external(
      String name,
      long rows,
      long cols,
      String location,
      FileChannel data,
      ByteBuffer buf,
      SplittableRandom random,
      float bound)
      throws IOException {
    long offset = (data.size() + 4095) / 4096 * 4096;
    data.position(offset);
    long n = rows * cols;
    buf.clear();
    for (long i = 0; i < n; i++) {
      if (!buf.hasRemaining()) {
        writeAll(data, buf.flip());
        buf.clear();
      }
      buf.putFloat((float) ((random.nextDouble() * 2 - 1) * bound));
    }
    writeAll(data, buf.flip());
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(ElementType.FLOAT.code())
        .addDims(rows)
        .addDims(cols)
        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(entry("location", location))
        .addExternalData(entry("offset", Long.toString(offset)))
        .addExternalData(entry("length", Long.toString(n * 4)))
        .build();
  }

  private static void writeAll(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private static StringStringEntryProto entry(String k, String v) {
    return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
  }

  private static NodeProto node(String op, String name, String... io) {
    NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(name);
    for (int i = 0; i < io.length - 1; i++) {
      b.addInput(io[i]);
    }
    return b.addOutput(io[io.length - 1]).build();
  }

  /** A tensor value; negative dims are symbolic (batch, sequence). */
  private static ValueInfoProto valueInfo(String name, ElementType type, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    String[] symbols = {"batch", "sequence"};
    int s = 0;
    for (long d : dims) {
      shape.addDim(
          d < 0
              ? TensorShapeProto.Dimension.newBuilder().setDimParam(symbols[s++])
              : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder().setElemType(type.code()).setShape(shape)))
        .build();
  }
}
