// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.quantscope.graph.GraphLayout.Edge;
import org.quantscope.graph.GraphLayout.Kind;
import org.quantscope.graph.GraphLayout.Result;
import org.quantscope.graph.LayoutSketch.Link;
import org.quantscope.graph.LayoutSketch.Shape;
import org.quantscope.onnx.GraphProto;

/**
 * One run of repeated blocks in a {@link LayoutComposed} drawing: its first copy laid out by ELK,
 * and where the copies go when stacked top-down in flow order inside one tall box of the skeleton.
 *
 * <p>The copy is laid out with a stand-in for every value that enters it from outside (a zero-size
 * shape held in ELK's first layer) and for every value read outside it (held in the last layer), so
 * that the ELK drawing already brings such values to the copy's top and bottom. Between two copies
 * lies a band as high as the values crossing it need: each value crossing there gets a horizontal
 * track of its own. Values that enter later copies from outside the run, or skip copies, or leave a
 * copy other than the last for outside, run down a vertical lane of their own on the right of the
 * stack and branch off along a track to each copy.
 *
 * <p>Every copy gets the same drawing, so every box of the copy is as wide and as high as its
 * widest counterpart in any copy (names and weight labels differ in length: "layer.9" and
 * "layer.10").
 */
final class LayoutPiece {
  /** Px between lanes and between tracks. */
  static final double PITCH = 8;

  /** Px between the stack's drawing and its first lane, and after the last: ELK's node spacing. */
  static final double LANE_MARGIN = 24;

  /** Least height of the band between two copies: ELK's spacing between layers. */
  static final double MIN_BAND = 32;

  private final LayoutComposed parts;
  private final int firstUnit;

  /** Copies in the run. */
  final int count;

  /** Shapes of a copy (nodes in graph order, then the weights only it reads). */
  private final int size;

  /** The first copy with its stand-ins, and its ELK drawing. */
  private LayoutSketch sketch;

  private Result laid;

  private double left;
  private double top;
  private double contentWidth;
  private double contentHeight;
  private double band = MIN_BAND;

  private final Map<String, Integer> lanes = new LinkedHashMap<>();
  private final List<Map<String, Integer>> tracks = new ArrayList<>();

  LayoutPiece(LayoutComposed parts, int firstUnit, int count) {
    this.parts = parts;
    this.firstUnit = firstUnit;
    this.count = count;
    this.size = parts.members(firstUnit).size();
    for (int g = 0; g <= count; g++) {
      tracks.add(new LinkedHashMap<>());
    }
  }

  /**
   * Builds the sketch of the first copy and checks that every copy is wired like it (the same
   * shapes and links inside, values from outside read at the same places); fills {@link
   * LayoutComposed#pieceLink} and {@link LayoutComposed#sinkLink} for the links of all copies.
   * Readers that share a value from outside in every copy share its stand-in; where they share it
   * in some copies only (the first layer reading the embeddings twice, later ones two layers'
   * outputs), each group gets a stand-in of its own.
   *
   * @return false when some copy differs: the run cannot be drawn as copies of one drawing
   */
  boolean sketch(GraphProto graph) {
    LayoutSketch whole = parts.whole;
    List<Integer> members0 = parts.members(firstUnit);
    List<Integer> into0 = parts.linksInto(firstUnit);
    // the links into each copy in the local numbering every copy shares; a value from outside as
    // -1, then its stand-in: one per set of readers that share a value in every copy
    List<Link> first = new ArrayList<>(into0.size());
    int[] standIn = new int[into0.size()];
    int sources = 0;
    TreeSet<Long> sinks = new TreeSet<>();
    for (int c = 0; c < count; c++) {
      int unit = firstUnit + c;
      List<Integer> members = parts.members(unit);
      List<Integer> into = parts.linksInto(unit);
      if (members.size() != size || into.size() != into0.size()) {
        return false;
      }
      for (int k = 0; k < size; k++) {
        if (whole.shapes.get(members.get(k)).kind() != whole.shapes.get(members0.get(k)).kind()) {
          return false;
        }
      }
      Map<String, Integer> shared = new HashMap<>();
      for (int j = 0; j < into.size(); j++) {
        int i = into.get(j);
        Link l = whole.links.get(i);
        int to = parts.local[l.to()];
        boolean inside = parts.unitOf[l.from()] == unit;
        Link local =
            inside
                ? new Link(parts.local[l.from()], to, "" + slot(l.value()))
                : new Link(-1, to, "");
        if (c == 0) {
          first.add(local);
        } else if (!local.equals(first.get(j))) {
          return false;
        }
        if (!inside) {
          String key = standIn[j] + "\u0000" + l.from() + "\u0000" + l.value();
          standIn[j] = shared.computeIfAbsent(key, x -> shared.size());
        }
        parts.pieceLink[i] = j;
      }
      sources = shared.size();
      for (int i : parts.linksOutOf(unit)) {
        Link l = whole.links.get(i);
        sinks.add(sinkKey(parts.local[l.from()], slot(l.value())));
      }
    }

    List<Shape> shapes = new ArrayList<>(size + sources + sinks.size());
    for (int k = 0; k < size; k++) {
      double width = 0;
      double height = 0;
      for (int c = 0; c < count; c++) {
        Shape s = whole.shapes.get(parts.members(firstUnit + c).get(k));
        width = Math.max(width, s.width());
        height = Math.max(height, s.height());
      }
      Shape s = whole.shapes.get(members0.get(k));
      shapes.add(
          new Shape(s.id(), s.kind(), s.title(), s.subtitle(), width, height, s.nodeIndex()));
    }
    List<Link> links = new ArrayList<>(first.size() + sinks.size());
    for (int j = 0; j < first.size(); j++) {
      Link l = first.get(j);
      String value = whole.links.get(into0.get(j)).value();
      links.add(new Link(l.from() < 0 ? size + standIn[j] : l.from(), l.to(), value));
    }
    for (int k = 0; k < sources; k++) {
      shapes.add(new Shape("source:" + k, Kind.INPUT, "", "", 0, 0, -1));
    }
    Map<Long, Integer> sinkLinks = new HashMap<>();
    for (long key : sinks) {
      int producer = (int) (key >>> 16);
      Shape p = shapes.get(producer);
      if (p.kind() != Kind.NODE) {
        return false;
      }
      String value = graph.getNode(p.nodeIndex()).getOutput((int) (key & 0xffff));
      shapes.add(new Shape("sink:" + sinkLinks.size(), Kind.OUTPUT, "", "", 0, 0, -1));
      links.add(new Link(producer, shapes.size() - 1, value));
      sinkLinks.put(key, links.size() - 1);
    }
    sketch = LayoutSketch.of(shapes, links, whole.outputSlots);
    for (int k = 0; k < sources; k++) {
      sketch.firstLayer.add(size + k);
    }
    for (int k = size + sources; k < shapes.size(); k++) {
      sketch.lastLayer.add(k);
    }
    for (int c = 0; c < count; c++) {
      for (int i : parts.linksOutOf(firstUnit + c)) {
        Link l = whole.links.get(i);
        parts.sinkLink[i] = sinkLinks.get(sinkKey(parts.local[l.from()], slot(l.value())));
      }
    }
    return true;
  }

