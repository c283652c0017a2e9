// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.util.List;
import java.util.function.ToDoubleFunction;
import org.quantscope.model.UntrustedText;

/**
 * Text from models is untrusted: node names and doc strings may hold control characters, markup or
 * megabytes. These helpers make it safe to draw: printable, bounded, and cut to a width. Which
 * characters are unsafe, and how text is cut to a length, is decided in one place, {@link
 * UntrustedText} (in {@code model}, so that {@code ModelFormatException} uses the same rule);
 * {@link #clean} and {@link #isControl} are that rule, for the code that draws.
 */
public final class Texts {
  private Texts() {}

  private static final String ELLIPSIS = "\u2026";

  /** The longest text a report or the window shows from a model, in characters. */
  public static final int MAX_CHARS = UntrustedText.MAX_CHARS;

  /**
   * {@code s} with control characters replaced by spaces and cut to {@code max} characters with an
   * ellipsis; null becomes "". See {@link UntrustedText#clean(String, int)}.
   */
  public static String clean(String s, int max) {
    return UntrustedText.clean(s, max);
  }

  /** {@link #clean(String, int)} at {@link #MAX_CHARS}. */
  public static String clean(String s) {
    return clean(s, MAX_CHARS);
  }

  /** Characters that are not text to show; see {@link UntrustedText#isControl}. */
  public static boolean isControl(int cp) {
    return UntrustedText.isControl(cp);
  }

  /**
   * The longest start of {@code s} that fits {@code maxWidth}, with an ellipsis when cut. Long
   * path-like names keep their end (…/layer.7/attention/MatMul), where the distinguishing part is.
   */
  public static String fit(String s, double maxWidth, ToDoubleFunction<String> width) {
    String t = clean(s);
    if (width.applyAsDouble(t) <= maxWidth) {
      return t;
    }
    boolean pathLike = t.indexOf('/') >= 0;
    int lo = 0;
    int hi = t.length();
    while (lo < hi) {
      int mid = (lo + hi + 1) / 2;
      String c = pathLike ? "…" + t.substring(t.length() - mid) : t.substring(0, mid) + "…";
      if (width.applyAsDouble(c) <= maxWidth) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    if (lo == 0) {
      return "…";
    }
    return pathLike ? "…" + t.substring(t.length() - lo) : t.substring(0, lo) + "…";
  }

  /**
   * Axis labels for the node names of one chart: the path prefix all of them share ({@code
   * /encoder/}) is cut off and shown as {@code …/}, then each is {@link #shorten shortened} to
   * {@code max} characters, so that the labels differ where the names differ ({@code
   * …/layer.3/attention/self/query/MatMul}). Labels that would still be equal get {@code (2)},
   * {@code (3)}, ... so that no two names share one (a name listed twice keeps one label). Tooltips
   * and tables keep the full names.
   */
  public static List<String> axisLabels(List<String> names, int max) {
    String common = null;
    for (String n : names) {
      String name = n == null ? "" : n;
      if (common == null) {
        int slash = name.lastIndexOf('/');
        common = slash < 0 ? "" : name.substring(0, slash + 1);
      } else {
        int k = 0;
        int limit = Math.min(common.length(), name.length());
        while (k < limit && common.charAt(k) == name.charAt(k)) {
          k++;
        }
        common = common.substring(0, common.lastIndexOf('/', Math.max(0, k - 1)) + 1);
      }
    }
    // a lone "/" says nothing worth an ellipsis
    int cut = common == null || common.length() <= 1 || names.size() < 2 ? 0 : common.length();
    List<String> out = new java.util.ArrayList<>(names.size());
    // the names each label stands for: one name listed twice keeps its label
    java.util.Map<String, List<String>> seen = new java.util.HashMap<>();
    for (String n : names) {
      String label =
          n == null || n.isEmpty()
              ? "?"
              : cut > 0 ? shorten(ELLIPSIS + "/" + n.substring(cut), max) : shorten(n, max);
      List<String> owners = seen.computeIfAbsent(label, x -> new java.util.ArrayList<>());
      if (!owners.contains(n)) {
        owners.add(n);
      }
      int k = owners.indexOf(n) + 1;
      out.add(k == 1 ? label : label + " (" + k + ")");
    }
    return out;
  }

  /**
   * The text, cleaned and shortened to at most {@code max} characters with an ellipsis, for chart
   * labels that are measured in characters. Names are told apart by their ends ({@code
   * /encoder/layer.3/attention/MatMul}, {@code lstm.weight_ih_l0}), so a path-like name keeps its
   * longest tail of whole parts that fits, e.g. {@code …/layer.3/attention/MatMul}; other names (or
   * a tail shorter than half) lose their middle. Null or empty becomes "?".
   */
  public static String shorten(String text, int max) {
    if (text == null || text.isEmpty()) {
      return "?";
    }
    text = clean(text);
    int length = text.codePointCount(0, text.length());
    if (length <= max) {
      return text;
    }
    // a path is cut at its slashes only (a dot in "layer.4" is part of a step's name)
    String separators = text.indexOf('/') >= 0 ? "/" : ".:";
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (separators.indexOf(c) >= 0) {
        String rest = text.substring(c == '/' ? i : i + 1);
        int n = rest.codePointCount(0, rest.length());
        if (n + 1 <= max) {
          if (n + 1 >= max / 2) {
            return ELLIPSIS + rest;
          }
          break;
        }
      }
    }
    int tail = (max - 1) * 2 / 3;
    int head = max - 1 - tail;
    return text.substring(0, text.offsetByCodePoints(0, head))
        + ELLIPSIS
        + text.substring(text.offsetByCodePoints(0, length - tail));
  }
}
