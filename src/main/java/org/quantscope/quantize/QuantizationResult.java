// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.List;
import org.quantscope.graph.QuantizableNode;

/**
 * What a quantization run did: every quantized node with its weights and their error, every node
 * left in float with the reason, and the totals. Feeds the window's table and the reports.
 *
 * @param quantized the nodes that were rewritten, in graph order
 * @param skipped candidate nodes left in float, with the reason
 * @param weightBytesBefore bytes of the float weights that were quantized
 * @param weightBytesAfter bytes of their 8-bit copies with scales and zero points
 * @param fileBytesBefore size of the input model (file plus external data), or -1 if unknown
 * @param fileBytesAfter size of the written model (file plus external data), or -1 if not saved
 */
public record QuantizationResult(
    List<NodeReport> quantized,
    List<QuantizableNode> skipped,
    long weightBytesBefore,
    long weightBytesAfter,
    long fileBytesBefore,
    long fileBytesAfter) {

  /**
   * One quantized node.
   *
   * @param node the node's name or stable id (the Gemm's, for rewritten Gemm nodes)
   * @param op its original op type
   * @param graph "main" or the subgraph path
   * @param action what it became, e.g. {@code MatMulInteger}
   * @param weights the constants quantized for it (empty for Transpose); a weight shared with an
   *     earlier node is listed there only
   */
  public record NodeReport(
      String node, String op, String graph, String action, List<WeightReport> weights) {}

  /**
   * One quantized constant.
   *
   * @param name the float initializer
   * @param dims its dims (as quantized; LSTM weights are stored transposed)
   * @param type int8 or uint8
   * @param perChannel one scale per channel
   * @param channels number of scales
   * @param scaleMin smallest scale
   * @param scaleMax largest scale
   * @param maxAbsError largest absolute difference between a weight and its dequantized value
   * @param sqnrDb signal-to-quantization-noise ratio in dB (higher is better; Infinity: exact)
   * @param bytesBefore float bytes
   * @param bytesAfter 8-bit bytes plus scales and zero points
   */
  public record WeightReport(
      String name,
      List<Long> dims,
      String type,
      boolean perChannel,
      int channels,
      float scaleMin,
      float scaleMax,
      double maxAbsError,
      double sqnrDb,
      long bytesBefore,
      long bytesAfter) {}

  /** Number of quantized nodes. */
  public int quantizedCount() {
    return quantized.size();
  }

  /** Quantized plus skipped candidates. */
  public int candidateCount() {
    return quantized.size() + skipped.size();
  }

  /** The same result with the written file's size. */
  public QuantizationResult withFileSizes(long before, long after) {
    return new QuantizationResult(
        quantized, skipped, weightBytesBefore, weightBytesAfter, before, after);
  }
}
