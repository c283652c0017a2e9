// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import org.quantscope.model.ModelFormatException;
import org.quantscope.onnx.NodeProto;

/**
 * Quantizes nodes of one op type, the way ONNX Runtime's handler for that op does. Called only for
 * nodes whose verdict is "will quantize"; the context gives access to the shared state (what is
 * already quantized) and collects the rewrite.
 */
interface OpQuantizer {
  Rewrite quantize(NodeProto node, QuantContext ctx) throws ModelFormatException;
}
