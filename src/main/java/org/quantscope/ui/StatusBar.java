// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import javafx.beans.binding.Bindings;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * The line at the bottom of the window: what happened last (opening a model or a run, whichever
 * spoke last) and, while a job runs, its title, message, progress and a Cancel button.
 */
final class StatusBar extends HBox {
  private final StringProperty status = new SimpleStringProperty(this, "status", "");

  /**
   * @param cancel cancels the run or the layout in progress
   */
  StatusBar(MainViewModel vm, FxJobRunner jobs, Runnable cancel) {
    super(12);
    RunViewModel runs = vm.runs();
    Label text = new Label();
    text.setId("statusLabel");
    text.textProperty().bind(status);
    text.setMinWidth(0);
    HBox.setHgrow(text, Priority.ALWAYS);
    text.setMaxWidth(Double.MAX_VALUE);
    // the latest of the two status lines wins
    vm.statusProperty().addListener((o, a, b) -> status.set(b));
    runs.statusProperty().addListener((o, a, b) -> status.set(b));

    ProgressBar bar = new ProgressBar();
    bar.setId("taskProgress");
    bar.setPrefWidth(180);
    Label message = new Label();
    message.setId("taskMessage");
    message.getStyleClass().add("task-message");
    Button cancelButton = new Button("Cancel");
    cancelButton.setId("cancelButton");
    cancelButton.setOnAction(e -> cancel.run());
    HBox task = new HBox(8, message, bar, cancelButton);
    task.setAlignment(Pos.CENTER_RIGHT);
    task.setId("taskBox");
    task.managedProperty().bind(task.visibleProperty());
    task.setVisible(false);
    jobs.currentProperty()
        .addListener(
            (o, old, t) -> {
              bar.progressProperty().unbind();
              message.textProperty().unbind();
              task.setVisible(t != null);
              if (t != null) {
                bar.progressProperty().bind(t.progressProperty());
                message
                    .textProperty()
                    .bind(
                        Bindings.createStringBinding(
                            () -> taskText(t), t.titleProperty(), t.messageProperty()));
                // opening a model cannot be cancelled halfway usefully; runs and layouts can
                cancelButton.setDisable(
                    !runs.runningProperty().get() && !vm.graph().layingOutProperty().get());
              }
            });
    getChildren().addAll(text, task);
    getStyleClass().add("status-bar");
    setAlignment(Pos.CENTER_LEFT);
    setPadding(new Insets(4, 12, 4, 12));
  }

  private static String taskText(Task<?> t) {
    String m = t.getMessage();
    return m == null || m.isEmpty() ? t.getTitle() : t.getTitle() + ": " + m;
  }
}
