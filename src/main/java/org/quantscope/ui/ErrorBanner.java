// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * The window's last error (a model that cannot be opened, say) in a banner above the status bar,
 * with a Dismiss button; hidden while there is none.
 */
final class ErrorBanner extends HBox {
  private final StringProperty problem = new SimpleStringProperty(this, "problem", "");

  ErrorBanner(MainViewModel vm) {
    super(12);
    Label error = new Label();
    error.setId("errorLabel");
    error.setWrapText(true);
    error.textProperty().bind(problem);
    Button dismiss = new Button("Dismiss");
    dismiss.setId("dismissError");
    dismiss.setOnAction(
        e -> {
          vm.dismissError();
          problem.set("");
        });
    getChildren().addAll(error, dismiss);
    setId("errorBanner");
    getStyleClass().add("error-banner");
    setAlignment(Pos.CENTER_LEFT);
    setPadding(new Insets(8, 12, 8, 12));
    HBox.setHgrow(error, Priority.ALWAYS);
    visibleProperty().bind(problem.isNotEmpty());
    managedProperty().bind(visibleProperty());
    vm.errorProperty().addListener((o, a, b) -> problem.set(b == null ? "" : b));
  }
}
