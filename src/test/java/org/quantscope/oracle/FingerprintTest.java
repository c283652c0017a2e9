// SPDX-License-Identifier: Apache-2.0
package org.quantscope.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.onnx.TensorProto.DataType;

/**
 * The parts of {@link Fingerprint} that the goldens do not reach, against values numpy 1.24 and
 * onnx 1.12 (the oracle's environment) computed: float sums over more than one 8,192-element chunk,
 * the strided sample positions, the partner rule of tensor kinds, and the casts of typed fields.
 */
class FingerprintTest {

  @Test
  void floatSumsAreNumpysChunkedPairwiseSums() {
    int n = 20000;
    double[] a = new double[n];
    double sequential = 0;
    for (int i = 0; i < n; i++) {
      a[i] = (float) (((i * 7919 % 10007) / 37.0 - 135.0) * (1 + (i % 13) * 3.7e6));
      sequential += a[i];
    }
    // np.array(a, dtype=np.float32).astype(np.float64).sum() with numpy 1.24.2
    assertThat(Fingerprint.numpySum(a, n)).isEqualTo(62093603200.85132);
    assertThat(sequential).as("a plain loop would not match").isNotEqualTo(62093603200.85132);
  }

  @Test
  void samplesAreAtNumpysRoundedLinspace() {
    // fingerprint.sample_index(294912) with numpy 1.24.2
    int[] idx = Fingerprint.sampleIndex(294912);
    assertThat(idx).hasSize(64).startsWith(0, 4681, 9362, 14043, 18725, 23406, 28087, 32768);
    assertThat(List.of(idx[61], idx[62], idx[63])).containsExactly(285549, 290230, 294911);
  }

  @Test
  void scalesAndZeroPointsNeedTheirPartnerAmongTheInitializers() {
    int f = DataType.FLOAT_VALUE;
    assertThat(Fingerprint.tensorKind("w_scale", f, Set.of("w_scale", "w_zero_point")))
        .isEqualTo("scale");
    assertThat(Fingerprint.tensorKind("scaler_inv_scale", f, Set.of("scaler_inv_scale")))
        .isEqualTo("other");
    assertThat(Fingerprint.tensorKind("w_scale", f, null)).isEqualTo("scale");
    assertThat(Fingerprint.tensorKind("w_zero_point", DataType.INT8_VALUE, Set.of("w_zero_point")))
        .isEqualTo("quantized");
    assertThat(Fingerprint.tensorKind("w_scale", DataType.INT64_VALUE, null)).isEqualTo("other");
    assertThat(Fingerprint.tensorKind("table", DataType.UINT16_VALUE, Set.of()))
        .isEqualTo("quantized");
  }

  @Test
  void typedFieldsAreCastLikeNumpysAstype() {
    JsonNode inits =
        Fingerprint.of(
                model(
                    typed("i8", DataType.INT8, 200, -1, 5),
                    typed("u8", DataType.UINT8, 300, -1),
                    typed("b", DataType.BOOL, 0, 5, -2),
                    typed("f16", DataType.FLOAT16, 0x3c00, 0xc000 | 0x10000, 0x7c00),
                    typed("bf16", DataType.BFLOAT16, 0x3f80),
                    TensorProto.newBuilder()
                        .setName("u32")
                        .setDataType(DataType.UINT32_VALUE)
                        .addDims(2)
                        .addUint64Data((1L << 32) + 7)
                        .addUint64Data(-1L)
                        .build()),
                null)
            .get("graph")
            .get("initializers");
    assertThat(inits.get(0).get("values").toString()).isEqualTo("[-56,-1,5]");
    assertThat(inits.get(1).get("values").toString()).isEqualTo("[44,255]");
    assertThat(inits.get(2).get("values").toString()).isEqualTo("[false,true,true]");
    assertThat(inits.get(3).get("values").toString()).isEqualTo("[1.0,-2.0,\"inf\"]");
    assertThat(inits.get(4).get("values").toString()).isEqualTo("[1.0]");
    assertThat(inits.get(5).get("values").toString()).isEqualTo("[7,4294967295]");
    assertThat(inits.get(0).get("storage").toString()).isEqualTo("[\"int32_data\"]");
    // sha256 of the canonical bytes c8 ff 05
    assertThat(inits.get(0).get("sha256").asText())
        .isEqualTo(Fingerprint.sha256(new byte[] {(byte) 0xc8, (byte) 0xff, 0x05}));
  }

  @Test
  void aPayloadThatDoesNotFillItsDimsIsAnErrorEntryNotACrash() {
    TensorProto bad =
        TensorProto.newBuilder()
            .setName("bad")
            .setDataType(DataType.FLOAT_VALUE)
            .addDims(3)
            .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[8]))
            .build();
    JsonNode e = Fingerprint.of(model(bad), null).get("graph").get("initializers").get(0);
    assertThat(e.has("sha256")).isFalse();
    assertThat(e.get("error").asText()).contains("cannot reshape array of size 2");
  }

  private static TensorProto typed(String name, DataType type, int... int32Data) {
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(type.getNumber())
            .addDims(int32Data.length);
    for (int v : int32Data) {
      t.addInt32Data(v);
    }
    return t.build();
  }

  private static ModelProto model(TensorProto... inits) {
    return ModelProto.newBuilder()
        .setIrVersion(8)
        .setGraph(GraphProto.newBuilder().setName("g").addAllInitializer(List.of(inits)))
        .build();
  }
}
