// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

import java.io.IOException;
import org.quantscope.onnx.AttributeProto;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.NodeProto;
import org.quantscope.onnx.SparseTensorProto;
import org.quantscope.onnx.TensorProto;

/**
 * Visits and rewrites every tensor a graph holds: initializers, sparse initializers, and tensors in
 * node attributes (Constant values and the like), including those of nested subgraphs.
 */
public final class ModelTensors {
  private ModelTensors() {}

  /** Receives one tensor and where it sits (e.g. {@code initializer}, {@code node 'c' value}). */
  @FunctionalInterface
  public interface Visitor {
    void visit(TensorProto tensor, String where) throws ModelFormatException;
  }

  /** Returns the replacement for one tensor (or the tensor itself). */
  @FunctionalInterface
  public interface Rewriter {
    TensorProto rewrite(TensorProto tensor) throws IOException;
  }

  public static void forEach(GraphProto g, Visitor v) throws ModelFormatException {
    for (TensorProto t : g.getInitializerList()) {
      v.visit(t, "initializer");
    }
    for (SparseTensorProto s : g.getSparseInitializerList()) {
      visitSparse(s, "sparse initializer", v);
    }
    for (NodeProto n : g.getNodeList()) {
      for (AttributeProto a : n.getAttributeList()) {
        String where = "attribute '" + a.getName() + "' of node '" + n.getName() + "'";
        if (a.hasT()) {
          v.visit(a.getT(), where);
        }
        for (TensorProto t : a.getTensorsList()) {
          v.visit(t, where);
        }
        if (a.hasSparseTensor()) {
          visitSparse(a.getSparseTensor(), where, v);
        }
        for (SparseTensorProto s : a.getSparseTensorsList()) {
          visitSparse(s, where, v);
        }
        if (a.hasG()) {
          forEach(a.getG(), v);
        }
        for (GraphProto sub : a.getGraphsList()) {
          forEach(sub, v);
        }
      }
    }
  }

  private static void visitSparse(SparseTensorProto s, String where, Visitor v)
      throws ModelFormatException {
    if (s.hasValues()) {
      v.visit(s.getValues(), where + " (sparse values)");
    }
    if (s.hasIndices()) {
      v.visit(s.getIndices(), where + " (sparse indices)");
    }
  }

  /** A copy of the graph in which every tensor went through {@code r}. */
  public static GraphProto rewrite(GraphProto g, Rewriter r) throws IOException {
    GraphProto.Builder b = g.toBuilder();
    for (int i = 0; i < b.getInitializerCount(); i++) {
      b.setInitializer(i, r.rewrite(b.getInitializer(i)));
    }
    for (int i = 0; i < b.getSparseInitializerCount(); i++) {
      b.setSparseInitializer(i, rewriteSparse(b.getSparseInitializer(i), r));
    }
    for (int i = 0; i < b.getNodeCount(); i++) {
      NodeProto n = b.getNode(i);
      if (!hasTensorsOrGraphs(n)) {
        continue;
      }
      NodeProto.Builder nb = n.toBuilder();
      for (int j = 0; j < nb.getAttributeCount(); j++) {
        AttributeProto.Builder ab = nb.getAttribute(j).toBuilder();
        if (ab.hasT()) {
          ab.setT(r.rewrite(ab.getT()));
        }
        for (int k = 0; k < ab.getTensorsCount(); k++) {
          ab.setTensors(k, r.rewrite(ab.getTensors(k)));
        }
        if (ab.hasSparseTensor()) {
          ab.setSparseTensor(rewriteSparse(ab.getSparseTensor(), r));
        }
        for (int k = 0; k < ab.getSparseTensorsCount(); k++) {
          ab.setSparseTensors(k, rewriteSparse(ab.getSparseTensors(k), r));
        }
        if (ab.hasG()) {
          ab.setG(rewrite(ab.getG(), r));
        }
        for (int k = 0; k < ab.getGraphsCount(); k++) {
          ab.setGraphs(k, rewrite(ab.getGraphs(k), r));
        }
        nb.setAttribute(j, ab);
      }
      b.setNode(i, nb);
    }
    return b.build();
  }

  private static boolean hasTensorsOrGraphs(NodeProto n) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.hasT()
          || a.getTensorsCount() > 0
          || a.hasG()
          || a.getGraphsCount() > 0
          || a.hasSparseTensor()
          || a.getSparseTensorsCount() > 0) {
        return true;
      }
    }
    return false;
  }

  private static SparseTensorProto rewriteSparse(SparseTensorProto s, Rewriter r)
      throws IOException {
    SparseTensorProto.Builder b = s.toBuilder();
    if (s.hasValues()) {
      b.setValues(r.rewrite(s.getValues()));
    }
    if (s.hasIndices()) {
      b.setIndices(r.rewrite(s.getIndices()));
    }
    return b.build();
  }
}
