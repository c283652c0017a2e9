// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.nio.file.Path;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.quantscope.logs.LogFiles;

/**
 * <i>Help &gt; Show log</i>: the end of this session's log file (what was opened and run, failures
 * with their stack traces) in a window of its own, with where the file is, to attach to a bug
 * report.
 */
final class LogWindow {
  private static final int SHOWN_BYTES = 256 * 1024;

  private LogWindow() {}

  /** Opens the window over {@code owner}; {@code log} may be null when there is no log file. */
  static Stage show(Window owner, Path log) {
    TextArea text = new TextArea();
    text.setId("logText");
    text.setEditable(false);
    text.setWrapText(false);
    text.setStyle("-fx-font-family: monospace;");
    Label where = new Label();
    where.setId("logPath");
    Button refresh = new Button("Refresh");
    refresh.setId("logRefresh");
    Runnable load =
        () -> {
          if (log == null) {
            where.setText("No log file: the folder " + LogFiles.folder() + " cannot be written.");
            text.setText("");
          } else {
            where.setText(log.toString());
            text.setText(LogFiles.tail(log, SHOWN_BYTES));
            text.positionCaret(text.getLength());
          }
        };
    refresh.setOnAction(e -> load.run());
    load.run();
    HBox bar = new HBox(8, where, refresh);
    bar.setPadding(new Insets(6));
    BorderPane root = new BorderPane(text, null, null, bar, null);
    Stage stage = new Stage();
    stage.setTitle("Log - QuantScope");
    if (owner != null) {
      stage.initOwner(owner);
    }
    stage.setScene(new Scene(root, 900, 560));
    stage.show();
    return stage;
  }
}
