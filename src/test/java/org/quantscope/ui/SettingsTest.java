// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.prefs.AbstractPreferences;
import java.util.prefs.Preferences;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.pipeline.Pipeline;

/** Settings stay under the preferences' 8 KB value limit and are written once, not per change. */
class SettingsTest {
  /** Preferences in memory that count how often they are written to their store. */
  static final class CountingPreferences extends AbstractPreferences {
    final Map<String, String> values = new HashMap<>();
    int flushes;

    CountingPreferences() {
      super(null, "");
    }

    @Override
    protected void putSpi(String key, String value) {
      values.put(key, value);
    }

    @Override
    protected String getSpi(String key) {
      return values.get(key);
    }

    @Override
    protected void removeSpi(String key) {
      values.remove(key);
    }

    @Override
    protected void removeNodeSpi() {}

    @Override
    protected String[] keysSpi() {
      return values.keySet().toArray(String[]::new);
    }

    @Override
    protected String[] childrenNamesSpi() {
      return new String[0];
    }

    @Override
    protected AbstractPreferences childSpi(String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    protected void syncSpi() {}

    @Override
    protected void flushSpi() {
      flushes++;
    }
  }

  @Test
  void manyLongRecentFilesFitAndRoundTrip() {
    CountingPreferences prefs = new CountingPreferences();
    Settings s = Settings.preferences(prefs);
    List<String> recent = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      recent.add("/models/" + String.valueOf((char) ('a' + i)).repeat(3000) + "/m.onnx");
    }
    // 8 paths of 3 kB: 24 kB together, three times what one Preferences value may hold
    s.putList("recent", recent);
    assertThat(s.getList("recent")).isEqualTo(recent);
    assertThat(prefs.values.values()).allMatch(v -> v.length() <= Preferences.MAX_VALUE_LENGTH);
    s.putList("recent", recent.subList(0, 2));
    assertThat(s.getList("recent")).isEqualTo(recent.subList(0, 2));
    assertThat(prefs.values).doesNotContainKey("recent.2");
    // a value beyond the limit is not stored (Preferences would throw)
    s.put("huge", "x".repeat(Preferences.MAX_VALUE_LENGTH + 1));
    assertThat(s.get("huge", "none")).isEqualTo("none");
  }

  @Test
  void changesAreWrittenOnFlushOnly() {
    CountingPreferences prefs = new CountingPreferences();
    Settings s = Settings.preferences(prefs);
    for (int i = 0; i < 100; i++) {
      s.put("window.width", Integer.toString(900 + i));
    }
    assertThat(prefs.flushes).isZero();
    s.flush();
    assertThat(prefs.flushes).isEqualTo(1);
  }

  @TempDir Path dir;

  @Test
  void theWindowRemembersLongPathsWithoutFailing() throws Exception {
    Settings s = Settings.memory(); // refuses values over 8 KB, as Preferences do
    MainViewModel vm = new MainViewModel(JobRunner.synchronous(), s, Pipeline.inProcess());
    byte[] model = TestModels.mlp().toByteArray();
    for (int i = 0; i < 8; i++) {
      // about 1,500 characters of folders for each file: 12 kB of paths together
      Path folder = dir.resolve(i + "a".repeat(240));
      for (int level = 0; level < 5; level++) {
        folder = folder.resolve("b".repeat(240));
      }
      Path file = Files.write(Files.createDirectories(folder).resolve("m.onnx"), model);
      vm.open(file);
      assertThat(vm.errorProperty().get()).isEmpty();
    }
    assertThat(vm.recentFiles()).hasSize(8);
    MainViewModel again = new MainViewModel(JobRunner.synchronous(), s, Pipeline.inProcess());
    assertThat(again.recentFiles()).containsExactlyElementsOf(vm.recentFiles());
  }
}
