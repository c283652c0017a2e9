// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.model.ElementType;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.TensorProto;

class SampleFilesTest {
  @TempDir Path dir;

  private static final InputSpec X = spec("x", ElementType.FLOAT, "batch", 4L);

  // CSV

  @Test
  void csvIsOneFeedOfRowsByColumns() throws IOException {
    Path csv = text("data.csv", "a,b,c,d\n1,2,3,4\n5,6,7,8\n-0.5,1e-3,+2,.25\n");
    List<Map<String, NdArray>> feeds = SampleFiles.read(csv, List.of(X));
    assertThat(feeds).hasSize(1);
    NdArray x = feeds.get(0).get("x");
    assertThat(x.type()).isEqualTo(ElementType.FLOAT);
    assertThat(x.shape()).containsExactly(3, 4);
    assertThat((float[]) x.data()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, -0.5f, 1e-3f, 2, 0.25f);
  }

  @Test
  void csvToleratesBomCrlfSpacesQuotesAndBlankLines() throws IOException {
    Path csv =
        text(
            "Data.CSV",
            "\uFEFF\"a\", b ,c\r\n 1 , \"2.5\" ,-3e2\r\n\r\n4,5,NaN\r\n-inf, 0 ,1\r\n\r\n");
    InputSpec d = spec("d", ElementType.DOUBLE, null, 3L);
    NdArray a = SampleFiles.read(csv, List.of(d)).get(0).get("d");
    assertThat(a.type()).isEqualTo(ElementType.DOUBLE);
    assertThat(a.shape()).containsExactly(3, 3);
    assertThat((double[]) a.data())
        .containsExactly(1, 2.5, -300, 4, 5, Double.NaN, Double.NEGATIVE_INFINITY, 0, 1);
  }

  @Test
  void csvQuotedFieldsMayHoldCommasAndLineBreaks() throws IOException {
    // a header cell with a comma and a line break in quotes is one column; rows are counted from
    // the line each record starts on: the header takes lines 1 and 2, so the bad record is row 3
    Path csv = text("q.csv", "\"width, cm\",\"height\ncm\"\n\"1,5\",2\n3,4\n\"x\ny\",6\n");
    assertThat(error(csv, spec("x", ElementType.FLOAT, null, 2L)))
        .isEqualTo("q.csv, row 3, column 1 ('width, cm'): '1,5' is not a number");
    Path ok = text("ok.csv", "\"width, cm\",\"height\ncm\"\n1.5,\"2\"\n3,4\n");
    NdArray a =
        SampleFiles.read(ok, List.of(spec("x", ElementType.FLOAT, null, 2L))).get(0).get("x");
    assertThat(a.shape()).containsExactly(2, 2);
    assertThat((float[]) a.data()).containsExactly(1.5f, 2, 3, 4);
    Path open = text("open.csv", "a,b\n1,2\n\"3,4\n");
    assertThat(error(open, spec("x", ElementType.FLOAT, null, 2L)))
        .startsWith("open.csv, row 3: not valid CSV: ");
  }

  @Test
  void csvReadsBigFiles() throws IOException {
    // 200,000 rows of 4 numbers (about 3 MB of text), parsed as a stream of records
    Path big = dir.resolve("big.csv");
    try (var w = Files.newBufferedWriter(big)) {
      w.write("a,b,c,d\n");
      for (int i = 0; i < 200_000; i++) {
        w.write(i + ",1.5,-2,3e-1\n");
      }
    }
    NdArray a = SampleFiles.read(big, List.of(X)).get(0).get("x");
    assertThat(a.shape()).containsExactly(200_000, 4);
    float[] v = (float[]) a.data();
    assertThat(v[4 * 199_999]).isEqualTo(199_999f);
    assertThat(v[4 * 199_999 + 3]).isEqualTo(0.3f);
  }

  @Test
  void csvWithAFixedBatchIsSplitIntoBatches() throws IOException {
    Path csv = text("data.csv", "p,q\n1,2\n3,4\n5,6\n7,8\n");
    List<Map<String, NdArray>> feeds =
        SampleFiles.read(csv, List.of(spec("x", ElementType.FLOAT, 2L, 2L)));
    assertThat(feeds).hasSize(2);
    assertThat(feeds.get(0).get("x")).isEqualTo(NdArray.of(new float[] {1, 2, 3, 4}, 2, 2));
    assertThat(feeds.get(1).get("x")).isEqualTo(NdArray.of(new float[] {5, 6, 7, 8}, 2, 2));

    assertThat(error(csv, spec("x", ElementType.FLOAT, 3L, 2L)))
        .isEqualTo(
            "data.csv has 4 data rows, but input 'x' expects float32[3, 2], so the rows must come"
                + " in batches of 3");
  }

