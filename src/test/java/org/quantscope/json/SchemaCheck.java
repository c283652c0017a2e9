// SPDX-License-Identifier: Apache-2.0
package org.quantscope.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The test helper of the JSON convention: validates what a writer wrote against its document's
 * schema ({@code src/main/resources/schemas/NAME.schema.json}, JSON Schema 2020-12) and checks that
 * it starts with the document's {@code schema_version}. Use it in the test of every writer:
 *
 * <pre>{@code
 * JsonNode j = SchemaCheck.valid(JsonDocument.PARITY, reportFile);
 * assertThat(j.get("passed").asBoolean()).isTrue();
 * }</pre>
 */
public final class SchemaCheck {
  private static final ObjectMapper PLAIN = new ObjectMapper();
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

  private SchemaCheck() {}

  /** Validates the JSON text {@code json}; returns it parsed. */
  public static JsonNode valid(JsonDocument doc, String json) {
    JsonNode node;
    try {
      node = PLAIN.readTree(json);
    } catch (IOException e) {
      throw new AssertionError(doc.name() + " document is not JSON: " + e.getMessage(), e);
    }
    assertThat(node.isObject()).as(doc.name() + " document is one JSON object").isTrue();
    assertThat(node.fieldNames().next())
        .as(doc.name() + " document's first key")
        .isEqualTo(JsonDocument.VERSION_KEY);
    assertThat(node.get(JsonDocument.VERSION_KEY).asInt())
        .as(doc.name() + " schema_version")
        .isEqualTo(doc.schemaVersion());
    List<Error> errors = schema(doc).validate(node);
    assertThat(errors)
        .as(doc.name() + " document against " + doc.schemaResource() + ":\n" + json)
        .isEmpty();
    return node;
  }

  /** Validates the JSON file {@code file}; returns it parsed. */
  public static JsonNode valid(JsonDocument doc, Path file) {
    try {
      return valid(doc, Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The errors of {@code json} against {@code doc}'s schema (for tests of the schemas). */
  public static List<Error> errors(JsonDocument doc, String json) throws IOException {
    return schema(doc).validate(PLAIN.readTree(json));
  }

  /**
   * The errors of {@code part} against the shared part {@code def} of {@code defs.schema.json} (a
   * document's piece that another document embeds, such as the trace in a report).
   */
  public static List<Error> partErrors(String def, JsonNode part) {
    Schema schema =
        SCHEMAS.computeIfAbsent(
            "defs#" + def,
            n ->
                REGISTRY.getSchema(
                    SchemaLocation.of("classpath:/schemas/defs.schema.json#/$defs/" + def)));
    return schema.validate(part);
  }

  private static Schema schema(JsonDocument doc) {
    return SCHEMAS.computeIfAbsent(
        doc.name(),
        n -> {
          assertThat(SchemaCheck.class.getResource(doc.schemaResource()))
              .as("the schema " + doc.schemaResource())
              .isNotNull();
          return REGISTRY.getSchema(SchemaLocation.of("classpath:" + doc.schemaResource()));
        });
  }
}
