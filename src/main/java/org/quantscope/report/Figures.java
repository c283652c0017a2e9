// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.util.List;
import java.util.Locale;

/**
 * How numbers are written for people: in the PDF and PNG, on the terminal and in the window. One
 * place, so that a figure reads the same everywhere and can be found in the JSON: differences with
 * four significant digits, sizes in exact bytes, MB or decimal units, latencies in ms with three
 * decimals; in charts, three significant digits. Decimals are always a dot, as the command line
 * writes them.
 */
public final class Figures {
  private Figures() {}

  /** Bytes in a megabyte: decimal, as file managers count. */
  public static final double BYTES_PER_MB = 1e6;

  /** An absolute difference or tolerance, four significant digits: 0.007712, 0.04. */
  public static String diff(double x) {
    if (x == 0) {
      return "0";
    }
    if (Double.isNaN(x) || Double.isInfinite(x)) {
      return Double.toString(x);
    }
    String s = String.format(Locale.ROOT, "%.4g", x);
    if (s.contains("e")) {
      return s;
    }
    return stripZeros(s);
  }

  /**
   * A cosine similarity, six decimals (0.998712): near 1 the digits after the third are the ones
   * that differ.
   */
  public static String cosine(double x) {
    return Double.isNaN(x) ? "n/a" : String.format(Locale.ROOT, "%.6f", x);
  }

  /** Bytes as an exact count with thousands separators: 438,034,112 B. */
  public static String bytes(long n) {
    return String.format(Locale.ROOT, "%,d B", n);
  }

  /** Bytes in decimal megabytes, two decimals: 438.03 MB. */
  public static String megabytes(long n) {
    return String.format(Locale.ROOT, "%.2f MB", n / BYTES_PER_MB);
  }

  /** A ratio such as a size ratio or a speedup: 3.97x. */
  public static String ratio(double x) {
    return ratio(x, 2);
  }

  /** A ratio with {@code decimals} decimals: 3.9x with one, as chart headlines round it. */
  public static String ratio(double x, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "fx", x);
  }

  /** A count with thousands separators: 1,234,567. */
  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** A size change from fp32 to int8 given fp32 / int8: "3.97x smaller", or "1.25x larger". */
  public static String sizeChange(double fp32OverInt8) {
    return fp32OverInt8 >= 1
        ? ratio(fp32OverInt8) + " smaller"
        : ratio(1 / fp32OverInt8) + " larger";
  }

  /**
   * How many of a group's candidates are quantized: "3 of 5 quantized", with ", 1 excluded" when
   * the user excluded some (a collapsed block's summary, in the window and in the reports).
   */
  public static String quantizedOf(long quantized, long candidates, long excluded) {
    return quantized
        + " of "
        + candidates
        + " quantized"
        + (excluded > 0 ? ", " + excluded + " excluded" : "");
  }

  /** Milliseconds, three decimals: 1.234 ms. */
  public static String ms(double x) {
    return String.format(Locale.ROOT, "%.3f ms", x);
  }

  /** A decibel figure, one decimal; infinity (an exact weight) as "exact"; never "-0.0". */
  public static String db(double x) {
    if (Double.isInfinite(x)) {
      return "exact";
    }
    String s = String.format(Locale.ROOT, "%.1f dB", x);
    // a hair below zero rounds to "-0.0", which reads as a sign that means something
    return s.equals("-0.0 dB") ? "0.0 dB" : s;
  }

  /**
   * A share (0 to 1) as a percentage with one decimal: 87.3 %; a share under 0.05 % but above zero
   * as "{@code < 0.1 %}", so that it does not read as none; null (unknown) as "-".
   */
  public static String share(Double x) {
    if (x == null || x.isNaN()) {
      return "-";
    }
    if (x > 0 && x < 0.0005) {
      return "< 0.1 %";
    }
    return String.format(Locale.ROOT, "%.1f %%", 100 * x);
  }

  /** A quantization scale, four significant digits. */
  public static String scale(double x) {
    return String.format(Locale.ROOT, "%.4g", x);
  }

  /**
   * Bytes in decimal units with one decimal, as file managers show them: 999 B, 12.0 MB; a negative
   * count (unknown) as "-".
   */
  public static String size(long n) {
    if (n < 0) {
      return "-";
    }
    if (n < 1000) {
      return n + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = n;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** A shape such as [batch, 128, 512]; an unknown dimension as ?, an unknown shape as "?". */
  public static String shape(List<?> dims) {
    if (dims == null) {
      return "?";
    }
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < dims.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      Object d = dims.get(i);
      sb.append(d == null ? "?" : d.toString());
    }
    return sb.append(']').toString();
  }

  /**
   * A number in a chart's labels, three significant digits, plain from 1e-4 up: 0.04, 0.0123, 1230,
   * 1.2e-05; NaN as "n/a", infinities as "inf" and "-inf".
   */
  public static String number(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e-4 && a < 1e7) {
      return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }
    return String.format(Locale.ROOT, "%.2e", v).replaceFirst("\\.?0+e", "e");
  }

  /**
   * The format of the value labels of a bar chart whose largest value is {@code largest}: enough
   * decimals for three significant digits of it, at most three (123, 12.3, 1.23, 0.123).
   */
  public static NumberFormat decimals(double largest) {
    String pattern = largest >= 100 ? "0" : largest >= 10 ? "0.0" : largest >= 1 ? "0.00" : "0.000";
    return new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT));
  }

  private static String stripZeros(String s) {
    if (!s.contains(".")) {
      return s;
    }
    int end = s.length();
    while (s.charAt(end - 1) == '0') {
      end--;
    }
    if (s.charAt(end - 1) == '.') {
      end--;
    }
    return s.substring(0, end);
  }
}