  @Test
  void csvNamesRowAndColumnOfABadNumber() throws IOException {
    String rows = "1,2,3,4\n".repeat(5);
    Path csv =
        text(
            "data.csv",
            "sepal_length,sepal_width,petal_width,petal_length\n" + rows + "1,2,abc,4\n");
    assertThat(error(csv, X))
        .isEqualTo("data.csv, row 7, column 3 ('petal_width'): 'abc' is not a number");

    Path empty = text("gap.csv", "a,b,c,d\n1,,3,4\n");
    assertThat(error(empty, X))
        .isEqualTo("gap.csv, row 2, column 2 ('b'): the value is empty, expected a number");
  }

  @Test
  void csvRowsMustHaveAsManyValuesAsTheHeader() throws IOException {
    Path csv = text("data.csv", "a,b,c,d\n1,2,3,4\n1,2,3,4\n1,2,3\n");
    assertThat(error(csv, X)).isEqualTo("data.csv, row 4: 3 values, but the header has 4 columns");
  }

  @Test
  void csvColumnsMustMatchAFixedFeatureCount() throws IOException {
    Path csv = text("data.csv", "a,b,c,d,e\n1,2,3,4,5\n");
    assertThat(error(csv, X))
        .isEqualTo("data.csv has 5 columns, but input 'x' expects float32[batch, 4]");

    Path semicolons = text("semi.csv", "a;b;c;d\n1;2;3;4\n");
    assertThat(error(semicolons, X))
        .isEqualTo(
            "semi.csv has 1 column, but input 'x' expects float32[batch, 4]; values must be"
                + " separated by commas");
  }

  @Test
  void csvNeedsDataRows() throws IOException {
    assertThat(error(text("data.csv", "a,b,c,d\n\n"), X)).startsWith("data.csv has no data rows");
    assertThat(error(text("empty.csv", ""), X)).startsWith("empty.csv is empty");
  }

  @Test
  void csvIsOnlyForOneTwoDimensionalFloatInput() throws IOException {
    Path csv = text("data.csv", "a,b\n1,2\n");
    InputSpec a = spec("a", ElementType.FLOAT, 1L, 2L);
    InputSpec b = spec("b", ElementType.FLOAT, 1L, 2L);
    assertThat(error(csv, a, b))
        .isEqualTo("data.csv is for a model with one 2-D float input; this model has inputs a, b");
    assertThat(error(csv, spec("ids", ElementType.INT64, 1L, 5L)))
        .isEqualTo(
            "data.csv is for a model with one 2-D float input; this model's input 'ids' is"
                + " int64[1, 5]");
    assertThat(error(csv, spec("img", ElementType.FLOAT, 1L, 3L, 8L, 8L)))
        .endsWith("this model's input 'img' is float32[1, 3, 8, 8]");
  }

  // .npy

  @Test
  void npyIsReadExactly() throws IOException {
    Path npy = bytes("x.npy", npy("<f4", new long[] {2, 4}, f4(1, 2, 3, 4, 5, 6, 7, -8.5f)));
    List<Map<String, NdArray>> feeds = SampleFiles.read(npy, List.of(X));
    assertThat(feeds).hasSize(1);
    assertThat(feeds.get(0))
        .containsExactly(
            Map.entry("x", NdArray.of(new float[] {1, 2, 3, 4, 5, 6, 7, -8.5f}, 2, 4)));
  }

  @Test
  void npyFormatVersions2And3AreRead() throws IOException {
    for (int major : new int[] {2, 3}) {
      Path npy =
          bytes("v" + major + ".npy", npy(major, "<f4", false, new long[] {1, 4}, f4(1, 2, 3, 4)));
      assertThat(SampleFiles.read(npy, List.of(X)).get(0).get("x"))
          .isEqualTo(NdArray.of(new float[] {1, 2, 3, 4}, 1, 4));
    }
  }

