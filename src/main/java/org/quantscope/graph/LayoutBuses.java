// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quantscope.graph.LayoutSketch.Link;

/**
 * Groups the links of a value by how deep their readers sit, so that a value read all the way down
 * the graph (an attention mask read by every layer, rotary tables, a position-ids input) reaches
 * its readers along one bus with a branch per group, instead of one separate line per reader.
 *
 * <p>Why: a layered layout splits every edge into one dummy node per layer it crosses. A mask read
 * by each of 100 transformer layers, each some 55 layers deep, gives about 280,000 dummies, and ELK
 * spends tens of seconds on them. Along a bus the dummies of a value add up to its deepest reach
 * only.
 */
final class LayoutBuses {
  private LayoutBuses() {}

  /** Readers within this many levels of the first reader of a group join that group. */
  static final int GROUP_SPAN = 4;

  /**
   * The links of one value, leaving one box.
   *
   * @param groups link indexes grouped by the depth of the reader, shallowest group first; group 0
   *     is connected to the source directly, every later group through a junction on the bus
   */
  record Bus(int from, String value, List<List<Integer>> groups) {}

  /** One bus per (source box, value), in order of first link. */
  static List<Bus> of(LayoutSketch sketch) {
    int[] depth = depths(sketch);
    Map<String, List<Integer>> byValue = new LinkedHashMap<>();
    for (int i = 0; i < sketch.links.size(); i++) {
      Link l = sketch.links.get(i);
      byValue.computeIfAbsent(l.from() + "\u0000" + l.value(), k -> new ArrayList<>()).add(i);
    }
    List<Bus> buses = new ArrayList<>(byValue.size());
    for (List<Integer> links : byValue.values()) {
      links.sort(Comparator.comparingInt(i -> depth[sketch.links.get(i).to()]));
      List<List<Integer>> groups = new ArrayList<>();
      int groupDepth = Integer.MIN_VALUE;
      for (int i : links) {
        int d = depth[sketch.links.get(i).to()];
        if (groups.isEmpty() || d > groupDepth + GROUP_SPAN) {
          groups.add(new ArrayList<>());
          groupDepth = d;
        }
        groups.get(groups.size() - 1).add(i);
      }
      Link first = sketch.links.get(links.get(0));
      buses.add(new Bus(first.from(), first.value(), groups));
    }
    return buses;
  }

  /**
   * Longest-path depth of every shape from the sources. Shapes on a cycle get one more than their
   * deepest predecessor outside it, which is good enough for grouping.
   */
  static int[] depths(LayoutSketch sketch) {
    int n = sketch.shapes.size();
    List<List<Integer>> successors = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      successors.add(new ArrayList<>(2));
    }
    int[] pending = new int[n];
    for (Link l : sketch.links) {
      if (l.from() != l.to()) {
        successors.get(l.from()).add(l.to());
        pending[l.to()]++;
      }
    }
    int[] depth = new int[n];
    boolean[] done = new boolean[n];
    Deque<Integer> ready = new ArrayDeque<>();
    for (int i = 0; i < n; i++) {
      if (pending[i] == 0) {
        ready.add(i);
      }
    }
    int scan = 0;
    while (true) {
      while (!ready.isEmpty()) {
        int i = ready.poll();
        done[i] = true;
        for (int s : successors.get(i)) {
          depth[s] = Math.max(depth[s], depth[i] + 1);
          if (--pending[s] == 0) {
            ready.add(s);
          }
        }
      }
      // A cycle blocks the rest: release its first shape and go on.
      while (scan < n && done[scan]) {
        scan++;
      }
      if (scan == n) {
        return depth;
      }
      pending[scan] = 0;
      ready.add(scan);
    }
  }
}
