// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

/**
 * An entry of ORT's {@code quantized_value_map}: a float value and the names of its 8-bit copy,
 * scale and zero point.
 *
 * @param name the float value
 * @param qName its quantized copy
 * @param scaleName its scale
 * @param zpName its zero point
 * @param kind where the quantized copy comes from
 */
record QuantizedValue(String name, String qName, String scaleName, String zpName, Kind kind) {
  enum Kind {
    /** A constant quantized ahead of time into new initializers. */
    INITIALIZER,
    /** An activation quantized at run time by DynamicQuantizeLinear (or the opset-10 chain). */
    DYNAMIC,
    /** The output of a node that runs on 8-bit data (Gather, Transpose). */
    DERIVED
  }
}