  @Test
  void npyValuesAreConvertedToTheInputType() throws IOException {
    Path f8 = bytes("f8.npy", npy("<f8", new long[] {1, 4}, f8(0.1, 2, -3, 1e300)));
    assertThat(SampleFiles.read(f8, List.of(X)).get(0).get("x"))
        .isEqualTo(NdArray.of(new float[] {0.1f, 2, -3, Float.POSITIVE_INFINITY}, 1, 4));

    Path i4 = bytes("i4.npy", npy("<i4", new long[] {1, 3}, i4(7, -1, Integer.MAX_VALUE)));
    InputSpec ids = spec("ids", ElementType.INT64, 1L, 3L);
    assertThat(SampleFiles.read(i4, List.of(ids)).get(0).get("ids"))
        .isEqualTo(NdArray.of(new long[] {7, -1, Integer.MAX_VALUE}, 1, 3));
    InputSpec d = spec("d", ElementType.DOUBLE, 1L, 3L);
    assertThat(SampleFiles.read(i4, List.of(d)).get(0).get("d"))
        .isEqualTo(NdArray.of(new double[] {7, -1, Integer.MAX_VALUE}, 1, 3));

    Path u1 = bytes("u1.npy", npy("|u1", new long[] {1, 4}, new byte[] {0, 1, (byte) 200, 5}));
    assertThat(SampleFiles.read(u1, List.of(X)).get(0).get("x"))
        .isEqualTo(NdArray.of(new float[] {0, 1, 200, 5}, 1, 4));

    Path i8 = bytes("i8.npy", npy("=i8", new long[] {1, 3}, i8(1, -2, 3)));
    assertThat(SampleFiles.read(i8, List.of(spec("i", ElementType.INT32, 1L, 3L))).get(0))
        .containsEntry("i", NdArray.of(new int[] {1, -2, 3}, 1, 3));
  }

  @Test
  void npyFeedsSmallIntegerAndBoolInputsOfTheSameType() throws IOException {
    byte[] v = {-128, -1, 0, 127};
    Path i1 = bytes("i1.npy", npy("|i1", new long[] {4}, v));
    NdArray a = SampleFiles.read(i1, List.of(spec("q", ElementType.INT8, 4L))).get(0).get("q");
    assertThat(a).isEqualTo(new NdArray(ElementType.INT8, new long[] {4}, v));

    Path u1 = bytes("u1.npy", npy("|u1", new long[] {2}, new byte[] {0, (byte) 255}));
    NdArray u = SampleFiles.read(u1, List.of(spec("u", ElementType.UINT8, 2L))).get(0).get("u");
    assertThat(u).isEqualTo(new NdArray(ElementType.UINT8, new long[] {2}, new byte[] {0, -1}));

    Path b1 = bytes("b1.npy", npy("|b1", new long[] {1, 3}, new byte[] {1, 0, 1}));
    InputSpec mask = spec("mask", ElementType.BOOL, 1L, null);
    assertThat(SampleFiles.read(b1, List.of(mask)).get(0).get("mask"))
        .isEqualTo(NdArray.of(new boolean[] {true, false, true}, 1, 3));

    Path scalar = bytes("s.npy", npy("<f4", new long[] {}, f4(2.5f)));
    assertThat(SampleFiles.read(scalar, List.of(spec("s", ElementType.FLOAT))).get(0).get("s"))
        .isEqualTo(NdArray.of(new float[] {2.5f}));
  }

  @Test
  void npyRefusesConversionsThatCouldChangeValues() throws IOException {
    Path floats = bytes("x.npy", npy("<f4", new long[] {1, 3}, f4(1, 2, 3)));
    assertThat(error(floats, spec("ids", ElementType.INT64, 1L, 3L)))
        .isEqualTo(
            "x.npy holds float32 values, but input 'ids' expects int64[1, 3]; converting floats to"
                + " integers could change them, so save the array as int64");

    Path ints = bytes("i.npy", npy("<i8", new long[] {1, 3}, i8(1, 300, 3)));
    assertThat(error(ints, spec("u", ElementType.UINT8, 1L, 3L)))
        .isEqualTo("i.npy: value 300 at [0, 1] does not fit input 'u', which expects uint8[1, 3]");
    assertThat(error(ints, spec("m", ElementType.BOOL, 1L, 3L)))
        .isEqualTo(
            "i.npy holds int64 values, but input 'm' expects bool[1, 3]; save the array as bool");
    assertThat(error(ints, spec("h", ElementType.FLOAT16, 1L, 3L)))
        .startsWith("i.npy: input 'h' expects float16[1, 3], which sample files cannot feed");
  }

