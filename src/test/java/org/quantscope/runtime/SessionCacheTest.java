// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.ModelProto;

/** The warm worker's sessions: kept while the file stays the same, for the files it is told to. */
class SessionCacheTest {
  private static final OrtRuntime.SessionConfig ONE =
      new OrtRuntime.SessionConfig(1, OrtRuntime.OptLevel.ALL, false);
  private static final OrtRuntime.SessionConfig OTHER =
      new OrtRuntime.SessionConfig(1, OrtRuntime.OptLevel.BASIC, false);
  private static final Map<String, NdArray> FEED =
      Map.of("x", NdArray.of(TestModels.values(8, 5), 2, 4));

  @TempDir Path dir;

  @AfterEach
  void off() {
    SessionCache.uninstall();
  }

  private static ModelSource source(Path file) {
    return ModelSource.file(file, "mlp", -1);
  }

  /** The MLP with other first-layer weights: the same inputs, outputs and file size. */
  private static ModelProto otherWeights() {
    ModelProto.Builder m = TestModels.mlp().toBuilder();
    m.getGraphBuilder()
        .setInitializer(0, Tensors.rawFloats("W1", new long[] {4, 8}, TestModels.values(32, 99)));
    return m.build();
  }

  @Test
  void aKeptFileIsOpenedOnceAndClosingItsRunnerLeavesTheSessionOpen() throws Exception {
    Path file = Files.write(dir.resolve("mlp.onnx"), TestModels.mlp().toByteArray());
    SessionCache.install();
    SessionCache.keepOnly(Set.of(file));
    ModelRunner first = source(file).open(ONE);
    Map<String, NdArray> want = first.run(FEED);
    first.close();
    try (ModelRunner again = source(file).open(ONE)) {
      assertThat(again.session()).isSameAs(first.session());
      assertThat(again.run(FEED)).isEqualTo(want); // still open: it runs
    }
    assertThat(SessionCache.reusedCount()).isEqualTo(1);
    // other session options are another session
    try (ModelRunner basic = source(file).open(OTHER)) {
      assertThat(basic.session()).isNotSameAs(first.session());
    }
    assertThat(SessionCache.reusedCount()).isEqualTo(1);
  }

  @Test
  void aFileChangedOnDiskGetsANewSessionWithTheNewWeights() throws Exception {
    Path file = Files.write(dir.resolve("mlp.onnx"), TestModels.mlp().toByteArray());
    SessionCache.install();
    SessionCache.keepOnly(Set.of(file));
    Map<String, NdArray> before;
    try (ModelRunner r = source(file).open(ONE)) {
      before = r.run(FEED);
    }
    FileTime t = Files.getLastModifiedTime(file);
    ModelProto other = otherWeights();
    assertThat(other.getSerializedSize()).isEqualTo(TestModels.mlp().getSerializedSize());
    Files.write(file, other.toByteArray());
    Files.setLastModifiedTime(file, FileTime.fromMillis(t.toMillis() + 2_000));
    Map<String, NdArray> after;
    try (ModelRunner r = source(file).open(ONE)) {
      after = r.run(FEED);
    }
    Map<String, NdArray> fresh;
    try (ModelRunner r = ModelRunner.open(file, ONE)) {
      fresh = r.run(FEED);
    }
    assertThat(after).isEqualTo(fresh).isNotEqualTo(before);
    assertThat(SessionCache.reusedCount()).isZero();
  }

  @Test
  void onlyTheFilesNamedAreKeptAndNothingWhenNotInstalled() throws Exception {
    Path file = Files.write(dir.resolve("mlp.onnx"), TestModels.mlp().toByteArray());
    try (ModelRunner a = source(file).open(ONE);
        ModelRunner b = source(file).open(ONE)) {
      assertThat(b.session()).isNotSameAs(a.session()); // not installed: a session each
    }
    SessionCache.install();
    SessionCache.keepOnly(Set.of(dir.resolve("other.onnx")));
    try (ModelRunner a = source(file).open(ONE);
        ModelRunner b = source(file).open(ONE)) {
      assertThat(b.session()).isNotSameAs(a.session());
    }
    // named by a relative path that leads to the same file
    SessionCache.keepOnly(Set.of(dir.resolve("x/../mlp.onnx")));
    try (ModelRunner a = source(file).open(ONE);
        ModelRunner b = source(file).open(ONE)) {
      assertThat(b.session()).isSameAs(a.session());
    }
    assertThat(SessionCache.reusedCount()).isEqualTo(1);
  }
}
