// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.model.ModelFiles;

class EarlyModelTest {
  @TempDir Path dir;

  @AfterEach
  void forget() {
    EarlyModel.forget();
  }

  @Test
  void theModelReadWhileTheCommandLineIsParsedIsTakenOnceForItsPath() throws Exception {
    Path mlp = Files.write(dir.resolve("mlp.onnx"), TestModels.mlp().toByteArray());
    EarlyModel.startFor(new String[] {mlp.toString(), "-o", "out.onnx"});
    // wait for it, then take the file away: what load returns was read before
    EarlyModel.start(mlp).get();
    Files.delete(mlp);
    assertThat(EarlyModel.load(mlp).graph().getNodeCount())
        .isEqualTo(TestModels.mlp().getGraph().getNodeCount());
    // once: the next load reads the file, which is gone
    assertThatThrownBy(() -> EarlyModel.load(mlp)).isInstanceOf(IOException.class);
  }

  @Test
  void onlyAFirstArgumentThatNamesAModelIsReadAndAnotherPathIsReadAsBefore() throws Exception {
    Path a = Files.write(dir.resolve("a.onnx"), TestModels.mlp().toByteArray());
    Path b = Files.write(dir.resolve("b.onnx"), TestModels.fragileMlp("fc2").toByteArray());
    EarlyModel.start(a).get();
    assertThat(EarlyModel.load(b).graph().getNodeCount())
        .isEqualTo(TestModels.fragileMlp("fc2").getGraph().getNodeCount());
    EarlyModel.forget();
    Files.delete(a);
    assertThatThrownBy(() -> EarlyModel.load(a)).isInstanceOf(IOException.class);
    // an option first, or not a .onnx: nothing is read early
    EarlyModel.startFor(new String[] {"--per-channel", b.toString()});
    EarlyModel.startFor(new String[] {dir.resolve("notes.txt").toString()});
    Files.delete(b);
    assertThatThrownBy(() -> EarlyModel.load(b)).isInstanceOf(IOException.class);
  }

  @Test
  void aFailedEarlyReadIsReportedAsAPlainReadReportsIt() throws Exception {
    Path broken = Files.write(dir.resolve("broken.onnx"), new byte[] {8, 7, 18, 3, 'a'});
    String plain = null;
    try {
      ModelFiles.load(broken);
    } catch (IOException e) {
      plain = e.getMessage();
    }
    assertThat(plain).isNotNull();
    assertThat(EarlyModel.start(broken)).failsWithin(java.time.Duration.ofSeconds(30));
    assertThatThrownBy(() -> EarlyModel.load(broken))
        .isInstanceOf(IOException.class)
        .hasMessage(plain);
  }
}
