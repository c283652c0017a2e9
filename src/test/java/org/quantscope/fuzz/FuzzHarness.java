// SPDX-License-Identifier: Apache-2.0
package org.quantscope.fuzz;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.quantscope.onnx.ModelProto;

/**
 * A longer fuzzing run than the regression suite: mutations of every seed, round robin, for a given
 * number of minutes. Inputs that break are saved to {@code OUT/} (replay them by copying into
 * src/test/resources/fuzz/regressions). Not a test; run it by hand:
 *
 * <pre>
 * ./mvnw -q test-compile
 * java -Xmx2g -cp "target/test-classes:target/classes:target/lib/*" \
 *     org.quantscope.fuzz.FuzzHarness [MINUTES=5] [SEED=1] [OUT=target/fuzz-crashes]
 * </pre>
 */
public final class FuzzHarness {
  private FuzzHarness() {}

  public static void main(String[] args) throws Exception {
    double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
    Path out = Path.of(args.length > 2 ? args[2] : "target/fuzz-crashes");
    Files.createDirectories(out);
    Path work = Files.createTempDirectory("quantscope-fuzz");
    Random rnd = new Random(seed);
    List<Map.Entry<String, ModelProto>> seeds = new ArrayList<>(Seeds.all().entrySet());
    Map<FuzzTarget.Verdict, Long> counts = new EnumMap<>(FuzzTarget.Verdict.class);
    Map<Mutations.Kind, Long> kinds = new EnumMap<>(Mutations.Kind.class);
    long end = System.nanoTime() + (long) (minutes * 60e9);
    long runs = 0;
    try (FuzzTarget target = new FuzzTarget(work, 20_000)) {
      while (System.nanoTime() < end) {
        Map.Entry<String, ModelProto> s = seeds.get((int) (runs % seeds.size()));
        Mutations.Mutant m = Mutations.mutate(s.getValue(), rnd);
        FuzzTarget.Outcome o = target.run(m.bytes());
        runs++;
        counts.merge(o.verdict(), 1L, Long::sum);
        kinds.merge(m.kind(), 1L, Long::sum);
        if (o.verdict() == FuzzTarget.Verdict.BROKEN) {
          Path f = out.resolve(s.getKey() + "-" + m.kind() + "-" + runs + ".onnx");
          Files.write(f, m.bytes());
          System.out.println("BROKEN " + f + ": " + m.what() + ": " + o.problem());
          if (o.error() != null) {
            o.error().printStackTrace(System.out);
          }
        }
        if (runs % 1000 == 0) {
          System.out.println(runs + " runs " + counts);
        }
      }
    }
    System.out.printf(
        "%d executions in %.1f min, seed %d: %s%nby mutation: %s%n",
        runs, minutes, seed, counts, kinds);
  }
}
