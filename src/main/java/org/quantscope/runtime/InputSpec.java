// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import java.util.List;
import org.quantscope.model.ElementType;

/**
 * What a model expects for one input: its name, element type, and dims (a Long for a fixed dim, a
 * String for a symbolic one, null for an unknown one).
 */
public record InputSpec(String name, ElementType type, List<Object> dims) {

  /** A description for messages, e.g. {@code float32[batch, 4]}. */
  public String describe() {
    StringBuilder sb = new StringBuilder(type.numpyName()).append('[');
    for (int i = 0; i < dims.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      Object d = dims.get(i);
      sb.append(d == null ? "?" : d);
    }
    return sb.append(']').toString();
  }

  /** True if a concrete shape fits this spec (same rank, fixed dims equal). */
  public boolean accepts(long[] shape) {
    if (shape.length != dims.size()) {
      return false;
    }
    for (int i = 0; i < shape.length; i++) {
      if (dims.get(i) instanceof Long l && l != shape[i]) {
        return false;
      }
    }
    return true;
  }
}
