// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.quantscope.report.ReportPdf;

/**
 * The commands that ask the user for a file: open a model, compare it with another, save the int8
 * model, export the report and save a chart. Each asks (starting in the folder of the last opened
 * model) and hands the answer to the view models; the save questions go through a {@link
 * SaveDialog} that tests replace.
 */
final class FileActions {
  private static final List<ReportFormat> REPORT_FORMATS =
      List.of(ReportFormat.PDF, ReportFormat.CHARTS_PNG, ReportFormat.GRAPH_PNG, ReportFormat.JSON);

  /** Description and extension of each entry of {@link #REPORT_FORMATS}, in the same order. */
  private static final List<String[]> REPORT_FILTERS =
      List.of(
          new String[] {"PDF report", "pdf"},
          new String[] {"Charts as PNG image", "png"},
          new String[] {"Graph as PNG image", "png"},
          new String[] {"JSON (for CI)", "json"});

  private final MainViewModel vm;
  private final RunViewModel runs;
  private final Supplier<Window> owner;
  private SaveDialog saveDialog = this::showSaveDialog;

  /**
   * @param owner the window the dialogs belong to (null while the view is not shown)
   */
  FileActions(MainViewModel vm, Supplier<Window> owner) {
    this.vm = vm;
    this.runs = vm.runs();
    this.owner = owner;
  }

  /** Replaces the file chooser behind the save questions (tests). */
  void setSaveDialog(SaveDialog dialog) {
    this.saveDialog = dialog;
  }

  /** File > Open: an ONNX model. */
  void openModel() {
    FileChooser chooser = chooser("Open ONNX model");
    chooser
        .getExtensionFilters()
        .addAll(
            new FileChooser.ExtensionFilter("ONNX models", "*.onnx"),
            new FileChooser.ExtensionFilter("All files", "*.*"));
    File f = chooser.showOpenDialog(owner.get());
    if (f != null) {
      vm.open(f.toPath());
    }
  }

  /** File > Compare with...: another model to compare the open one with (its float source, say). */
  void compareWith() {
    if (vm.modelProperty().get() == null) {
      return;
    }
    FileChooser chooser = chooser("Compare with");
    chooser
        .getExtensionFilters()
        .addAll(
            new FileChooser.ExtensionFilter("ONNX models", "*.onnx"),
            new FileChooser.ExtensionFilter("All files", "*.*"));
    File f = chooser.showOpenDialog(owner.get());
    if (f != null) {
      vm.compareWith(f.toPath());
    }
  }

  /** File > Save int8 model: the quantized model, next to the original by default. */
  void saveInt8() {
    if (runs.quantizedProperty().get() == null) {
      return;
    }
    FileChooser chooser = chooser("Save the int8 model");
    chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("ONNX models", "*.onnx"));
    chooser.setInitialFileName(baseName() + ".int8.onnx");
    File f = chooser.showSaveDialog(owner.get());
    if (f != null) {
      runs.saveInt8(f.toPath());
    }
  }

  /** File > Export report: PDF, the charts or the graph as PNG, or JSON, chosen by file type. */
  void exportReport() {
    if (runs.quantizedProperty().get() == null) {
      return;
    }
    SaveDialog.Choice c =
        saveDialog.choose("Export report", baseName() + ".report.pdf", REPORT_FILTERS);
    if (c == null) {
      return;
    }
    ReportFormat format = reportFormat(c.file(), c.filter());
    String ext = REPORT_FILTERS.get(REPORT_FORMATS.indexOf(format))[1];
    runs.exportReport(withExtension(c.file(), ext), format, paper());
  }

  /** Where to save a chart as PNG, or null when the user cancels (the Results tab asks). */
  Path chartTarget(String suggestedName) {
    SaveDialog.Choice c =
        saveDialog.choose(
            "Save chart as PNG",
            suggestedName,
            List.<String[]>of(new String[] {"PNG image", "png"}));
    return c == null ? null : withExtension(c.file(), "png");
  }

  /**
   * The report format for a file chosen under a filter: a typed extension wins over the filter,
   * except that both PNG kinds end in .png; without either, PDF.
   */
  static ReportFormat reportFormat(Path file, int filter) {
    ReportFormat byName = ReportFormat.byName(file);
    ReportFormat chosen =
        filter >= 0 && filter < REPORT_FORMATS.size() ? REPORT_FORMATS.get(filter) : null;
    if (byName == null) {
      return chosen == null ? ReportFormat.PDF : chosen;
    }
    return byName == ReportFormat.CHARTS_PNG && chosen == ReportFormat.GRAPH_PNG ? chosen : byName;
  }

  /** Letter paper where it is the norm, A4 elsewhere. */
  static ReportPdf.Paper paper() {
    String country = Locale.getDefault().getCountry();
    return List.of("US", "CA", "MX", "PH", "CL", "CO", "VE").contains(country)
        ? ReportPdf.Paper.LETTER
        : ReportPdf.Paper.A4;
  }

  /** The file with the extension added, unless it already ends in it (in any case). */
  static Path withExtension(Path file, String ext) {
    String n = file.getFileName().toString();
    return n.toLowerCase(Locale.ROOT).endsWith("." + ext)
        ? file
        : file.resolveSibling(n + "." + ext);
  }

  /** The open model's file name without .onnx, the start of every suggested name. */
  private String baseName() {
    String name = vm.summaryProperty().get() == null ? "model" : vm.titleProperty().get();
    return name.replace(" - QuantScope", "").replaceFirst("\\.onnx$", "");
  }

  /** A chooser that starts in the folder of the last opened model, if it still exists. */
  private FileChooser chooser(String title) {
    FileChooser chooser = new FileChooser();
    chooser.setTitle(title);
    Path folder = vm.lastFolder();
    if (folder != null && Files.isDirectory(folder)) {
      chooser.setInitialDirectory(folder.toFile());
    }
    return chooser;
  }

  private SaveDialog.Choice showSaveDialog(String title, String name, List<String[]> filters) {
    FileChooser chooser = chooser(title);
    for (String[] f : filters) {
      chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(f[0], "*." + f[1]));
    }
    chooser.setInitialFileName(name);
    File f = chooser.showSaveDialog(owner.get());
    if (f == null) {
      return null;
    }
    int index = chooser.getExtensionFilters().indexOf(chooser.getSelectedExtensionFilter());
    return new SaveDialog.Choice(f.toPath(), index);
  }
}
