// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import javafx.scene.control.SplitPane;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * The main window's content. Menu and run toolbar on top; the quantizable nodes on the left, the
 * graph in the centre, and on the right the model, the selected node, the options and the results.
 * A banner reports errors in place and the status bar shows what runs, with its progress and a
 * Cancel button. Files dropped anywhere on it are opened.
 *
 * <p>This class only assembles the parts ({@link MainMenu}, {@link RunToolbar}, {@link NodesPanel},
 * {@link GraphPanel}, {@link SideTabs}, {@link ErrorBanner}, {@link StatusBar}) and shows the
 * dialog of a failed run; each part binds to the view models itself.
 */
public final class MainView extends BorderPane {
  private final MainViewModel vm;
  private final GraphPanel graphPanel;
  private final FileActions files;
  private final SideTabs side;
  private final NodesPanel nodes;

  public MainView(MainViewModel vm, FxJobRunner jobs) {
    this(vm, jobs, false);
  }

  /**
   * @param deferHiddenTabs leave the side tabs behind the model's empty until {@link
   *     #buildDeferred} (or until each is selected), so that the window shows sooner
   */
  MainView(MainViewModel vm, FxJobRunner jobs, boolean deferHiddenTabs) {
    this.vm = vm;
    setId("mainView");
    files = new FileActions(vm, this::window);
    graphPanel = new GraphPanel(vm.graph());
    side = new SideTabs(vm, jobs, files::chartTarget, files::compareWith);
    if (!deferHiddenTabs) {
      side.buildAll();
    }
    nodes = new NodesPanel(vm);
    nodes.setMinWidth(260);
    SplitPane split = new SplitPane(nodes, graphPanel, side);
    split.setId("mainSplit");
    split.setDividerPositions(0.27, 0.66);
    SplitPane.setResizableWithParent(nodes, false);
    SplitPane.setResizableWithParent(side, false);

    setTop(
        new VBox(
            new MainMenu(vm, graphPanel, files, this::cancel),
            new RunToolbar(vm, files::saveInt8)));
    setCenter(split);
    setBottom(new VBox(new ErrorBanner(vm), new StatusBar(vm, jobs, this::cancel)));

    vm.runs()
        .failureProperty()
        .addListener(
            (o, a, f) -> {
              if (f != null) {
                Dialogs.failure(window(), f, vm.runs()::dismissFailure);
              }
            });
    vm.comparisonProperty()
        .addListener(
            (o, a, c) -> {
              if (c != null) {
                Dialogs.comparison(window(), c);
              }
            });
    enableDrop();
  }

  /**
   * Builds what was deferred (the side tabs behind the model's), which the window does once its
   * first frame with the model is drawn ({@link QuantScopeApp}); until then a tab is built when it
   * is first selected.
   */
  void buildDeferred() {
    side.buildAll();
  }

  /**
   * The nodes table stays blank until {@link #releaseNodeRows} (see {@link NodesPanel#holdRows}).
   */
  void holdNodeRows() {
    nodes.holdRows();
  }

  /** Fills the nodes table held back by {@link #holdNodeRows}. */
  void releaseNodeRows() {
    nodes.releaseRows();
  }

  /** The tabs on the right. */
  SideTabs sideTabs() {
    return side;
  }

  /** The graph in the centre. */
  public GraphPanel graphPanel() {
    return graphPanel;
  }

  /** Replaces the file chooser behind the save and export questions (tests). */
  void setSaveDialog(SaveDialog dialog) {
    files.setSaveDialog(dialog);
  }

  /** Cancels the run and the layout in progress (Run > Cancel, Escape, the status bar). */
  private void cancel() {
    vm.runs().cancel();
    vm.graph().cancelLayout();
  }

  private Window window() {
    return getScene() == null ? null : getScene().getWindow();
  }

  private void enableDrop() {
    setOnDragOver(
        e -> {
          if (e.getDragboard().hasFiles()) {
            e.acceptTransferModes(TransferMode.COPY);
          }
          e.consume();
        });
    setOnDragDropped(
        e -> {
          boolean ok = e.getDragboard().hasFiles() && !e.getDragboard().getFiles().isEmpty();
          if (ok) {
            vm.open(e.getDragboard().getFiles().get(0).toPath());
          }
          e.setDropCompleted(ok);
          e.consume();
        });
  }
}
