// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quantscope.onnx.TensorProto;

class SameBytesTest {
  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static ByteBuffer direct(byte[] b) {
    ByteBuffer d = ByteBuffer.allocateDirect(b.length);
    d.put(b).flip();
    return d;
  }

  @Test
  void everyKindOfByteStringIsComparedByItsBytes() {
    byte[] bytes = random(100_000, 1);
    byte[] copy = bytes.clone();
    byte[] other = bytes.clone();
    other[77_777] ^= 1;
    ByteString wrapped = UnsafeByteOperations.unsafeWrap(bytes);
    ByteString[] same = {
      wrapped,
      UnsafeByteOperations.unsafeWrap(bytes), // the same array under another ByteString
      ByteString.copyFrom(copy),
      UnsafeByteOperations.unsafeWrap(direct(bytes)),
      ByteString.copyFrom(random(10, 2)).concat(ByteString.copyFrom(bytes)).substring(10),
      ByteString.copyFrom(bytes, 0, 50_000).concat(ByteString.copyFrom(bytes, 50_000, 50_000))
    };
    ByteString[] differ = {
      ByteString.copyFrom(other),
      UnsafeByteOperations.unsafeWrap(direct(other)),
      UnsafeByteOperations.unsafeWrap(bytes, 0, 99_999),
      ByteString.copyFrom(other, 0, 50_000).concat(ByteString.copyFrom(other, 50_000, 50_000))
    };
    for (ByteString a : same) {
      for (ByteString b : same) {
        assertThat(SameBytes.of(a, b)).as("%s vs %s", a, b).isTrue();
      }
      for (ByteString b : differ) {
        assertThat(SameBytes.of(a, b)).as("%s vs %s", a, b).isFalse();
        assertThat(SameBytes.of(b, a)).as("%s vs %s", b, a).isFalse();
      }
    }
    // the same array at another offset holds other bytes
    ByteString head = UnsafeByteOperations.unsafeWrap(bytes, 0, 1000);
    ByteString shifted = UnsafeByteOperations.unsafeWrap(bytes, 1, 1000);
    assertThat(SameBytes.of(head, shifted)).isFalse();
    assertThat(SameBytes.of(ByteString.EMPTY, ByteString.copyFrom(new byte[0]))).isTrue();
  }

  @Test
  void aTensorIsTheSameOnlyWithEveryFieldEqual() {
    byte[] bytes = random(4096, 3);
    TensorProto t =
        TensorProto.newBuilder()
            .setName("w")
            .setDataType(1)
            .addDims(32)
            .addDims(32)
            .setRawData(UnsafeByteOperations.unsafeWrap(bytes))
            .build();
    TensorProto copy = t.toBuilder().setRawData(ByteString.copyFrom(bytes)).build();
    assertThat(SharedWeights.sameTensor(t, copy)).isTrue();
    assertThat(SharedWeights.sameTensor(t, t.toBuilder().setName("v").build())).isFalse();
    assertThat(SharedWeights.sameTensor(t, t.toBuilder().setDims(1, 16).build())).isFalse();
    assertThat(SharedWeights.sameTensor(t, t.toBuilder().setDataType(2).build())).isFalse();
    assertThat(SharedWeights.sameTensor(t, t.toBuilder().setDocString("x").build())).isFalse();
    byte[] changed = bytes.clone();
    changed[0] ^= 1;
    assertThat(
            SharedWeights.sameTensor(
                t, t.toBuilder().setRawData(ByteString.copyFrom(changed)).build()))
        .isFalse();
  }
}
