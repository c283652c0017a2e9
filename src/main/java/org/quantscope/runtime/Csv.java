// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;

/**
 * Reads a CSV file of samples for a model with one 2-D float input {@code [N, F]}: a header row,
 * then one sample per row. This is how tabular data usually leaves a spreadsheet or pandas, so it
 * is tolerant of what those write (a UTF-8 BOM, CRLF, spaces, quoted numbers, blank lines) and
 * strict about the numbers themselves: every error names the file, the line and the column.
 */
final class Csv {
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private Csv() {}

  /**
   * The rows as one feed of shape [rows, F]; when the model fixes the batch dimension to n, as one
   * feed per n rows.
   */
  static List<Map<String, NdArray>> read(Path path, List<InputSpec> inputs) throws IOException {
    String file = SampleFiles.displayName(path);
    InputSpec spec = theInput(file, inputs);
    boolean isDouble = spec.type() == ElementType.DOUBLE;
    String text = new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    String[] lines = text.split("\n", -1);
    int headerIndex = 0;
    while (headerIndex < lines.length && lines[headerIndex].isBlank()) {
      headerIndex++;
    }
    if (headerIndex == lines.length) {
      throw new ModelFormatException(
          file + " is empty; expected a header row, then one row of numbers per sample");
    }
    String headerLine = stripCr(lines[headerIndex]);
    List<String> header = fields(headerLine);
    int columns = header.size();
    if (spec.dims().get(1) instanceof Long f && f != columns) {
      String hint =
          columns == 1 && (headerLine.contains(";") || headerLine.contains("\t"))
              ? "; values must be separated by commas"
              : "";
      throw new ModelFormatException(
          String.format(
              "%s has %s, but input '%s' expects %s%s",
              file, plural(columns, "column"), spec.name(), spec.describe(), hint));
    }

    float[] floats = isDouble ? null : new float[Math.max(16, columns * 64)];
    double[] doubles = isDouble ? new double[Math.max(16, columns * 64)] : null;
    int count = 0;
    int rows = 0;
    for (int i = headerIndex + 1; i < lines.length; i++) {
      String line = stripCr(lines[i]);
      if (line.isBlank()) {
        continue;
      }
      int row = i + 1;
      List<String> values = fields(line);
      if (values.size() != columns) {
        throw new ModelFormatException(
            String.format(
                "%s, row %d: %s, but the header has %s",
                file, row, plural(values.size(), "value"), plural(columns, "column")));
      }
      if (count + columns > Integer.MAX_VALUE - 8) {
        throw new ModelFormatException(
            file + ", row " + row + ": too many values for one array; split the file");
      }
      int capacity = isDouble ? doubles.length : floats.length;
      if (count + columns > capacity) {
        int grown =
            (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(count + columns, 2L * capacity));
        if (isDouble) {
          doubles = Arrays.copyOf(doubles, grown);
        } else {
          floats = Arrays.copyOf(floats, grown);
        }
      }
      for (int c = 0; c < columns; c++) {
        String v = values.get(c);
        if (!isNumber(v)) {
          String name = header.get(c).isEmpty() ? "" : " ('" + header.get(c) + "')";
          String what =
              v.isEmpty() ? "the value is empty, expected a number" : "'" + v + "' is not a number";
          throw new ModelFormatException(
              String.format("%s, row %d, column %d%s: %s", file, row, c + 1, name, what));
        }
        if (isDouble) {
          doubles[count++] = parseDouble(v);
        } else {
          floats[count++] = parseFloat(v);
        }
      }
      rows++;
    }
    if (rows == 0) {
      throw new ModelFormatException(
          file + " has no data rows; expected one row of numbers per sample after the header");
    }

    int batch = rows;
    if (spec.dims().get(0) instanceof Long n && n != rows) {
      if (n == 0 || rows % n != 0) {
        throw new ModelFormatException(
            String.format(
                "%s has %s, but input '%s' expects %s, so the rows must come in batches of %d",
                file, plural(rows, "data row"), spec.name(), spec.describe(), n));
      }
      batch = (int) (long) n;
    }
    List<Map<String, NdArray>> feeds = new ArrayList<>();
    int per = batch * columns;
    for (int start = 0; start < count; start += per) {
      long[] shape = {batch, columns};
      NdArray a =
          isDouble
              ? NdArray.of(Arrays.copyOfRange(doubles, start, start + per), shape)
              : NdArray.of(Arrays.copyOfRange(floats, start, start + per), shape);
      feeds.add(Map.of(spec.name(), a));
    }
    return List.copyOf(feeds);
  }

  private static InputSpec theInput(String file, List<InputSpec> inputs)
      throws ModelFormatException {
    String expected = file + " is for a model with one 2-D float input; ";
    if (inputs.size() != 1) {
      throw new ModelFormatException(
          expected
              + (inputs.isEmpty()
                  ? "this model has no inputs"
                  : "this model has inputs " + SampleFiles.names(inputs)));
    }
    InputSpec spec = inputs.get(0);
    boolean floating = spec.type() == ElementType.FLOAT || spec.type() == ElementType.DOUBLE;
    if (!floating || spec.dims().size() != 2) {
      throw new ModelFormatException(
          expected + "this model's input '" + spec.name() + "' is " + spec.describe());
    }
    return spec;
  }

  /** Comma-separated fields, trimmed; a double-quoted field may hold commas and "" for a quote. */
  static List<String> fields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean inQuotes = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (inQuotes) {
        if (c != '"') {
          cur.append(c);
        } else if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else {
          inQuotes = false;
        }
      } else if (c == ',') {
        out.add(cur.toString().strip());
        cur.setLength(0);
      } else if (c == '"' && cur.toString().isBlank()) {
        inQuotes = true;
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString().strip());
    return out;
  }

  private static boolean isNumber(String v) {
    return NUMBER.matcher(v).matches() || special(v) != null;
  }

  /** nan, inf and infinity in any case with an optional sign, as numpy and pandas write them. */
  private static Double special(String v) {
    String s = v.toLowerCase(Locale.ROOT);
    boolean negative = s.startsWith("-");
    if (negative || s.startsWith("+")) {
      s = s.substring(1);
    }
    return switch (s) {
      case "nan" -> Double.NaN;
      case "inf", "infinity" -> negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      default -> null;
    };
  }

  private static double parseDouble(String v) {
    Double s = special(v);
    return s != null ? s : Double.parseDouble(v);
  }

  private static float parseFloat(String v) {
    Double s = special(v);
    return s != null ? s.floatValue() : Float.parseFloat(v);
  }

  private static String stripCr(String line) {
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  private static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
