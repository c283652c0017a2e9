// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.TensorProto;

class ModelFilesTest {
  @TempDir Path dir;

  private Path write(String name, ModelProto m) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, m.toByteArray());
    return p;
  }

  @Test
  void everyStorageKindRoundTripsByteForByte() throws IOException {
    ModelProto original = TestModels.allStorageKinds();
    Path in = write("storage.onnx", original);
    OnnxModel loaded = ModelFiles.load(in);
    assertThat(loaded.proto()).isEqualTo(original);

    Path out = dir.resolve("copy.onnx");
    ModelFiles.save(loaded, out);
    assertThat(Files.readAllBytes(out)).isEqualTo(original.toByteArray());
  }

  @Test
  void payloadDecodesEveryTypedField() throws IOException {
    OnnxModel m = ModelFiles.load(write("storage.onnx", TestModels.allStorageKinds()));
    assertThat(m.floats(init(m, "f_raw"))).containsExactly(1f, -2f, 3.5f, 0f, -0f, 1e-30f);
    assertThat(m.floats(init(m, "f_typed")))
        .containsExactly(0.5f, Float.MAX_VALUE, -Float.MIN_VALUE);
    assertThat(bytes(m.payload(init(m, "i8")))).containsExactly(-128, -1, 0, 127);
    assertThat(bytes(m.payload(init(m, "u8")))).containsExactly(0, (byte) 128, (byte) 255);
    ByteBuffer i16 = m.payload(init(m, "i16"));
    assertThat(i16.getShort(0)).isEqualTo((short) -32768);
    assertThat(i16.getShort(2)).isEqualTo((short) 32767);
    assertThat(m.payload(init(m, "u16")).getShort(2)).isEqualTo((short) 0xffff);
    assertThat(m.payload(init(m, "i32")).getInt(0)).isEqualTo(Integer.MIN_VALUE);
    assertThat(bytes(m.payload(init(m, "b")))).containsExactly(1, 0, 1);
    assertThat(m.floats(init(m, "h"))).containsExactly(1f, -2f);
    assertThat(m.floats(init(m, "bf"))).containsExactly(1f);
    ByteBuffer i64 = m.payload(init(m, "i64"));
    assertThat(i64.getLong(0)).isEqualTo(Long.MIN_VALUE);
    assertThat(i64.getLong(16)).isEqualTo(Long.MAX_VALUE);
    assertThat(m.floats(init(m, "d"))).containsExactly((float) Math.PI, Float.NEGATIVE_INFINITY);
    ByteBuffer u32 = m.payload(init(m, "u32"));
    assertThat(u32.remaining()).isEqualTo(8);
    assertThat(u32.getInt(0)).isEqualTo(-1);
    assertThat(m.payload(init(m, "u64")).getLong(0)).isEqualTo(-1L);
    ByteBuffer c = m.payload(init(m, "c64"));
    assertThat(c.getFloat(0)).isEqualTo(1f);
    assertThat(c.getFloat(4)).isEqualTo(-1f);
    assertThat(bytes(m.payload(init(m, "i4")))).containsExactly(0x7f, 0x08);
    assertThat(m.floats(init(m, "scalar"))).containsExactly(42f);
    assertThat(m.floats(init(m, "empty"))).isEmpty();
    assertThatThrownBy(() -> m.payload(init(m, "s")))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("strings");
  }

  @Test
  void largeRawDataStaysInTheMappedFile() throws IOException {
    ModelProto original = TestModels.bigWeight();
    Path in = write("big.onnx", original);
    OnnxModel m = ModelFiles.load(in);
    ByteBuffer w = m.payload(init(m, "W"));
    assertThat(w.isDirect()).as("a view of the memory-mapped file, not a heap copy").isTrue();
    assertThat(w.isReadOnly()).isTrue();
    assertThat(Tensors.storage(init(m, "W"))).isEqualTo("raw_data");
    assertThat(Tensors.isExternalFile(init(m, "W"))).isFalse();
    // what the parser kept on the heap is small; the inlined model is the original, bit for bit
    assertThat(m.proto().getSerializedSize()).isLessThan(4096);
    assertThat(ModelFiles.inline(m)).isEqualTo(original);
    Path copy = dir.resolve("copy.onnx");
    ModelFiles.save(m, copy);
    assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(in));
    assertThat(w.order()).isEqualTo(java.nio.ByteOrder.LITTLE_ENDIAN);
    assertThat(m.floats(init(m, "W"))).containsExactly(TestModels.values(256 * 256, 9));
  }

  @Test
  void externalDataRoundTripsAndIsAligned() throws IOException {
    OnnxModel m = ModelFiles.load(write("big.onnx", TestModels.bigWeight()));
    Path out = dir.resolve("ext.onnx");
    ModelFiles.Saved saved = ModelFiles.save(m, out, SaveOptions.withExternalData());
    assertThat(saved.dataFile()).isEqualTo(dir.resolve("ext.onnx.data"));
    assertThat(Files.size(out)).isLessThan(2048);

    OnnxModel back = ModelFiles.load(out);
    TensorProto w = init(back, "W");
    assertThat(w.getDataLocation()).isEqualTo(TensorProto.DataLocation.EXTERNAL);
    assertThat(w.getRawData().isEmpty()).isTrue();
    assertThat(back.floats(w)).containsExactly(TestModels.values(256 * 256, 9));
    // bias (1 KiB of float_data) goes external too, as raw little-endian bytes
    TensorProto bias = init(back, "bias");
    assertThat(bias.getDataLocation()).isEqualTo(TensorProto.DataLocation.EXTERNAL);
    assertThat(Long.parseLong(external(bias, "offset")) % 4096).isZero();
    assertThat(back.floats(bias)).containsExactly(TestModels.values(256, 10));
    // tiny stays inline
    assertThat(init(back, "tiny").hasRawData()).isTrue();
    assertThat(back.externalDataFiles()).containsExactly(dir.resolve("ext.onnx.data").toRealPath());

    // and saving the external model inline brings every value back into one file
    Path inline = dir.resolve("inline.onnx");
    ModelFiles.save(back, inline, new SaveOptions(SaveOptions.ExternalDataMode.NEVER, null, 0));
    OnnxModel again = ModelFiles.load(inline);
    assertThat(again.floats(init(again, "W"))).containsExactly(TestModels.values(256 * 256, 9));
    assertThat(Tensors.storage(init(again, "W"))).isEqualTo("raw_data");
    assertThat(again.floats(init(again, "bias"))).containsExactly(TestModels.values(256, 10));
  }

  @Test
  void attributeTensorsGoExternalToo() throws IOException {
    ModelProto m = TestModels.constantWeight();
    OnnxModel model = OnnxModel.of(m);
    Path out = dir.resolve("c.onnx");
    ModelFiles.save(model, out, new SaveOptions(SaveOptions.ExternalDataMode.ALWAYS, "w.bin", 0));
    OnnxModel back = ModelFiles.load(out);
    TensorProto t = back.graph().getNode(0).getAttribute(0).getT();
    assertThat(t.getDataLocation()).isEqualTo(TensorProto.DataLocation.EXTERNAL);
    assertThat(back.floats(t)).containsExactly(TestModels.values(8, 6));
  }

  // Error cases: every one names the file and what was wrong

  @Test
  void missingFile() {
    Path p = dir.resolve("nope.onnx");
    assertThatThrownBy(() -> ModelFiles.load(p))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage(p + ": no such file");
  }

  @Test
  void directory() {
    assertThatThrownBy(() -> ModelFiles.load(dir))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("is a folder");
  }

  @Test
  void emptyFile() throws IOException {
    Path p = Files.createFile(dir.resolve("empty.onnx"));
    assertThatThrownBy(() -> ModelFiles.load(p))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("empty.onnx is empty (0 bytes)");
  }

  @Test
  void randomBytes() throws IOException {
    byte[] junk = new byte[4096];
    new Random(7).nextBytes(junk);
    Path p = Files.write(dir.resolve("junk.onnx"), junk);
    assertThatThrownBy(() -> ModelFiles.load(p))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageStartingWith(p.toString() + ": ");
  }

  @Test
  void truncatedModel() throws IOException {
    byte[] full = TestModels.bigWeight().toByteArray();
    for (int cut : new int[] {full.length / 2, full.length - 1, 10}) {
      Path p = Files.write(dir.resolve("cut" + cut + ".onnx"), java.util.Arrays.copyOf(full, cut));
      assertThatThrownBy(() -> ModelFiles.load(p))
          .isInstanceOf(ModelFormatException.class)
          .hasMessageContaining("cut" + cut + ".onnx")
          .satisfies(
              e -> assertThat(e.getMessage()).containsAnyOf("truncated", "missing", "no graph"));
    }
  }

  @Test
  void textFile() throws IOException {
    Path p = Files.writeString(dir.resolve("notes.onnx"), "ir_version: 8\ngraph { name: 'x' }\n");
    assertThatThrownBy(() -> ModelFiles.load(p))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("text file")
        .hasMessageContaining("ir_version: 8");
  }

  @Test
  void zipArchive() throws IOException {
    byte[] zip = {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0};
    Path p = Files.write(dir.resolve("model.pt"), zip);
    assertThatThrownBy(() -> ModelFiles.load(p)).hasMessageContaining("ZIP archive");
  }

  @Test
  void nodeInputThatNothingProduces() throws IOException {
    ModelProto m = TestModels.mlp();
    GraphProto g =
        m.getGraph().toBuilder()
            .setNode(2, m.getGraph().getNode(2).toBuilder().setInput(0, "ghost"))
            .build();
    Path p = write("ghost.onnx", m.toBuilder().setGraph(g).build());
    assertThatThrownBy(() -> ModelFiles.load(p))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("node 'relu' (Relu) reads input 'ghost'");
  }

  @Test
  void weightWhoseLengthDoesNotMatchDims() throws IOException {
    ModelProto m = TestModels.mlp();
    TensorProto bad = m.getGraph().getInitializer(0).toBuilder().setDims(1, 9).build();
    Path p =
        write(
            "short.onnx",
            m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(0, bad)).build());
    assertThatThrownBy(() -> ModelFiles.load(p))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining(
            "tensor 'W1' has 128 bytes of raw_data, but dims [4, 9] of float need 144");
  }

  @Test
  void typedFieldCountMismatch() throws IOException {
    ModelProto m = TestModels.bigWeight();
    TensorProto bad = m.getGraph().getInitializer(1).toBuilder().addFloatData(1f).build();
    Path p =
        write(
            "typed.onnx",
            m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(1, bad)).build());
    assertThatThrownBy(() -> ModelFiles.load(p))
        .hasMessageContaining(
            "tensor 'bias' has 257 values in float_data, but dims [256] of float need 256");
  }

  @Test
  void unknownDataType() throws IOException {
    ModelProto m = TestModels.mlp();
    TensorProto bad = m.getGraph().getInitializer(0).toBuilder().setDataType(99).build();
    Path p =
        write(
            "dtype.onnx",
            m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(0, bad)).build());
    assertThatThrownBy(() -> ModelFiles.load(p))
        .hasMessageContaining("tensor 'W1' has data_type 99");
  }

  @Test
  void missingExternalData() throws IOException {
    Path out = saveExternal();
    Files.delete(dir.resolve("ext.onnx.data"));
    assertThatThrownBy(() -> ModelFiles.load(out))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("tensor 'W': external data location 'ext.onnx.data' does not exist");
  }

  @Test
  void externalDataBeyondEndOfFile() throws IOException {
    Path out = saveExternal();
    Path data = dir.resolve("ext.onnx.data");
    byte[] b = Files.readAllBytes(data);
    Files.write(data, java.util.Arrays.copyOf(b, b.length - 100));
    assertThatThrownBy(() -> ModelFiles.load(out))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("is beyond the end of 'ext.onnx.data'");
  }

  @Test
  void externalLocationsOutsideTheFolderAreRefused() throws IOException {
    Path out = saveExternal();
    ModelProto m = ModelProto.parseFrom(Files.readAllBytes(out));
    Path outside = Files.createTempFile("qs-outside", ".bin");
    try {
      Files.write(outside, new byte[256 * 256 * 4]);
      Path link = dir.resolve("link.bin");
      Files.createSymbolicLink(link, outside);
      for (String[] c :
          new String[][] {
            {outside.toString(), "is absolute"},
            {"../x.bin", "contains '..'"},
            {"sub/../../x.bin", "contains '..'"},
            {"link.bin", "resolves outside the model's folder"},
          }) {
        Path p = write("evil.onnx", withLocation(m, c[0]));
        assertThatThrownBy(() -> ModelFiles.load(p))
            .as(c[0])
            .isInstanceOf(ModelFormatException.class)
            .hasMessageContaining(c[1]);
      }
    } finally {
      Files.deleteIfExists(outside);
    }
  }

  @Test
  void externalLengthMustMatchDims() throws IOException {
    Path out = saveExternal();
    ModelProto m = ModelProto.parseFrom(Files.readAllBytes(out));
    TensorProto w = m.getGraph().getInitializer(0);
    TensorProto.Builder b = w.toBuilder();
    for (int i = 0; i < b.getExternalDataCount(); i++) {
      if (b.getExternalData(i).getKey().equals("length")) {
        b.setExternalData(i, b.getExternalData(i).toBuilder().setValue("12"));
      }
    }
    Path p =
        write(
            "len.onnx",
            m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(0, b)).build());
    assertThatThrownBy(() -> ModelFiles.load(p))
        .hasMessageContaining(
            "external data length is 12 bytes, but its dims and type need 262144");
  }

  // Saving

  @Test
  void savingNeverOverwritesTheSourceOrItsData() throws IOException {
    Path in = write("m.onnx", TestModels.mlp());
    byte[] before = Files.readAllBytes(in);
    OnnxModel m = ModelFiles.load(in);
    assertThatThrownBy(() -> ModelFiles.save(m, in)).hasMessageContaining("refusing to overwrite");
    assertThatThrownBy(() -> ModelFiles.save(m, dir.resolve("./m.onnx")))
        .hasMessageContaining("refusing to overwrite");
    assertThat(Files.readAllBytes(in)).isEqualTo(before);

    Path ext = saveExternal();
    OnnxModel e = ModelFiles.load(ext);
    assertThatThrownBy(
            () ->
                ModelFiles.save(
                    e,
                    dir.resolve("other.onnx"),
                    new SaveOptions(SaveOptions.ExternalDataMode.ALWAYS, "ext.onnx.data", 0)))
        .hasMessageContaining("refusing to overwrite");
  }

  @Test
  void failedSaveLeavesNothingBehind() throws IOException {
    OnnxModel m = OnnxModel.of(TestModels.mlp());
    Path missingFolder = dir.resolve("no/such/folder/out.onnx");
    assertThatThrownBy(() -> ModelFiles.save(m, missingFolder))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not exist");

    Path ro = Files.createDirectory(dir.resolve("ro"));
    ro.toFile().setWritable(false);
    try {
      if (!Files.isWritable(ro)) { // root ignores permissions; the check is meaningful otherwise
        assertThatThrownBy(() -> ModelFiles.save(m, ro.resolve("out.onnx")))
            .hasMessageContaining("cannot write");
      }
    } finally {
      ro.toFile().setWritable(true);
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.filter(p -> p.getFileName().toString().endsWith(".part")).toList()).isEmpty();
    }
  }

  @Test
  void cancelledSaveLeavesNothingBehind() throws IOException {
    OnnxModel m = OnnxModel.of(TestModels.bigWeight());
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(
              () -> ModelFiles.save(m, dir.resolve("c.onnx"), SaveOptions.withExternalData()))
          .isInstanceOf(java.util.concurrent.CancellationException.class);
    } finally {
      Thread.interrupted();
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.toList()).isEmpty();
    }
  }

  @Test
  void savesOverAnExistingOutputAtomically() throws IOException {
    Path out = dir.resolve("out.onnx");
    Files.writeString(out, "old content");
    ModelFiles.save(OnnxModel.of(TestModels.mlp()), out);
    assertThat(ModelFiles.load(out).proto()).isEqualTo(TestModels.mlp());
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("out.onnx");
    }
  }

  // helpers

  private Path saveExternal() throws IOException {
    Path out = dir.resolve("ext.onnx");
    ModelFiles.save(OnnxModel.of(TestModels.bigWeight()), out, SaveOptions.withExternalData());
    return out;
  }

  private static ModelProto withLocation(ModelProto m, String location) {
    TensorProto.Builder w = m.getGraph().getInitializer(0).toBuilder();
    for (int i = 0; i < w.getExternalDataCount(); i++) {
      if (w.getExternalData(i).getKey().equals("location")) {
        w.setExternalData(i, w.getExternalData(i).toBuilder().setValue(location));
      }
    }
    return m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(0, w)).build();
  }

  private static String external(TensorProto t, String key) {
    return t.getExternalDataList().stream()
        .filter(e -> e.getKey().equals(key))
        .findFirst()
        .orElseThrow()
        .getValue();
  }

  static TensorProto init(OnnxModel m, String name) {
    return m.graph().getInitializerList().stream()
        .filter(t -> t.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
