// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.Arrays;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.TensorProto;

/**
 * How a constant input is quantized: its 8-bit type, symmetry, reduce-range and channel axis, for
 * the given options. The one place these rules live; ops name theirs in {@link
 * OpQuantizer#weights()}, and the quantizer and the weight preview both plan with {@link #plan}.
 */
enum WeightRule {
  /**
   * A weight (MatMul's B, Attention's packed QKV): the options' type, symmetry and reduce-range,
   * one scale per tensor, or with per_channel one per slice of the last axis.
   */
  WEIGHT {
    @Override
    WeightJob plan(TensorProto t, QuantizeOptions o) throws ModelFormatException {
      QuantType type = o.weightType();
      boolean symmetric = o.symmetricWeights(type);
      if (!o.perChannel()) {
        return perTensor(t, type, symmetric, o.reduceRange());
      }
      int rank = t.getDimsCount();
      int axis = rank - 1;
      if (axis < 0) {
        throw new ModelFormatException(
            "weight '" + t.getName() + "' has rank " + rank + ", too small for a channel axis");
      }
      long[] dims = Tensors.dims(t);
      return new WeightJob(
          t,
          type,
          symmetric,
          o.reduceRange(),
          axis,
          dims,
          new long[] {dims[axis]},
          new long[] {dims[axis]},
          false);
    }
  },

  /**
   * A Conv weight: per tensor even with per_channel, as in ORT; with per_channel and the
   * conv-per-channel extension (and a rank of at least 2) one symmetric scale per output channel
   * (axis 0), one shared zero point as ConvInteger accepts, the scales stored as [M, 1, ...] for
   * the output Mul to broadcast.
   */
  CONV {
    @Override
    WeightJob plan(TensorProto t, QuantizeOptions o) {
      if (!o.perChannel() || !o.extensions().convPerChannel() || t.getDimsCount() < 2) {
        return perTensor(t, o.weightType(), o.symmetricWeights(o.weightType()), o.reduceRange());
      }
      long[] dims = Tensors.dims(t);
      long[] scaleDims = new long[dims.length - 1];
      Arrays.fill(scaleDims, 1L);
      scaleDims[0] = dims[0];
      return new WeightJob(
          t, o.weightType(), true, o.reduceRange(), 0, dims, new long[] {}, scaleDims, false);
    }
  },

  /**
   * A constant quantized like an activation (Gather and EmbedLayerNormalization tables, a
   * Transpose's initializer, a constant activation input): QUInt8 whatever the weight type, per
   * tensor, never reduce-range, symmetric by {@link QuantizeOptions#symmetricTables()}.
   */
  TABLE {
    @Override
    WeightJob plan(TensorProto t, QuantizeOptions o) {
      return perTensor(t, QuantType.QUInt8, o.symmetricTables(), false);
    }
  },

  /**
   * LSTM's W and R: QInt8 whatever the weight type, on ORT's per-channel path along axis 0: one
   * scale per direction, or with per_channel one per row of the merged [dirs*4H, K] view; stored
   * transposed to [dirs, K, 4H].
   */
  LSTM {
    @Override
    WeightJob plan(TensorProto t, QuantizeOptions o) {
      long[] d = Tensors.dims(t);
      long dirs = d[0];
      long rows = d[1];
      long k = d[2];
      boolean symmetric = o.symmetricWeights(QuantType.QInt8);
      if (o.perChannel()) {
        return new WeightJob(
            t,
            QuantType.QInt8,
            symmetric,
            o.reduceRange(),
            0,
            new long[] {dirs * rows, k},
            new long[] {dirs, rows},
            new long[] {dirs, rows},
            true);
      }
      return new WeightJob(
          t,
          QuantType.QInt8,
          symmetric,
          o.reduceRange(),
          0,
          d,
          new long[] {dirs},
          new long[] {dirs},
          true);
    }
  };

  /** The quantization of constant {@code t} under options {@code o}. */
  abstract WeightJob plan(TensorProto t, QuantizeOptions o) throws ModelFormatException;

  private static WeightJob perTensor(
      TensorProto t, QuantType type, boolean symmetric, boolean reduceRange) {
    return new WeightJob(
        t, type, symmetric, reduceRange, -1, Tensors.dims(t), new long[] {}, new long[] {}, false);
  }
}
