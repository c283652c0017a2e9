// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

/** Exit codes of every verb; the README documents them. */
public final class ExitCodes {
  private ExitCodes() {}

  /** Success. */
  public static final int OK = 0;

  /** The command ran but a check failed (parity out of tolerance, nothing to quantize). */
  public static final int CHECK_FAILED = 1;

  /** Bad input or usage: unreadable or malformed model, wrong option, unwritable output. */
  public static final int BAD_INPUT = 2;

  /** A bug or an unexpected failure inside QuantScope or ONNX Runtime. */
  public static final int INTERNAL = 3;
}
