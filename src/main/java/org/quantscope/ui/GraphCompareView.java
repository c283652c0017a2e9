// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import javafx.geometry.Insets;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/**
 * *View > Compare graphs*: the float graph beside the int8 graph. Selecting a node on one side
 * selects what stands for it on the other (a MatMul and the int8 chain doing its work); with *Pan
 * and zoom together* ticked, moving one side moves the other to the same zoom and the same relative
 * spot. Quantized nodes are coloured by their weight's SQNR on both sides, nodes only in the float
 * model orange, nodes only in the int8 model grey.
 */
public final class GraphCompareView extends BorderPane {
  private final GraphCanvas left = new GraphCanvas();
  private final GraphCanvas right = new GraphCanvas();
  private final GraphCompareViewModel vm;
  private boolean following;

  public GraphCompareView(GraphCompareViewModel vm) {
    this.vm = vm;
    setId("graphCompare");
    left.setId("compareFloatCanvas");
    right.setId("compareInt8Canvas");
    Label message = new Label();
    message.setId("compareGraphsMessage");
    message.textProperty().bind(vm.messageProperty());
    CheckBox together = new CheckBox("Pan and zoom together");
    together.setId("compareTogether");
    together.setSelected(true);
    Label key =
        new Label(
            "orange: only in the float model · grey: only in the int8 model · quantized"
                + " nodes by weight SQNR");
    HBox bar = new HBox(12, together, message);
    bar.setPadding(new Insets(6, 8, 6, 8));
    setTop(new VBox(bar));
    SplitPane panes = new SplitPane(side("float", left), side("int8", right));
    setCenter(panes);
    key.setPadding(new Insets(4, 8, 4, 8));
    setBottom(key);

    vm.floatLayoutProperty().addListener((o, a, b) -> left.setLayout(b));
    vm.int8LayoutProperty().addListener((o, a, b) -> right.setLayout(b));
    vm.floatStatusesProperty().addListener((o, a, b) -> left.setStatuses(b));
    vm.int8StatusesProperty().addListener((o, a, b) -> right.setStatuses(b));
    left.setOnSelect(vm::selectFloat);
    right.setOnSelect(vm::selectInt8);
    vm.floatSelectedProperty()
        .addListener(
            (o, a, b) -> {
              left.setSelected(b);
              left.reveal(b);
            });
    vm.int8SelectedProperty()
        .addListener(
            (o, a, b) -> {
              right.setSelected(b);
              right.reveal(b);
            });
    left.setOnViewChanged(() -> follow(together.isSelected(), left, right));
    right.setOnViewChanged(() -> follow(together.isSelected(), right, left));
  }

  public GraphCompareViewModel viewModel() {
    return vm;
  }

  public GraphCanvas floatCanvas() {
    return left;
  }

  public GraphCanvas int8Canvas() {
    return right;
  }

  private void follow(boolean together, GraphCanvas from, GraphCanvas to) {
    if (together && !following) {
      following = true;
      try {
        to.showLike(from.view());
      } finally {
        following = false;
      }
    }
  }

  private static BorderPane side(String title, GraphCanvas canvas) {
    Label l = new Label(title);
    l.setPadding(new Insets(2, 8, 2, 8));
    l.getStyleClass().add("compare-side");
    BorderPane p = new BorderPane(canvas);
    p.setTop(l);
    return p;
  }
}
