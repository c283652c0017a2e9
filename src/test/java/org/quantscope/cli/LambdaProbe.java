// SPDX-License-Identifier: Apache-2.0
package org.quantscope.cli;

/**
 * A program with one lambda, run from a jar of its own by {@link ClassDataLaunchTest}: the class
 * list it records has a {@code @lambda-proxy} line, and the archive written from it holds the
 * lambda's class.
 */
public final class LambdaProbe {
  private LambdaProbe() {}

  public static void main(String[] args) {
    Runnable say = () -> System.out.println("probe " + args.length);
    say.run();
  }
}
