// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Fails a test when anything threw on the JavaFX application thread while it ran: in an event
 * handler, a listener or binding, a {@code Platform.runLater} or a layout pulse. JavaFX hands such
 * exceptions to the thread's uncaught-exception handler and carries on, so without this a broken
 * window can pass its tests. Register it before TestFX's extension, so that it also sees the
 * {@code @Start} method: {@code @ExtendWith({FxThreadErrors.class, ApplicationExtension.class})}.
 */
public final class FxThreadErrors implements BeforeEachCallback, AfterEachCallback {
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();
  private Thread.UncaughtExceptionHandler previous;

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    install();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    uninstall();
    check();
  }

  /** Starts recording what is thrown on the FX thread (starting the toolkit if needed). */
  void install() throws Exception {
    errors.clear();
    FxToolkit.registerPrimaryStage();
    WaitForAsyncUtils.waitForAsyncFx(
        60_000,
        () -> {
          Thread fx = Thread.currentThread();
          previous = fx.getUncaughtExceptionHandler();
          fx.setUncaughtExceptionHandler((t, e) -> errors.add(e));
        });
  }

  /** Lets the FX thread finish what is queued, then stops recording. */
  void uninstall() {
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitForAsyncFx(
        60_000, () -> Thread.currentThread().setUncaughtExceptionHandler(previous));
  }

  /** What was thrown on the FX thread since {@link #install()}, oldest first. */
  List<Throwable> errors() {
    return new ArrayList<>(errors);
  }

  /**
   * Throws when anything was thrown on the FX thread, with the first exception as the cause and the
   * others suppressed.
   */
  void check() {
    if (errors.isEmpty()) {
      return;
    }
    AssertionFailedError failure =
        new AssertionFailedError(
            errors.size() + " exception(s) on the JavaFX thread, the first: " + errors.get(0),
            errors.get(0));
    errors.stream().skip(1).forEach(failure::addSuppressed);
    throw failure;
  }
}
