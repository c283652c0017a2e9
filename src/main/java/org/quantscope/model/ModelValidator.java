// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

import java.util.HashSet;
import java.util.Set;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.FunctionProto;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.SparseTensorProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.onnx.ValueInfoProto;

/**
 * Structural checks that every model passes before anything else looks at it: the header fields the
 * IR requires, every node input and graph output produced somewhere in scope, every tensor's
 * payload consistent with its dims and type (external data included), and bounded nesting.
 */
final class ModelValidator {
  /** Deepest nesting of subgraphs accepted (If inside Loop inside ...). */
  static final int MAX_GRAPH_DEPTH = 64;

  private final OnnxModel model;

  private ModelValidator(OnnxModel model) {
    this.model = model;
  }

  static void validate(OnnxModel model) throws ModelFormatException {
    new ModelValidator(model).run();
  }

  private void run() throws ModelFormatException {
    ModelProto p = model.proto();
    if (!p.hasIrVersion() || p.getIrVersion() <= 0) {
      throw new ModelFormatException("ir_version is missing; every ONNX model must set it");
    }
    if (!p.hasGraph()) {
      throw new ModelFormatException("the model has no graph");
    }
    if (p.getIrVersion() >= 3 && p.getOpsetImportCount() == 0) {
      throw new ModelFormatException(
          "opset_import is empty; an IR version " + p.getIrVersion() + " model must import one");
    }
    checkGraph(p.getGraph(), Set.of(), graphLabel(p.getGraph(), "main graph"), 0);
    for (FunctionProto f : p.getFunctionsList()) {
      Set<String> scope = new HashSet<>(f.getInputList());
      for (NodeProto n : f.getNodeList()) {
        scope.addAll(n.getOutputList());
      }
      String where = "function '" + f.getName() + "'";
      for (int i = 0; i < f.getNodeCount(); i++) {
        checkNodeInputs(f.getNode(i), i, scope, where);
      }
      for (String out : f.getOutputList()) {
        if (!scope.contains(out)) {
          throw new ModelFormatException(where + ": output '" + out + "' is never produced");
        }
      }
    }
  }

  private static String graphLabel(GraphProto g, String fallback) {
    return g.getName().isEmpty() ? fallback : "graph '" + g.getName() + "'";
  }

  private void checkGraph(GraphProto g, Set<String> outer, String where, int depth)
      throws ModelFormatException {
    if (depth > MAX_GRAPH_DEPTH) {
      throw new ModelFormatException(
          "subgraphs are nested more than " + MAX_GRAPH_DEPTH + " levels deep at " + where);
    }
    Set<String> scope = new HashSet<>(outer);
    for (ValueInfoProto in : g.getInputList()) {
      scope.add(in.getName());
    }
    for (TensorProto t : g.getInitializerList()) {
      checkTensor(t, where + ", initializer");
      scope.add(t.getName());
    }
    for (SparseTensorProto s : g.getSparseInitializerList()) {
      checkTensor(s.getValues(), where + ", sparse initializer");
      checkTensor(s.getIndices(), where + ", sparse initializer");
      scope.add(s.getValues().getName());
    }
    for (NodeProto n : g.getNodeList()) {
      for (String out : n.getOutputList()) {
        if (!out.isEmpty()) {
          scope.add(out);
        }
      }
    }
    for (int i = 0; i < g.getNodeCount(); i++) {
      NodeProto n = g.getNode(i);
      checkNodeInputs(n, i, scope, where);
      for (AttributeProto a : n.getAttributeList()) {
        String at = where + ", " + describe(n, i) + " attribute '" + a.getName() + "'";
        if (a.hasT()) {
          checkTensor(a.getT(), at);
        }
        for (TensorProto t : a.getTensorsList()) {
          checkTensor(t, at);
        }
        if (a.hasG()) {
          checkGraph(a.getG(), scope, at, depth + 1);
        }
        for (GraphProto sub : a.getGraphsList()) {
          checkGraph(sub, scope, at, depth + 1);
        }
      }
    }
    for (ValueInfoProto out : g.getOutputList()) {
      if (!scope.contains(out.getName())) {
        throw new ModelFormatException(
            where
                + ": output '"
                + out.getName()
                + "' is not produced by any node, graph input or initializer");
      }
    }
  }

  private static void checkNodeInputs(NodeProto n, int index, Set<String> scope, String where)
      throws ModelFormatException {
    for (String in : n.getInputList()) {
      if (!in.isEmpty() && !scope.contains(in)) {
        throw new ModelFormatException(
            where
                + ": "
                + describe(n, index)
                + " reads input '"
                + in
                + "', which no node, graph input or initializer produces");
      }
    }
  }

  static String describe(NodeProto n, int index) {
    return n.getName().isEmpty()
        ? "node #" + index + " (" + n.getOpType() + ", unnamed)"
        : "node '" + n.getName() + "' (" + n.getOpType() + ")";
  }

  private void checkTensor(TensorProto t, String where) throws ModelFormatException {
    try {
      checkTensor(t);
    } catch (ModelFormatException e) {
      throw new ModelFormatException(where + ": " + e.getMessage(), e);
    }
  }

  private void checkTensor(TensorProto t) throws ModelFormatException {
    try {
      checkPayload(t);
    } catch (ArithmeticException e) {
      throw new ModelFormatException(
          String.format(
              "tensor '%s' has dims %s whose size in bytes does not fit in 64 bits",
              t.getName(), t.getDimsList()));
    }
  }

  private void checkPayload(TensorProto t) throws ModelFormatException {
    ElementType type = Tensors.elementType(t);
    long n = Tensors.elementCount(t);
    if (t.hasSegment()) {
      throw new ModelFormatException(
          "tensor '" + t.getName() + "' is stored in segments, which QuantScope does not read");
    }
    if (ExternalData.isExternal(t)) {
      if (type == ElementType.STRING) {
        throw new ModelFormatException(
            "tensor '" + t.getName() + "' holds strings, which cannot be stored externally");
      }
      model.checkExternal(t);
      return;
    }
    if (type == ElementType.STRING) {
      if (t.getStringDataCount() != n) {
        throw new ModelFormatException(
            String.format(
                "tensor '%s' has %d strings, but dims %s need %d",
                t.getName(), t.getStringDataCount(), t.getDimsList(), n));
      }
      return;
    }
    // payload() checks raw_data length or the typed-field count against dims and type; for
    // raw_data and typed fields it does not copy more than the typed field itself.
    if (t.hasRawData()) {
      long expected = Tensors.rawBytes(t);
      if (t.getRawData().size() != expected) {
        model.payload(t); // throws the detailed message
      }
    } else {
      long entries = type.typedFieldEntries(n);
      if (Tensors.typedCount(t, type) != entries) {
        model.payload(t);
      }
    }
  }
}
