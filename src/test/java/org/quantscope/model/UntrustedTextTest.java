// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one rule for text from a model file: which characters are shown and how text is cut. */
class UntrustedTextTest {
  @Test
  void controlsFormatCharactersSeparatorsAndBrokenSurrogatesAreNotText() {
    int[] unsafe = {
      0x00,
      0x07,
      '\n',
      '\t',
      0x1b,
      0x7f,
      0x85,
      0x9b, // C0, DEL, C1 (NEL, CSI)
      0x202e,
      0x2066,
      0x200e,
      0x061c, // bidi override, isolate, marks
      0x200b,
      0x200d,
      0xfeff,
      0x00ad, // zero-width space and joiner, byte order mark, soft hyphen
      0x2028,
      0x2029, // line and paragraph separator
      0xd83d,
      0xde00, // halves of a surrogate pair on their own
      0x0378,
      0x10ffff // unassigned
    };
    for (int cp : unsafe) {
      assertThat(UntrustedText.isControl(cp)).as("U+%04X", cp).isTrue();
    }
    int[] safe = {'a', ' ', '/', '.', '\'', 0xe9, 0x4e2d, 0x2603, 0x1f600, 0x2026};
    for (int cp : safe) {
      assertThat(UntrustedText.isControl(cp)).as("U+%04X", cp).isFalse();
    }
  }

  @Test
  void cleanReplacesByASpaceAndCutsWithAnEllipsis() {
    assertThat(UntrustedText.clean(null)).isEmpty();
    assertThat(UntrustedText.clean("\u001b[31mred\u202egpj.exe\u0007"))
        .isEqualTo(" [31mred gpj.exe ");
    assertThat(UntrustedText.clean("emoji \uD83D\uDE00 stays"))
        .isEqualTo("emoji \uD83D\uDE00 stays");
    assertThat(UntrustedText.clean("lone \uD83D here")).isEqualTo("lone   here");
    assertThat(UntrustedText.clean("abcdef", 6)).isEqualTo("abcdef");
    assertThat(UntrustedText.clean("abcdefg", 6)).isEqualTo("abcde\u2026");
    String huge = UntrustedText.clean("x".repeat(1 << 20));
    assertThat(huge).hasSize(UntrustedText.MAX_CHARS).endsWith("\u2026");
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    String faces = "\uD83D\uDE00".repeat(10); // 20 UTF-16 units
    String cut = UntrustedText.clean(faces, 6);
    // 5 units before the ellipsis would end in half a face: two whole faces are kept
    assertThat(cut).isEqualTo("\uD83D\uDE00\uD83D\uDE00\u2026");
    assertThat(UntrustedText.clean("a" + faces, 6)).isEqualTo("a\uD83D\uDE00\uD83D\uDE00\u2026");
    for (int max = 2; max < 22; max++) {
      String s = UntrustedText.clean("a" + faces, max);
      assertThat(s.length()).isLessThanOrEqualTo(max);
      assertThat(s.codePoints().noneMatch(UntrustedText::isControl)).as(s).isTrue();
    }
  }
}
