// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import org.quantscope.model.ElementType;
import org.quantscope.onnx.TensorProto;

/**
 * One constant to quantize, planned while the graph is rewritten and computed afterwards, in
 * parallel with the others.
 *
 * @param source the float initializer
 * @param type the 8-bit type
 * @param symmetric symmetric range
 * @param reduceRange 7-bit range
 * @param axis channel axis in {@code quantDims}, or -1 for one scale
 * @param quantDims dims the values are viewed with while quantizing (LSTM merges two dims)
 * @param paramDims dims of the stored zero point tensor
 * @param scaleDims dims of the stored scale tensor (usually {@code paramDims}; a per-channel Conv
 *     scale is stored as [M, 1, 1] so the output Mul broadcasts over channels)
 * @param lstmTranspose store the result transposed from [dirs, 4H, K] to [dirs, K, 4H]
 */
record WeightJob(
    TensorProto source,
    QuantType type,
    boolean symmetric,
    boolean reduceRange,
    int axis,
    long[] quantDims,
    long[] paramDims,
    long[] scaleDims,
    boolean lstmTranspose) {

  String name() {
    return source.getName();
  }

  String quantizedName() {
    return source.getName() + "_quantized";
  }

  String scaleName() {
    return source.getName() + "_scale";
  }

  String zeroPointName() {
    return source.getName() + "_zero_point";
  }

  /**
   * Whether {@code w}, this job's result, counts as per channel in reports and previews: several
   * scales along a channel axis; for LSTM, one scale per row (one per direction is its per-tensor
   * form).
   */
  boolean perChannel(QuantizedWeight w) {
    return w.perChannel() && w.scales().length > 1 && !lstmTranspose()
        || (lstmTranspose() && paramDims().length == 2);
  }

  /** Scales are stored in the weight's own float type (FLOAT or FLOAT16). */
  ElementType scaleType() {
    return source.getDataType() == ElementType.FLOAT16.code()
        ? ElementType.FLOAT16
        : ElementType.FLOAT;
  }
}
