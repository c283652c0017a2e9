// SPDX-License-Identifier: Apache-2.0
package org.quantscope.bench;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.Protos;
import org.quantscope.model.SaveOptions;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantizeOptions;

/**
 * Times the phases of a quantization run (load, quantize in memory, write) in one JVM. Not a test;
 * run it by hand:
 *
 * <pre>
 * ./mvnw -q test-compile
 * java -cp "target/test-classes:target/classes:target/lib/*" \
 *     org.quantscope.bench.QuantizeHarness MODEL OUT [--per-channel] [REPETITIONS]
 * java -Xmx3g -cp "target/test-classes:target/classes:target/lib/*" \
 *     org.quantscope.bench.QuantizeHarness --write-bert-base OUT.onnx
 * </pre>
 *
 * <p>{@code --write-bert-base} writes a BERT-base-sized encoder graph ({@link
 * LayoutHarness#bertLike}: 12 layers, hidden 768, intermediate 3072, vocabulary 30522; 438 MB) with
 * made-up weights from a fixed seed, for machines without PyTorch to export one: the quantizer's
 * work depends on the weights' sizes, not on what they learnt.
 */
public final class QuantizeHarness {
  private QuantizeHarness() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("--write-bert-base")) {
      writeBertBase(Path.of(args[1]));
      return;
    }
    Path in = Path.of(args[0]);
    Path out = Path.of(args[1]);
    boolean pc = args.length > 2 && args[2].equals("--per-channel");
    int reps = args.length > (pc ? 3 : 2) ? Integer.parseInt(args[pc ? 3 : 2]) : 3;
    QuantizeOptions options = QuantizeOptions.builder().perChannel(pc).build();
    for (int r = 0; r < reps; r++) {
      long t0 = System.nanoTime();
      OnnxModel m = ModelFiles.load(in);
      long t1 = System.nanoTime();
      DynamicQuantizer.Output o = DynamicQuantizer.quantize(m, options, Progress.NONE);
      long t2 = System.nanoTime();
      ModelFiles.save(o.model(), out, SaveOptions.DEFAULT);
      long t3 = System.nanoTime();
      System.out.printf(
          Locale.ROOT,
          "run %d: load %.0f ms, quantize %.0f ms, write %.0f ms, total %.0f ms (%d nodes, %.1f MB"
              + " out)%n",
          r + 1,
          (t1 - t0) / 1e6,
          (t2 - t1) / 1e6,
          (t3 - t2) / 1e6,
          (t3 - t0) / 1e6,
          o.result().quantizedCount(),
          Files.size(out) / 1e6);
    }
  }

  private static void writeBertBase(Path out) throws java.io.IOException {
    GraphProto.Builder g = LayoutHarness.bertLike(12 * 99 + 30).toBuilder();
    long seed = 17;
    long bytes = 0;
    for (TensorProto.Builder t : g.getInitializerBuilderList()) {
      long count = 1;
      for (long d : t.getDimsList()) {
        count *= d;
      }
      ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(count * 4)).order(ByteOrder.LITTLE_ENDIAN);
      for (long i = 0; i < count; i++) {
        seed ^= seed << 13;
        seed ^= seed >>> 7;
        seed ^= seed << 17;
        b.putFloat(((seed >>> 40) / (float) (1 << 24) - 0.5f) * 0.08f); // uniform in +-0.04
      }
      t.setRawData(ByteString.copyFrom(b.array()));
      bytes += count * 4;
    }
    Files.write(out, Protos.model(g.build(), 8, 17).toByteArray());
    System.out.printf(
        Locale.ROOT,
        "%s: %d nodes, %d initializers, %.1f MB of weights, %.1f MB file%n",
        out,
        g.getNodeCount(),
        g.getInitializerCount(),
        bytes / 1e6,
        Files.size(out) / 1e6);
  }
}
