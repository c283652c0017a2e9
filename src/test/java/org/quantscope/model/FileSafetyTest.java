// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantizeOptions;

/**
 * Writing where it cannot, a disk that fills up, saving over a model's own files, and model files
 * that change on disk after they were opened: each ends in one clear message, leaves no file behind
 * and never touches the source.
 */
class FileSafetyTest {
  @TempDir Path dir;

  private List<String> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** bigWeight with its 256 KiB weight in ext.onnx.data. */
  private Path external() throws IOException {
    Path out = dir.resolve("ext.onnx");
    ModelFiles.save(OnnxModel.of(TestModels.bigWeight()), out, SaveOptions.withExternalData());
    return out;
  }

  @Test
  @SuppressWarnings("try") // the faults are in force inside the blocks
  void aFullDiskMidWriteLeavesNothingBehind() throws IOException {
    OnnxModel m = ModelFiles.load(external());
    List<String> before = listing();
    for (SaveOptions options : List.of(SaveOptions.withExternalData(), SaveOptions.DEFAULT)) {
      try (DiskFaults full = DiskFaults.fullAfter(100_000)) {
        assertThatThrownBy(() -> ModelFiles.save(m, dir.resolve("out.onnx"), options))
            .isInstanceOf(IOException.class)
            .hasMessage("cannot write " + dir.resolve("out.onnx") + ": No space left on device");
      }
      assertThat(listing()).isEqualTo(before);
    }
  }

  @Test
  @SuppressWarnings("try")
  void aFolderThatRefusesNewFilesIsNamed() throws IOException {
    OnnxModel m = OnnxModel.of(TestModels.mlp());
    try (DiskFaults ro = DiskFaults.readOnlyFolder()) {
      assertThatThrownBy(() -> ModelFiles.save(m, dir.resolve("out.onnx")))
          .hasMessage("cannot write into " + dir + ": permission denied");
      assertThatThrownBy(() -> AtomicFile.probe(dir.resolve("x.json")))
          .hasMessage("cannot write into " + dir + ": permission denied");
    }
    assertThat(listing()).isEmpty();
  }

  @Test
  void aPathUnderAFileSaysSo() throws IOException {
    Path file = Files.writeString(dir.resolve("file.txt"), "not a folder");
    OnnxModel m = OnnxModel.of(TestModels.mlp());
    assertThatThrownBy(() -> ModelFiles.save(m, file.resolve("out.onnx")))
        .hasMessage(
            "cannot write " + file.resolve("out.onnx") + ": " + file + " is a file, not a folder");
    assertThatThrownBy(() -> AtomicFile.write(file.resolve("a/b.json"), out -> out.write(1)))
        .hasMessageEndingWith(file + " is a file, not a folder");
    assertThat(listing()).containsExactly("file.txt");
  }

  @Test
  void aQuantizedModelIsNeverSavedOverTheModelItCameFrom() throws Exception {
    Path in = external();
    byte[] model = Files.readAllBytes(in);
    byte[] data = Files.readAllBytes(dir.resolve("ext.onnx.data"));
    OnnxModel q =
        DynamicQuantizer.quantize(ModelFiles.load(in), QuantizeOptions.DEFAULTS, Progress.NONE)
            .model();
    assertThat(q.file()).isEmpty();
    assertThatThrownBy(() -> ModelFiles.save(q, in))
        .hasMessageContaining("refusing to overwrite " + in)
        .hasMessageContaining("the model it was made from");
    assertThatThrownBy(() -> ModelFiles.save(q, dir.resolve("ext.onnx.data")))
        .hasMessageContaining("refusing to overwrite")
        .hasMessageContaining("external data");
    // the data file of a new name may not be the source's either
    assertThatThrownBy(
            () ->
                ModelFiles.save(
                    q,
                    dir.resolve("q.onnx"),
                    new SaveOptions(SaveOptions.ExternalDataMode.ALWAYS, "ext.onnx", 0)))
        .hasMessageContaining("refusing to overwrite " + in);
    assertThat(Files.readAllBytes(in)).isEqualTo(model);
    assertThat(Files.readAllBytes(dir.resolve("ext.onnx.data"))).isEqualTo(data);
    assertThat(listing()).containsExactly("ext.onnx", "ext.onnx.data");
  }

  @Test
  void externalDataTruncatedAfterOpeningIsRefusedNotMapped() throws Exception {
    Path in = external();
    OnnxModel m = ModelFiles.load(in);
    Path data = dir.resolve("ext.onnx.data");
    long size = Files.size(data);
    try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
      ch.truncate(1000); // reading the old mapping beyond this would fault
    }
    String expected =
        data.toRealPath()
            + " changed on disk since the model was opened ("
            + size
            + " bytes then, 1000 now); open the model again";
    assertThatThrownBy(() -> DynamicQuantizer.quantize(m, QuantizeOptions.DEFAULTS, Progress.NONE))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage(expected);
    assertThatThrownBy(() -> ModelFiles.save(m, dir.resolve("copy.onnx")))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage(expected);
    assertThatThrownBy(m::checkUnchanged).hasMessage(expected);
    assertThat(listing()).containsExactly("ext.onnx", "ext.onnx.data");
  }

  @Test
  void aModelFileRewrittenInPlaceAfterOpeningIsRefused() throws Exception {
    // W (256 KiB of raw_data) stays in the mapping of the model file
    Path in = Files.write(dir.resolve("m.onnx"), TestModels.bigWeight().toByteArray());
    FileTime opened = FileTime.fromMillis(Files.getLastModifiedTime(in).toMillis() - 60_000);
    Files.setLastModifiedTime(in, opened);
    OnnxModel m = ModelFiles.load(in);
    byte[] other = Files.readAllBytes(in);
    other[other.length - 1] ^= 1; // same size, other content, new modification time
    Files.write(in, other);
    assertThatThrownBy(() -> DynamicQuantizer.quantize(m, QuantizeOptions.DEFAULTS, Progress.NONE))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage(in + " changed on disk since the model was opened; open the model again");
    assertThat(listing()).containsExactly("m.onnx");
  }

  @Test
  void aDeletedExternalDataFileIsNamed() throws Exception {
    Path in = external();
    OnnxModel m = ModelFiles.load(in);
    Path data = dir.resolve("ext.onnx.data").toRealPath();
    Files.delete(data);
    assertThatThrownBy(m::checkUnchanged)
        .hasMessage(
            data
                + " was deleted or cannot be read any more since the model was opened; open the"
                + " model again");
  }
}
