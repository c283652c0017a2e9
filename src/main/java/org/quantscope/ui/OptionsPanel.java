// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.ArrayList;
import java.util.Map;
import javafx.beans.property.BooleanProperty;
import javafx.geometry.Insets;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;
import org.controlsfx.control.CheckListView;
import org.controlsfx.control.ToggleSwitch;
import org.quantscope.parity.Metric;
import org.quantscope.quantize.QuantType;
import org.quantscope.quantize.Recipe;

/**
 * The settings of a run: how to quantize (ORT's options and QuantScope's extensions), what parity
 * means, where samples come from, how long to benchmark. Values are checked as they are typed and
 * problems shown next to the field.
 */
public final class OptionsPanel extends ScrollPane {
  private final OptionsViewModel vm;
  private final MainViewModel main;

  public OptionsPanel(MainViewModel main) {
    this.main = main;
    this.vm = main.options();
    setId("optionsPanel");
    setFitToWidth(true);
    VBox box = new VBox(10);
    box.setPadding(new Insets(10));

    ComboBox<QuantType> type = new ComboBox<>();
    type.getItems().setAll(QuantType.values());
    type.setId("weightType");
    type.valueProperty().bindBidirectional(vm.weightTypeProperty());
    ComboBox<Recipe> recipe = new ComboBox<>();
    recipe.getItems().setAll(Recipe.values());
    recipe.setId("recipe");
    recipe.setConverter(
        new javafx.util.StringConverter<>() {
          @Override
          public String toString(Recipe r) {
            return r == null ? "" : r.id();
          }

          @Override
          public Recipe fromString(String s) {
            return Recipe.named(s).orElse(null);
          }
        });
    recipe.valueProperty().bindBidirectional(vm.recipeProperty());
    Label recipeNote = note("");
    recipeNote.setId("recipeSummary");
    recipeNote
        .textProperty()
        .bind(
            javafx.beans.binding.Bindings.createStringBinding(
                () ->
                    vm.recipeProperty().get() == null
                        ? ""
                        : vm.recipeProperty().get().source()
                            + ": "
                            + vm.recipeProperty().get().summary(),
                vm.recipeProperty()));
    GridPane quant = grid();
    quant.addRow(0, new Label("Recipe"), recipe);
    quant.add(recipeNote, 0, 1, 2, 1);
    quant.addRow(2, new Label("Weight type"), type);
    quant.addRow(
        3,
        new Label("Per channel"),
        toggle(
            "perChannel",
            vm.perChannelProperty(),
            "One scale per output channel (MatMul, Gemm, Attention, LSTM)"));
    quant.addRow(
        4,
        new Label("Reduce range"),
        toggle(
            "reduceRange",
            vm.reduceRangeProperty(),
            "7-bit weights: avoids int8 saturation on CPUs without VNNI"));

    CheckListView<String> ops = new CheckListView<>();
    ops.setId("opTypes");
    ops.getItems().setAll(new ArrayList<>(vm.opTypes().keySet()));
    ops.setPrefHeight(7 * 24 + 4);
    for (Map.Entry<String, BooleanProperty> e : vm.opTypes().entrySet()) {
      if (e.getValue().get()) {
        ops.getCheckModel().check(e.getKey());
      }
    }
    ops.getCheckModel()
        .getCheckedItems()
        .addListener(
            (javafx.collections.ListChangeListener<String>)
                c -> vm.opTypes().forEach((op, on) -> on.set(ops.getCheckModel().isChecked(op))));

    GridPane beyond = grid();
    beyond.addRow(
        0,
        new Label("Constant-node weights"),
        toggle(
            "constantWeights",
            vm.constantWeightsProperty(),
            "Quantize weights held in Constant nodes or Identity copies of initializers"));
    beyond.addRow(
        1,
        new Label("General Gemm"),
        toggle(
            "gemmGeneral",
            vm.gemmGeneralProperty(),
            "Rewrite Gemm with transA, alpha or beta too"));
    beyond.addRow(
        2,
        new Label("Per-channel Conv"),
        toggle(
            "convPerChannel",
            vm.convPerChannelProperty(),
            "With per channel: Conv weights per output channel too"));
    beyond.addRow(
        3,
        new Label("Subgraphs"),
        toggle(
            "enableSubgraph",
            vm.enableSubgraphProperty(),
            "Quantize inside If/Loop/Scan bodies (EnableSubgraph)"));

    GridPane parity = grid();
    int row = 0;
    row = field(parity, row, "Max |d| tolerance", "absTol", vm.absTol());
    row = field(parity, row, "Mean |d| tolerance", "meanTol", vm.meanTol());
    row = field(parity, row, "Decision threshold", "threshold", vm.threshold());
    ComboBox<Metric> metric = new ComboBox<>();
    metric.getItems().setAll(Metric.values());
    metric.setId("metric");
    metric.setConverter(
        new javafx.util.StringConverter<>() {
          @Override
          public String toString(Metric m) {
            return m == null
                ? ""
                : switch (m) {
                  case ABS -> "max and mean |d|";
                  case COSINE -> "cosine of each row";
                  case TOP1 -> "top-1 decisions";
                };
          }

          @Override
          public Metric fromString(String s) {
            return null;
          }
        });
    metric.valueProperty().bindBidirectional(vm.metricProperty());
    metric.setTooltip(
        new javafx.scene.control.Tooltip(
            "What the verdict judges: |d| (the seed's), the smallest cosine over output rows (an"
                + " embedding; [N, T, D] mean-pooled under the attention mask), or the share of"
                + " classifier decisions that agree."));
    parity.addRow(row++, new Label("Verdict by"), metric);
    field(parity, row, "Cosine / top-1 tolerance", "metricTol", vm.metricTol());
    // |d| has its own two tolerances above: this one means nothing while it is chosen
    parity.lookup("#metricTol").disableProperty().bind(vm.metricProperty().isEqualTo(Metric.ABS));

    GridPane bench = grid();
    row = 0;
    row = field(bench, row, "Timed runs", "benchRuns", vm.benchRuns());
    field(bench, row, "Threads (0: auto)", "benchThreads", vm.benchThreads());

    box.getChildren()
        .addAll(
            section("Quantization"),
            quant,
            new Label("Op types to quantize"),
            ops,
            note("Gemm follows MatMul: ONNX Runtime rewrites it into MatMul first."),
            section("Beyond ONNX Runtime"),
            beyond,
            section("Parity"),
            parity,
            section("Samples"),
            new SamplesPane(main),
            section("Benchmark"),
            bench);
    setContent(box);
  }

