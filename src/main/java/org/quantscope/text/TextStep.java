// SPDX-License-Identifier: Apache-2.0
package org.quantscope.text;

/** One normalization step of a tokenizer (lowercase, strip accents, a Unicode form, ...). */
@FunctionalInterface
interface TextStep {
  String apply(String text);
}
