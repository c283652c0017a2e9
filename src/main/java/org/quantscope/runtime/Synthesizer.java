// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.OnnxModel;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.TensorProto;

/**
 * Model inputs made up from the model's own metadata, reproducibly from a seed: floats from a
 * normal or uniform distribution, token ids below the size of the embedding table they index (found
 * in the graph), attention masks of ones, other integers small. Symbolic dims come from the user
 * ({@code --dim name=value}), else batch-like first dims are 1 and sequence-like dims 128.
 */
public final class Synthesizer {
  private Synthesizer() {}

  /** Where float inputs are drawn from. */
  public enum Distribution {
    /** Standard normal, mean 0 and deviation 1. */
    NORMAL,
    /** Uniform in [0, 1). */
    UNIFORM
  }

  /**
   * @param samples number of feeds (runs)
   * @param seed random seed; the same seed gives the same inputs
   * @param dims values for symbolic dims, by name
   * @param distribution for float inputs
   */
  public record Options(int samples, long seed, Map<String, Long> dims, Distribution distribution) {
    public Options {
      if (samples < 1) {
        throw new IllegalArgumentException("--samples must be at least 1, got " + samples);
      }
      dims = Map.copyOf(dims);
      for (Map.Entry<String, Long> e : dims.entrySet()) {
        if (e.getValue() < 1) {
          throw new IllegalArgumentException(
              "--dim " + e.getKey() + " must be at least 1, got " + e.getValue());
        }
      }
    }

    public static Options of(int samples, long seed) {
      return new Options(samples, seed, Map.of(), Distribution.NORMAL);
    }
  }

  /** Default for sequence-like symbolic dims. */
  public static final long DEFAULT_SEQUENCE = 128;

  /**
   * Makes {@code options.samples()} feeds.
   *
   * @throws ModelFormatException naming the input and why it cannot be made up
   */
  public static List<Map<String, NdArray>> synthesize(OnnxModel model, Options options)
      throws ModelFormatException {
    List<InputSpec> inputs = OrtRuntime.inputs(model);
    Graph index = new Graph(model.graph());
    Random rnd = new Random(options.seed());
    List<long[]> shapes = new ArrayList<>();
    List<long[]> ranges = new ArrayList<>();
    Map<String, Long> dims = new java.util.HashMap<>(options.dims());
    if (!dims.containsKey("sequence")) {
      positionTableRows(model)
          .ifPresent(rows -> dims.put("sequence", Math.min(DEFAULT_SEQUENCE, rows)));
    }
    for (InputSpec in : inputs) {
      shapes.add(shape(in, dims));
      ranges.add(integerRange(in, index, shapes.get(shapes.size() - 1)));
    }
    List<Map<String, NdArray>> feeds = new ArrayList<>(options.samples());
    for (int s = 0; s < options.samples(); s++) {
      Map<String, NdArray> feed = new LinkedHashMap<>();
      for (int i = 0; i < inputs.size(); i++) {
        InputSpec in = inputs.get(i);
        feed.put(in.name(), values(in, shapes.get(i), ranges.get(i), options.distribution(), rnd));
      }
      feeds.add(feed);
    }
    return feeds;
  }

  /**
   * Rows of a position-embedding table (a rank-2 float initializer named like "pos..."), which
   * bounds the sequence length the model accepts. Only a table of vectors counts: exporters also
   * leave the indices into it, e.g. Hugging Face's {@code embeddings.position_ids} of shape [1,
   * 512] in int64, whose one row once made every made-up sample of a BERT one token long.
   */
  static Optional<Long> positionTableRows(OnnxModel model) {
    long best = Long.MAX_VALUE;
    for (TensorProto t : model.graph().getInitializerList()) {
      String n = t.getName().toLowerCase(Locale.ROOT);
      if (t.getDimsCount() == 2
          && ElementType.of(t.getDataType()).map(ElementType::isFloatingPoint).orElse(false)
          && (n.contains("position")
              || n.contains("pos_emb")
              || n.startsWith("pos.")
              || n.contains(".pos."))) {
        best = Math.min(best, t.getDims(0));
      }
    }
    return best == Long.MAX_VALUE ? Optional.empty() : Optional.of(best);
  }

  /** A concrete shape for an input: fixed dims as they are, symbolic ones resolved. */
  static long[] shape(InputSpec in, Map<String, Long> given) throws ModelFormatException {
    if (in.type() == null) {
      throw new ModelFormatException(
          "input '" + in.name() + "' is not a tensor; give samples with --inputs");
    }
    long[] shape = new long[in.dims().size()];
    for (int i = 0; i < shape.length; i++) {
      Object d = in.dims().get(i);
      if (d instanceof Long l) {
        shape[i] = l;
        continue;
      }
      String name = d instanceof String s ? s : null;
      if (name != null && given.containsKey(name)) {
        shape[i] = given.get(name);
      } else if (i == 0) {
        shape[i] = name != null && given.containsKey("batch") ? given.get("batch") : 1;
      } else if (name != null && isSequenceLike(name)) {
        shape[i] = given.getOrDefault("sequence", DEFAULT_SEQUENCE);
      } else {
        throw new ModelFormatException(
            "input '"
                + in.name()
                + "' ("
                + in.describe()
                + ") has "
                + (name == null ? "an unnamed dimension " + i : "the dimension '" + name + "'")
                + " whose size is unknown; set it with --dim "
                + (name == null ? "<name>" : name)
                + "=N");
      }
    }
    return shape;
  }

