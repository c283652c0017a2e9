// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextsTest {
  @Test
  void axisLabelsDropTheSharedPrefixAndKeepWhatDiffers() {
    List<String> names =
        List.of(
            "/encoder/layer.0/attention/self/query/MatMul",
            "/encoder/layer.11/intermediate/dense/MatMul",
            "/encoder/layer.3/output/dense/MatMul");

    List<String> labels = Texts.axisLabels(names, 40);

    assertThat(labels)
        .containsExactly(
            "\u2026/layer.0/attention/self/query/MatMul",
            "\u2026/layer.11/intermediate/dense/MatMul",
            "\u2026/layer.3/output/dense/MatMul");
    // cut to the end of each name, they still differ
    assertThat(Texts.axisLabels(names, 24)).doesNotHaveDuplicates().allMatch(l -> l.length() <= 24);
    assertThat(Texts.axisLabels(names, 24).get(1)).endsWith("dense/MatMul");
  }

  @Test
  void namesWithoutASharedPathStayWholeAndEqualLabelsAreNumbered() {
    assertThat(Texts.axisLabels(List.of("fc1", "fc2"), 30)).containsExactly("fc1", "fc2");
    assertThat(Texts.axisLabels(List.of("/a/MatMul", "/b/MatMul"), 30))
        .containsExactly("/a/MatMul", "/b/MatMul");
    // one name alone is not cut
    assertThat(Texts.axisLabels(List.of("/encoder/layer.0/MatMul"), 40))
        .containsExactly("/encoder/layer.0/MatMul");
    List<String> alike =
        Texts.axisLabels(
            List.of(
                "/m/a_very_long_block_name_one/x/MatMul",
                "/m/a_very_long_block_name_two/x/MatMul",
                "/m/a_very_long_block_name_one/x/MatMul"),
            12);
    assertThat(alike.get(0)).isNotEqualTo(alike.get(1));
    assertThat(alike.get(2)).isEqualTo(alike.get(0));
    assertThat(alike.get(1)).endsWith(" (2)");
  }
}
