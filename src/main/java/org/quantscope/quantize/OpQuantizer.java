// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.List;
import org.quantscope.model.ModelFormatException;
import org.quantscope.onnx.NodeProto;

/**
 * Everything QuantScope knows about one op type of ONNX Runtime's dynamic (IntegerOps) registry, in
 * one class: its facts (which inputs are constants to quantize, and by which {@link WeightRule}),
 * its verdict (the op's own conditions, with the reasons users read) and its rewrite (what ORT's
 * handler for the op emits). Each implementation is registered by one line in {@link OpQuantizers};
 * verdicts, the quantizer, its messages and the weight preview read it from there.
 */
interface OpQuantizer {

  /**
   * A constant input the op quantizes.
   *
   * @param index the input's position in the node
   * @param label how verdicts name it ("B", "W", "data", ...)
   * @param rule how it is quantized: 8-bit type, symmetry, range and channel axis
   */
  record WeightInput(int index, String label, WeightRule rule) {
    /**
     * The input's name in {@code node}: "" when left empty, null when the node has no such input.
     */
    String of(NodeProto node) {
      return index < node.getInputCount() ? node.getInput(index) : null;
    }
  }

  /** Input {@code k} of a node, "" when it has fewer inputs. */
  static String input(NodeProto node, int k) {
    return k < node.getInputCount() ? node.getInput(k) : "";
  }

  /** The op type, as nodes spell it. */
  String opType();

  /**
   * The constant inputs this op quantizes when they are constants, in input order; the first is the
   * one a node's verdict and the Node tab call its weight.
   */
  List<WeightInput> weights();

  /**
   * True for an op that runs on data another node already quantized (ORT's Direct8BitOp): alone it
   * never gives a model something to quantize.
   */
  default boolean direct8Bit() {
    return false;
  }

  /**
   * The op's own conditions for a node that passed the node filters: whether ORT's handler
   * quantizes it and, if not, why.
   */
  Verdict judge(NodeProto node, VerdictContext v);

  /**
   * Quantizes a node whose verdict is "will quantize", the way ORT's handler for the op does. The
   * context gives access to the shared state (what is already quantized) and collects the rewrite.
   */
  Rewrite quantize(NodeProto node, QuantContext ctx) throws ModelFormatException;
}
