// SPDX-License-Identifier: Apache-2.0
package org.quantscope.json;

/**
 * A kind of JSON document QuantScope writes for users, with the version of its layout. Every such
 * document is one JSON object whose first key is {@code schema_version}; its JSON Schema is the
 * resource {@code /schemas/NAME.schema.json} (in {@code src/main/resources/schemas/}), and the
 * tests validate what each writer writes against it.
 *
 * <p>Raise {@code schemaVersion} when a key is removed, renamed or changes meaning; adding a key
 * keeps the version (readers ignore keys they do not know). To add a document: a constant here (or
 * a {@code new JsonDocument("name", 1)} where it is written), its schema file, and a test that
 * validates the writer's output with the test helper {@code SchemaCheck}.
 *
 * @param name the document's name, also its schema file's name: lowercase words joined by {@code _}
 * @param schemaVersion the layout's version, from 1
 */
public record JsonDocument(String name, int schemaVersion) {
  /** The key every document starts with. */
  public static final String VERSION_KEY = "schema_version";

  /** {@code inspect --json}: the model and the verdict on every quantizable node. */
  public static final JsonDocument INSPECT = new JsonDocument("inspect", 1);

  /** {@code quantize --report}: what was quantized, per node and weight, and the totals. */
  public static final JsonDocument QUANTIZATION = new JsonDocument("quantization", 1);

  /** {@code parity}: the seed's {@code parity_report.json} and per-output statistics. */
  public static final JsonDocument PARITY = new JsonDocument("parity", 1);

  /** {@code bench --json}: latency of both models and the machine. */
  public static final JsonDocument BENCH = new JsonDocument("bench", 1);

  /** {@code sensitivity --json}: every node's two variants and the ranking. */
  public static final JsonDocument SENSITIVITY = new JsonDocument("sensitivity", 1);

  /** {@code quantize --auto-exclude --search-report}: the search for nodes to leave in float. */
  public static final JsonDocument AUTO_EXCLUDE = new JsonDocument("auto_exclude", 1);

  /** {@code trace --json}: the error of the int8 model through every tensor, node by node. */
  public static final JsonDocument TRACE = new JsonDocument("trace", 1);

  /** {@code diff --json}: two models compared, node by node and weight by weight. */
  public static final JsonDocument DIFF = new JsonDocument("diff", 1);

  /** {@code check-deploy --json}: saturation on CPUs without VNNI, and where the model runs. */
  public static final JsonDocument CHECK_DEPLOY = new JsonDocument("check_deploy", 1);

  /** {@code report --json} and the window's JSON export: the whole report. */
  public static final JsonDocument REPORT = new JsonDocument("report", 1);

  /** Checks the name and the version. */
  public JsonDocument {
    if (name == null || !name.matches("[a-z][a-z0-9]*(_[a-z0-9]+)*")) {
      throw new IllegalArgumentException(
          "a document name is lowercase words joined by '_', got '" + name + "'");
    }
    if (schemaVersion < 1) {
      throw new IllegalArgumentException("schema versions start at 1, got " + schemaVersion);
    }
  }

  /** The class-path resource of this document's JSON Schema. */
  public String schemaResource() {
    return "/schemas/" + name + ".schema.json";
  }
}
