// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.TextArea;
import javafx.stage.Window;
import org.quantscope.AppInfo;
import org.quantscope.runtime.OrtRuntime;

/**
 * The window's message dialogs: About, the one dialog a failed run shows (the message, with what
 * went wrong inside behind a click), and the diff of File > Compare with....
 */
final class Dialogs {
  private Dialogs() {}

  /** Help > About: the version of QuantScope, ONNX Runtime and Java. */
  static void about(Window owner) {
    Alert a = new Alert(Alert.AlertType.INFORMATION);
    a.initOwner(owner);
    a.setTitle("About QuantScope");
    a.setHeaderText("QuantScope " + AppInfo.version());
    a.setContentText(
        "INT8 dynamic quantization of ONNX models, with parity and latency checks.\n"
            + "ONNX Runtime "
            + OrtRuntime.version()
            + ", Java "
            + System.getProperty("java.version")
            + "\nLicensed under the Apache License 2.0. It bundles third-party components"
            + " under their own licences: see the details below.");
    a.getDialogPane().setId("aboutDialog");
    TextArea notices = new TextArea(AppInfo.thirdPartyNotices());
    notices.setId("noticesText");
    notices.setEditable(false);
    notices.setPrefRowCount(18);
    notices.setPrefColumnCount(100);
    notices.setStyle("-fx-font-family: monospace;");
    a.getDialogPane().setExpandableContent(notices);
    a.show();
  }

  /**
   * File > Compare with...: the diff as {@code quantscope diff} prints it, in a dialog of its own.
   */
  static void comparison(Window owner, MainViewModel.Comparison c) {
    Alert a = new Alert(Alert.AlertType.INFORMATION, null, ButtonType.CLOSE);
    a.initOwner(owner);
    a.initModality(javafx.stage.Modality.NONE);
    a.setTitle("Compare with " + c.other().getFileName());
    a.setHeaderText(
        c.report().identical()
            ? "Identical: same nodes, attributes, order and weights"
            : "Different");
    a.getDialogPane().setId("diffDialog");
    TextArea text = new TextArea(String.join("\n", c.lines()));
    text.setId("diffText");
    text.setEditable(false);
    text.setPrefRowCount(24);
    text.setPrefColumnCount(100);
    text.setStyle("-fx-font-family: monospace");
    a.getDialogPane().setContent(text);
    a.setResizable(true);
    a.show();
  }

  /**
   * A failed run: one dialog with the message, and the details (a trace) behind a click.
   *
   * @param onClosed called when the dialog is closed
   */
  static void failure(Window owner, RunFailure f, Runnable onClosed) {
    Alert a = new Alert(Alert.AlertType.ERROR, f.message(), ButtonType.CLOSE);
    a.initOwner(owner);
    a.setTitle("QuantScope");
    a.setHeaderText(f.title());
    a.getDialogPane().setId("errorDialog");
    a.getDialogPane().lookupButton(ButtonType.CLOSE).setId("errorDialogClose");
    if (!f.details().isEmpty()) {
      TextArea trace = new TextArea(f.details());
      trace.setEditable(false);
      trace.setPrefRowCount(16);
      a.getDialogPane().setExpandableContent(trace);
    }
    a.setOnHidden(e -> onClosed.run());
    a.show();
  }
}
