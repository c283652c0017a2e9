// SPDX-License-Identifier: Apache-2.0
package org.quantscope.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.onnx.ModelProto;

/**
 * The fuzz regression suite: every seed as it is, a fixed-seed run of mutations over all seeds, and
 * every input that once broke the loader or the quantizer (src/test/resources/fuzz/regressions).
 * Each must end in a result or a clean refusal within the time bound. Longer runs: {@link
 * FuzzHarness}.
 */
class ModelFuzzTest {
  static final long TIMEOUT_MS = 20_000;
  static final int MUTANTS_PER_SEED = 120;

  @TempDir Path dir;

  @Test
  void seedsLoadAndQuantize() throws IOException {
    try (FuzzTarget target = new FuzzTarget(dir, TIMEOUT_MS)) {
      for (Map.Entry<String, ModelProto> e : Seeds.all().entrySet()) {
        FuzzTarget.Outcome o = target.run(e.getValue().toByteArray());
        assertThat(o.verdict())
            .as(e.getKey() + ": " + o.problem())
            .isEqualTo(FuzzTarget.Verdict.OK);
      }
    }
  }

  @Test
  void mutantsEndInAResultOrACleanRefusal() throws IOException {
    List<String> broken = new ArrayList<>();
    Map<FuzzTarget.Verdict, Integer> counts = new EnumMap<>(FuzzTarget.Verdict.class);
    try (FuzzTarget target = new FuzzTarget(dir, TIMEOUT_MS)) {
      long seed = 20261127L;
      for (Map.Entry<String, ModelProto> e : Seeds.all().entrySet()) {
        Random rnd = new Random(seed++);
        for (int i = 0; i < MUTANTS_PER_SEED; i++) {
          Mutations.Mutant m = Mutations.mutate(e.getValue(), rnd);
          FuzzTarget.Outcome o = target.run(m.bytes());
          counts.merge(o.verdict(), 1, Integer::sum);
          if (o.verdict() == FuzzTarget.Verdict.BROKEN) {
            broken.add(
                e.getKey() + " #" + i + " " + m.kind() + " (" + m.what() + "): " + o.problem());
          }
        }
      }
    }
    assertThat(broken).as("broken inputs").isEmpty();
    // the mutations reach both sides of the contract
    assertThat(counts.getOrDefault(FuzzTarget.Verdict.OK, 0)).isGreaterThan(50);
    assertThat(counts.getOrDefault(FuzzTarget.Verdict.REFUSED, 0)).isGreaterThan(300);
  }

  @Test
  void aMegabyteNodeNameIsRefusedWithAShortMessage() throws IOException {
    // found by the fuzzer: the refusal quoted the whole name, a megabyte of text
    ModelProto.Builder m = Seeds.all().get("example").toBuilder();
    m.getGraphBuilder()
        .getNodeBuilder(0)
        .setName("<b>\u0000\u202e" + "n".repeat(1 << 20))
        .addInput("nowhere");
    try (FuzzTarget target = new FuzzTarget(dir, TIMEOUT_MS)) {
      FuzzTarget.Outcome o = target.run(m.build().toByteArray());
      assertThat(o.verdict()).as(String.valueOf(o.problem())).isEqualTo(FuzzTarget.Verdict.REFUSED);
    }
  }

  @Test
  void everyRegressionCaseEndsCleanly() throws IOException, URISyntaxException {
    Path folder =
        Path.of(getClass().getResource("/fuzz/regressions/README.md").toURI()).getParent();
    List<Path> cases;
    try (Stream<Path> s = Files.list(folder)) {
      cases = s.filter(p -> p.toString().endsWith(".onnx")).sorted().toList();
    }
    assertThat(cases).isNotEmpty();
    try (FuzzTarget target = new FuzzTarget(dir, TIMEOUT_MS)) {
      for (Path p : cases) {
        FuzzTarget.Outcome o = target.run(Files.readAllBytes(p));
        assertThat(o.verdict())
            .as(p.getFileName() + ": " + o.problem())
            .isNotEqualTo(FuzzTarget.Verdict.BROKEN);
      }
    }
  }
}
