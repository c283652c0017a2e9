// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Messages name things from the file; they must stay short and printable. */
class ModelFormatExceptionTest {
  @Test
  void shortMessagesAreKeptAsTheyAre() {
    String m = "model.onnx: larger than protobuf's 2 GB limit; tensor 'fc1.weight' is truncated";
    assertThat(new ModelFormatException(m).getMessage()).isEqualTo(m);
  }

  @Test
  void longNamesKeepTheirStartAndEnd() {
    String name = "layer/" + "x".repeat(100_000) + "/MatMul_17";
    String m = new ModelFormatException("node '" + name + "' reads 'nowhere'").getMessage();
    assertThat(m)
        .startsWith("node 'layer/xxx")
        .contains("\u2026")
        .contains("/MatMul_17' reads 'nowhere'");
    assertThat(m.length()).isLessThan(ModelFormatException.MAX_QUOTED + 40);
  }

  @Test
  void controlAndBidiCharactersAreReplaced() {
    String m = new ModelFormatException("node 'a\u0000b\u202ec\u0007' is bad\nreally").getMessage();
    assertThat(m).isEqualTo("node 'a?b?c?' is bad really");
  }

  @Test
  void theSameCharactersAreReplacedAsEverywhereElse() {
    // zero-width joiner, line separator, byte order mark and a lone surrogate: not text to show
    String m =
        new ModelFormatException("node 'a\u200db\u2028c\ufeffd\uD83De' is bad\r\tok").getMessage();
    assertThat(m).isEqualTo("node 'a?b?c?d?e' is bad? ok");
    for (char c : m.toCharArray()) {
      assertThat(UntrustedText.isControl(c)).as("U+%04X", (int) c).isFalse();
    }
    // a whole character outside the basic plane is text, and a long name of them is cut whole
    assertThat(new ModelFormatException("tensor '\uD83D\uDE00' is empty").getMessage())
        .isEqualTo("tensor '\uD83D\uDE00' is empty");
    String faces = "\uD83D\uDE00".repeat(ModelFormatException.MAX_QUOTED * 2);
    String cut = new ModelFormatException("node '" + faces + "' is bad").getMessage();
    assertThat(cut).startsWith("node '\uD83D\uDE00").contains("\u2026").endsWith("' is bad");
    assertThat(cut.codePoints().noneMatch(UntrustedText::isControl)).as(cut).isTrue();
    assertThat(cut.codePointCount(0, cut.length()))
        .isLessThan(ModelFormatException.MAX_QUOTED + 20);
  }

  @Test
  void hugeMessagesAreCut() {
    String m = new ModelFormatException("x".repeat(1_000_000)).getMessage();
    assertThat(m).hasSize(ModelFormatException.MAX_MESSAGE).endsWith("\u2026");
    String unterminated = new ModelFormatException("node '" + "y".repeat(500_000)).getMessage();
    assertThat(unterminated.length()).isLessThan(ModelFormatException.MAX_QUOTED + 20);
  }
}
