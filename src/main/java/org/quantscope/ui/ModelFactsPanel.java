// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.Locale;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Region;
import org.quantscope.graph.ModelSummary;
import org.quantscope.quantize.QuantizationDetector;
import org.quantscope.report.Texts;

/**
 * The Model tab: the open model's {@link ModelFact facts} (file, producer, opsets, inputs and
 * outputs, size, how many nodes will be quantized), one labelled line each, with the id {@code
 * fact-<label>}. Text from the model is cleaned and cut. A model that is already quantized says how
 * (and with which recipe), with a button that compares it with its float source.
 */
final class ModelFactsPanel extends ScrollPane {
  /** Longest value shown: a megabyte producer name would stall text layout on the FX thread. */
  private static final int MAX_CHARS = 2000;

  private final GridPane facts = new GridPane();
  private final MainViewModel vm;
  private final Runnable compare;

  /**
   * @param compare asks for another file and compares the open model with it (File > Compare
   *     with...)
   */
  ModelFactsPanel(MainViewModel vm, Runnable compare) {
    this.vm = vm;
    this.compare = compare;
    facts.setId("modelFacts");
    facts.setHgap(12);
    facts.setVgap(6);
    facts.setPadding(new Insets(10));
    setContent(facts);
    setFitToWidth(true);
    vm.summaryProperty().addListener((obs, old, s) -> show(s));
  }

  /** Cleans a value line by line (cleaning makes a line break a space), cut at MAX_CHARS. */
  private static String clean(String value) {
    StringBuilder sb = new StringBuilder();
    for (String line : value.split("\n", -1)) {
      if (sb.length() >= MAX_CHARS) {
        break;
      }
      sb.append(sb.length() == 0 ? "" : "\n")
          .append(Texts.clean(line, Math.max(1, MAX_CHARS - sb.length())));
    }
    return sb.toString();
  }

  private void show(ModelSummary s) {
    facts.getChildren().clear();
    if (s == null) {
      return;
    }
    int row = 0;
    QuantizationDetector.Detection d = vm.detectionProperty().get();
    for (ModelFact f : ModelFact.of(s, d)) {
      Label l = new Label(f.label());
      l.getStyleClass().add("fact-label");
      l.setMinWidth(Region.USE_PREF_SIZE);
      Label v = new Label(clean(f.value()));
      v.setWrapText(true);
      v.setId("fact-" + f.label().toLowerCase(Locale.ROOT).replace(' ', '-'));
      facts.addRow(row++, l, v);
    }
    if (d != null && d.facts().quantized()) {
      Button b = new Button("Compare with its float source…");
      b.setId("compareFloatSource");
      b.setOnAction(e -> compare.run());
      facts.add(b, 1, row);
    }
  }
}
