// SPDX-License-Identifier: Apache-2.0
package org.quantscope.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.StringStringEntryProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.onnx.TensorShapeProto;
import org.quantscope.onnx.TypeProto;
import org.quantscope.onnx.ValueInfoProto;

/**
 * Seeded mutations of a valid model: byte-level (bit flips, truncation, cut and repeated chunks)
 * and field-level (huge, negative and overflowing dims, wrong data types, payloads that do not
 * match, deeply nested and self-referencing subgraphs, cycles, duplicate and empty names, missing
 * inputs, external data pointing elsewhere, megabyte names). The same seed always gives the same
 * bytes, so every failure can be replayed.
 */
public final class Mutations {
  private Mutations() {}

  /** The kinds of mutation, for the report of a run. */
  public enum Kind {
    BIT_FLIPS,
    TRUNCATE,
    CUT_CHUNK,
    REPEAT_CHUNK,
    HUGE_DIM,
    NEGATIVE_DIM,
    OVERFLOWING_DIMS,
    WRONG_DATA_TYPE,
    PAYLOAD_MISMATCH,
    NESTED_SUBGRAPHS,
    CYCLE,
    DUPLICATE_NAMES,
    EMPTY_NAMES,
    MISSING_INPUT,
    EXTERNAL_DATA,
    HUGE_TEXT,
    DROP_FIELD,
    VALUE_INFO_SHAPE,
    STACKED
  }

  /** One mutated model: its bytes and what was done. */
  public record Mutant(byte[] bytes, Kind kind, String what) {}

  /** Mutates {@code seed} once, chosen by {@code rnd}. */
  public static Mutant mutate(ModelProto seed, Random rnd) {
    Kind[] kinds = Kind.values();
    Kind kind = kinds[rnd.nextInt(kinds.length)];
    if (kind == Kind.STACKED) {
      ModelProto m = seed;
      List<String> whats = new ArrayList<>();
      for (int i = 0; i < 2 + rnd.nextInt(3); i++) {
        Kind k = kinds[4 + rnd.nextInt(kinds.length - 5)]; // field-level ones
        ModelProto.Builder b = m.toBuilder();
        whats.add(field(b, k, rnd));
        m = b.build();
      }
      return new Mutant(m.toByteArray(), kind, String.join("; ", whats));
    }
    return switch (kind) {
      case BIT_FLIPS, TRUNCATE, CUT_CHUNK, REPEAT_CHUNK -> bytes(seed.toByteArray(), kind, rnd);
      default -> {
        ModelProto.Builder b = seed.toBuilder();
        String what = field(b, kind, rnd);
        yield new Mutant(b.build().toByteArray(), kind, what);
      }
    };
  }

  private static Mutant bytes(byte[] in, Kind kind, Random rnd) {
    byte[] out;
    String what;
    switch (kind) {
      case BIT_FLIPS -> {
        out = in.clone();
        int flips = 1 + rnd.nextInt(8);
        for (int i = 0; i < flips; i++) {
          int at = rnd.nextInt(out.length);
          out[at] ^= (byte) (1 << rnd.nextInt(8));
        }
        what = flips + " bit flips";
      }
      case TRUNCATE -> {
        int len = rnd.nextInt(in.length);
        out = java.util.Arrays.copyOf(in, len);
        what = "truncated to " + len + " of " + in.length + " bytes";
      }
      case CUT_CHUNK -> {
        int from = rnd.nextInt(in.length);
        int len = Math.min(in.length - from, 1 + rnd.nextInt(64));
        out = new byte[in.length - len];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(in, from + len, out, from, in.length - from - len);
        what = "cut " + len + " bytes at " + from;
      }
      default -> {
        int from = rnd.nextInt(in.length);
        int len = Math.min(in.length - from, 1 + rnd.nextInt(64));
        out = new byte[in.length + len];
        System.arraycopy(in, 0, out, 0, from + len);
        System.arraycopy(in, from, out, from + len, in.length - from);
        what = "repeated " + len + " bytes at " + from;
      }
    }
    return new Mutant(out, kind, what);
  }

  private static final long[] HUGE = {
    1L << 31, 1L << 32, 1_000_000_000_000L, Long.MAX_VALUE, Integer.MAX_VALUE, (1L << 62) + 1
  };

