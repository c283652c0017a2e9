// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.Locale;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Region;
import org.quantscope.graph.ModelSummary;
import org.quantscope.report.Texts;

/**
 * The Model tab: the open model's {@link ModelFact facts} (file, producer, opsets, inputs and
 * outputs, size, how many nodes will be quantized), one labelled line each, with the id {@code
 * fact-<label>}. Text from the model is cleaned and cut.
 */
final class ModelFactsPanel extends ScrollPane {
  /** Longest value shown: a megabyte producer name would stall text layout on the FX thread. */
  private static final int MAX_CHARS = 2000;

  private final GridPane facts = new GridPane();

  ModelFactsPanel(MainViewModel vm) {
    facts.setId("modelFacts");
    facts.setHgap(12);
    facts.setVgap(6);
    facts.setPadding(new Insets(10));
    setContent(facts);
    setFitToWidth(true);
    vm.summaryProperty().addListener((obs, old, s) -> show(s));
  }

  private void show(ModelSummary s) {
    facts.getChildren().clear();
    if (s == null) {
      return;
    }
    int row = 0;
    for (ModelFact f : ModelFact.of(s)) {
      Label l = new Label(f.label());
      l.getStyleClass().add("fact-label");
      l.setMinWidth(Region.USE_PREF_SIZE);
      Label v = new Label(Texts.clean(f.value(), MAX_CHARS));
      v.setWrapText(true);
      v.setId("fact-" + f.label().toLowerCase(Locale.ROOT).replace(' ', '-'));
      facts.addRow(row++, l, v);
    }
  }
}
