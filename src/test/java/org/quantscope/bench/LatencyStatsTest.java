// SPDX-License-Identifier: Apache-2.0
package org.quantscope.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyStatsTest {
  @Test
  void statisticsOfHandMadeTimes() {
    // 1, 2, 3, 4, 10 ms
    long[] nanos = {3_000_000, 1_000_000, 10_000_000, 2_000_000, 4_000_000};
    LatencyStats s = LatencyStats.of("m.onnx", "reference", 123, 5_000_000, nanos, 8);
    assertThat(s.runs()).isEqualTo(5);
    assertThat(s.meanMs()).isEqualTo(4.0);
    // sample deviation: squares 9, 4, 1, 0, 36 -> 50 / 4
    assertThat(s.stdevMs()).isCloseTo(Math.sqrt(12.5), offset(1e-12));
    assertThat(s.p50Ms()).isEqualTo(3.0);
    // p90 at rank 3.6: 4 + 0.6 * 6 = 7.6; p95 at 3.8: 8.8; p99 at 3.96: 9.76
    assertThat(s.p90Ms()).isCloseTo(7.6, offset(1e-12));
    assertThat(s.p95Ms()).isCloseTo(8.8, offset(1e-12));
    assertThat(s.p99Ms()).isCloseTo(9.76, offset(1e-12));
    assertThat(s.throughputPerS()).isEqualTo(2000.0); // 8 samples per 4 ms
    assertThat(s.loadMs()).isEqualTo(5.0);
    assertThat(s.sizeBytes()).isEqualTo(123);
  }

  @Test
  void speedupIsTheRatioOfMedians() {
    LatencyStats a = LatencyStats.of("a", "reference", 0, 0, new long[] {4_000_000}, 1);
    LatencyStats b = LatencyStats.of("b", "candidate", 0, 0, new long[] {2_000_000}, 1);
    assertThat(LatencyBenchmark.speedup(a, b)).isEqualTo(2.0);
  }

  @Test
  void vnniDecidesTheWarning() {
    Environment noVnni =
        new Environment("cpu", 2, List.of("avx2", "fma"), false, "1.28.0", "17", "Linux amd64", 0);
    assertThat(noVnni.int8Warning()).contains("no VNNI").contains("--reduce-range");
    Environment vnni =
        new Environment("cpu", 2, List.of("avx2", "avx512_vnni"), true, "1.28.0", "17", "Linux", 0);
    assertThat(vnni.int8Warning()).isNull();
    Environment arm =
        new Environment("cpu", 2, List.of("asimd"), false, "1.28.0", "17", "Linux", 0);
    assertThat(arm.int8Warning()).isNull();
    Environment here = Environment.detect("1.28.0", 0);
    assertThat(here.cores()).isPositive();
    assertThat(here.ortVersion()).isEqualTo("1.28.0");
  }
}
