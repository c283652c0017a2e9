// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.io.File;
import java.nio.file.Path;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ObjectProperty;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

/**
 * The Options panel's Samples section: made up, a file (CSV, .npy, .npz), real text with the
 * model's tokenizer.json, or the example's rows; how many, the seed, and rows per run.
 */
final class SamplesPane extends VBox {
  private final OptionsViewModel vm;
  private final MainViewModel main;

  SamplesPane(MainViewModel main) {
    super(10);
    this.main = main;
    this.vm = main.options();
    ToggleGroup source = new ToggleGroup();
    RadioButton synthetic =
        radio(
            "Made up from the model",
            "sourceSynthetic",
            source,
            OptionsViewModel.SampleSource.SYNTHETIC);
    RadioButton file =
        radio("From a file", "sourceFile", source, OptionsViewModel.SampleSource.FILE);
    RadioButton text =
        radio(
            "Text, one per line (tokenized)",
            "sourceText",
            source,
            OptionsViewModel.SampleSource.TEXT);
    text.setTooltip(
        new Tooltip(
            "Real text for a text model: each line tokenized with the model's tokenizer.json into"
                + " input_ids, attention_mask and token_type_ids, padded to the longest line (at"
                + " most 128 tokens), one line per run."));
    RadioButton example =
        radio(
            "The example's samples",
            "sourceExample",
            source,
            OptionsViewModel.SampleSource.EXAMPLE);
    example.disableProperty().bind(main.exampleProperty().not());
    source
        .selectedToggleProperty()
        .addListener(
            (o, a, b) -> {
              if (b != null) {
                vm.sampleSourceProperty().set((OptionsViewModel.SampleSource) b.getUserData());
              }
            });
    vm.sampleSourceProperty().addListener((o, a, b) -> select(source, b));
    select(source, vm.sampleSourceProperty().get());

    GridPane samples = OptionsPanel.grid();
    int row = 0;
    row = OptionsPanel.field(samples, row, "Samples", "samples", vm.samples());
    row = OptionsPanel.field(samples, row, "Seed", "seed", vm.seed());
    row = OptionsPanel.field(samples, row, "Rows per run", "batch", vm.batch());
    TextField batchField = (TextField) samples.lookup("#batch");
    batchField.setPromptText("as stored");
    batchField.setTooltip(
        new Tooltip(
            "Rows per run: a number, or all. Dynamic quantization takes one activation scale over"
                + " each run's whole batch, so a verdict holds for the batch it ran with. Empty: a"
                + " file as stored (a CSV in one run), made-up samples and texts one per run."));
    samples.addRow(
        row++,
        new Label("File"),
        chooser(
            "chooseSamples",
            "sampleFileName",
            vm.sampleFileProperty(),
            "no file",
            this::chooseSamples));
    samples.addRow(
        row++,
        new Label("Text file"),
        chooser("chooseText", "textFileName", vm.textFileProperty(), "no file", this::chooseText));
    samples.addRow(
        row,
        new Label("Tokenizer"),
        chooser(
            "chooseTokenizer",
            "tokenizerName",
            vm.tokenizerFileProperty(),
            "tokenizer.json beside the model",
            this::chooseTokenizer));
    getChildren().addAll(new VBox(4, synthetic, file, text, example), samples);
  }

  /** A Choose… button and the chosen file's name (or {@code none}). */
  private static HBox chooser(
      String id, String labelId, ObjectProperty<Path> chosen, String none, Runnable choose) {
    Button b = new Button("Choose…");
    b.setId(id);
    b.setOnAction(e -> choose.run());
    Label name = new Label();
    name.setId(labelId);
    name.textProperty()
        .bind(
            Bindings.createStringBinding(
                () -> chosen.get() == null ? none : String.valueOf(chosen.get().getFileName()),
                chosen));
    return new HBox(6, b, name);
  }

  private void chooseSamples() {
    Path f = open("Samples: CSV, .npy or .npz", "Samples", "*.csv", "*.npy", "*.npz");
    if (f != null) {
      vm.sampleFileProperty().set(f);
      vm.sampleSourceProperty().set(OptionsViewModel.SampleSource.FILE);
    }
  }

  private void chooseText() {
    Path f = open("Text: one per line, UTF-8", "Text", "*.txt");
    if (f != null) {
      vm.textFileProperty().set(f);
      vm.sampleSourceProperty().set(OptionsViewModel.SampleSource.TEXT);
    }
  }

  private void chooseTokenizer() {
    Path f = open("The model's tokenizer.json", "Tokenizer", "*.json");
    if (f != null) {
      vm.tokenizerFileProperty().set(f);
    }
  }

  private Path open(String title, String kind, String... patterns) {
    FileChooser fc = new FileChooser();
    fc.setTitle(title);
    fc.getExtensionFilters()
        .addAll(
            new FileChooser.ExtensionFilter(kind, patterns),
            new FileChooser.ExtensionFilter("All files", "*.*"));
    if (main.lastFolder() != null && main.lastFolder().toFile().isDirectory()) {
      fc.setInitialDirectory(main.lastFolder().toFile());
    }
    File f = fc.showOpenDialog(getScene() == null ? null : getScene().getWindow());
    return f == null ? null : f.toPath();
  }

  private static void select(ToggleGroup g, OptionsViewModel.SampleSource s) {
    g.getToggles().stream()
        .filter(t -> t.getUserData() == s)
        .findFirst()
        .ifPresent(t -> t.setSelected(true));
  }

  private static RadioButton radio(
      String text, String id, ToggleGroup g, OptionsViewModel.SampleSource s) {
    RadioButton r = new RadioButton(text);
    r.setId(id);
    r.setToggleGroup(g);
    r.setUserData(s);
    return r;
  }
}