  /** Applies a field-level mutation to {@code m}; says what it did. */
  private static String field(ModelProto.Builder m, Kind kind, Random rnd) {
    GraphProto.Builder g = m.getGraphBuilder();
    switch (kind) {
      case HUGE_DIM, NEGATIVE_DIM, OVERFLOWING_DIMS -> {
        if (g.getInitializerCount() == 0 || rnd.nextInt(4) == 0) {
          return valueInfoDims(g, kind, rnd);
        }
        int i = rnd.nextInt(g.getInitializerCount());
        TensorProto.Builder t = g.getInitializerBuilder(i);
        if (kind == Kind.OVERFLOWING_DIMS) {
          t.clearDims().addDims(1L << 32).addDims(1L << 32).addDims(1L << 33);
        } else {
          if (t.getDimsCount() == 0) {
            t.addDims(1);
          }
          int d = rnd.nextInt(t.getDimsCount());
          t.setDims(
              d, kind == Kind.HUGE_DIM ? HUGE[rnd.nextInt(HUGE.length)] : -1 - rnd.nextInt(1000));
        }
        return kind + " on initializer " + t.getName();
      }
      case WRONG_DATA_TYPE -> {
        int type = rnd.nextInt(4) == 0 ? 1000 + rnd.nextInt(1000) : rnd.nextInt(26);
        if (g.getInitializerCount() > 0 && rnd.nextBoolean()) {
          TensorProto.Builder t = g.getInitializerBuilder(rnd.nextInt(g.getInitializerCount()));
          t.setDataType(type);
          return "initializer " + t.getName() + " data_type " + type;
        }
        if (g.getInputCount() > 0) {
          ValueInfoProto.Builder v = g.getInputBuilder(rnd.nextInt(g.getInputCount()));
          v.getTypeBuilder().getTensorTypeBuilder().setElemType(type);
          return "input " + v.getName() + " elem_type " + type;
        }
        return "nothing to retype";
      }
      case PAYLOAD_MISMATCH -> {
        if (g.getInitializerCount() == 0) {
          return "no initializer";
        }
        TensorProto.Builder t = g.getInitializerBuilder(rnd.nextInt(g.getInitializerCount()));
        switch (rnd.nextInt(4)) {
          case 0 -> t.setRawData(t.getRawData().substring(0, t.getRawData().size() / 2));
          case 1 -> t.addFloatData(1f).addInt64Data(3);
          case 2 -> t.clearRawData().clearFloatData().clearInt32Data().clearInt64Data();
          default ->
              t.setRawData(com.google.protobuf.ByteString.copyFrom(new byte[1 + rnd.nextInt(100)]));
        }
        return "payload of " + t.getName() + " changed";
      }
      case NESTED_SUBGRAPHS -> {
        int depth = 1 + rnd.nextInt(rnd.nextBoolean() ? 80 : 20);
        GraphProto inner = g.build();
        for (int i = 0; i < depth; i++) {
          NodeProto.Builder n =
              NodeProto.newBuilder().setOpType("If").setName("if" + i).addInput("cond");
          for (var o : inner.getOutputList()) {
            n.addOutput(o.getName() + "_" + i);
          }
          n.addAttribute(
              AttributeProto.newBuilder()
                  .setName("then_branch")
                  .setType(AttributeProto.AttributeType.GRAPH)
                  .setG(inner));
          // the else branch is small, so the model grows linearly with the depth
          n.addAttribute(
              AttributeProto.newBuilder()
                  .setName("else_branch")
                  .setType(AttributeProto.AttributeType.GRAPH)
                  .setG(
                      GraphProto.newBuilder()
                          .setName("else" + i)
                          .addAllOutput(inner.getOutputList())));
          inner = GraphProto.newBuilder(inner).clearNode().addNode(n).build();
        }
        g.addNode(inner.getNode(0));
        return depth + " nested If subgraphs";
      }
      case CYCLE -> {
        if (g.getNodeCount() < 2) {
          return "too few nodes";
        }
        int a = rnd.nextInt(g.getNodeCount());
        int b = rnd.nextInt(g.getNodeCount());
        NodeProto.Builder na = g.getNodeBuilder(a);
        NodeProto.Builder nb = g.getNodeBuilder(b);
        if (nb.getOutputCount() > 0) {
          if (na.getInputCount() == 0) {
            na.addInput(nb.getOutput(0));
          } else {
            na.setInput(0, nb.getOutput(0));
          }
        }
        return "node " + a + " reads node " + b + "'s output";
      }
      case DUPLICATE_NAMES -> {
        if (g.getNodeCount() > 0 && rnd.nextBoolean()) {
          NodeProto n = g.getNode(rnd.nextInt(g.getNodeCount()));
          g.addNode(n);
          return "node " + n.getName() + " twice";
        }
        if (g.getInitializerCount() > 0) {
          TensorProto t = g.getInitializer(rnd.nextInt(g.getInitializerCount()));
          g.addInitializer(
              t.toBuilder()
                  .clearDims()
                  .setDataType(1)
                  .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[4])));
          return "initializer " + t.getName() + " twice, different shapes";
        }
        return "nothing to duplicate";
      }
      case EMPTY_NAMES -> {
        if (g.getNodeCount() == 0) {
          return "no node";
        }
        NodeProto.Builder n = g.getNodeBuilder(rnd.nextInt(g.getNodeCount()));
        n.setName("");
        if (n.getOutputCount() > 0 && rnd.nextBoolean()) {
          n.setOutput(0, "");
        }
        if (n.getInputCount() > 0 && rnd.nextBoolean()) {
          n.setInput(rnd.nextInt(n.getInputCount()), "");
        }
        if (rnd.nextBoolean()) {
          n.setOpType("");
        }
        return "empty names on a node";
      }
      case MISSING_INPUT -> {
        if (g.getNodeCount() == 0) {
          return "no node";
        }
        NodeProto.Builder n = g.getNodeBuilder(rnd.nextInt(g.getNodeCount()));
        n.addInput("nowhere_" + rnd.nextInt(100));
        if (rnd.nextBoolean() && g.getInitializerCount() > 0) {
          g.removeInitializer(rnd.nextInt(g.getInitializerCount()));
        }
        return "a node reads a value nothing produces";
      }
      case EXTERNAL_DATA -> {
        if (g.getInitializerCount() == 0) {
          return "no initializer";
        }
        TensorProto.Builder t = g.getInitializerBuilder(rnd.nextInt(g.getInitializerCount()));
        String[] locations = {
          "../../../../etc/passwd", "/etc/passwd", "missing.bin", "", "a/../../b.bin", ".", "con"
        };
        t.clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL);
        t.addExternalData(
            StringStringEntryProto.newBuilder()
                .setKey("location")
                .setValue(locations[rnd.nextInt(locations.length)]));
        if (rnd.nextBoolean()) {
          t.addExternalData(
              StringStringEntryProto.newBuilder()
                  .setKey("offset")
                  .setValue(rnd.nextBoolean() ? "-5" : "99999999999999999999"));
        }
        if (rnd.nextBoolean()) {
          t.addExternalData(
              StringStringEntryProto.newBuilder().setKey("length").setValue("nonsense"));
        }
        return "external data of " + t.getName();
      }
      case HUGE_TEXT -> {
        String big = "<b>\u0000\u202e" + "n".repeat(1 << (10 + rnd.nextInt(11)));
        switch (rnd.nextInt(4)) {
          case 0 -> m.setDocString(big);
          case 1 ->
              m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(big).setValue(big));
          case 2 -> {
            if (g.getNodeCount() > 0) {
              g.getNodeBuilder(rnd.nextInt(g.getNodeCount())).setName(big).setDocString(big);
            }
          }
          default -> m.setProducerName(big);
        }
        return "a text of " + big.length() + " chars";
      }
      case DROP_FIELD -> {
        switch (rnd.nextInt(5)) {
          case 0 -> m.clearOpsetImport();
          case 1 -> g.clearOutput();
          case 2 -> g.clearInput();
          case 3 -> m.clearIrVersion();
          default -> m.clearGraph();
        }
        return "a required field dropped";
      }
      case VALUE_INFO_SHAPE -> {
        return valueInfoDims(g, Kind.values()[4 + rnd.nextInt(3)], rnd);
      }
      default -> {
        return "none";
      }
    }
  }

  private static String valueInfoDims(GraphProto.Builder g, Kind kind, Random rnd) {
    if (g.getInputCount() == 0) {
      return "no input";
    }
    ValueInfoProto.Builder v = g.getInputBuilder(rnd.nextInt(g.getInputCount()));
    TypeProto.Tensor.Builder t = v.getTypeBuilder().getTensorTypeBuilder();
    TensorShapeProto.Builder s = t.getShapeBuilder();
    long value =
        switch (kind) {
          case HUGE_DIM -> HUGE[rnd.nextInt(HUGE.length)];
          case NEGATIVE_DIM -> -1 - rnd.nextInt(1000);
          default -> 1L << 40;
        };
    s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(value));
    if (kind == Kind.OVERFLOWING_DIMS) {
      s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(value));
    }
    return kind + " on input " + v.getName();
  }
}
