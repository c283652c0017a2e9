// SPDX-License-Identifier: Apache-2.0
package org.quantscope.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.quantscope.model.AtomicFile;
import org.quantscope.model.UntrustedText;

/**
 * QuantScope's one JSON convention, in one mapper: every document the command line, the window and
 * the worker write or read goes through here. Keys are snake_case (a record component {@code
 * weightBytesBefore} is written {@code weight_bytes_before}, as the seed's {@code
 * parity_report.json} has {@code max_abs_diff}); output is indented; unknown keys are ignored when
 * reading, so a newer document still reads; and every control or format character in a string (a
 * name taken from a model) is written as a JSON escape, so a JSON file shown in a terminal cannot
 * send escape sequences or reorder text, while the name itself stays whole.
 *
 * <p>A document a user sees (a report, {@code inspect --json}, ...) is written with {@link
 * #document}, which adds its {@code schema_version}; its JSON Schema is in {@code
 * src/main/resources/schemas/} (see {@link JsonDocument}).
 */
public final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.USE_LONG_FOR_INTS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  static {
    MAPPER.getFactory().setCharacterEscapes(new ControlEscapes());
  }

  private Json() {}

  /** The shared mapper. Configure nothing on it: it is everyone's. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** {@code value} as indented JSON text (no schema version: for parts and internal files). */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * {@code value} as the document {@code doc}: its JSON object with {@code schema_version} as the
   * first key, indented, ending with a newline.
   */
  public static String document(JsonDocument doc, Object value) {
    JsonNode tree = MAPPER.valueToTree(value);
    if (!(tree instanceof ObjectNode object)) {
      throw new IllegalArgumentException(
          doc.name() + " documents are JSON objects, not " + tree.getNodeType());
    }
    ObjectNode withVersion = MAPPER.createObjectNode();
    withVersion.put(JsonDocument.VERSION_KEY, doc.schemaVersion());
    object.remove(JsonDocument.VERSION_KEY);
    withVersion.setAll(object);
    try {
      return MAPPER.writeValueAsString(withVersion) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@link #document} to {@code target} atomically (a temporary file moved into place). */
  public static void writeDocument(Path target, JsonDocument doc, Object value) throws IOException {
    byte[] bytes = document(doc, value).getBytes(StandardCharsets.UTF_8);
    AtomicFile.write(target, out -> out.write(bytes));
  }

  /** Writes {@code value} without a schema version (internal files) atomically. */
  public static void writeFile(Path target, Object value) throws IOException {
    byte[] bytes = MAPPER.writeValueAsBytes(value);
    AtomicFile.write(target, out -> out.write(bytes));
  }

  /** Reads {@code type} from JSON text. */
  public static <T> T read(String json, Class<T> type) throws IOException {
    return MAPPER.readValue(json, type);
  }

  /** Reads {@code type} from a UTF-8 JSON file. */
  public static <T> T read(Path file, Class<T> type) throws IOException {
    return read(Files.readString(file, StandardCharsets.UTF_8), type);
  }

  /**
   * Writes every control or format character (see {@link UntrustedText#isControl}) as a backslash-u
   * escape: JSON keeps names whole, as data, but never carries a raw escape sequence or
   * bidirectional override.
   */
  private static final class ControlEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] ascii = CharacterEscapes.standardAsciiEscapesForJSON();

    ControlEscapes() {
      ascii[0x7f] = CharacterEscapes.ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      if (!UntrustedText.isControl(ch)) {
        return null;
      }
      return new SerializedString(String.format(Locale.ROOT, "\\u%04X", ch));
    }
  }
}
