// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.NodeProto;

/**
 * Blocks of a graph that repeat: the same op sequence wired the same way, with different weights,
 * as the layers of a transformer or the residual blocks of a ResNet stage.
 *
 * <p>Found from the structure first: the graph's node list (which ONNX keeps in topological order,
 * and exporters in the order the model's code runs) is read as a sequence of op signatures (domain,
 * op type and attributes; a Constant's value is data, not structure), and the longest run of
 * back-to-back copies of one sub-sequence is taken, every copy checked to read its inputs from the
 * same places inside the copy. Name prefixes come second: where copies of a run could start at
 * several nodes (a layer that ends with the same LayerNorm the embeddings end with), the start
 * whose copies share the longest node-name prefix ({@code /encoder/layer.3/}) wins; copies whose
 * prefixes differ by more than their numbers ({@code query} and {@code key}) or do not differ at
 * all ({@code attn/Shape}, {@code attn/Shape_1}) are not repeats; a copy has two op types at least;
 * and the block is named after that prefix ("encoder layer"). The rest of the graph is searched the
 * same way, and the inside of a block for blocks nested in it.
 *
 * <p>Only the main graph is searched (subgraphs are few and small). Cost: a sampled pass over the
 * node list per candidate block length (lengths capped at {@value #MAX_PERIOD} nodes), a full pass
 * for the lengths the samples leave: tens of ms for 10,000 nodes ({@code
 * org.quantscope.bench.LayoutHarness --collapsed}).
 */
public final class RepeatedBlocks {
  private RepeatedBlocks() {}

  /** Blocks smaller than this are not worth a box of their own. */
  static final int MIN_NODES = 3;

  /** The longest block looked for, in nodes. */
  static final int MAX_PERIOD = 4096;

  private static final int MAX_TRIES = 32;

  /**
   * One run of back-to-back copies of a block.
   *
   * @param name what the copies' node names say they are ("encoder layer"), or their first and last
   *     op types when they are unnamed ("Conv … Add")
   * @param count copies in the run, at least 2
   * @param nodesPerBlock nodes in each copy
   * @param firstNodes the first node of each copy ({@link NodeId} form); empty for a nested block
   *     moved to another copy of the block holding it ({@link #collapsed})
   * @param firstIndexes index of each copy's first node in the graph's node list; copy {@code r}
   *     holds the nodes {@code firstIndexes[r] ... firstIndexes[r] + nodesPerBlock - 1}
   * @param nested blocks repeated inside each copy (found in the first copy, at the same offsets in
   *     the others)
   */
  public record Block(
      String name,
      int count,
      int nodesPerBlock,
      List<String> firstNodes,
      @JsonIgnore List<Integer> firstIndexes,
      List<Block> nested) {

    public Block {
      firstNodes = List.copyOf(firstNodes);
      firstIndexes = List.copyOf(firstIndexes);
      nested = List.copyOf(nested);
    }

    /** Nodes in all copies. */
    @JsonIgnore
    public int nodeCount() {
      return count * nodesPerBlock;
    }

    /** Index of the first node after the run. */
    @JsonIgnore
    public int end() {
      return firstIndexes.get(count - 1) + nodesPerBlock;
    }

    /** The copy holding node {@code nodeIndex}, or -1 when the node is outside the run. */
    public int copyOf(int nodeIndex) {
      int start = firstIndexes.get(0);
      if (nodeIndex < start || nodeIndex >= end()) {
        return -1;
      }
      return (nodeIndex - start) / nodesPerBlock;
    }

    /** The label of a collapsed run: "encoder layer ×12". */
    public String label() {
      return name + " \u00d7" + count;
    }
  }

  /** The repeated blocks of the main graph, in graph order (empty when nothing repeats). */
  public static List<Block> find(GraphProto graph) {
    return new Finder(graph).find(0, graph.getNodeCount(), 0);
  }

  /**
   * The runs to draw as one box each when the blocks are collapsed: every block one box, except
   * that for a block whose key ({@link Block#firstIndexes()}{@code .get(0)}) maps to a copy in
   * {@code openCopies}, that copy is drawn node by node between a box for the copies before it and
   * one for the copies after it. The blocks nested in an open copy are collapsed (or opened) the
   * same way, keyed by their first index in that copy.
   */
  public static List<GraphLayout.Collapsed> collapsed(
      List<Block> blocks, Map<Integer, Integer> openCopies) {
    List<GraphLayout.Collapsed> out = new ArrayList<>();
    for (Block b : blocks) {
      Integer open = openCopies.get(b.firstIndexes().get(0));
      if (open == null || open < 0 || open >= b.count()) {
        out.add(run(b, 0, b.count()));
        continue;
      }
      if (open > 0) {
        out.add(run(b, 0, open));
      }
      out.addAll(collapsed(nestedIn(b, open), openCopies));
      if (open + 1 < b.count()) {
        out.add(run(b, open + 1, b.count()));
      }
    }
    return out;
  }

