// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
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
 * is tolerant of what those write (a UTF-8 BOM, CRLF, spaces, quoted fields with commas or line
 * breaks in them, blank lines) and strict about the numbers themselves: every error names the file,
 * the row (the line the record starts on) and the column. The file is tokenized by Jackson's CSV
 * parser (RFC 4180), streamed: only the numbers are kept in memory.
 */
final class Csv {
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private static final CsvMapper MAPPER =
      CsvMapper.builder()
          .enable(CsvParser.Feature.TRIM_SPACES)
          .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
          .build();

  private Csv() {}

  /** One record of the file: its fields and the line it starts on. */
  private record Row(List<String> fields, long line) {
    boolean isBlank() {
      return fields.isEmpty() || (fields.size() == 1 && fields.get(0).isBlank());
    }
  }

  /** The records of a CSV file, one at a time. */
  private static final class Rows implements AutoCloseable {
    private final String file;
    private final JsonParser parser;
    private long lastLine; // the line the previous record ended on

    Rows(String file, InputStream in) throws IOException {
      this.file = file;
      this.parser = MAPPER.createParser(withoutBom(in));
    }

    /** The next record, or null at the end. */
    Row next() throws IOException {
      long line = -1;
      try {
        JsonToken t = parser.nextToken(); // each record is an array of strings
        if (t == null) {
          return null;
        }
        List<String> fields = new ArrayList<>();
        while ((t = parser.nextToken()) == JsonToken.VALUE_STRING) {
          if (fields.isEmpty()) {
            line = parser.currentTokenLocation().getLineNr(); // where the record's text starts
          }
          fields.add(parser.getText().strip());
        }
        lastLine = parser.currentTokenLocation().getLineNr();
        return new Row(fields, line);
      } catch (JsonProcessingException e) {
        long at = line > 0 ? line : lastLine + 1; // a record that never starts properly
        throw new ModelFormatException(
            file + (at > 0 ? ", row " + at : "") + ": not valid CSV: " + e.getOriginalMessage());
      }
    }

    @Override
    public void close() throws IOException {
      parser.close();
    }
  }

  /** The stream without a UTF-8 byte order mark, which spreadsheets write. */
  private static InputStream withoutBom(InputStream in) throws IOException {
    PushbackInputStream p = new PushbackInputStream(new BufferedInputStream(in, 1 << 16), 3);
    byte[] head = p.readNBytes(3);
    boolean bom =
        head.length == 3
            && (head[0] & 0xff) == 0xEF
            && (head[1] & 0xff) == 0xBB
            && (head[2] & 0xff) == 0xBF;
    if (!bom) {
      p.unread(head);
    }
    return p;
  }

  /**
   * The rows as one feed of shape [rows, F]; when the model fixes the batch dimension to n, as one
   * feed per n rows.
   */
  static List<Map<String, NdArray>> read(Path path, List<InputSpec> inputs) throws IOException {
    String file = SampleFiles.displayName(path);
    InputSpec spec = theInput(file, inputs);
    boolean isDouble = spec.type() == ElementType.DOUBLE;
    try (Rows records = new Rows(file, Files.newInputStream(path))) {
      Row headerRow = records.next();
      while (headerRow != null && headerRow.isBlank()) {
        headerRow = records.next();
      }
      if (headerRow == null) {
        throw new ModelFormatException(
            file + " is empty; expected a header row, then one row of numbers per sample");
      }
      List<String> header = headerRow.fields();
      int columns = header.size();
      if (spec.dims().get(1) instanceof Long f && f != columns) {
        String hint =
            columns == 1 && (header.get(0).contains(";") || header.get(0).contains("\t"))
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
      for (Row record = records.next(); record != null; record = records.next()) {
        if (record.isBlank()) {
          continue;
        }
        long row = record.line();
        List<String> values = record.fields();
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
                v.isEmpty()
                    ? "the value is empty, expected a number"
                    : "'" + v + "' is not a number";
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
      return feeds(file, spec, isDouble, floats, doubles, count, rows, columns);
    }
  }

  private static List<Map<String, NdArray>> feeds(
      String file,
      InputSpec spec,
      boolean isDouble,
      float[] floats,
      double[] doubles,
      int count,
      int rows,
      int columns)
      throws ModelFormatException {
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

  private static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
