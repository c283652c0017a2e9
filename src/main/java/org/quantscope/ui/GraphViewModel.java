// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import javafx.animation.PauseTransition;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.util.Duration;
import org.quantscope.graph.GraphLayout;
import org.quantscope.graph.NodeId;
import org.quantscope.graph.QuantizableNode;
import org.quantscope.graph.RepeatedBlocks;
import org.quantscope.graph.Scope;
import org.quantscope.model.OnnxModel;
import org.quantscope.quantize.QuantizationResult;
import org.quantscope.trace.TraceReport;

/**
 * The graph panel's state: which graph of the model is shown (the main graph or an If/Loop body),
 * its layout (computed in the background, cancellable), the status of every node (made by {@link
 * NodeStatuses}; after an error trace, which error the graph is coloured by), and the selected
 * node, which the nodes table shares.
 *
 * <p>Kept as one class: the layout jobs, the layouts prepared for each collapsed box and the
 * expanded set are one state machine (a click waits for the job preparing its layout, a model or
 * scope change cancels both and clears the cache); splitting them would share that state across
 * classes. Its layouts also wait for the window's first frame ({@link #holdLayouts}) and for a
 * still view (layouts made in advance), which is why it is above 600 lines. The drawing itself is
 * {@code GraphCanvas}/{@code GraphPainter}.
 */
public final class GraphViewModel {
  /** Graphs with more nodes than this open with their repeated blocks collapsed. */
  static final int COLLAPSE_ABOVE = 300;

  private int collapseAbove = COLLAPSE_ABOVE;

  private final JobRunner jobs;

  /** The repeated blocks of the shown graph; null until the first layout has searched for them. */
  private List<RepeatedBlocks.Block> blocks;

  private final Map<Integer, Integer> openCopies = new HashMap<>();
  private List<GraphLayout.Collapsed> collapsedRuns = List.of();
  private Map<String, Integer> nodeIndexes = Map.of();
  private List<String> nodeIds = List.of();
  private Map<String, NodeStatus> nodeStatuses = Map.of();
  private String opened;
  private JobRunner.Handle layoutJob;
  private long generation;

  /** How many collapsed boxes {@link #prefetch} lays out opened in advance. */
  static final int PREFETCH_BOXES = 4;

