// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javafx.application.Platform;
import org.quantscope.graph.GraphLayout;

/**
 * The {@link GraphOverview} of the graph on the canvas: made on a background thread when the layout
 * or the colours change (one at a time), handed over on the FX thread as each level is ready, and
 * dropped if the canvas has moved on to another layout meanwhile.
 */
final class OverviewCache {
  private static final ExecutorService OVERVIEWS =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "quantscope-overview");
            t.setDaemon(true);
            return t;
          });

  private final Runnable onReady;
  private GraphLayout.Result requested;
  private GraphOverview overview;
  private boolean pending;

  /**
   * @param onReady called on the FX thread when a better overview of the current layout arrived
   */
  OverviewCache(Runnable onReady) {
    this.onReady = onReady;
  }

  /** Forgets the overview (a new layout is shown). */
  void clear() {
    overview = null;
  }

  /**
   * The overview of a layout in these colours, or null while it is being made and for graphs small
   * enough to draw directly at any zoom. Starts making it when it is missing or out of date; until
   * new colours arrive, the old ones will do.
   */
  GraphOverview get(GraphLayout.Result layout, Map<String, NodeStatus> statuses) {
    requested = layout;
    if (layout == null || layout.boxes().size() < GraphOverview.MIN_BOXES) {
      return null;
    }
    boolean current = overview != null && overview.layout == layout;
    if (current && overview.statuses == statuses) {
      return overview;
    }
    if (!pending) {
      pending = true;
      OVERVIEWS.execute(
          () ->
              GraphOverview.render(
                  layout,
                  statuses,
                  GraphPainter.COARSE,
                  GraphCanvas.MIN_SCALE,
                  (o, last) ->
                      Platform.runLater(
                          () -> {
                            if (o.layout == requested) {
                              overview = o;
                              onReady.run();
                            }
                            if (last) {
                              pending = false;
                            }
                          })));
    }
    return current ? overview : null;
  }
}
