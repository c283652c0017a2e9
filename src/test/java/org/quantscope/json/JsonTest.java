// SPDX-License-Identifier: Apache-2.0
package org.quantscope.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared mapper, the document envelope and the schema folder. */
class JsonTest {
  @TempDir Path dir;

  record Sample(String nodeName, long weightBytesBefore, List<String> dims) {}

  static final List<JsonDocument> ALL =
      List.of(
          JsonDocument.INSPECT,
          JsonDocument.QUANTIZATION,
          JsonDocument.PARITY,
          JsonDocument.BENCH,
          JsonDocument.SENSITIVITY,
          JsonDocument.AUTO_EXCLUDE,
          JsonDocument.TRACE,
          JsonDocument.DIFF,
          JsonDocument.CHECK_DEPLOY,
          JsonDocument.REPORT);

  @Test
  void allListsEveryDocumentConstant() throws IllegalAccessException {
    List<JsonDocument> constants = new java.util.ArrayList<>();
    for (java.lang.reflect.Field f : JsonDocument.class.getFields()) {
      if (f.getType() == JsonDocument.class
          && java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
        constants.add((JsonDocument) f.get(null));
      }
    }
    assertThat(ALL).containsExactlyInAnyOrderElementsOf(constants);
  }

  @Test
  void recordsAreWrittenSnakeCaseWithTheVersionFirst() throws IOException {
    String text =
        Json.document(
            new JsonDocument("sample", 3), new Sample("a\u001b[2Jb\u202e", 12, List.of("x")));
    assertThat(text)
        .startsWith("{\n  \"schema_version\" : 3,\n  \"node_name\" : ")
        .contains("\"weight_bytes_before\" : 12")
        .contains("a\\u001B[2Jb\\u202E")
        .endsWith("}\n");
    assertThat(Json.read(text, Sample.class))
        .isEqualTo(new Sample("a\u001b[2Jb\u202e", 12, List.of("x")));

    Path file = dir.resolve("s.json");
    Json.writeDocument(file, new JsonDocument("sample", 3), new Sample("n", 1, List.of()));
    assertThat(Files.readString(file)).startsWith("{\n  \"schema_version\" : 3,");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file); // no temporary file left beside it
    }
  }

  @Test
  void aDocumentIsAnObjectAndNamesAreChecked() {
    assertThatThrownBy(() -> Json.document(JsonDocument.PARITY, List.of(1, 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parity documents are JSON objects");
    assertThatThrownBy(() -> new JsonDocument("errorTrace", 1))
        .hasMessageContaining("lowercase words joined by '_'");
    assertThatThrownBy(() -> new JsonDocument("trace", 0)).hasMessageContaining("start at 1");
    assertThat(Json.document(JsonDocument.BENCH, Map.of("schema_version", 99)))
        .isEqualTo("{\n  \"schema_version\" : 1\n}\n");
  }

  @Test
  void everyDocumentHasAValidSchemaThatRefusesCamelCaseAndMissingVersions() throws IOException {
    for (JsonDocument d : ALL) {
      try (InputStream in = JsonTest.class.getResourceAsStream(d.schemaResource())) {
        assertThat(in).as(d.schemaResource()).isNotNull();
      }
      assertThat(SchemaCheck.errors(d, "{\"schema_version\": 1}"))
          .as(d.name() + ": required keys")
          .isNotEmpty();
    }
    String inspectMissingOne =
        "{\"schema_version\":1,\"file\":null,\"fileSizeBytes\":1,\"external_data_bytes\":0,"
            + "\"producer\":\"p\",\"producer_version\":\"\",\"ir_version\":8,\"opsets\":{},"
            + "\"inputs\":[],\"outputs\":[],\"node_count\":0,\"op_counts\":{},"
            + "\"subgraph_count\":0,\"function_count\":0,\"function_node_count\":0,"
            + "\"initializer_count\":0,\"initializer_bytes\":0,\"quantizable\":[]}";
    assertThat(SchemaCheck.errors(JsonDocument.INSPECT, inspectMissingOne))
        .extracting(Object::toString)
        .anyMatch(e -> e.contains("fileSizeBytes"))
        .anyMatch(e -> e.contains("file_size_bytes"));
    assertThat(
            SchemaCheck.errors(
                JsonDocument.INSPECT,
                inspectMissingOne.replace("\"fileSizeBytes\"", "\"file_size_bytes\"")))
        .isEmpty();
    assertThat(
            SchemaCheck.errors(
                JsonDocument.INSPECT,
                inspectMissingOne
                    .replace("\"fileSizeBytes\"", "\"file_size_bytes\"")
                    .replace("\"schema_version\":1", "\"schema_version\":2")))
        .isNotEmpty();
  }
}
