// SPDX-License-Identifier: Apache-2.0
package org.quantscope.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quantscope.model.ElementType;
import org.quantscope.model.Protos;
import org.quantscope.onnx.GraphProto;

/** The propagation of errors to the outputs, on a graph whose noise is set by hand. */
class ErrorPropagationTest {

  /** A difference accumulator with the given noise and signal power over one element. */
  private static DiffAccumulator measured(double noise, double signal) {
    DiffAccumulator d = new DiffAccumulator();
    float ref = (float) Math.sqrt(signal);
    d.add(new float[] {ref}, new float[] {ref + (float) Math.sqrt(noise)});
    return d;
  }

  @Test
  void aFloatNodeCarriesNoiseWithItsMeasuredGainAndQuantizedNodesKeepTheirOwnApart() {
    // x -> q1 (quantized) -> a -> halve (float) -> b -> q2 (quantized) -> y
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(Protos.tensorValue("x", ElementType.FLOAT, 1))
            .addOutput(Protos.tensorValue("y", ElementType.FLOAT, 1))
            .addNode(Protos.node("MatMul", "q1", List.of("x", "W1"), List.of("a")))
            .addNode(Protos.node("Mul", "halve", List.of("a", "h"), List.of("b")))
            .addNode(Protos.node("MatMul", "q2", List.of("b", "W2"), List.of("y")))
            .build();
    // q1 makes noise 4 on signal 16; halving divides noise power by 4 (as the run shows: 1 on 4);
    // q2 doubles the signal (16 on 4: gain 4) and adds its own: 4 carried + 12 made = 16
    Map<String, DiffAccumulator> m =
        Map.of("a", measured(4, 16), "b", measured(1, 4), "y", measured(16, 16));
    ErrorPropagation p =
        new ErrorPropagation(
            g, m, Map.of("q1", Double.NaN, "q2", Double.NaN), List.of("q1", "halve", "q2"));
    assertThat(p.gain("y")).isEqualTo(1);
    assertThat(p.gain("b")).isCloseTo(4, within(1e-6)); // q2's signal gain
    assertThat(p.gain("a")).isCloseTo(1, within(1e-6)); // then the float Mul's 1/4
    assertThat(p.atOutputs("a", List.of("x", "W1"), Double.NaN))
        .isCloseTo(4, within(1e-5)); // all made at q1
    assertThat(p.atOutputs("y", List.of("b", "W2"), Double.NaN))
        .isCloseTo(12, within(1e-4)); // 16 - 4 carried
    // a measured gain and a measured own noise take the place of the estimates
    ErrorPropagation measured =
        new ErrorPropagation(
            g, m, Map.of("q1", Double.NaN, "q2", 2.0), List.of("q1", "halve", "q2"));
    assertThat(measured.gain("b")).isCloseTo(2, within(1e-6));
    assertThat(measured.atOutputs("y", List.of("b", "W2"), 5.0)).isCloseTo(5, within(1e-9));
  }
}
