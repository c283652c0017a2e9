// SPDX-License-Identifier: Apache-2.0
package org.quantscope.worker;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quantscope.model.ElementType;
import org.quantscope.runtime.NdArray;

/**
 * The samples handed to the worker: a list of feeds (input name to array), written by the window's
 * process and read back by the worker, bit for bit. The format is private to the two:
 *
 * <pre>
 * "QSFEEDS1" · int feeds · per feed: int inputs · per input:
 *     UTF name · UTF element type · int rank · long dims[rank] · payload (little-endian)
 * </pre>
 *
 * Both sides run the same jar, so there is no versioning beyond the magic.
 */
final class FeedFiles {
  private static final String MAGIC = "QSFEEDS1";

  private FeedFiles() {}

  static void write(Path file, List<Map<String, NdArray>> feeds) throws IOException {
    try (OutputStream os = Files.newOutputStream(file);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16))) {
      out.writeBytes(MAGIC);
      out.writeInt(feeds.size());
      for (Map<String, NdArray> feed : feeds) {
        out.writeInt(feed.size());
        for (Map.Entry<String, NdArray> e : feed.entrySet()) {
          NdArray a = e.getValue();
          out.writeUTF(e.getKey());
          out.writeUTF(a.type().name());
          long[] shape = a.shape();
          out.writeInt(shape.length);
          for (long d : shape) {
            out.writeLong(d);
          }
          out.write(payload(a));
        }
      }
    }
  }

  static List<Map<String, NdArray>> read(Path file) throws IOException {
    try (InputStream is = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 16))) {
      byte[] magic = new byte[MAGIC.length()];
      in.readFully(magic);
      if (!MAGIC.equals(new String(magic, java.nio.charset.StandardCharsets.US_ASCII))) {
        throw new IOException("not a QuantScope feed file: " + file);
      }
      int feeds = in.readInt();
      List<Map<String, NdArray>> out = new ArrayList<>(feeds);
      for (int f = 0; f < feeds; f++) {
        int inputs = in.readInt();
        Map<String, NdArray> feed = new LinkedHashMap<>();
        for (int i = 0; i < inputs; i++) {
          String name = in.readUTF();
          ElementType type = ElementType.valueOf(in.readUTF());
          long[] shape = new long[in.readInt()];
          long n = 1;
          for (int d = 0; d < shape.length; d++) {
            shape[d] = in.readLong();
            n = Math.multiplyExact(n, shape[d]);
          }
          feed.put(name, array(in, type, shape, Math.toIntExact(n)));
        }
        out.add(feed);
      }
      return out;
    } catch (EOFException e) {
      throw new IOException("the feed file " + file + " is truncated", e);
    }
  }

  private static byte[] payload(NdArray a) {
    Object d = a.data();
    int n = a.size();
    ByteBuffer b;
    switch (a.type()) {
      case FLOAT -> {
        b = buffer(n, Float.BYTES);
        b.asFloatBuffer().put((float[]) d);
      }
      case DOUBLE -> {
        b = buffer(n, Double.BYTES);
        b.asDoubleBuffer().put((double[]) d);
      }
      case INT64 -> {
        b = buffer(n, Long.BYTES);
        b.asLongBuffer().put((long[]) d);
      }
      case INT32 -> {
        b = buffer(n, Integer.BYTES);
        b.asIntBuffer().put((int[]) d);
      }
      case INT8, UINT8 -> {
        return ((byte[]) d).clone();
      }
      case BOOL -> {
        boolean[] v = (boolean[]) d;
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
          out[i] = (byte) (v[i] ? 1 : 0);
        }
        return out;
      }
      default -> throw new IllegalArgumentException("cannot hand over " + a.type() + " samples");
    }
    return b.array();
  }

  private static NdArray array(DataInputStream in, ElementType type, long[] shape, int n)
      throws IOException {
    return switch (type) {
      case FLOAT -> {
        float[] v = new float[n];
        read(in, n, Float.BYTES).asFloatBuffer().get(v);
        yield new NdArray(type, shape, v);
      }
      case DOUBLE -> {
        double[] v = new double[n];
        read(in, n, Double.BYTES).asDoubleBuffer().get(v);
        yield new NdArray(type, shape, v);
      }
      case INT64 -> {
        long[] v = new long[n];
        read(in, n, Long.BYTES).asLongBuffer().get(v);
        yield new NdArray(type, shape, v);
      }
      case INT32 -> {
        int[] v = new int[n];
        read(in, n, Integer.BYTES).asIntBuffer().get(v);
        yield new NdArray(type, shape, v);
      }
      case INT8, UINT8 -> {
        byte[] v = new byte[n];
        in.readFully(v);
        yield new NdArray(type, shape, v);
      }
      case BOOL -> {
        byte[] raw = new byte[n];
        in.readFully(raw);
        boolean[] v = new boolean[n];
        for (int i = 0; i < n; i++) {
          v[i] = raw[i] != 0;
        }
        yield new NdArray(type, shape, v);
      }
      default -> throw new IOException("unexpected element type " + type + " in the feed file");
    };
  }

  private static ByteBuffer buffer(int n, int width) {
    return ByteBuffer.allocate(Math.multiplyExact(n, width)).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static ByteBuffer read(DataInputStream in, int n, int width) throws IOException {
    ByteBuffer b = buffer(n, width);
    in.readFully(b.array());
    return b;
  }
}
