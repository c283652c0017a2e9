// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.TestModels;
import org.quantscope.model.OnnxModel;
import org.quantscope.onnx.ModelProto;
import org.quantscope.pipeline.Pipeline;
import org.quantscope.progress.Progress;
import org.quantscope.quantize.DynamicQuantizer;
import org.quantscope.quantize.QuantType;
import org.quantscope.quantize.Recipe;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The recipe features in the window, headless: Options' recipe, the Model tab, Compare with. */
@ExtendWith({FxThreadErrors.class, ApplicationExtension.class})
class RecipeWindowTest {
  private MainViewModel vm;
  private FxJobRunner jobs;

  @TempDir Path dir;

  @Start
  void start(Stage stage) {
    jobs = new FxJobRunner();
    vm = new MainViewModel(jobs, Settings.memory(), Pipeline.inProcess());
    MainView view = new MainView(vm, jobs);
    Scene scene = new Scene(view, 1400, 860);
    scene.getStylesheets().add(QuantScopeApp.class.getResource("quantscope.css").toExternalForm());
    stage.setScene(scene);
    stage.show();
  }

  private void waitUntilIdle() throws TimeoutException {
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> jobs.runningProperty().get() == 0);
    WaitForAsyncUtils.waitForFxEvents();
  }

  private void open(Path p) throws TimeoutException {
    Platform.runLater(() -> vm.open(p));
    waitUntilIdle();
  }

  @Test
  void anInt8ModelIsShownAsQuantizedAndComparedWithItsSource(FxRobot robot) throws Exception {
    ModelProto f = TestModels.candidates();
    Path flt = Files.write(dir.resolve("cand.onnx"), f.toByteArray());
    ModelProto q =
        DynamicQuantizer.quantize(OnnxModel.of(f), Recipe.OPTIMUM_AVX2.options(f), Progress.NONE)
            .model()
            .proto();
    Path int8 = Files.write(dir.resolve("cand.int8.onnx"), q.toByteArray());
    open(int8);
    robot.clickOn("#modelTab");
    assertThat(robot.lookup("#fact-quantization").queryAs(Label.class).getText())
        .startsWith("already quantized (dynamic; recipe optimum-avx2)\nweights: ");
    assertThat(robot.lookup("#compareFloatSource").queryAs(Button.class).isVisible()).isTrue();

    Platform.runLater(() -> vm.compareWith(flt));
    waitUntilIdle();
    WaitForAsyncUtils.waitFor(
        10, TimeUnit.SECONDS, () -> robot.lookup("#diffText").tryQuery().isPresent());
    String diff = robot.lookup("#diffText").queryAs(TextArea.class).getText();
    assertThat(diff).startsWith("A: cand.int8.onnx\nB: " + flt + "\nDIFFERENT");
    assertThat(diff).containsPattern("MatMulInteger: [1-9]\\d* -> 0");

    open(flt);
    assertThat(robot.lookup("#fact-quantization").tryQuery()).isEmpty();
    assertThat(robot.lookup("#compareFloatSource").tryQuery()).isEmpty();
  }

  @Test
  void choosingARecipeSetsTheSwitches(FxRobot robot) throws Exception {
    open(Files.write(dir.resolve("conv.onnx"), TestModels.convNet().toByteArray()));
    robot.clickOn("#optionsTab");
    @SuppressWarnings("unchecked")
    ComboBox<Recipe> recipe = robot.lookup("#recipe").queryAs(ComboBox.class);
    assertThat(recipe.getValue()).isEqualTo(Recipe.ORT_DEFAULT);
    robot.interact(() -> recipe.setValue(Recipe.TRANSFORMERSJS_Q8));
    @SuppressWarnings("unchecked")
    ComboBox<QuantType> type = robot.lookup("#weightType").queryAs(ComboBox.class);
    assertThat(type.getValue()).isEqualTo(QuantType.QUInt8);
    assertThat(robot.lookup("#recipeSummary").queryAs(Label.class).getText())
        .startsWith("transformers.js scripts/quantize.py --modes q8: ");
    assertThat(vm.options().enableSubgraphProperty().get()).isTrue();
  }
}
