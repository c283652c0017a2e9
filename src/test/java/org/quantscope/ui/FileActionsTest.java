// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** How File > Export report turns the chosen file and file type into a format and a file name. */
class FileActionsTest {
  private static final int PDF = 0;
  private static final int CHARTS_PNG = 1;
  private static final int GRAPH_PNG = 2;
  private static final int JSON = 3;

  @Test
  void withoutAnExtensionTheChosenTypeDecides() {
    assertThat(FileActions.reportFormat(Path.of("report"), PDF)).isEqualTo(ReportFormat.PDF);
    assertThat(FileActions.reportFormat(Path.of("report"), CHARTS_PNG))
        .isEqualTo(ReportFormat.CHARTS_PNG);
    assertThat(FileActions.reportFormat(Path.of("report"), GRAPH_PNG))
        .isEqualTo(ReportFormat.GRAPH_PNG);
    assertThat(FileActions.reportFormat(Path.of("report"), JSON)).isEqualTo(ReportFormat.JSON);
  }

  @Test
  void aTypedExtensionWinsOverTheType() {
    assertThat(FileActions.reportFormat(Path.of("a.json"), PDF)).isEqualTo(ReportFormat.JSON);
    assertThat(FileActions.reportFormat(Path.of("a.PDF"), JSON)).isEqualTo(ReportFormat.PDF);
    assertThat(FileActions.reportFormat(Path.of("a.png"), PDF)).isEqualTo(ReportFormat.CHARTS_PNG);
  }

  @Test
  void bothPngKindsEndInPngSoTheTypeTellsThemApart() {
    assertThat(FileActions.reportFormat(Path.of("graph.png"), GRAPH_PNG))
        .isEqualTo(ReportFormat.GRAPH_PNG);
    assertThat(FileActions.reportFormat(Path.of("charts.png"), CHARTS_PNG))
        .isEqualTo(ReportFormat.CHARTS_PNG);
  }

  @Test
  void noExtensionAndNoTypeIsPdf() {
    assertThat(FileActions.reportFormat(Path.of("report"), -1)).isEqualTo(ReportFormat.PDF);
    assertThat(FileActions.reportFormat(Path.of("report"), 4)).isEqualTo(ReportFormat.PDF);
  }

  @Test
  void theExtensionIsAddedOnlyWhenMissing() {
    Path dir = Path.of("out");
    assertThat(FileActions.withExtension(dir.resolve("r"), "pdf")).isEqualTo(dir.resolve("r.pdf"));
    assertThat(FileActions.withExtension(dir.resolve("r.PDF"), "pdf"))
        .isEqualTo(dir.resolve("r.PDF"));
    assertThat(FileActions.withExtension(dir.resolve("r.pdf"), "json"))
        .isEqualTo(dir.resolve("r.pdf.json"));
  }
}
