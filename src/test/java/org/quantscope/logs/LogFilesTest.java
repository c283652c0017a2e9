// SPDX-License-Identifier: Apache-2.0
package org.quantscope.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where logs go on each platform, rotation, and crash logs kept. */
class LogFilesTest {
  @TempDir Path dir;

  @Test
  void theStateFolderOfEachPlatform() {
    assertThat(LogFiles.folder("Linux", Map.of("XDG_STATE_HOME", "/s"), "/home/u"))
        .isEqualTo(Path.of("/s/quantscope"));
    assertThat(LogFiles.folder("Linux", Map.of(), "/home/u"))
        .isEqualTo(Path.of("/home/u/.local/state/quantscope"));
    // a relative XDG_STATE_HOME is invalid (the XDG spec) and ignored
    assertThat(LogFiles.folder("Linux", Map.of("XDG_STATE_HOME", "rel"), "/home/u"))
        .isEqualTo(Path.of("/home/u/.local/state/quantscope"));
    assertThat(LogFiles.folder("Mac OS X", Map.of(), "/Users/u"))
        .isEqualTo(Path.of("/Users/u/Library/Logs/QuantScope"));
    assertThat(LogFiles.folder("Windows 11", Map.of("LOCALAPPDATA", "/L"), "/h"))
        .isEqualTo(Path.of("/L", "QuantScope", "Logs"));
  }

  @Test
  void theLogRotates() throws IOException {
    LogFiles.stop();
    try {
      Path log = LogFiles.start(dir);
      assertThat(log).isEqualTo(dir.resolve("quantscope.0.log"));
      assertThat(LogFiles.start(dir.resolve("other"))).isEqualTo(log); // once per process
      String chunk = "x".repeat(10_000);
      System.Logger logger = System.getLogger("org.quantscope.test");
      for (int i = 0; i < (LogFiles.LIMIT_BYTES / 10_000) * 2 + 5; i++) {
        logger.log(System.Logger.Level.INFO, "line " + i + " " + chunk);
      }
      assertThat(dir.resolve("quantscope.1.log")).exists();
      assertThat(Files.size(log)).isLessThanOrEqualTo(LogFiles.LIMIT_BYTES + 20_000L);
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.filter(p -> p.toString().endsWith(".log")).count())
            .isLessThanOrEqualTo(LogFiles.COUNT);
      }
    } finally {
      LogFiles.stop();
    }
  }

  @Test
  void crashLogsAreKeptAndPruned() throws IOException {
    Path stderr = Files.writeString(dir.resolve("worker.log"), "ORT says goodbye\n");
    Path kept = null;
    for (int i = 0; i < LogFiles.KEPT_CRASHES + 3; i++) {
      kept = LogFiles.keepCrash(dir.resolve("logs"), "crash " + i, List.of(stderr));
    }
    assertThat(Files.readString(kept))
        .startsWith("crash " + (LogFiles.KEPT_CRASHES + 2))
        .contains("==> worker.log <==\nORT says goodbye");
    try (Stream<Path> files = Files.list(dir.resolve("logs"))) {
      assertThat(files.count()).isEqualTo(LogFiles.KEPT_CRASHES);
    }
    assertThat(LogFiles.keepCrash(stderr, "a file is no folder", List.of())).isNull();
  }
}