  /**
   * The copy holding node {@code node} at every level of nesting, outer first: block key ({@link
   * Block#firstIndexes()}{@code .get(0)}, of the nested blocks in that copy) to copy. Empty when
   * the node is in no block.
   */
  public static Map<Integer, Integer> copiesHolding(List<Block> blocks, int node) {
    Map<Integer, Integer> out = new java.util.LinkedHashMap<>();
    for (Block b : blocks) {
      int copy = b.copyOf(node);
      if (copy >= 0) {
        out.put(b.firstIndexes().get(0), copy);
        out.putAll(copiesHolding(nestedIn(b, copy), node));
        break;
      }
    }
    return out;
  }

  /** The blocks nested in copy {@code copy} of {@code b}: those of its first copy, moved along. */
  private static List<Block> nestedIn(Block b, int copy) {
    int offset = b.firstIndexes().get(copy) - b.firstIndexes().get(0);
    return offset == 0 ? b.nested() : b.nested().stream().map(n -> moved(n, offset)).toList();
  }

  private static Block moved(Block b, int offset) {
    return new Block(
        b.name(),
        b.count(),
        b.nodesPerBlock(),
        List.of(),
        b.firstIndexes().stream().map(i -> i + offset).toList(),
        b.nested().stream().map(n -> moved(n, offset)).toList());
  }

  /** Copies {@code [from, to)} of a block as one box. */
  private static GraphLayout.Collapsed run(Block b, int from, int to) {
    int first = b.firstIndexes().get(from);
    int end = b.firstIndexes().get(to - 1) + b.nodesPerBlock();
    boolean all = from == 0 && to == b.count();
    String title = b.name() + " \u00d7" + (to - from);
    String subtitle =
        (all
                ? ""
                : (to - from == 1 ? "copy " + (from + 1) : "copies " + (from + 1) + "-" + to)
                    + " of "
                    + b.count()
                    + ", ")
            + b.nodesPerBlock()
            + " nodes each";
    return new GraphLayout.Collapsed("block:" + first + "-" + end, title, subtitle, first, end);
  }

  /** All blocks of {@code blocks} and those nested in them, outer ones first. */
  public static List<Block> flatten(List<Block> blocks) {
    List<Block> out = new ArrayList<>();
    for (Block b : blocks) {
      out.add(b);
      out.addAll(flatten(b.nested()));
    }
    return out;
  }

  private static final class Finder {
    private final List<NodeProto> nodes;
    private final int[] tokens;
    private final Map<String, Integer> producers = new HashMap<>();
    private final Map<String, Integer> producerSlots = new HashMap<>();

    Finder(GraphProto graph) {
      nodes = graph.getNodeList();
      tokens = new int[nodes.size()];
      Map<String, Integer> ids = new HashMap<>();
      for (int i = 0; i < nodes.size(); i++) {
        NodeProto n = nodes.get(i);
        tokens[i] = ids.computeIfAbsent(signature(n), k -> ids.size());
        for (int k = 0; k < n.getOutputCount(); k++) {
          String out = n.getOutput(k);
          if (!out.isEmpty() && producers.putIfAbsent(out, i) == null) {
            producerSlots.put(out, k);
          }
        }
      }
    }

    /** The blocks in nodes {@code [lo, hi)}. */
    List<Block> find(int lo, int hi, int depth) {
      List<Block> out = new ArrayList<>();
      if (hi - lo < 2 * MIN_NODES || depth > 4) {
        return out;
      }
      Set<Long> rejected = new HashSet<>();
      for (int attempt = 0; attempt < MAX_TRIES; attempt++) {
        Run run = longestRun(lo, hi, rejected);
        if (run == null) {
          return out;
        }
        Block b = accept(run, depth);
        if (b == null) {
          rejected.add(run.key());
          continue;
        }
        out.addAll(find(lo, b.firstIndexes().get(0), depth));
        out.add(b);
        out.addAll(find(b.end(), hi, depth));
        out.sort(Comparator.comparingInt(x -> x.firstIndexes().get(0)));
        return out;
      }
      return out;
    }

