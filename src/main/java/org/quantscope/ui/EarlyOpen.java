// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.quantscope.model.EarlyRead;
import org.quantscope.model.ExampleModel;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;

/**
 * The first window's model, read and summarised from the moment the process knows it, while JavaFX
 * starts its toolkit and the window is built: on two cores the two overlap, and the window can show
 * the model's facts in its first frame instead of loading after it. Started once by {@link
 * QuantScopeApp#launch}; the first window's {@link MainViewModel#open} (or {@link
 * MainViewModel#openExample}) takes it. Nothing else changes: a model that cannot be read fails in
 * its window as when it is opened from the menu, and a load nobody takes is dropped with the
 * process.
 */
final class EarlyOpen {
  private static final EarlyRead<MainViewModel.Loaded> READ =
      new EarlyRead<>("quantscope-early-open");

  private EarlyOpen() {}

  /**
   * Starts reading the model in a background thread.
   *
   * @param file the model file, or null for the built-in example
   * @return the load, which completes with the model or with why it cannot be read
   */
  static CompletableFuture<MainViewModel.Loaded> start(Path file) {
    return READ.start(
        file,
        () ->
            MainViewModel.Loaded.of(
                file == null ? OnnxModel.of(ExampleModel.build()) : ModelFiles.load(file)));
  }

  /**
   * The early load of this model, once; null when none was started for it (or it was taken).
   *
   * @param file the model file, or null for the built-in example
   */
  static CompletableFuture<MainViewModel.Loaded> take(Path file) {
    return READ.take(file);
  }
}
