// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Whether two byte strings hold the same bytes, quickly for large ones. A variant's weights are
 * mostly the original's own bytes under another {@link ByteString} (the weight cache's arrays, the
 * memory-mapped file): those are the same memory and equal at once; other pairs are compared in
 * bulk. protobuf's own {@code equals} compares a substring one byte at a time, which was a third of
 * a sensitivity analysis's Java time.
 */
final class SameBytes {
  private SameBytes() {}

  static boolean of(ByteString a, ByteString b) {
    if (a == b) {
      return true;
    }
    int size = a.size();
    if (size != b.size()) {
      return false;
    }
    Piece pa = Piece.of(a);
    Piece pb = Piece.of(b);
    if (pa == null || pb == null) {
      return a.equals(b); // in several pieces: protobuf's way
    }
    if (pa.array != null && pb.array != null) {
      return (pa.array == pb.array && pa.offset == pb.offset)
          || Arrays.equals(
              pa.array, pa.offset, pa.offset + size, pb.array, pb.offset, pb.offset + size);
    }
    return pa.buffer(size).mismatch(pb.buffer(size)) == -1;
  }

  /** Where a byte string's bytes are, when they are in one array or buffer. */
  private static final class Piece extends ByteOutput {
    byte[] array;
    int offset;
    ByteBuffer buffer;
    int pieces;

    /** The string's one piece, or null when it has several (or a single byte written alone). */
    static Piece of(ByteString s) {
      Piece p = new Piece();
      try {
        UnsafeByteOperations.unsafeWriteTo(s, p);
      } catch (IOException e) {
        return null;
      }
      return p.pieces == 1 ? p : null;
    }

    ByteBuffer buffer(int size) {
      return buffer != null ? buffer.duplicate() : ByteBuffer.wrap(array, offset, size);
    }

    @Override
    public void write(byte value) {
      pieces += 2;
    }

    @Override
    public void write(byte[] value, int offset, int length) {
      writeLazy(value, offset, length);
    }

    @Override
    public void writeLazy(byte[] value, int offset, int length) {
      pieces++;
      this.array = value;
      this.offset = offset;
    }

    @Override
    public void write(ByteBuffer value) {
      writeLazy(value);
    }

    @Override
    public void writeLazy(ByteBuffer value) {
      pieces++;
      this.buffer = value;
    }
  }
}
