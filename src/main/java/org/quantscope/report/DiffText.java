// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.quantscope.graph.ModelDiff;
import org.quantscope.quantize.QuantizationDetector;
import org.quantscope.quantize.QuantizationFacts;

/**
 * The words the command line and the window use for a model diff and for what detection found in an
 * int8 model, so that both faces say the same (untrusted names cleaned, numbers written by {@link
 * Figures}).
 */
public final class DiffText {
  private DiffText() {}

  /** At most this many entries per section; the rest are counted. */
  static final int MAX_PER_SECTION = 20;

  /** The diff as lines: a verdict, then one section per kind of difference. */
  public static List<String> lines(ModelDiff.Report r, String nameA, String nameB) {
    List<String> out = new ArrayList<>();
    out.add("A: " + Texts.clean(nameA));
    out.add("B: " + Texts.clean(nameB));
    out.add(
        r.identical()
            ? "IDENTICAL: same nodes, attributes, order, weights, opsets, inputs and outputs"
            : "DIFFERENT");
    if (!r.opCounts().isEmpty()) {
      out.add("op counts (A -> B):");
      for (Map.Entry<String, List<Integer>> e : r.opCounts().entrySet()) {
        out.add(
            "  "
                + Texts.clean(e.getKey())
                + ": "
                + e.getValue().get(0)
                + " -> "
                + e.getValue().get(1));
      }
    }
    section(out, "nodes only in A", r.nodesOnlyInA());
    section(out, "nodes only in B", r.nodesOnlyInB());
    List<String> attrs = new ArrayList<>();
    for (ModelDiff.AttributeChange c : r.attributes()) {
      attrs.add(
          c.node()
              + " "
              + c.attribute()
              + ": "
              + (c.a() == null ? "(absent)" : c.a())
              + " -> "
              + (c.b() == null ? "(absent)" : c.b()));
    }
    section(out, "attributes", attrs);
    if (r.order() != null) {
      out.add("node order differs at " + Texts.clean(r.order()));
    }
    section(out, "initializers only in A", r.initializersOnlyInA());
    section(out, "initializers only in B", r.initializersOnlyInB());
    List<String> tensors = new ArrayList<>();
    for (ModelDiff.TensorChange c : r.initializers()) {
      tensors.add(
          c.change().equals("values")
              ? c.name()
                  + ": "
                  + Figures.count(c.differing())
                  + " of "
                  + Figures.count(c.elements())
                  + " values differ, largest by "
                  + (c.unit() != null && c.unit().equals("steps")
                      ? Figures.number(c.largest())
                          + " quantization step"
                          + (c.largest() == 1 ? "" : "s")
                      : Figures.number(c.largest()))
              : c.name() + ": " + c.change() + " " + c.a() + " in A, " + c.b() + " in B");
    }
    section(out, "initializers that differ", tensors);
    section(out, "opsets, inputs, outputs", r.interfaceChanges());
    section(out, "notes (not counted as differences)", r.notes());
    return out;
  }

  private static void section(List<String> out, String title, List<String> items) {
    if (items.isEmpty()) {
      return;
    }
    out.add(title + " (" + items.size() + "):");
    for (int i = 0; i < items.size() && i < MAX_PER_SECTION; i++) {
      out.add("  " + Texts.clean(items.get(i)));
    }
    if (items.size() > MAX_PER_SECTION) {
      out.add("  ... and " + (items.size() - MAX_PER_SECTION) + " more (--json has them all)");
    }
  }

  /** What detection found, as label/value rows for inspect and the Model tab. */
  public static List<String[]> quantization(QuantizationDetector.Detection d) {
    List<String[]> rows = new ArrayList<>();
    QuantizationFacts f = d.facts();
    rows.add(new String[] {"quantized", d.headline()});
    if (!f.quantized()) {
      return rows;
    }
    if (!d.alsoMatching().isEmpty()) {
      rows.add(new String[] {"", "as consistent with: " + String.join(", ", d.alsoMatching())});
    }
    List<String> types = new ArrayList<>();
    f.weightTypes().forEach((k, v) -> types.add(k + " " + v));
    if (!types.isEmpty()) {
      rows.add(new String[] {"weights", String.join(", ", types)});
    }
    rows.add(
        new String[] {
          "settings",
          "per-channel "
              + yesNo(f.perChannel())
              + ", reduce-range "
              + yesNo(f.reduceRange())
              + ", symmetric "
              + yesNo(f.symmetricWeights())
              + (f.symmetricTables() == null
                  ? ""
                  : ", symmetric tables " + yesNo(f.symmetricTables()))
              + ", MatMulConstBOnly "
              + yesNo(f.matMulConstBOnly())
              + ", EnableSubgraph "
              + yesNo(f.enableSubgraph())
              + ", activations "
              + f.activations()
        });
    List<String> q = new ArrayList<>();
    f.quantizedOps().forEach((k, v) -> q.add(k + " " + v));
    rows.add(new String[] {"int8 ops", q.isEmpty() ? "none" : String.join(", ", q)});
    List<String> fl = new ArrayList<>();
    f.floatOps().forEach((k, v) -> fl.add(k + " " + v));
    if (!fl.isEmpty()) {
      rows.add(new String[] {"left float", String.join(", ", fl)});
    }
    if (!f.excludedNodes().isEmpty()) {
      rows.add(new String[] {"excluded", String.join(", ", f.excludedNodes())});
    }
    for (int i = 0; i < f.versionClues().size(); i++) {
      rows.add(new String[] {i == 0 ? "clues" : "", f.versionClues().get(i)});
    }
    return rows;
  }

  private static String yesNo(Boolean b) {
    return b == null ? "unknown" : b ? "yes" : "no";
  }
}
