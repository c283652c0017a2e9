// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.model.DiskFaults;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.SaveOptions;

/**
 * The verbs that write files (quantize, report, parity), run on a model with external data, against
 * unwritable folders, a full disk and outputs that name their own inputs: one line on stderr, exit
 * code 2, no partial file, and the model and its data byte for byte as before (SHA-256).
 */
class SourceSafetyTest {
  @TempDir Path dir;
  private Path model;
  private Map<String, String> sources;

  @BeforeEach
  void externalModel() throws IOException {
    model = dir.resolve("model.onnx");
    ModelFiles.save(OnnxModel.of(TestModels.bigWeight()), model, SaveOptions.withExternalData());
    sources = checksums();
    assertThat(sources).containsOnlyKeys("model.onnx", "model.onnx.data");
  }

  private Map<String, String> checksums() throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        out.put(p.getFileName().toString(), sha256(p));
      }
    }
    return out;
  }

  private static String sha256(Path p) throws IOException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private String path(String name) {
    return dir.resolve(name).toString();
  }

  /** Runs a verb that must fail with one line and leave the folder exactly as it was. */
  private void refused(String expected, String... args) throws IOException {
    CliTest.Result r = CliTest.run(args);
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains(expected).doesNotContain("\tat ");
    assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
    assertThat(checksums()).as("no file written, the sources untouched").isEqualTo(sources);
  }

  @Test
  void outputsThatAreInputsAreRefusedBeforeAnyWork() throws IOException {
    String m = model.toString();
    refused("is the input model", "quantize", m, "-o", m);
    refused(
        "refusing to overwrite " + path("model.onnx.data") + ": it is an input (external data",
        "quantize",
        m,
        "-o",
        path("model.onnx.data"));
    refused(
        "refusing to overwrite " + path("model.onnx"),
        "quantize",
        m,
        "-o",
        path("q.onnx"),
        "--report",
        m);
    refused("refusing to overwrite", "report", m, "--no-bench", "--samples", "2", "--pdf", m);
    refused(
        "refusing to overwrite " + path("model.onnx.data"),
        "report",
        m,
        "--no-bench",
        "--json",
        path("model.onnx.data"));
    refused(
        "is given for two outputs",
        "report",
        m,
        "--no-bench",
        "--json",
        path("r.out"),
        "--pdf",
        path("r.out"));
    refused("refusing to overwrite", "parity", "--reference", m, "--candidate", m, "--report", m);
  }

  @Test
  void quantizedDataFileMayNotReplaceTheInputsData() throws IOException {
    // an input whose data file is called b.onnx.data: quantizing to b.onnx with external data
    // would write b.onnx.data
    Path a = dir.resolve("a.onnx");
    ModelFiles.save(
        OnnxModel.of(TestModels.bigWeight()),
        a,
        new SaveOptions(SaveOptions.ExternalDataMode.ALWAYS, "b.onnx.data", 1024));
    sources = checksums();
    refused(
        "refusing to overwrite " + path("b.onnx.data"),
        "quantize",
        a.toString(),
        "-o",
        path("b.onnx"),
        "--external-data");
  }

  @Test
  @SuppressWarnings("try") // the faults are in force inside the blocks
  void unwritableFoldersAndAFullDisk() throws IOException {
    String m = model.toString();
    Files.writeString(dir.resolve("file.txt"), "x");
    sources = checksums();
    refused(
        path("file.txt") + " is a file, not a folder",
        "quantize",
        m,
        "-o",
        path("file.txt/out.onnx"));
    refused(
        path("file.txt") + " is a file, not a folder",
        "report",
        m,
        "--no-bench",
        "--pdf",
        path("file.txt/r.pdf"));
    try (DiskFaults ro = DiskFaults.readOnlyFolder()) {
      refused("cannot write into " + dir + ": permission denied", "quantize", m);
      refused(
          "cannot write into " + dir + ": permission denied",
          "report",
          m,
          "--no-bench",
          "--samples",
          "2",
          "--json",
          path("r.json"));
    }
    // the probe before the work passes; the disk fills up while the result is written
    try (DiskFaults full = DiskFaults.fullAfter(30_000)) {
      refused(
          "cannot write " + path("q.onnx") + ": No space left on device",
          "quantize",
          m,
          "-o",
          path("q.onnx"),
          "--external-data");
    }
    try (DiskFaults full = DiskFaults.fullAfter(2_000)) {
      refused(
          "cannot write " + path("r.pdf") + ": No space left on device",
          "report",
          m,
          "--no-bench",
          "--samples",
          "2",
          "--pdf",
          path("r.pdf"));
    }
    try (DiskFaults full = DiskFaults.fullAfter(200)) {
      refused(
          "cannot write " + path("r.json") + ": No space left on device",
          "report",
          m,
          "--no-bench",
          "--samples",
          "2",
          "--json",
          path("r.json"));
    }
  }

  @Test
  void everyVerbLeavesTheSourceAsItWas() throws IOException {
    String m = model.toString();
    String q = path("model.int8.onnx");
    for (List<String> args :
        List.of(
            List.of("inspect", m),
            List.of("inspect", m, "--json"),
            List.of("quantize", m, "--external-data"),
            List.of("parity", "--reference", m, "--candidate", q, "--samples", "2"),
            List.of("bench", "--model", m, "--candidate", q, "--runs", "2", "--warmup", "1"),
            List.of(
                "report",
                m,
                "--no-bench",
                "--samples",
                "2",
                "--json",
                path("r.json"),
                "--pdf",
                path("r.pdf"),
                "--png",
                path("r.png")))) {
      CliTest.Result r = CliTest.run(args.toArray(String[]::new));
      // parity and report may find the int8 model outside the tolerances (exit 1)
      assertThat(r.code()).as(args + ": " + r.err()).isIn(ExitCodes.OK, ExitCodes.CHECK_FAILED);
      Map<String, String> now = checksums();
      assertThat(now)
          .as(args.get(0))
          .containsEntry("model.onnx", sources.get("model.onnx"))
          .containsEntry("model.onnx.data", sources.get("model.onnx.data"));
      assertThat(now.keySet()).noneMatch(n -> n.endsWith(".part"));
    }
    assertThat(checksums().keySet())
        .containsExactlyInAnyOrder(
            "model.onnx",
            "model.onnx.data",
            "model.int8.onnx",
            "model.int8.onnx.data",
            "parity_report.json",
            "r.json",
            "r.pdf",
            "r.png");
  }
}