  static Label note(String text) {
    Label l = new Label(text);
    l.setWrapText(true);
    l.getStyleClass().add("toolbar-note");
    return l;
  }

  private static ToggleSwitch toggle(String id, BooleanProperty p, String tip) {
    ToggleSwitch t = new ToggleSwitch();
    t.setId(id);
    t.selectedProperty().bindBidirectional(p);
    t.setTooltip(new Tooltip(tip));
    return t;
  }

  /** A text field with its problem shown under it in red. */
  static int field(GridPane g, int row, String label, String id, OptionField f) {
    TextField t = new TextField();
    t.setId(id);
    t.setPrefColumnCount(8);
    t.textProperty().bindBidirectional(f.textProperty());
    Label problem = new Label();
    problem.setId(id + "Problem");
    problem.getStyleClass().add("field-problem");
    problem.textProperty().bind(f.problemProperty());
    problem.visibleProperty().bind(f.problemProperty().isNotEmpty());
    problem.managedProperty().bind(problem.visibleProperty());
    f.problemProperty()
        .addListener(
            (o, a, b) -> {
              t.getStyleClass().remove("invalid");
              if (!b.isEmpty()) {
                t.getStyleClass().add("invalid");
              }
            });
    g.addRow(row, new Label(label), new VBox(2, t, problem));
    return row + 1;
  }

  static GridPane grid() {
    GridPane g = new GridPane();
    g.setHgap(10);
    g.setVgap(6);
    return g;
  }

  private static Label section(String text) {
    Label l = new Label(text);
    l.getStyleClass().add("section-title");
    return l;
  }
}