    /** A stretch {@code [start, start + span)} in which every node equals the one L further. */
    private record Run(int start, int span, int period) {
      int copies() {
        return span / period;
      }

      long key() {
        return ((long) start << 32) | period;
      }
    }

    /** The run covering the most nodes (then the shortest period), ignoring rejected ones. */
    private Run longestRun(int lo, int hi, Set<Long> rejected) {
      Run best = null;
      int maxPeriod = Math.min((hi - lo) / 2, MAX_PERIOD);
      for (int period = MIN_NODES; period <= maxPeriod; period++) {
        if (!mayRepeat(lo, hi, period)) {
          continue;
        }
        int length = 0;
        for (int i = lo; i + period <= hi; i++) {
          boolean same = i + period < hi && tokens[i] == tokens[i + period];
          if (same) {
            length++;
            continue;
          }
          if (length >= period) {
            Run r = new Run(i - length, length + period, period);
            int covered = r.copies() * period;
            if ((best == null || covered > best.copies() * best.period())
                && !rejected.contains(r.key())) {
              best = r;
            }
          }
          length = 0;
        }
      }
      return best;
    }

    /**
     * False when no stretch of {@code period} nodes in a row equals the one {@code period} further
     * on, seen from every quarter period only: such a stretch holds four sampled points in a row
     * that all match. Makes the search about {@code 4 n ln(MAX_PERIOD)} steps instead of {@code n
     * MAX_PERIOD}.
     */
    private boolean mayRepeat(int lo, int hi, int period) {
      int stride = Math.max(1, period / 4);
      int inRow = 0;
      for (int i = lo; i + period < hi; i += stride) {
        if (tokens[i] == tokens[i + period]) {
          if (++inRow >= 3) {
            return true;
          }
        } else {
          inRow = 0;
        }
      }
      return false;
    }

    /** The run as a block (best start, checked wiring, sensible names), or null. */
    private Block accept(Run run, int depth) {
      int period = run.period();
      int slack = run.span() - run.copies() * period;
      int bestStart = run.start();
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int start = run.start(); start <= run.start() + slack; start++) {
        // copies line up alike: the first three tell as much as all of them
        double score = score(start, period, Math.min(3, run.copies()));
        if (score > bestScore) {
          bestScore = score;
          bestStart = start;
        }
      }
      int copies = matchingCopies(bestStart, period, run.copies());
      if (copies < 2) {
        return null;
      }
      List<String> prefixes = new ArrayList<>();
      for (int r = 0; r < copies; r++) {
        prefixes.add(prefix(bestStart + r * period, period));
      }
      if (!namesAgree(prefixes) || opTypes(bestStart, period) < 2) {
        return null;
      }
      List<String> first = new ArrayList<>();
      List<Integer> starts = new ArrayList<>();
      for (int r = 0; r < copies; r++) {
        int s = bestStart + r * period;
        starts.add(s);
        first.add(NodeId.of(nodes.get(s), s));
      }
      List<Block> nested = find(bestStart, bestStart + period, depth + 1);
      return new Block(name(prefixes, bestStart, period), copies, period, first, starts, nested);
    }

    /**
     * True when the copies' path prefixes say nothing or say they are numbered copies: all
     * distinct, differing only in their numbers ({@code layer.0}, {@code layer.1}). Copies under
     * one prefix ({@code attn/Shape}, {@code attn/Shape_1}) or named apart ({@code query}, {@code
     * key}) are parts of one thing, not repeats of it.
     */
    private static boolean namesAgree(List<String> prefixes) {
      if (prefixes.stream().allMatch(String::isEmpty)) {
        return true;
      }
      Set<String> shapes = new HashSet<>();
      for (String p : prefixes) {
        shapes.add(p.replaceAll("[0-9]+", "#"));
      }
      return shapes.size() == 1 && new HashSet<>(prefixes).size() == prefixes.size();
    }

    /** Distinct op types in a copy: a chain of one op (Identity, Identity, ...) is no block. */
    private int opTypes(int start, int period) {
      Set<String> ops = new HashSet<>();
      for (int i = start; i < start + period; i++) {
        ops.add(nodes.get(i).getOpType());
      }
      return ops.size();
    }

    /**
     * How well copies starting at {@code start} line up with the names: the summed length of each
     * copy's common name prefix, less a little for every value read across a copy's top edge.
     */
    private double score(int start, int period, int copies) {
      double score = 0;
      for (int r = 0; r < copies; r++) {
        int s = start + r * period;
        score += prefix(s, period).length();
        score -= 0.01 * crossingInputs(s, period);
      }
      return score;
    }

