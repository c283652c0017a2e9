// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

import java.io.IOException;

/**
 * A model file, or a tensor or node inside it, is not what the ONNX format requires. The message is
 * meant for users: it names the file, the tensor or node, and what was expected, on one line.
 */
public class ModelFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public ModelFormatException(String message) {
    super(message);
  }

  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
