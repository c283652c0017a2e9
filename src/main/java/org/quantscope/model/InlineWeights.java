// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Keeps large weights of a model file out of the Java heap. protobuf-java copies every bytes field
 * it parses from a memory-mapped file, so before parsing, this scanner walks the protobuf wire
 * format (model, graphs, nodes, attributes, tensors) and replaces each {@code raw_data} of at least
 * {@link #THRESHOLD} bytes by a reference into the mapped file: {@code data_location = EXTERNAL}
 * with the location {@link #SELF}. What remains to parse is the graph structure and the small
 * tensors. Saving turns the references back into {@code raw_data}, byte for byte.
 *
 * <p>The location {@link #SELF} contains a NUL character, which no real path can, so it cannot be
 * confused with a genuine external file; a proto that leaks out with it fails loudly in any reader.
 */
final class InlineWeights {
  /** The external-data location that means "at this offset of the model file itself". */
  static final String SELF = "\u0000model-file";

  /** raw_data payloads of at least this many bytes are left in the mapped file. */
  static final int THRESHOLD = 4096;

  private static final int MAX_DEPTH = 200;

  private enum Kind {
    MODEL,
    GRAPH,
    NODE,
    ATTRIBUTE,
    TENSOR,
    OTHER
  }

  /** Thrown internally when the bytes are not a well-formed protobuf; the caller falls back. */
  private static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed() {
      super(null, null, false, false);
    }
  }

  private final ByteBuffer in;
  private int stripped;

  private InlineWeights(ByteBuffer in) {
    this.in = in;
  }

  /**
   * The model's bytes with large raw_data payloads replaced by references into {@code file}, or
   * null if the bytes are not a well-formed protobuf (the regular parser then explains why) or hold
   * nothing worth replacing.
   */
  static byte[] strip(ByteBuffer file) {
    InlineWeights s = new InlineWeights(file);
    try {
      Out out = new Out(1 << 16);
      s.message(0, file.limit(), Kind.MODEL, out, 0);
      return s.stripped == 0 ? null : out.toByteArray();
    } catch (Malformed e) {
      return null;
    }
  }

  private static Kind child(Kind parent, int field) {
    return switch (parent) {
      case MODEL -> field == 7 ? Kind.GRAPH : Kind.OTHER;
      case GRAPH -> field == 1 ? Kind.NODE : field == 5 ? Kind.TENSOR : Kind.OTHER;
      case NODE -> field == 5 ? Kind.ATTRIBUTE : Kind.OTHER;
      case ATTRIBUTE ->
          (field == 5 || field == 10)
              ? Kind.TENSOR
              : (field == 6 || field == 11) ? Kind.GRAPH : Kind.OTHER;
      default -> Kind.OTHER;
    };
  }

  private void message(int start, int end, Kind kind, Out out, int depth) throws Malformed {
    if (depth > MAX_DEPTH) {
      throw new Malformed();
    }
    boolean mayStrip = kind == Kind.TENSOR && !hasExternalFields(start, end);
    long rawOffset = -1;
    long rawLength = 0;
    int p = start;
    while (p < end) {
      int fieldStart = p;
      long tag = varint(p, end);
      p = pos;
      int field = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      if (field == 0) {
        throw new Malformed();
      }
      switch (wire) {
        case 0 -> {
          varint(p, end);
          p = pos;
          out.copy(in, fieldStart, p - fieldStart);
        }
        case 1, 5 -> {
          p += wire == 1 ? 8 : 4;
          if (p > end) {
            throw new Malformed();
          }
          out.copy(in, fieldStart, p - fieldStart);
        }
        case 2 -> {
          long len = varint(p, end);
          p = pos;
          if (len < 0 || len > end - p) {
            throw new Malformed();
          }
          int payload = p;
          p += (int) len;
          Kind c = child(kind, field);
          if (mayStrip && field == 9 && len >= THRESHOLD && rawOffset < 0) {
            rawOffset = payload;
            rawLength = len;
          } else if (c != Kind.OTHER) {
            Out sub = new Out((int) Math.min(len, 1 << 16));
            message(payload, p, c, sub, depth + 1);
            out.varint(tag);
            out.varint(sub.size);
            out.append(sub);
          } else {
            out.copy(in, fieldStart, p - fieldStart);
          }
        }
        default -> throw new Malformed(); // groups are not used by ONNX
      }
    }
    if (p != end) {
      throw new Malformed();
    }
    if (rawOffset >= 0) {
      entry(out, "location", SELF);
      entry(out, "offset", Long.toString(rawOffset));
      entry(out, "length", Long.toString(rawLength));
      out.varint((14 << 3)); // data_location
      out.varint(1); // EXTERNAL
      stripped++;
    }
  }

  /** True if a tensor already uses external_data (13) or data_location (14). */
  private boolean hasExternalFields(int start, int end) throws Malformed {
    int p = start;
    while (p < end) {
      long tag = varint(p, end);
      p = pos;
      int field = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      if (field == 13 || field == 14) {
        return true;
      }
      switch (wire) {
        case 0 -> {
          varint(p, end);
          p = pos;
        }
        case 1 -> p += 8;
        case 5 -> p += 4;
        case 2 -> {
          long len = varint(p, end);
          p = pos;
          if (len < 0 || len > end - p) {
            throw new Malformed();
          }
          p += (int) len;
        }
        default -> throw new Malformed();
      }
    }
    return false;
  }

  private static void entry(Out out, String key, String value) {
    byte[] k = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] v = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int len = 1 + varintSize(k.length) + k.length + 1 + varintSize(v.length) + v.length;
    out.varint((13 << 3) | 2);
    out.varint(len);
    out.varint((1 << 3) | 2);
    out.varint(k.length);
    out.append(k, k.length);
    out.varint((2 << 3) | 2);
    out.varint(v.length);
    out.append(v, v.length);
  }

  private int pos;

  /** Reads a varint at {@code p}; leaves the position after it in {@link #pos}. */
  private long varint(int p, int end) throws Malformed {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= end) {
        throw new Malformed();
      }
      byte b = in.get(p++);
      v |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        pos = p;
        return v;
      }
    }
    throw new Malformed();
  }

  private static int varintSize(long v) {
    int n = 1;
    while ((v & ~0x7fL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  /** A growable byte array. */
  private static final class Out {
    byte[] buf;
    int size;

    Out(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    private void ensure(int extra) {
      if (size + extra > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
      }
    }

    void varint(long v) {
      ensure(10);
      while ((v & ~0x7fL) != 0) {
        buf[size++] = (byte) ((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      buf[size++] = (byte) v;
    }

    void copy(ByteBuffer src, int from, int len) {
      ensure(len);
      src.get(from, buf, size, len);
      size += len;
    }

    void append(Out o) {
      append(o.buf, o.size);
    }

    void append(byte[] b, int len) {
      ensure(len);
      System.arraycopy(b, 0, buf, size, len);
      size += len;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, size);
    }
  }
}
