// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import org.quantscope.quantize.QuantType;
import org.quantscope.quantize.QuantizeOptions;

/** What the current options are compared with: the same options with one choice flipped. */
public enum CompareWith {
  PER_CHANNEL("per-channel vs per-tensor"),
  WEIGHT_TYPE("QInt8 vs QUInt8"),
  REDUCE_RANGE("reduce-range on vs off");

  private final String label;

  CompareWith(String label) {
    this.label = label;
  }

  @Override
  public String toString() {
    return label;
  }

  /** The options with this choice flipped. */
  public QuantizeOptions flip(QuantizeOptions o) {
    return switch (this) {
      case PER_CHANNEL -> o.toBuilder().perChannel(!o.perChannel()).build();
      case WEIGHT_TYPE ->
          o.toBuilder()
              .weightType(o.weightType() == QuantType.QInt8 ? QuantType.QUInt8 : QuantType.QInt8)
              .build();
      case REDUCE_RANGE -> o.toBuilder().reduceRange(!o.reduceRange()).build();
    };
  }

  /** A short name of the options for a column header, e.g. "QInt8, per tensor". */
  public static String describe(QuantizeOptions o) {
    return o.weightType()
        + (o.perChannel() ? ", per channel" : ", per tensor")
        + (o.reduceRange() ? ", reduce range" : "");
  }
}
