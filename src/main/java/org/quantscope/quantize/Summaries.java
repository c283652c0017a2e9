// SPDX-License-Identifier: Apache-2.0
package org.quantscope.quantize;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.quantscope.graph.ModelSummary;
import org.quantscope.graph.Scope;
import org.quantscope.model.ModelFormatException;
import org.quantscope.model.ModelTensors;
import org.quantscope.model.OnnxModel;
import org.quantscope.model.Tensors;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.OperatorSetIdProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.onnx.TensorShapeProto;
import org.quantscope.onnx.TypeProto;
import org.quantscope.onnx.ValueInfoProto;

/**
 * Builds {@link ModelSummary} records: what {@code inspect} and the window show about a model. It
 * lives in {@code quantize} because a summary carries every candidate node's verdict ({@link
 * Quantizability}).
 */
public final class Summaries {
  private Summaries() {}

  /** Summarises a loaded model, judging quantizability with ONNX Runtime's defaults. */
  public static ModelSummary summarize(OnnxModel model) throws ModelFormatException {
    return summarize(model, Criteria.DEFAULTS);
  }

  public static ModelSummary summarize(OnnxModel model, Criteria criteria)
      throws ModelFormatException {
    ModelProto p = model.proto();
    GraphProto g = p.getGraph();

    Map<String, Long> opsets = new LinkedHashMap<>();
    for (OperatorSetIdProto o : p.getOpsetImportList()) {
      opsets.put(o.getDomain().isEmpty() ? "ai.onnx" : o.getDomain(), o.getVersion());
    }

    Set<String> initializerNames = new HashSet<>();
    for (TensorProto t : g.getInitializerList()) {
      initializerNames.add(t.getName());
    }
    for (var s : g.getSparseInitializerList()) {
      initializerNames.add(s.getValues().getName());
    }
    List<ModelSummary.ValueSummary> inputs = new ArrayList<>();
    for (ValueInfoProto v : g.getInputList()) {
      if (!initializerNames.contains(v.getName())) {
        inputs.add(value(v));
      }
    }
    List<ModelSummary.ValueSummary> outputs = new ArrayList<>();
    for (ValueInfoProto v : g.getOutputList()) {
      outputs.add(value(v));
    }

    Map<String, Integer> opCounts = new TreeMap<>();
    int nodeCount = 0;
    List<Scope> scopes = Scope.all(g);
    for (Scope s : scopes) {
      for (NodeProto n : s.graph().getNodeList()) {
        opCounts.merge(n.getOpType(), 1, Integer::sum);
        nodeCount++;
      }
    }

    long[] bytes = {0, 0};
    int initializerCount = 0;
    for (Scope s : scopes) {
      initializerCount += s.graph().getInitializerCount() + s.graph().getSparseInitializerCount();
      for (TensorProto t : s.graph().getInitializerList()) {
        bytes[0] += Tensors.dataBytes(t);
      }
      for (var sp : s.graph().getSparseInitializerList()) {
        bytes[0] += Tensors.dataBytes(sp.getValues()) + Tensors.dataBytes(sp.getIndices());
      }
    }
    ModelTensors.forEach(
        g,
        (t, where) -> {
          if (Tensors.isExternalFile(t)) {
            bytes[1] += Tensors.dataBytes(t);
          }
        });

    return new ModelSummary(
        model.file().map(Object::toString).orElse(null),
        model.fileSizeBytes(),
        bytes[1],
        p.getProducerName(),
        p.getProducerVersion(),
        p.getIrVersion(),
        opsets,
        inputs,
        outputs,
        nodeCount,
        opCounts,
        scopes.size() - 1,
        p.getFunctionsCount(),
        p.getFunctionsList().stream().mapToInt(f -> f.getNodeCount()).sum(),
        initializerCount,
        bytes[0],
        Quantizability.classify(g, criteria));
  }

  static ModelSummary.ValueSummary value(ValueInfoProto v) {
    return new ModelSummary.ValueSummary(v.getName(), typeString(v.getType()), shape(v.getType()));
  }

  /**
   * The ONNX type string of a type, e.g. {@code tensor(float)}, {@code map(int64,tensor(float))}.
   */
  public static String typeString(TypeProto t) {
    return switch (t.getValueCase()) {
      case TENSOR_TYPE -> "tensor(" + elem(t.getTensorType().getElemType()) + ")";
      case SPARSE_TENSOR_TYPE ->
          "sparse_tensor(" + elem(t.getSparseTensorType().getElemType()) + ")";
      case SEQUENCE_TYPE -> "seq(" + typeString(t.getSequenceType().getElemType()) + ")";
      case OPTIONAL_TYPE -> "optional(" + typeString(t.getOptionalType().getElemType()) + ")";
      case MAP_TYPE ->
          "map("
              + elem(t.getMapType().getKeyType())
              + ","
              + typeString(t.getMapType().getValueType())
              + ")";
      case VALUE_NOT_SET -> "unknown";
    };
  }

  private static String elem(int code) {
    return org.quantscope.model.ElementType.of(code)
        .map(org.quantscope.model.ElementType::onnxName)
        .orElse("undefined(" + code + ")");
  }

  private static List<Object> shape(TypeProto t) {
    TensorShapeProto s;
    if (t.hasTensorType() && t.getTensorType().hasShape()) {
      s = t.getTensorType().getShape();
    } else if (t.hasSparseTensorType() && t.getSparseTensorType().hasShape()) {
      s = t.getSparseTensorType().getShape();
    } else {
      return null;
    }
    List<Object> dims = new ArrayList<>(s.getDimCount());
    for (TensorShapeProto.Dimension d : s.getDimList()) {
      dims.add(
          switch (d.getValueCase()) {
            case DIM_VALUE -> d.getDimValue();
            case DIM_PARAM -> d.getDimParam();
            case VALUE_NOT_SET -> null;
          });
    }
    return dims;
  }
}