  /** The layouts made for the shown graph, by what was open; the last few only. */
  private final Map<LayoutKey, Laid> laidOut =
      new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<LayoutKey, Laid> eldest) {
          return size() > 8;
        }
      };

  private boolean prepareBlocks = true;

  /** The layout being made in advance, null when none. */
  private LayoutKey prefetching;

  private JobRunner.Handle prefetchJob;

  /** Counts the layouts started in advance: the outcome of any but the last is ignored. */
  private long prefetchToken;

  /** The layout the canvas waits for from {@link #prefetch}, null when none. */
  private LayoutKey waitingFor;

  // Properties

  private final ObservableList<Scope> scopes = FXCollections.observableArrayList();
  private final ObjectProperty<Scope> scope = new SimpleObjectProperty<>(this, "scope");
  private final ReadOnlyObjectWrapper<GraphLayout.Result> layout =
      new ReadOnlyObjectWrapper<>(this, "layout");
  private final ReadOnlyBooleanWrapper layingOut = new ReadOnlyBooleanWrapper(this, "layingOut");
  private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
  private final ReadOnlyObjectWrapper<Map<String, NodeStatus>> statuses =
      new ReadOnlyObjectWrapper<>(this, "statuses", Map.of());
  private final StringProperty selected = new SimpleStringProperty(this, "selected");
  private final BooleanProperty propagated = new SimpleBooleanProperty(this, "propagated");
  private final ReadOnlyBooleanWrapper collapsed = new ReadOnlyBooleanWrapper(this, "collapsed");
  private final ReadOnlyBooleanWrapper preparing = new ReadOnlyBooleanWrapper(this, "preparing");

  public GraphViewModel(JobRunner jobs) {
    this.jobs = jobs;
    scope.addListener(
        (o, a, b) -> {
          indexScope(b);
          layout();
        });
    selected.addListener((o, a, b) -> openBlockOf(b));
  }

  /** The graphs of the open model: the main graph first, then every subgraph. */
  public ObservableList<Scope> scopes() {
    return scopes;
  }

  public ObjectProperty<Scope> scopeProperty() {
    return scope;
  }

  public ReadOnlyObjectProperty<GraphLayout.Result> layoutProperty() {
    return layout.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty layingOutProperty() {
    return layingOut.getReadOnlyProperty();
  }

  /** What the graph panel says when there is no layout (computing, cancelled, failed). */
  public ReadOnlyStringProperty messageProperty() {
    return message.getReadOnlyProperty();
  }

  /** Node id to how it is shown. */
  public ReadOnlyObjectProperty<Map<String, NodeStatus>> statusesProperty() {
    return statuses.getReadOnlyProperty();
  }

  /**
   * After an error trace, whether the graph shows the error at each node's output (what it carries,
   * made there or upstream) rather than the error it introduces.
   */
  public BooleanProperty propagatedProperty() {
    return propagated;
  }

  /**
   * True when the repeated blocks of the graph are drawn collapsed ({@link #collapseAll}; the
   * default above {@value #COLLAPSE_ABOVE} nodes), false when every node is drawn ({@link
   * #expandAll}).
   */
  public ReadOnlyBooleanProperty collapsedProperty() {
    return collapsed.getReadOnlyProperty();
  }

  /**
   * True while what a click on a collapsed box would draw is being laid out in advance (see {@link
   * #setPrepareBlocks}).
   */
  public ReadOnlyBooleanProperty preparingProperty() {
    return preparing.getReadOnlyProperty();
  }

  /** The repeated blocks of the shown graph (found in the main graph only). */
  public List<RepeatedBlocks.Block> blocks() {
    return blocks == null ? List.of() : blocks;
  }

  /**
   * Where the graph should be shown after a layout: the selected node, else the first node of the
   * copy of a block opened last, else null (the top of the graph).
   */
  public String focus() {
    return selected.get() != null ? selected.get() : opened;
  }

  /** The runs of nodes the current layout draws as one box each. */
  public List<GraphLayout.Collapsed> collapsedRuns() {
    return collapsedRuns;
  }

  /** The selected node's id (shared with the nodes table), or null. */
  public StringProperty selectedProperty() {
    return selected;
  }

  // Commands

  /** Shows a new model: its main graph, laid out in the background. */
  public void setModel(OnnxModel model) {
    cancelLayout();
    layout.set(null);
    selected.set(null);
    if (model == null) {
      scopes.clear();
      return;
    }
    scopes.setAll(Scope.all(model.graph()));
    openCopies.clear();
    collapsed.set(model.graph().getNodeCount() > collapseAbove);
    if (scope.get() == scopes.get(0)) {
      indexScope(scope.get());
      layout();
    } else {
      scope.set(scopes.get(0));
    }
  }

  private static boolean warming;

  /** How long the view must be still before a layout is made in advance. */
  private static final long STILL_MILLIS = 400;

  private static final long STILL_NANOS = STILL_MILLIS * 1_000_000L;

  /** When the user last panned or zoomed ({@link System#nanoTime}); long ago until then. */
  private long lastViewChange = System.nanoTime() - STILL_NANOS;

  private PauseTransition prefetchLater;

  /** Whether layouts wait for {@link #releaseLayouts}, and what then starts. */
  private boolean held;

  private boolean layoutWhenReleased;
  private boolean warmUpWhenReleased;

  /**
   * Holds layouts (and the warm-up) back until {@link #releaseLayouts}: the window does it until
   * its first frame with the model's facts is drawn, which on two cores ELK running beside it would
   * slow. A layout asked for meanwhile says it is coming and starts on release; one already made
   * for this graph is shown at once.
   */
  public void holdLayouts() {
    held = true;
  }

  /** Starts what {@link #holdLayouts} held back; nothing when nothing is held. */
  public void releaseLayouts() {
    if (!held) {
      return;
    }
    held = false;
    if (layoutWhenReleased) {
      layoutWhenReleased = false;
      layout();
    } else if (warmUpWhenReleased) {
      warmUp();
    }
    warmUpWhenReleased = false;
  }

  /**
   * Warms the layout engine up in the background, once per process ({@link GraphLayout#warmUp}):
   * called as the first model starts loading, so that its drawing does not pay for it.
   */
  public void warmUp() {
    if (held) {
      warmUpWhenReleased = true;
      return;
    }
    if (!warming) {
      warming = true;
      jobs.submit(
          "Prepare the graph layout",
          p -> {
            GraphLayout.warmUp();
            return Boolean.TRUE;
          },
          r -> {},
          t -> {});
    }
  }

  /** Lays out the current graph again (after a cancelled layout, say). */
  public void layout() {
    Scope s = scope.get();
    if (openCopies.isEmpty()) {
      opened = null;
    }
    cancelLayout();
    if (s == null) {
      return;
    }
    long mine = ++generation;
    boolean collapse = collapsed.get();
    LayoutKey key = new LayoutKey(collapse, collapse ? Map.copyOf(openCopies) : Map.of());
    Laid made = laidOut.get(key);
    if (made != null) {
      // drawn before for this graph (collapsing again, or a block made ready in advance)
      show(made);
      prefetch();
      return;
    }
    layingOut.set(true);
    message.set(
        "Laying out "
            + s.graph().getNodeCount()
            + " nodes"
            + (collapse ? ", repeated blocks collapsed" : "")
            + " ...");
    if (held) {
      layoutWhenReleased = true;
      return;
    }
    if (key.equals(prefetching)) {
      // being made in advance already: show it when it is ready
      waitingFor = key;
      return;
    }
    layoutJob =
        jobs.submit(
            "Lay out the graph",
            laying(s, key),
            r -> {
              laidOut.put(key, r);
              if (mine == generation) {
                show(r);
                prefetch();
              }
            },
            t -> {
              if (mine == generation) {
                layingOut.set(false);
                message.set(
                    t instanceof CancellationException
                        ? "Layout cancelled. Press Lay out to try again."
                        : "Cannot lay out this graph: " + t.getMessage());
              }
            });
  }

  /** The job laying out scope {@code s} as {@code key} says, off the FX thread. */
  private JobRunner.Job<Laid> laying(Scope s, LayoutKey key) {
    List<RepeatedBlocks.Block> known = blocks;
    return p -> {
      // the search for blocks is engine work too: off the FX thread, once per graph
      List<RepeatedBlocks.Block> found =
          known != null ? known : s.isMain() ? RepeatedBlocks.find(s.graph()) : List.of();
      List<GraphLayout.Collapsed> runs =
          key.collapse() ? RepeatedBlocks.collapsed(found, key.open()) : List.of();
      return new Laid(
          found, runs, GraphLayout.layout(s, GraphLayout.Options.DEFAULTS, runs, found, p));
    };
  }

  /** Puts a finished layout on the canvas. */
  private void show(Laid r) {
    blocks = r.blocks();
    collapsedRuns = r.runs();
    publishStatuses();
    layingOut.set(false);
    message.set("");
    layout.set(r.result());
  }

  /**
   * Lays out in advance, one at a time, what a click on each collapsed box of the drawing shown
   * would draw (the first {@value #PREFETCH_BOXES} boxes), so that opening a block needs no layout
   * after the click: ELK takes a few hundred milliseconds on a busy machine for the 150 boxes of a
   * 10,000-node encoder with one layer open.
   */
  private void prefetch() {
    Scope s = scope.get();
    if (!prepareBlocks || prefetching != null || s == null || !collapsed.get() || layingOut.get()) {
      return;
    }
    long still = System.nanoTime() - lastViewChange;
    if (still < STILL_NANOS) {
      // the user is panning or zooming: on two cores ELK beside the canvas costs it frames
      prefetchWhenStill(STILL_NANOS - still);
      return;
    }
    int tried = 0;
    for (GraphLayout.Collapsed c : collapsedRuns) {
      if (tried++ >= PREFETCH_BOXES) {
        return;
      }
      Map<Integer, Integer> open = opening(c);
      if (open == null) {
        continue;
      }
      LayoutKey key = new LayoutKey(true, open);
      if (laidOut.containsKey(key)) {
        continue;
      }
      prefetching = key;
      preparing.set(true);
      long mine = ++prefetchToken;
      prefetchJob =
          jobs.submit(
              "Prepare opening a block",
              laying(s, key),
              r -> {
                if (mine != prefetchToken) {
                  return;
                }
                prefetching = null;
                prefetchJob = null;
                preparing.set(false);
                laidOut.put(key, r);
                if (key.equals(waitingFor)) {
                  waitingFor = null;
                  show(r);
                }
                prefetch();
              },
              t -> {
                if (mine != prefetchToken) {
                  return;
                }
                prefetching = null;
                prefetchJob = null;
                preparing.set(false);
                if (key.equals(waitingFor)) {
                  // a click waits for it: lay it out as usual
                  waitingFor = null;
                  layout();
                }
              });
      return;
    }
  }

  /**
   * Told that the user panned or zoomed the graph: layouts made in advance start only once the view
   * has been still for {@value #STILL_MILLIS} ms (one already running goes on).
   */
  public void viewChanged() {
    lastViewChange = System.nanoTime();
  }

  private void prefetchWhenStill(long nanos) {
    if (prefetchLater != null) {
      return; // already waiting; it looks again when it ends
    }
    preparing.set(true); // pending: what waits for it (a click on a box) sees it coming
    prefetchLater = new PauseTransition(Duration.millis(Math.max(1, nanos / 1e6)));
    prefetchLater.setOnFinished(
        e -> {
          prefetchLater = null;
          preparing.set(false);
          prefetch();
        });
    prefetchLater.play();
  }

  /** Stops making a layout in advance; its outcome is ignored. */
  private void stopPrefetch() {
    if (prefetchLater != null) {
      prefetchLater.stop();
      prefetchLater = null;
    }
    prefetchToken++;
    if (prefetchJob != null) {
      prefetchJob.cancel();
    }
    prefetchJob = null;
    prefetching = null;
    preparing.set(false);
  }

  /**
   * The copies open after a click on box {@code c}: the outermost level not yet open at the copy
   * the box starts with opens too; null when every level is open already.
   */
  private Map<Integer, Integer> opening(GraphLayout.Collapsed c) {
    for (var level : RepeatedBlocks.copiesHolding(blocks(), c.firstNode()).entrySet()) {
      if (!level.getValue().equals(openCopies.get(level.getKey()))) {
        Map<Integer, Integer> open = new HashMap<>(openCopies);
        open.put(level.getKey(), level.getValue());
        return Map.copyOf(open);
      }
    }
    return null;
  }

  /**
   * Models opened from now on with more nodes than this show their repeated blocks collapsed
   * ({@value #COLLAPSE_ABOVE} unless changed; the window harness measures both ways).
   */
  public void setCollapseAbove(int nodes) {
    collapseAbove = nodes;
  }

  /**
   * Whether what a click on a collapsed box draws is laid out in advance (on unless changed; the
   * window harness measures both ways). Layouts already made are reused either way.
   */
  public void setPrepareBlocks(boolean prepare) {
    prepareBlocks = prepare;
    if (!prepare) {
      stopPrefetch();
    }
  }

  /** What the canvas shows: collapsed or whole, and which copies are open. */
  private record LayoutKey(boolean collapse, Map<Integer, Integer> open) {}

  /** What a layout job hands back: the blocks it found, the runs it collapsed, the drawing. */
  private record Laid(
      List<RepeatedBlocks.Block> blocks,
      List<GraphLayout.Collapsed> runs,
      GraphLayout.Result result) {}

  /** Draws every node: the repeated blocks expanded (View > Expand all). */
  public void expandAll() {
    if (collapsed.get()) {
      collapsed.set(false);
      layout();
    }
  }

  /** Draws each run of repeated blocks as one box (View > Collapse blocks). */
  public void collapseAll() {
    if (!collapsed.get() || !openCopies.isEmpty()) {
      collapsed.set(true);
      openCopies.clear();
      layout();
    }
  }

  /**
   * Opens the block drawn as the box {@code boxId} (a {@link GraphLayout.Kind#BLOCK} box): its
   * first copy in that box is drawn node by node, the other copies stay collapsed.
   */
  public void expandBlock(String boxId) {
    for (GraphLayout.Collapsed c : collapsedRuns) {
      if (c.id().equals(boxId)) {
        Map<Integer, Integer> open = opening(c);
        if (open != null) {
          openCopies.clear();
          openCopies.putAll(open);
          opened = nodeIds.get(c.firstNode());
          layout();
        }
        return;
      }
    }
  }

  /** The ids of the nodes of the shown graph whose id, name or op type contain {@code query}. */
  public List<String> find(String query) {
    Scope s = scope.get();
    String q = query.strip().toLowerCase(java.util.Locale.ROOT);
    List<String> found = new java.util.ArrayList<>();
    if (s == null || q.isEmpty()) {
      return found;
    }
    for (int i = 0; i < s.graph().getNodeCount(); i++) {
      var n = s.graph().getNode(i);
      if (nodeIds.get(i).toLowerCase(java.util.Locale.ROOT).contains(q)
          || n.getOpType().toLowerCase(java.util.Locale.ROOT).contains(q)
          || n.getName().toLowerCase(java.util.Locale.ROOT).contains(q)) {
        found.add(nodeIds.get(i));
      }
    }
    return found;
  }

  /** Opens the copy holding the selected node when it is inside a collapsed box. */
  private void openBlockOf(String id) {
    Integer i = id == null ? null : nodeIndexes.get(id);
    if (i != null && collapsedRuns.stream().anyMatch(c -> i >= c.firstNode() && i < c.endNode())) {
      open(i);
    }
  }

  /** Opens the copies holding node {@code i} at every level, and lays the graph out again. */
  private void open(int i) {
    Map<Integer, Integer> holding = RepeatedBlocks.copiesHolding(blocks(), i);
    if (!holding.isEmpty()) {
      openCopies.putAll(holding);
      opened = nodeIds.get(i);
      layout();
    }
  }

  /** Node ids and repeated blocks of the shown graph. */
  private void indexScope(Scope s) {
    Map<String, Integer> indexes = new HashMap<>();
    List<String> ids = new java.util.ArrayList<>();
    if (s != null) {
      for (int i = 0; i < s.graph().getNodeCount(); i++) {
        String id = NodeId.of(s, s.graph().getNode(i), i);
        ids.add(id);
        indexes.putIfAbsent(id, i);
      }
    }
    nodeIds = ids;
    nodeIndexes = indexes;
    blocks = null;
    laidOut.clear();
    waitingFor = null;
    stopPrefetch();
    collapsedRuns = List.of();
    openCopies.clear();
  }

  public void cancelLayout() {
    if (waitingFor != null) {
      // the canvas waits for a layout made in advance: stop that one
      waitingFor = null;
      stopPrefetch();
      layingOut.set(false);
      message.set("Layout cancelled. Press Lay out to try again.");
      return;
    }
    if (layoutJob != null && layingOut.get()) {
      layoutJob.cancel();
    }
  }

  /**
   * Recomputes the node statuses from the verdicts, the user's exclusions, the last quantization
   * result, the sensitivity impact of each analysed node and the last error trace. The graph is
   * coloured by the trace when one is given (by the error each node introduces, or with {@link
   * #propagatedProperty} the error at its output), else by impact (empty before an analysis), else
   * by weight SQNR.
   *
   * @param trace the error trace to colour by, or null
   */
  public void updateStatuses(
      List<QuantizableNode> verdicts,
      java.util.Set<String> excluded,
      QuantizationResult result,
      Map<String, Double> impacts,
      TraceReport trace) {
    nodeStatuses = NodeStatuses.of(verdicts, excluded, result, impacts, trace, propagated.get());
    publishStatuses();
  }

  /** The node statuses with one for every collapsed box, summing up the nodes inside. */
  private void publishStatuses() {
    if (collapsedRuns.isEmpty()) {
      statuses.set(nodeStatuses);
      return;
    }
    Map<String, NodeStatus> m = new HashMap<>(nodeStatuses);
    for (GraphLayout.Collapsed c : collapsedRuns) {
      m.put(c.id(), NodeStatuses.summary(c, nodeIds, nodeStatuses));
    }
    statuses.set(m);
  }
}