    private int crossingInputs(int start, int period) {
      Set<String> seen = new HashSet<>();
      for (int i = start; i < start + period; i++) {
        for (String in : nodes.get(i).getInputList()) {
          Integer p = producers.get(in);
          if (p != null && p < start && !nodes.get(p).getOpType().equals("Constant")) {
            seen.add(in);
          }
        }
      }
      return seen.size();
    }

    /** Copies wired like the first one, counted from the first. */
    private int matchingCopies(int start, int period, int copies) {
      List<String> wiring = wiring(start, period);
      int n = 1;
      while (n < copies && wiring(start + n * period, period).equals(wiring)) {
        n++;
      }
      return n;
    }

    /** Where each input of a copy comes from: a node inside it (offset and slot), or outside. */
    private List<String> wiring(int start, int period) {
      List<String> out = new ArrayList<>();
      for (int i = start; i < start + period; i++) {
        NodeProto n = nodes.get(i);
        StringBuilder b = new StringBuilder();
        for (String in : n.getInputList()) {
          Integer p = in.isEmpty() ? null : producers.get(in);
          if (in.isEmpty()) {
            b.append("-,");
          } else if (p != null && p >= start && p < i) {
            b.append(p - start).append(':').append(producerSlots.get(in)).append(',');
          } else {
            b.append("x,");
          }
        }
        b.append('|').append(n.getOutputCount());
        out.add(b.toString());
      }
      return out;
    }

    /**
     * The path prefix ("/encoder/layer.3/") all path-like node names of a copy share, or "". Names
     * without a slash ({@code Constant_51}, which exporters give to nodes they add) say nothing.
     */
    private String prefix(int start, int period) {
      String common = null;
      for (int i = start; i < start + period; i++) {
        String name = nodes.get(i).getName();
        if (name.indexOf('/') < 0) {
          continue;
        }
        if (common == null) {
          int slash = name.lastIndexOf('/');
          common = slash < 0 ? "" : name.substring(0, slash + 1);
        } else {
          int k = 0;
          int max = Math.min(common.length(), name.length());
          while (k < max && common.charAt(k) == name.charAt(k)) {
            k++;
          }
          common = common.substring(0, common.lastIndexOf('/', k - 1) + 1);
        }
        if (common.isEmpty()) {
          return "";
        }
      }
      return common == null ? "" : common;
    }

    /** "encoder layer" from "/encoder/layer.0/" and "/encoder/layer.1/"; op types otherwise. */
    private String name(List<String> prefixes, int start, int period) {
      String a = prefixes.get(0);
      String b = prefixes.get(1);
      if (!a.isEmpty() && !a.equals(b)) {
        int k = 0;
        while (k < a.length() && k < b.length() && a.charAt(k) == b.charAt(k)) {
          k++;
        }
        String head = a.substring(0, k);
        if (k < a.length() && Character.isDigit(a.charAt(k))) {
          head = head.replaceAll("[0-9]+$", "");
        }
        String[] segments = head.replaceAll("[/._-]+$", "").split("/");
        String last = segments[segments.length - 1];
        String before = segments.length > 1 ? segments[segments.length - 2] : "";
        String words =
            (before.isEmpty() || last.startsWith(before) ? last : before + " " + last)
                .replaceAll("[._-]+", " ")
                .strip();
        if (!words.isEmpty()) {
          return org.quantscope.model.UntrustedText.clean(words, 60);
        }
      }
      return nodes.get(start).getOpType() + " \u2026 " + nodes.get(start + period - 1).getOpType();
    }
  }

  /** Domain, op type and attributes: what makes two nodes the same operation. */
  static String signature(NodeProto n) {
    StringBuilder b = new StringBuilder();
    b.append(n.getDomain()).append(':').append(n.getOpType()).append('/').append(n.getInputCount());
    if (n.getOpType().equals("Constant")) {
      return b.toString();
    }
    for (AttributeProto a : n.getAttributeList()) {
      b.append(';').append(a.getName()).append('=');
      switch (a.getType()) {
        case INT -> b.append(a.getI());
        case FLOAT -> b.append(a.getF());
        case STRING -> b.append(a.getS().toStringUtf8());
        case INTS -> b.append(a.getIntsList());
        case FLOATS -> b.append(a.getFloatsList());
        case STRINGS -> b.append(a.getStringsCount());
        case TENSOR -> b.append(a.getT().getDataType()).append(a.getT().getDimsList());
        case GRAPH -> b.append("graph:").append(a.getG().getNodeCount());
        default -> b.append(a.getType());
      }
    }
    return b.toString();
  }
}