  @Test
  void npyRefusesBigEndianFortranOrderAndOtherDtypes() throws IOException {
    Path big = bytes("big.npy", npy(">f4", new long[] {1, 4}, new byte[16]));
    assertThat(error(big, X))
        .isEqualTo(
            "big.npy has big-endian dtype '>f4'; expected little-endian: save a.astype('<f4')"
                + " instead");

    Path fortran = bytes("f.npy", npy(1, "<f4", true, new long[] {2, 4}, new byte[32]));
    assertThat(error(fortran, X)).startsWith("f.npy is stored in Fortran (column-major) order");

    Path half = bytes("h.npy", npy("<f2", new long[] {1, 4}, new byte[8]));
    assertThat(error(half, X))
        .startsWith("h.npy has dtype '<f2', which is not supported; expected float32 (<f4)");
  }

  @Test
  void npyShapeMustFitTheInput() throws IOException {
    Path npy = bytes("x.npy", npy("<f4", new long[] {3, 5}, new byte[60]));
    assertThat(error(npy, X))
        .isEqualTo("x.npy holds float32[3, 5], but input 'x' expects float32[batch, 4]");
  }

  @Test
  void npyIsForOneInput() throws IOException {
    Path npy = bytes("x.npy", npy("<f4", new long[] {1, 4}, new byte[16]));
    assertThat(error(npy, spec("a", ElementType.FLOAT, 1L, 4L), spec("b", ElementType.INT64, 1L)))
        .isEqualTo(
            "x.npy holds one array, but the model has inputs a, b; use an .npz with one array per"
                + " input, e.g. np.savez('samples.npz', a=..., b=...)");
  }

  @Test
  void npyThatIsNotAnArrayIsRefused() throws IOException {
    assertThat(error(text("x.npy", "not numpy at all"), X))
        .startsWith("x.npy is not a NumPy .npy file");
    Path truncated = bytes("t.npy", npy("<f4", new long[] {2, 4}, new byte[12]));
    assertThat(error(truncated, X))
        .isEqualTo("t.npy has 12 bytes of array data, but float32[2, 4] needs 32");
  }

  // .npz

  @Test
  void npzMapsArraysToInputsByName() throws IOException {
    InputSpec a = spec("a", ElementType.FLOAT, 1L, 2L);
    InputSpec ids = spec("ids", ElementType.INT64, 1L, 3L);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("ids.npy", npy("<i8", new long[] {1, 3}, i8(4, 5, 6)));
    entries.put("a.npy", npy("<f4", new long[] {1, 2}, f4(0.5f, -1)));
    Path npz = bytes("samples.npz", zip(true, entries));
    List<Map<String, NdArray>> feeds = SampleFiles.read(npz, List.of(a, ids));
    assertThat(feeds).hasSize(1);
    assertThat(feeds.get(0))
        .containsExactly(
            Map.entry("a", NdArray.of(new float[] {0.5f, -1}, 1, 2)),
            Map.entry("ids", NdArray.of(new long[] {4, 5, 6}, 1, 3)));
  }

  @Test
  void npzMapsUnnamedArraysToInputsInOrder() throws IOException {
    InputSpec a = spec("a", ElementType.FLOAT, 1L, 2L);
    InputSpec b = spec("b", ElementType.DOUBLE, 1L);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("arr_1.npy", npy("<f8", new long[] {1}, f8(9)));
    entries.put("arr_0.npy", npy("<f4", new long[] {1, 2}, f4(1, 2)));
    Path npz = bytes("s.npz", zip(false, entries));
    assertThat(SampleFiles.read(npz, List.of(a, b)).get(0))
        .containsExactly(
            Map.entry("a", NdArray.of(new float[] {1, 2}, 1, 2)),
            Map.entry("b", NdArray.of(new double[] {9}, 1)));

    assertThat(error(npz, a, b, spec("c", ElementType.FLOAT, 1L)))
        .isEqualTo(
            "s.npz holds 2 unnamed arrays (arr_0, arr_1), but the model has 3 inputs: a, b, c");
  }

