// SPDX-License-Identifier: Apache-2.0
package org.quantscope.fuzz;

import java.util.LinkedHashMap;
import java.util.Map;
import org.quantscope.TestModels;
import org.quantscope.model.ExampleModel;
import org.quantscope.onnx.ModelProto;

/** The seed corpus: every fixture model, valid, each exercising another part of the loader. */
public final class Seeds {
  private Seeds() {}

  public static Map<String, ModelProto> all() {
    Map<String, ModelProto> m = new LinkedHashMap<>();
    m.put("example", ExampleModel.build());
    m.put("mlp", TestModels.mlp());
    m.put("allStorageKinds", TestModels.allStorageKinds());
    m.put("withIf", TestModels.withIf());
    m.put("constantWeight", TestModels.constantWeight());
    m.put("candidates", TestModels.candidates());
    m.put("convNet", TestModels.convNet());
    m.put("embedding", TestModels.embedding());
    m.put("lstm", TestModels.lstm());
    m.put("fusedBert", TestModels.fusedBert());
    m.put("treeOnly", TestModels.treeOnly());
    m.put("gemmGeneral", TestModels.gemmGeneral());
    m.put("identityWeights", TestModels.identityWeights());
    m.put("tokens", TestModels.tokens());
    m.put("gemmInIf", TestModels.gemmInIf());
    m.put("opset9Cnn", TestModels.opset9Cnn());
    return m;
  }
}
