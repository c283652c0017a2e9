// SPDX-License-Identifier: Apache-2.0
package org.quantscope.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.model.ExampleModel;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.parity.ParityOptions;
import org.quantscope.runtime.NdArray;
import org.quantscope.runtime.OrtRuntime;

/** The worker's side of the protocol, driven by hand. */
class WorkerMainTest {
  @TempDir Path dir;

  @Test
  void aWorkerWhoseParentGoesAwayEndsItself() throws Exception {
    Path model = dir.resolve("model");
    ModelFiles.save(OnnxModel.of(ExampleModel.build()), model);
    FeedFiles.write(
        dir.resolve(WorkerMain.FEEDS),
        List.of(
            Map.of("features", NdArray.of(ExampleModel.sampleRows(4), 4, ExampleModel.FEATURES))));
    WorkerJson.write(
        dir.resolve(WorkerMain.JOB),
        new WorkerJob.Parity(
            new WorkerJob.ModelFile(model.toString(), "model", -1),
            new WorkerJob.ModelFile(model.toString(), "model", -1),
            ParityOptions.DEFAULTS,
            OrtRuntime.SessionConfig.DEFAULT));
    Process p =
        new ProcessBuilder(MisbehavingWorker.process("stall", null).command(List.of(), dir))
            .redirectError(dir.resolve("worker.log").toFile())
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).startsWith("progress "); // now stalled, as in a long run
      p.getOutputStream().close(); // what the OS does when the window's process dies
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("the worker ended").isTrue();
      assertThat(p.exitValue()).isEqualTo(WorkerMain.ORPHANED);
      assertThat(dir.resolve(WorkerMain.RESULT)).doesNotExist();
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aJobThatCannotBeReadIsAFailureResultNotACrash() throws Exception {
    Files.writeString(dir.resolve(WorkerMain.JOB), "{not json");
    Process p =
        new ProcessBuilder(WorkerProcess.standard().command(List.of(), dir))
            .redirectError(dir.resolve("worker.log").toFile())
            .start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      WorkerResult r = WorkerJson.read(dir.resolve(WorkerMain.RESULT), WorkerResult.class);
      assertThat(r.failure().kind()).isEqualTo("io");
    } finally {
      p.destroyForcibly();
    }
  }
}