  @Test
  void npzArraysMustMatchTheInputs() throws IOException {
    InputSpec a = spec("a", ElementType.FLOAT, 1L, 2L);
    InputSpec b = spec("b", ElementType.FLOAT, 1L, 2L);
    byte[] two = npy("<f4", new long[] {1, 2}, f4(1, 2));

    Path missing = bytes("missing.npz", zip(true, Map.of("a.npy", two)));
    assertThat(error(missing, a, b))
        .isEqualTo("missing.npz has no array for input 'b'; it holds a");

    Map<String, byte[]> extra = new LinkedHashMap<>();
    extra.put("a.npy", two);
    extra.put("b.npy", two);
    extra.put("c.npy", two);
    assertThat(error(bytes("extra.npz", zip(true, extra)), a, b))
        .isEqualTo(
            "extra.npz holds array 'c', but the model has no input of that name; its inputs are"
                + " a, b");

    Path other = bytes("other.npz", zip(true, Map.of("features.npy", two)));
    assertThat(error(other, a))
        .isEqualTo(
            "other.npz holds arrays features, none named after an input of this model (a); save"
                + " them with np.savez(path, a=...)");

    Path wrong =
        bytes("wrong.npz", zip(true, Map.of("a.npy", npy("<f4", new long[] {2}, f4(1, 2)))));
    assertThat(error(wrong, a))
        .isEqualTo("wrong.npz/a.npy holds float32[2], but input 'a' expects float32[1, 2]");

    assertThat(error(text("bad.npz", "not a zip"), a))
        .startsWith("bad.npz is not a readable ZIP archive");
  }

  // ONNX test-data folders

  @Test
  void folderWithInputFilesIsOneFeed() throws IOException {
    Path data = Files.createDirectory(dir.resolve("data"));
    pb(data.resolve("input_0.pb"), Tensors.floatData("", new long[] {1, 4}, 1, 2, 3, 4));
    pb(data.resolve("input_1.pb"), Tensors.int64Data("", new long[] {2}, 7, -7));
    pb(data.resolve("output_0.pb"), Tensors.floatData("y", new long[] {1}, 0));
    InputSpec ids = spec("ids", ElementType.INT64, 2L);
    List<Map<String, NdArray>> feeds = SampleFiles.read(data, List.of(X, ids));
    assertThat(feeds).hasSize(1);
    assertThat(feeds.get(0))
        .containsExactly(
            Map.entry("x", NdArray.of(new float[] {1, 2, 3, 4}, 1, 4)),
            Map.entry("ids", NdArray.of(new long[] {7, -7}, 2)));
  }

  @Test
  void tensorsNamedAfterAnInputGoThereWhateverTheirFileNumber() throws IOException {
    Path data = Files.createDirectory(dir.resolve("data"));
    pb(data.resolve("input_0.pb"), Tensors.rawFloats("b", new long[] {1}, 2));
    pb(data.resolve("input_1.pb"), Tensors.rawFloats("a", new long[] {1}, 1));
    InputSpec a = spec("a", ElementType.FLOAT, 1L);
    InputSpec b = spec("b", ElementType.DOUBLE, 1L);
    assertThat(SampleFiles.read(data, List.of(a, b)).get(0))
        .containsExactly(
            Map.entry("a", NdArray.of(new float[] {1}, 1)),
            Map.entry("b", NdArray.of(new double[] {2}, 1)));
  }

  @Test
  void testDataSetsAreOneFeedEachInNumericOrder() throws IOException {
    InputSpec mask = spec("mask", ElementType.BOOL, 1L, 2L);
    InputSpec d = spec("d", ElementType.DOUBLE, "n");
    for (int set : new int[] {10, 1, 0}) {
      Path s = Files.createDirectories(dir.resolve("test_data_set_" + set));
      pb(
          s.resolve("input_0.pb"),
          Tensors.int32Data("mask", ElementType.BOOL, new long[] {1, 2}, set % 2, 1));
      ByteBuffer doubles = ByteBuffer.wrap(f8(set, -set));
      pb(s.resolve("input_1.pb"), Tensors.raw("d", ElementType.DOUBLE, new long[] {2}, doubles));
    }
    List<Map<String, NdArray>> feeds = SampleFiles.read(dir, List.of(mask, d));
    assertThat(feeds).hasSize(3);
    int k = 0;
    for (int set : new int[] {0, 1, 10}) {
      assertThat(feeds.get(k++))
          .containsExactly(
              Map.entry("mask", NdArray.of(new boolean[] {set % 2 == 1, true}, 1, 2)),
              Map.entry("d", NdArray.of(new double[] {set, -set}, 2)));
    }
  }

