// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

/**
 * The model has no node that would be quantized with these options; nothing was written. The
 * message says why (no candidate op types, or the reasons each candidate was skipped).
 */
public class NothingToQuantizeException extends Exception {
  private static final long serialVersionUID = 1L;

  public NothingToQuantizeException(String message) {
    super(message);
  }
}