  private static boolean isSequenceLike(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.contains("seq")
        || n.contains("len")
        || n.contains("token")
        || n.contains("time")
        || n.contains("step")
        || n.contains("word");
  }

  /**
   * The range [lo, hi) for an integer input: token ids below the size of the table a Gather or
   * EmbedLayerNormalization reads with them; masks are all ones; the rest 0 or 1.
   */
  static long[] integerRange(InputSpec in, Graph index, long[] shape) {
    String n = in.name().toLowerCase(Locale.ROOT);
    Optional<Long> vocab = tableSize(in.name(), index, 0);
    if (vocab.isPresent()) {
      return new long[] {0, vocab.get()};
    }
    if (n.contains("mask")) {
      return new long[] {1, 2};
    }
    if (n.contains("position") && shape.length > 0) {
      return new long[] {0, shape[shape.length - 1]};
    }
    if (n.contains("type") || n.contains("segment")) {
      return new long[] {0, 1};
    }
    return new long[] {0, 2};
  }

  /** Rows of the embedding table the value indexes, following Cast/Reshape-like nodes. */
  private static Optional<Long> tableSize(String value, Graph index, int depth) {
    if (depth > 8) {
      return Optional.empty();
    }
    for (NodeProto node : index.consumers(value)) {
      switch (node.getOpType()) {
        case "Gather" -> {
          if (node.getInputCount() > 1 && node.getInput(1).equals(value)) {
            Optional<TensorProto> t = index.initializer(node.getInput(0));
            long axis = 0;
            for (AttributeProto a : node.getAttributeList()) {
              if (a.getName().equals("axis")) {
                axis = a.getI();
              }
            }
            if (t.isPresent() && t.get().getDimsCount() > 0) {
              int ax = (int) (axis < 0 ? axis + t.get().getDimsCount() : axis);
              return Optional.of(t.get().getDims(ax));
            }
          }
        }
        case "EmbedLayerNormalization" -> {
          int k = node.getInputList().indexOf(value);
          int table = k == 0 ? 2 : k == 1 ? 4 : -1;
          if (table > 0 && node.getInputCount() > table) {
            Optional<TensorProto> t = index.initializer(node.getInput(table));
            if (t.isPresent() && t.get().getDimsCount() > 0) {
              return Optional.of(t.get().getDims(0));
            }
          }
        }
        case "Cast", "Unsqueeze", "Squeeze", "Reshape", "Flatten", "Identity" -> {
          Optional<Long> r = tableSize(node.getOutput(0), index, depth + 1);
          if (r.isPresent()) {
            return r;
          }
        }
        default -> {}
      }
    }
    return Optional.empty();
  }

  /** Consumers and initializers of the main graph, enough to follow ids to their table. */
  static final class Graph {
    private final Map<String, List<NodeProto>> consumers = new java.util.HashMap<>();
    private final Map<String, TensorProto> initializers = new java.util.HashMap<>();

    Graph(org.quantscope.onnx.GraphProto g) {
      for (TensorProto t : g.getInitializerList()) {
        initializers.put(t.getName(), t);
      }
      for (NodeProto n : g.getNodeList()) {
        for (String in : n.getInputList()) {
          consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
        }
      }
    }

    List<NodeProto> consumers(String value) {
      return consumers.getOrDefault(value, List.of());
    }

    Optional<TensorProto> initializer(String name) {
      return Optional.ofNullable(initializers.get(name));
    }
  }

  private static NdArray values(
      InputSpec in, long[] shape, long[] range, Distribution dist, Random rnd)
      throws ModelFormatException {
    long count = 1;
    for (long d : shape) {
      count = Math.multiplyExact(count, d);
    }
    if (count > 200_000_000L) {
      throw new ModelFormatException(
          "input '" + in.name() + "' would have " + count + " elements; set smaller --dim values");
    }
    int n = (int) count;
    return switch (in.type()) {
      case FLOAT, FLOAT16, DOUBLE -> {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
          v[i] = dist == Distribution.NORMAL ? (float) rnd.nextGaussian() : rnd.nextFloat();
        }
        if (in.type() == ElementType.DOUBLE) {
          double[] d = new double[n];
          for (int i = 0; i < n; i++) {
            d[i] = v[i];
          }
          yield new NdArray(ElementType.DOUBLE, shape, d);
        }
        if (in.type() == ElementType.FLOAT16) {
          throw new ModelFormatException(
              "input '" + in.name() + "' is float16, which QuantScope cannot pass to ONNX Runtime");
        }
        yield new NdArray(ElementType.FLOAT, shape, v);
      }
      case INT64 -> {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
          v[i] = range[0] + (long) (rnd.nextDouble() * (range[1] - range[0]));
        }
        yield new NdArray(ElementType.INT64, shape, v);
      }
      case INT32 -> {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
          v[i] = (int) (range[0] + (long) (rnd.nextDouble() * (range[1] - range[0])));
        }
        yield new NdArray(ElementType.INT32, shape, v);
      }
      case BOOL -> {
        boolean[] v = new boolean[n];
        for (int i = 0; i < n; i++) {
          v[i] = rnd.nextBoolean();
        }
        yield new NdArray(ElementType.BOOL, shape, v);
      }
      case UINT8, INT8 -> {
        byte[] v = new byte[n];
        rnd.nextBytes(v);
        yield new NdArray(in.type(), shape, v);
      }
      default ->
          throw new ModelFormatException(
              "input '"
                  + in.name()
                  + "' is "
                  + in.type().onnxName()
                  + ", which QuantScope cannot make up; give samples with --inputs");
    };
  }
}
