// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.ArrayList;
import java.util.List;
import javafx.animation.PauseTransition;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;
import javafx.util.Duration;
import javafx.util.StringConverter;
import org.quantscope.graph.Scope;

/**
 * The graph in the centre: a toolbar (which graph, search, zoom), the canvas, a legend (after an
 * error trace with the switch between the error each node introduces and the error at its output),
 * and while a big graph is laid out a progress overlay whose Cancel appears after two seconds.
 */
public final class GraphPanel extends BorderPane {
  private final GraphViewModel vm;
  private final GraphCanvas canvas = new GraphCanvas();
  private final TextField search = new TextField();
  private final Label searchInfo = new Label();
  private final FlowPane legend = new FlowPane(10, 4);
  private final CheckBox propagated = new CheckBox("error at the outputs instead");
  private List<String> hits = new ArrayList<>();
  private int hit;

  public GraphPanel(GraphViewModel vm) {
    this.vm = vm;
    setId("graphPanel");
    ComboBox<Scope> scopes = new ComboBox<>(vm.scopes());
    scopes.setId("scopeChooser");
    scopes.setTooltip(new Tooltip("The main graph or an If/Loop/Scan body"));
    scopes.valueProperty().bindBidirectional(vm.scopeProperty());
    scopes.setConverter(
        new StringConverter<>() {
          @Override
          public String toString(Scope s) {
            return s == null ? "" : s.isMain() ? "main graph" : s.path();
          }

          @Override
          public Scope fromString(String s) {
            return null;
          }
        });
    search.setId("graphSearch");
    search.setPromptText("Find a node (name or op)");
    search.setPrefColumnCount(18);
    search.setOnAction(e -> find());
    Button minus = button("−", "Zoom out (-)", () -> canvas.zoomBy(1 / 1.25));
    Button plus = button("+", "Zoom in (+)", () -> canvas.zoomBy(1.25));
    Button fit = button("Fit", "Fit the graph to the window (0)", canvas::fit);
    fit.setId("fitButton");
    HBox bar = new HBox(6, scopes, search, searchInfo, spacer(), minus, plus, fit);
    bar.setAlignment(Pos.CENTER_LEFT);
    bar.setPadding(new Insets(6, 8, 6, 8));
    bar.getStyleClass().add("graph-toolbar");
    setTop(bar);

    ProgressIndicator spinner = new ProgressIndicator();
    spinner.setMaxSize(36, 36);
    Label message = new Label();
    message.textProperty().bind(vm.messageProperty());
    Button cancel = new Button("Cancel");
    cancel.setId("cancelLayout");
    cancel.setOnAction(e -> vm.cancelLayout());
    cancel.setVisible(false);
    Button retry = new Button("Lay out");
    retry.setOnAction(e -> vm.layout());
    retry
        .visibleProperty()
        .bind(vm.layingOutProperty().not().and(vm.messageProperty().isNotEmpty()));
    spinner.visibleProperty().bind(vm.layingOutProperty());
    VBox overlay = new VBox(8, spinner, message, cancel, retry);
    overlay.setAlignment(Pos.CENTER);
    overlay.setId("layoutOverlay");
    overlay.visibleProperty().bind(vm.messageProperty().isNotEmpty());
    overlay.setMouseTransparent(false);
    PauseTransition showCancel = new PauseTransition(Duration.seconds(2));
    showCancel.setOnFinished(e -> cancel.setVisible(vm.layingOutProperty().get()));
    vm.layingOutProperty()
        .addListener(
            (o, a, b) -> {
              cancel.setVisible(false);
              if (b) {
                showCancel.playFromStart();
              }
            });

    propagated.setId("propagatedToggle");
    propagated.setTooltip(
        new Tooltip(
            "Colour the traced nodes by the error at their output (made there or carried from"
                + " upstream) instead of the error they introduce"));
    propagated.selectedProperty().bindBidirectional(vm.propagatedProperty());
    buildLegend(Legend.STATUS);
    legend.setId("graphLegend");
    legend.setPadding(new Insets(4, 8, 4, 8));
    legend.getStyleClass().add("legend");
    legend.setMaxSize(Region.USE_PREF_SIZE, Region.USE_PREF_SIZE);
    StackPane.setAlignment(legend, Pos.BOTTOM_LEFT);
    StackPane.setMargin(legend, new Insets(8));
    StackPane centre = new StackPane(canvas, overlay, legend);
    legend.prefWrapLengthProperty().bind(centre.widthProperty().subtract(40));
    setCenter(centre);

    canvas.setOnSelect(id -> vm.selectedProperty().set(id));
    canvas.setOnOpenBlock(vm::expandBlock);
    // panning and zooming come first: layouts made in advance wait until the view is still
    canvas.setOnViewChanged(vm::viewChanged);
    vm.layoutProperty()
        .addListener(
            (o, a, b) -> {
              canvas.setLayout(b);
              if (b != null && vm.focus() != null) {
                canvas.centerOn(vm.focus());
              }
            });
    vm.statusesProperty()
        .addListener(
            (o, a, b) -> {
              canvas.setStatuses(b);
              boolean traced = b.values().stream().anyMatch(NodeStatus::hasError);
              buildLegend(
                  traced
                      ? vm.propagatedProperty().get() ? Legend.OUTPUT : Legend.INTRODUCED
                      : b.values().stream().anyMatch(NodeStatus::hasImpact)
                          ? Legend.IMPACT
                          : b.values().stream().anyMatch(NodeStatus::hasSqnr)
                              ? Legend.SQNR
                              : Legend.STATUS);
            });
    vm.selectedProperty()
        .addListener(
            (o, a, b) -> {
              canvas.setSelected(b);
              canvas.reveal(b);
            });
    setOnKeyPressed(
        e -> {
          switch (e.getCode()) {
            case PLUS, ADD, EQUALS -> canvas.zoomBy(1.25);
            case MINUS, SUBTRACT -> canvas.zoomBy(1 / 1.25);
            case DIGIT0, NUMPAD0 -> canvas.fit();
            default -> {
              return;
            }
          }
          e.consume();
        });
  }

