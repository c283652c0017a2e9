// SPDX-License-Identifier: Apache-2.0
package org.quantscope.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.quantscope.model.ElementType;
import org.quantscope.model.ModelFiles;
import org.quantscope.model.OnnxModel;
import org.quantscope.onnx.GraphProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.onnx.TensorShapeProto;
import org.quantscope.onnx.ValueInfoProto;

/**
 * ONNX Runtime for QuantScope: the one environment, session settings, and sessions opened from our
 * models (from the file when the model is the file as loaded, else from its bytes).
 */
public final class OrtRuntime {
  private OrtRuntime() {}

  /** Graph optimization levels, as ORT's session option. */
  public enum OptLevel {
    NONE(OrtSession.SessionOptions.OptLevel.NO_OPT),
    BASIC(OrtSession.SessionOptions.OptLevel.BASIC_OPT),
    EXTENDED(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT),
    ALL(OrtSession.SessionOptions.OptLevel.ALL_OPT);

    final OrtSession.SessionOptions.OptLevel ort;

    OptLevel(OrtSession.SessionOptions.OptLevel ort) {
      this.ort = ort;
    }
  }

  /**
   * How sessions are made.
   *
   * @param intraOpThreads threads per operator; 0 lets ORT decide (its default)
   * @param optLevel graph optimizations (ORT's default: ALL)
   * @param x64QuantPrecision ORT's {@code session.x64quantprecision}: on x86 CPUs without VNNI,
   *     converts int8 weights to uint8 so the u8 x s8 kernels cannot saturate (off by default in
   *     ORT, and here)
   */
  public record SessionConfig(int intraOpThreads, OptLevel optLevel, boolean x64QuantPrecision) {
    public static final SessionConfig DEFAULT = new SessionConfig(0, OptLevel.ALL, false);

    public SessionConfig {
      if (intraOpThreads < 0) {
        throw new IllegalArgumentException("threads must be >= 0, got " + intraOpThreads);
      }
    }
  }

  /**
   * The environment. ORT's own log is limited to fatal messages: its errors reach the user through
   * our exceptions, with the model's name, instead of as raw log lines.
   */
  public static OrtEnvironment env() {
    return OrtEnvironment.getEnvironment(
        ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "quantscope");
  }

  /** The ONNX Runtime version in use. */
  public static String version() {
    try {
      return env().getVersion();
    } catch (RuntimeException | LinkageError e) {
      return "unknown";
    }
  }

  /**
   * Opens a session. A model loaded from a file and unchanged is opened from that file (so its
   * external data is read by ORT directly); any other model from its serialized bytes.
   *
   * @throws IOException with ORT's reason when it refuses the model
   */
  public static OrtSession open(OnnxModel model, SessionConfig cfg) throws IOException {
    if (model.file().isPresent()) {
      model.checkUnchanged(); // ORT reads the file again: it must be the one we checked
      return open(model.file().get(), model.displayName(), cfg);
    }
    return open(model, cfg, VIA_FILE_BYTES);
  }

  /**
   * As {@link #open(OnnxModel, SessionConfig)}, going through a file above {@code viaFileAbove}.
   */
  static OrtSession open(OnnxModel model, SessionConfig cfg, long viaFileAbove) throws IOException {
    if (model.file().isEmpty() && weightBytes(model) > viaFileAbove) {
      return openViaFile(model, cfg);
    }
    if (model.file().isPresent()) {
      return open(model, cfg);
    }
    try (OrtSession.SessionOptions o = options(cfg)) {
      return env().createSession(ModelFiles.inline(model).toByteArray(), o);
    } catch (OrtException e) {
      throw new IOException(
          "ONNX Runtime cannot load " + model.displayName() + ": " + firstLine(e.getMessage()), e);
    }
  }

  /**
   * In-memory models whose weights exceed this are handed to ONNX Runtime as a temporary file with
   * external data rather than as one byte array, which would copy every weight twice more (the
   * serialized model, then ORT's own copy) and cannot exceed 2 GB.
   */
  static final long VIA_FILE_BYTES = 256L << 20;

  /** Bytes of the main graph's initializers, from their dims and types (nothing is read). */
  static long weightBytes(OnnxModel model) {
    long total = 0;
    for (org.quantscope.onnx.TensorProto t : model.graph().getInitializerList()) {
      try {
        total += org.quantscope.model.Tensors.rawBytes(t);
      } catch (IOException | ArithmeticException e) {
        return Long.MAX_VALUE; // the file route copes with (or reports) anything unusual
      }
    }
    return total;
  }

  private static OrtSession openViaFile(OnnxModel model, SessionConfig cfg) throws IOException {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("quantscope-ort");
    try {
      java.nio.file.Path file = dir.resolve("model.onnx");
      ModelFiles.save(model, file, org.quantscope.model.SaveOptions.withExternalData());
      // ORT has read (or mapped) the weights once the session exists; the files can go
      return open(file, model.displayName(), cfg);
    } finally {
      try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
        for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
          java.nio.file.Files.deleteIfExists(f);
        }
      }
      java.nio.file.Files.deleteIfExists(dir);
    }
  }

  /**
   * Opens a session straight from a model file, which ORT reads itself (with its external data)
   * without QuantScope parsing it first.
   *
   * @param name the model's name in messages
   * @throws IOException with ORT's reason when it refuses the model
   */
  public static OrtSession open(Path file, String name, SessionConfig cfg) throws IOException {
    try (OrtSession.SessionOptions o = options(cfg)) {
      return env().createSession(file.toString(), o);
    } catch (OrtException e) {
      throw new IOException(
          "ONNX Runtime cannot load " + name + ": " + firstLine(e.getMessage()), e);
    }
  }

  static OrtSession.SessionOptions options(SessionConfig cfg) throws OrtException {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    o.setOptimizationLevel(cfg.optLevel().ort);
    if (cfg.intraOpThreads() > 0) {
      o.setIntraOpNumThreads(cfg.intraOpThreads());
    }
    if (cfg.x64QuantPrecision()) {
      o.addConfigEntry("session.x64quantprecision", "1");
    }
    return o;
  }

  /** The first line of an ORT message, without its source-file prefix noise. */
  static String firstLine(String m) {
    if (m == null) {
      return "unknown error";
    }
    String line = m.strip().lines().findFirst().orElse("");
    return line.length() > 400 ? line.substring(0, 400) + "…" : line;
  }

  /** The model's inputs (graph inputs that are not initializers) with types and dims. */
  public static List<InputSpec> inputs(OnnxModel model) {
    GraphProto g = model.graph();
    Set<String> inits = new HashSet<>();
    for (TensorProto t : g.getInitializerList()) {
      inits.add(t.getName());
    }
    List<InputSpec> out = new ArrayList<>();
    for (ValueInfoProto v : g.getInputList()) {
      if (inits.contains(v.getName())) {
        continue;
      }
      ElementType type =
          v.getType().hasTensorType()
              ? ElementType.of(v.getType().getTensorType().getElemType()).orElse(null)
              : null;
      List<Object> dims = new ArrayList<>();
      if (v.getType().hasTensorType() && v.getType().getTensorType().hasShape()) {
        for (TensorShapeProto.Dimension d : v.getType().getTensorType().getShape().getDimList()) {
          dims.add(
              switch (d.getValueCase()) {
                case DIM_VALUE -> d.getDimValue();
                case DIM_PARAM -> d.getDimParam();
                case VALUE_NOT_SET -> null;
              });
        }
      }
      out.add(new InputSpec(v.getName(), type, dims));
    }
    return out;
  }
}
