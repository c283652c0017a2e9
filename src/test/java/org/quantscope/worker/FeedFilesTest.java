// SPDX-License-Identifier: Apache-2.0
package org.quantscope.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.model.ElementType;
import org.quantscope.runtime.NdArray;

/** Samples reach the worker bit for bit, in order, every element type. */
class FeedFilesTest {
  @TempDir Path dir;

  @Test
  void everyElementTypeRoundTrips() throws IOException {
    Map<String, NdArray> first = new LinkedHashMap<>();
    first.put("f", NdArray.of(new float[] {1.5f, Float.NaN, -0f, Float.MIN_VALUE}, 2, 2));
    first.put("d", NdArray.of(new double[] {Math.PI, Double.NEGATIVE_INFINITY}, 2));
    first.put("l", NdArray.of(new long[] {Long.MIN_VALUE, 7}, 1, 2));
    first.put("i", NdArray.of(new int[] {-1}, 1));
    first.put("b", NdArray.of(new boolean[] {true, false, true}, 3));
    first.put("s8", new NdArray(ElementType.INT8, new long[] {2}, new byte[] {-128, 127}));
    first.put("u8", new NdArray(ElementType.UINT8, new long[] {1}, new byte[] {(byte) 255}));
    first.put("empty", NdArray.of(new float[0], 0, 4));
    Map<String, NdArray> second = Map.of("scalar", NdArray.of(new float[] {3f}));
    Path file = dir.resolve("feeds.bin");
    FeedFiles.write(file, List.of(first, second));

    List<Map<String, NdArray>> back = FeedFiles.read(file);
    assertThat(back).hasSize(2);
    assertThat(back.get(0).keySet()).containsExactlyElementsOf(first.keySet());
    for (Map.Entry<String, NdArray> e : first.entrySet()) {
      NdArray got = back.get(0).get(e.getKey());
      assertThat(got.type()).isEqualTo(e.getValue().type());
      assertThat(got.shape()).isEqualTo(e.getValue().shape());
      assertThat(Arrays.deepEquals(new Object[] {got.data()}, new Object[] {e.getValue().data()}))
          .as(e.getKey())
          .isTrue();
    }
    assertThat(back.get(1).get("scalar").shape()).isEmpty();
  }

  @Test
  void aTruncatedFileIsAClearError() throws IOException {
    Path file = dir.resolve("feeds.bin");
    FeedFiles.write(file, List.of(Map.of("f", NdArray.of(new float[100], 100))));
    byte[] all = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(all, all.length - 10));
    assertThatThrownBy(() -> FeedFiles.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("truncated");
  }
}
