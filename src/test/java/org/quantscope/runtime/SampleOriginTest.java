// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.quantscope.json.Json;
import org.quantscope.parity.ParityOptions;

class SampleOriginTest {
  @Test
  void saysWhereFromInAPhrase() {
    assertThat(SampleOrigin.madeUp(100, 7).describe()).isEqualTo("made up, seed 7");
    assertThat(SampleOrigin.file(Path.of("data", "breast.csv"), false, 143).describe())
        .isEqualTo("from breast.csv");
    assertThat(SampleOrigin.file(Path.of("x.NPZ"), false, 3).source()).isEqualTo("npz");
    assertThat(SampleOrigin.file(Path.of("x.npy"), false, 3).source()).isEqualTo("npy");
    assertThat(SampleOrigin.file(Path.of("sets"), true, 2).describe())
        .isEqualTo("from the test-data folder sets");
    assertThat(
            SampleOrigin.text(Path.of("in", "s.txt"), Path.of("m", "tokenizer.json"), 20)
                .describe())
        .isEqualTo("text from s.txt, tokenized by tokenizer.json");
  }

  /** The window's worker gets the parity options as JSON: the origin must survive the trip. */
  @Test
  void travelsWithTheParityOptionsAsJson() throws Exception {
    SampleOrigin origin = SampleOrigin.text(Path.of("s.txt"), Path.of("tokenizer.json"), 20);
    ParityOptions o = ParityOptions.DEFAULTS.withSamplesFrom(origin);
    String json = Json.write(o);
    assertThat(json).contains("\"samples_from\"").doesNotContain("\"seed\"");
    assertThat(Json.read(json, ParityOptions.class).samplesFrom()).isEqualTo(origin);
  }
}
