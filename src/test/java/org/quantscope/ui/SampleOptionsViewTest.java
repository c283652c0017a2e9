// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.parity.Metric;
import org.quantscope.parity.ParityReport;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.text.TokenizerFixtures;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The Options panel's metric tolerance and its text samples, headless. */
@ExtendWith({FxThreadErrors.class, ApplicationExtension.class})
class SampleOptionsViewTest {
  private MainViewModel vm;
  private FxJobRunner jobs;

  @TempDir Path dir;

  @Start
  void start(Stage stage) {
    jobs = new FxJobRunner();
    vm = new MainViewModel(jobs, Settings.memory(), Pipeline.inProcess());
    Scene scene = new Scene(new MainView(vm, jobs), 1400, 860);
    scene.getStylesheets().add(QuantScopeApp.class.getResource("quantscope.css").toExternalForm());
    stage.setScene(scene);
    stage.show();
  }

  private void waitUntilIdle() throws TimeoutException {
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> jobs.runningProperty().get() == 0);
    WaitForAsyncUtils.waitForFxEvents();
  }

  @Test
  void theMetricToleranceIsDisabledWhileAbsIsChosen(FxRobot robot) throws TimeoutException {
    Platform.runLater(vm::openExample);
    waitUntilIdle();
    robot.clickOn("#optionsTab");
    TextField tol = robot.lookup("#metricTol").queryAs(TextField.class);
    assertThat(vm.options().metricProperty().get()).isEqualTo(Metric.ABS);
    assertThat(tol.isDisabled()).isTrue();
    Platform.runLater(() -> vm.options().metricProperty().set(Metric.COSINE));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(tol.isDisabled()).isFalse();
    Platform.runLater(() -> vm.options().metricProperty().set(Metric.TOP1));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(tol.isDisabled()).isFalse();
    Platform.runLater(() -> vm.options().metricProperty().set(Metric.ABS));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(tol.isDisabled()).isTrue();
  }

  @Test
  void textSamplesRunWithTheTokenizerBesideTheModel(FxRobot robot) throws Exception {
    Path model = Files.write(dir.resolve("text.onnx"), TestModels.tokens().toByteArray());
    TokenizerFixtures.write(TokenizerFixtures.wordPiece(), dir);
    Path texts = Files.writeString(dir.resolve("texts.txt"), "Hello, world!\nthe cats\n");
    Platform.runLater(() -> vm.open(model));
    waitUntilIdle();
    robot.clickOn("#optionsTab");
    assertThat(robot.lookup("#tokenizerName").queryAs(Label.class).getText())
        .isEqualTo("tokenizer.json beside the model");
    javafx.scene.control.ScrollPane options =
        robot.lookup("#optionsPanel").queryAs(javafx.scene.control.ScrollPane.class);
    Platform.runLater(() -> options.setVvalue(options.getVmax())); // the Samples section is last
    WaitForAsyncUtils.waitForFxEvents();
    robot.clickOn("#sourceText");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(vm.options().sampleSourceProperty().get())
        .isEqualTo(OptionsViewModel.SampleSource.TEXT);
    assertThat(vm.options().validProperty().get()).as("no text file yet").isFalse();
    Platform.runLater(() -> vm.options().textFileProperty().set(texts));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(robot.lookup("#textFileName").queryAs(Label.class).getText()).isEqualTo("texts.txt");
    assertThat(vm.options().validProperty().get()).isTrue();
    robot.clickOn("#parityButton");
    waitUntilIdle();
    assertThat(vm.runs().failureProperty().get()).isNull();
    ParityReport p = vm.runs().parityProperty().get();
    assertThat(p.samples()).isEqualTo(2);
    assertThat(p.samplesFrom().source()).isEqualTo("text");
    assertThat(p.samplesFrom().tokenizer()).isEqualTo(dir.resolve("tokenizer.json").toString());
    assertThat(robot.lookup("#verdictFigures").queryAs(Label.class).getText())
        .contains(
            "2 samples, one per run (batch 1); text from texts.txt, tokenized by tokenizer.json");
  }
}
