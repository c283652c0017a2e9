// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

/**
 * How {@link ModelFiles#save} stores tensors.
 *
 * @param externalData whether weights go to a separate data file
 * @param dataFileName name of that file, in the model's folder; {@code null} means the model file
 *     name plus {@code .data}
 * @param thresholdBytes tensors smaller than this stay inside the model file
 */
public record SaveOptions(ExternalDataMode externalData, String dataFileName, long thresholdBytes) {

  /** When to write tensors as external data. */
  public enum ExternalDataMode {
    /** Everything inline; fails if the model would exceed protobuf's 2 GB limit. */
    NEVER,
    /** Inline unless the model would exceed protobuf's 2 GB limit. */
    AUTO,
    /** Every tensor of at least {@code thresholdBytes} in the data file. */
    ALWAYS
  }

  /** Inline when it fits, external data when the model is too large for one protobuf. */
  public static final SaveOptions DEFAULT = new SaveOptions(ExternalDataMode.AUTO, null, 1024);

  public SaveOptions {
    if (externalData == null) {
      throw new IllegalArgumentException("externalData mode is required");
    }
    if (thresholdBytes < 0) {
      throw new IllegalArgumentException("thresholdBytes must be >= 0, got " + thresholdBytes);
    }
    if (dataFileName != null
        && (dataFileName.isBlank()
            || dataFileName.contains("/")
            || dataFileName.contains("\\")
            || dataFileName.equals("..")
            || dataFileName.equals("."))) {
      throw new IllegalArgumentException(
          "dataFileName must be a plain file name in the model's folder, got '"
              + dataFileName
              + "'");
    }
  }

  /** All weights of at least 1 KiB in {@code <model file>.data}. */
  public static SaveOptions withExternalData() {
    return new SaveOptions(ExternalDataMode.ALWAYS, null, 1024);
  }
}