  public GraphCanvas canvas() {
    return canvas;
  }

  /** Focuses the search field (Ctrl+F). */
  public void focusSearch() {
    search.requestFocus();
    search.selectAll();
  }

  /** Draws every node (View > Expand all). */
  public void expandAll() {
    vm.expandAll();
  }

  /** Draws each run of repeated blocks as one box (View > Collapse blocks). */
  public void collapseAll() {
    vm.collapseAll();
  }

  /**
   * Selects the next node whose id, name or op type contains the search text, inside collapsed
   * blocks too (selecting it opens its block).
   */
  void find() {
    String q = search.getText() == null ? "" : search.getText().strip();
    if (q.isEmpty() || vm.layoutProperty().get() == null) {
      searchInfo.setText("");
      return;
    }
    List<String> found = vm.find(q);
    if (!found.equals(hits)) {
      hits = found;
      hit = -1;
    }
    if (hits.isEmpty()) {
      searchInfo.setText("no match");
      return;
    }
    hit = (hit + 1) % hits.size();
    String id = hits.get(hit);
    vm.selectedProperty().set(id);
    canvas.centerOn(id);
    searchInfo.setText((hit + 1) + " of " + hits.size());
  }

  private enum Legend {
    STATUS,
    SQNR,
    IMPACT,
    INTRODUCED,
    OUTPUT
  }

  private void buildLegend(Legend kind) {
    legend.getChildren().clear();
    if (kind == Legend.INTRODUCED || kind == Legend.OUTPUT) {
      Label title =
          new Label(
              kind == Legend.INTRODUCED
                  ? "Error introduced here (trace, SQNR):"
                  : "Error at the output (trace, SQNR):");
      title.setId("legendTitle");
      legend
          .getChildren()
          .addAll(
              title,
              swatch(Palette.GOOD, "≥ " + (int) Palette.GOOD_DB + " dB"),
              swatch(Palette.FAIR, (int) Palette.FAIR_DB + "–" + (int) Palette.GOOD_DB + " dB"),
              swatch(Palette.POOR, "< " + (int) Palette.FAIR_DB + " dB"),
              swatch(Palette.EXCLUDED, "excluded"),
              swatch(Palette.CANNOT, "cannot"),
              propagated);
    } else if (kind == Legend.IMPACT) {
      legend
          .getChildren()
          .addAll(
              swatch(Palette.POOR, "impact ≥ " + Palette.HIGH_IMPACT),
              swatch(Palette.FAIR, Palette.LOW_IMPACT + "–" + Palette.HIGH_IMPACT),
              swatch(Palette.GOOD, "< " + Palette.LOW_IMPACT + " (sensitivity)"),
              swatch(Palette.EXCLUDED, "excluded"),
              swatch(Palette.CANNOT, "cannot"));
    } else if (kind == Legend.SQNR) {
      legend
          .getChildren()
          .addAll(
              swatch(Palette.GOOD, "SQNR ≥ " + (int) Palette.GOOD_DB + " dB"),
              swatch(Palette.FAIR, (int) Palette.FAIR_DB + "–" + (int) Palette.GOOD_DB + " dB"),
              swatch(Palette.POOR, "< " + (int) Palette.FAIR_DB + " dB (worst weight)"),
              swatch(Palette.EXCLUDED, "excluded"),
              swatch(Palette.CANNOT, "cannot"));
    } else {
      legend
          .getChildren()
          .addAll(
              swatch(Palette.WILL, "will be quantized"),
              swatch(Palette.EXCLUDED, "excluded by you"),
              swatch(Palette.CANNOT, "cannot be quantized (hover for why)"));
    }
  }

  private static HBox swatch(Color c, String text) {
    Rectangle r = new Rectangle(14, 14, c);
    r.setStroke(Color.web("#6b7280"));
    r.setArcWidth(4);
    r.setArcHeight(4);
    HBox h = new HBox(4, r, new Label(text));
    h.setAlignment(Pos.CENTER_LEFT);
    return h;
  }

  private static Button button(String text, String tip, Runnable action) {
    Button b = new Button(text);
    b.setTooltip(new Tooltip(tip));
    b.setOnAction(e -> action.run());
    return b;
  }

  private static Region spacer() {
    Region r = new Region();
    HBox.setHgrow(r, Priority.ALWAYS);
    return r;
  }
}