  private static long sinkKey(int producer, int slot) {
    return ((long) producer << 16) | (slot & 0xffff);
  }

  private int slot(String value) {
    return parts.whole.outputSlots.getOrDefault(value, 0);
  }

  /** Lays out the first copy with ELK and measures it. */
  void layOut(int fastAbove) {
    laid =
        LayoutElk.run(
            sketch, sketch.shapes.size() > fastAbove, org.quantscope.progress.Progress.NONE);
    double minX = Double.MAX_VALUE;
    double minY = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double maxY = -Double.MAX_VALUE;
    for (GraphLayout.Box b : laid.boxes()) {
      minX = Math.min(minX, b.x());
      minY = Math.min(minY, b.y());
      maxX = Math.max(maxX, b.x() + b.width());
      maxY = Math.max(maxY, b.y() + b.height());
    }
    for (Edge e : laid.edges()) {
      GraphLayout.Bounds b = e.bounds();
      minX = Math.min(minX, b.minX());
      minY = Math.min(minY, b.minY());
      maxX = Math.max(maxX, b.maxX());
      maxY = Math.max(maxY, b.maxY());
    }
    left = minX;
    top = minY;
    contentWidth = maxX - minX;
    contentHeight = maxY - minY;
  }

  /** The stand-in through which link {@code k} of the sketch enters a copy. */
  int standIn(int k) {
    return sketch.links.get(k).from();
  }

  /** Gives {@code value} a lane down the right of the stack (once). */
  void lane(String value) {
    lanes.putIfAbsent(value, lanes.size());
  }

  boolean hasLane(String value) {
    return lanes.containsKey(value);
  }

  /** Gives {@code value} a track in band {@code g} (above copy g; band {@code count} is below). */
  void track(int g, String value) {
    Map<String, Integer> t = tracks.get(g);
    t.putIfAbsent(value, t.size());
  }

  /** Sizes the bands for the tracks given out. */
  void sizeBands() {
    int most = 0;
    for (Map<String, Integer> t : tracks) {
      most = Math.max(most, t.size());
    }
    band = Math.max(MIN_BAND, (most + 1) * PITCH);
  }

  /** Width of the stack with its lanes. */
  double width() {
    return contentWidth + (lanes.isEmpty() ? 0 : 2 * LANE_MARGIN + PITCH * (lanes.size() - 1));
  }

  /** Height of the stack, a band above each copy and one below the last. */
  double height() {
    return count * contentHeight + (count + 1) * band;
  }

  /** Where copy {@code c}'s drawing goes, relative to the stack's top-left corner. */
  double dx() {
    return -left;
  }

  double dy(int c) {
    return band + c * (contentHeight + band) - top;
  }

  /** X of the lane of {@code value}, relative to the stack. */
  double laneX(String value) {
    return contentWidth + LANE_MARGIN + PITCH * lanes.get(value);
  }

  /** Y of the track of {@code value} in band {@code g}, relative to the stack. */
  double trackY(int g, String value) {
    return g * (contentHeight + band) + PITCH * (tracks.get(g).get(value) + 1);
  }

  /** The laid-out copy: box {@code k} of the first copy's sketch. */
  GraphLayout.Box box(int k) {
    return laid.boxes().get(k);
  }

  /** The polyline of link {@code k} of the first copy's sketch (relative to its drawing). */
  Edge edge(int k) {
    return laid.edges().get(k);
  }

  /** The block box standing for the stack in the skeleton. */
  Shape stand(String id, String title, String subtitle, int nodeIndex) {
    return new Shape(id, Kind.BLOCK, title, subtitle, width(), height(), nodeIndex);
  }
}