  @Test
  void testDataErrorsNameTheFile() throws IOException {
    Path s0 = Files.createDirectory(dir.resolve("test_data_set_0"));
    Path s1 = Files.createDirectory(dir.resolve("test_data_set_1"));
    pb(s0.resolve("input_0.pb"), Tensors.rawFloats("x", new long[] {1, 4}, 1, 2, 3, 4));
    pb(s1.resolve("input_0.pb"), Tensors.rawFloats("x", new long[] {1, 3}, 1, 2, 3));
    assertThat(error(dir, X))
        .isEqualTo(
            "test_data_set_1/input_0.pb holds float32[1, 3], but input 'x' expects"
                + " float32[batch, 4]");

    pb(s1.resolve("input_0.pb"), Tensors.int32Data("x", ElementType.FLOAT16, new long[] {1}, 0));
    assertThat(error(dir, X))
        .startsWith("test_data_set_1/input_0.pb holds float16 values, which sample files cannot");

    pb(s1.resolve("input_0.pb"), Tensors.rawFloats("x", new long[] {1, 4}, 1, 2, 3, 4));
    assertThat(error(dir, spec("ids", ElementType.INT64, 1L, 4L)))
        .startsWith(
            "test_data_set_0/input_0.pb holds float32 values, but input 'ids' expects int64[1, 4]");

    InputSpec b = spec("b", ElementType.FLOAT, 1L);
    assertThat(error(dir, X, b))
        .isEqualTo(
            "test_data_set_0 has no file for input 'b' (input_1.pb, or a TensorProto named 'b');"
                + " the model has inputs x, b");

    pb(s1.resolve("input_1.pb"), Tensors.rawFloats("", new long[] {1}, 1));
    assertThat(error(s1, X)).isEqualTo("input_1.pb is input 1, but the model has 1 input: x");

    Files.write(s1.resolve("input_1.pb"), new byte[] {(byte) 0xff, (byte) 0xff, 0x7f});
    assertThat(error(dir, X))
        .startsWith("test_data_set_1/input_1.pb is not a serialized TensorProto");
  }

  @Test
  void folderWithoutTestDataListsWhatIsSupported() throws IOException {
    Path empty = Files.createDirectory(dir.resolve("empty"));
    assertThat(error(empty, X))
        .startsWith("empty is a folder without input_0.pb or test_data_set_0/")
        .contains("CSV", ".npy", ".npz", "ONNX test-data folder");
  }

  // Anything else

  @Test
  void otherFilesAndMissingPathsListWhatIsSupported() throws IOException {
    assertThat(error(text("data.txt", "1,2,3,4"), X))
        .startsWith("data.txt is not a supported sample file")
        .contains("CSV", ".npy", ".npz", "ONNX test-data folder");
    assertThat(error(dir.resolve("nowhere.csv"), X))
        .contains("nowhere.csv does not exist")
        .contains("CSV", ".npy", ".npz", "ONNX test-data folder");
  }

  // Helpers

  private static InputSpec spec(String name, ElementType type, Object... dims) {
    return new InputSpec(name, type, Arrays.asList(dims));
  }

  private static String error(Path path, InputSpec... inputs) {
    try {
      List<Map<String, NdArray>> feeds = SampleFiles.read(path, List.of(inputs));
      throw new AssertionError("expected an IOException for " + path + ", got " + feeds);
    } catch (IOException e) {
      return e.getMessage();
    }
  }

  private Path text(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  private Path bytes(String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }

  private static void pb(Path path, TensorProto t) throws IOException {
    Files.write(path, t.toByteArray());
  }

  static byte[] npy(String descr, long[] shape, byte[] data) {
    return npy(1, descr, false, shape, data);
  }

  /** An .npy file as numpy.save writes it: magic, version, a padded dict header, the data. */
  static byte[] npy(int major, String descr, boolean fortran, long[] shape, byte[] data) {
    String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
    String tuple = "(" + dims + (shape.length == 1 ? ",)" : ")");
    String dict =
        String.format(
            "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }",
            descr, fortran ? "True" : "False", tuple);
    int prefix = major == 1 ? 10 : 12;
    int pad = (64 - (prefix + dict.length() + 1) % 64) % 64;
    byte[] header = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b =
        ByteBuffer.allocate(prefix + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (major == 1) {
      b.putShort((short) header.length);
    } else {
      b.putInt(header.length);
    }
    return b.put(header).put(data).array();
  }

  private static byte[] zip(boolean deflate, Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey());
        if (!deflate) {
          CRC32 crc = new CRC32();
          crc.update(e.getValue());
          entry.setMethod(ZipEntry.STORED);
          entry.setSize(e.getValue().length);
          entry.setCrc(crc.getValue());
        }
        z.putNextEntry(entry);
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    return out.toByteArray();
  }

  private static byte[] f4(float... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b.array();
  }

  private static byte[] f8(double... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asDoubleBuffer().put(v);
    return b.array();
  }

  private static byte[] i8(long... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(v);
    return b.array();
  }

  private static byte[] i4(int... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(v);
    return b.array();
  }
}
