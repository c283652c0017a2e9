// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quantscope.model.ElementType;

/** Regrouping rows into runs keeps every row, in order, with its other inputs. */
class BatchesTest {

  /** Three runs of two rows: x holds row numbers 0..5 twice per row, ids the row number. */
  private static List<Map<String, NdArray>> sixRows() {
    List<Map<String, NdArray>> feeds = new ArrayList<>();
    for (int run = 0; run < 3; run++) {
      float[] x = new float[4];
      long[] ids = new long[2];
      for (int r = 0; r < 2; r++) {
        int row = run * 2 + r;
        x[r * 2] = row;
        x[r * 2 + 1] = row;
        ids[r] = row;
      }
      Map<String, NdArray> feed = new LinkedHashMap<>();
      feed.put("x", NdArray.of(x, 2, 2));
      feed.put("ids", NdArray.of(ids, 2));
      feeds.add(feed);
    }
    return feeds;
  }

  private static final List<InputSpec> DYNAMIC =
      List.of(
          new InputSpec("x", ElementType.FLOAT, java.util.Arrays.asList("batch", 2L)),
          new InputSpec("ids", ElementType.INT64, java.util.Arrays.asList((Object) "batch")));

  @Test
  void runsOfFourKeepTheRowsInOrderAndTheLastRunTakesTheRest() {
    List<Map<String, NdArray>> out = Batches.regroup(sixRows(), 4, DYNAMIC);
    assertThat(out).hasSize(2);
    assertThat(out.get(0).get("x").shape()).containsExactly(4, 2);
    assertThat((float[]) out.get(0).get("x").data()).containsExactly(0, 0, 1, 1, 2, 2, 3, 3);
    assertThat((long[]) out.get(1).get("ids").data()).containsExactly(4, 5);
    assertThat(out.get(1).get("x").shape()).containsExactly(2, 2);
    assertThat(Batches.largest(out)).isEqualTo(4);
  }

  @Test
  void allPutsEveryRowInOneRunAndOneGivesARunPerRow() {
    List<Map<String, NdArray>> all = Batches.regroup(sixRows(), Batches.ALL, DYNAMIC);
    assertThat(all).hasSize(1);
    assertThat((long[]) all.get(0).get("ids").data()).containsExactly(0, 1, 2, 3, 4, 5);
    List<Map<String, NdArray>> ones = Batches.regroup(sixRows(), 1, DYNAMIC);
    assertThat(ones).hasSize(6);
    assertThat((float[]) ones.get(5).get("x").data()).containsExactly(5, 5);
    assertThat(Batches.largest(ones)).isEqualTo(1);
  }

  @Test
  void aFixedFirstAxisRefusesAnotherBatchByName() {
    List<InputSpec> fixed =
        List.of(
            new InputSpec("x", ElementType.FLOAT, java.util.Arrays.asList(1L, 2L)),
            new InputSpec("ids", ElementType.INT64, java.util.Arrays.asList((Object) 1L)));
    assertThatThrownBy(() -> Batches.regroup(sixRows(), 4, fixed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'x'")
        .hasMessageContaining("exactly 1 row(s) per run");
    assertThat(Batches.regroup(sixRows(), 1, fixed)).hasSize(6);
  }

  @Test
  void inputsWithoutASharedRowAxisCannotBeRegrouped() {
    Map<String, NdArray> bad = new LinkedHashMap<>();
    bad.put("x", NdArray.of(new float[] {1, 2, 3, 4}, 2, 2));
    bad.put("ids", NdArray.of(new long[] {1, 2, 3}, 3));
    assertThatThrownBy(() -> Batches.regroup(List.of(bad), 1, List.of()))
        .hasMessageContaining("different numbers of rows");
    Map<String, NdArray> scalar = Map.of("t", NdArray.of(new float[] {1}));
    assertThatThrownBy(() -> Batches.regroup(List.of(scalar), 1, List.of()))
        .hasMessageContaining("scalar");
    List<Map<String, NdArray>> ragged =
        List.of(
            Map.of("x", NdArray.of(new float[] {1, 2}, 1, 2)),
            Map.of("x", NdArray.of(new float[] {1, 2, 3}, 1, 3)));
    assertThatThrownBy(() -> Batches.regroup(ragged, 2, List.of()))
        .hasMessageContaining("different row shapes");
  }
}
