// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.quantscope.onnx.ModelProto;
import org.quantscope.onnx.StringStringEntryProto;
import org.quantscope.onnx.TensorProto;
import org.quantscope.progress.Cancellation;

/**
 * Loading and saving ONNX files.
 *
 * <p>Loading memory-maps the file and parses only its structure: large raw_data payloads stay in
 * the mapping (see {@link InlineWeights}) and are read from it when needed, so opening a model
 * costs little heap and time whatever its size. External data is checked (confined to the model's
 * folder, in range) but only mapped when read. Every loaded model has passed {@link
 * ModelValidator}.
 *
 * <p>Saving writes to temporary files in the target folder and moves them into place; the source
 * model and its external data files are never written.
 */
public final class ModelFiles {
  /** Protobuf cannot encode a message of 2 GiB or more. */
  static final long PROTOBUF_LIMIT = Integer.MAX_VALUE;

  /** Leave room for the graph structure when deciding whether tensors fit inline. */
  static final long INLINE_BUDGET = PROTOBUF_LIMIT - (64L << 20);

  /** External tensors start at multiples of this, so runtimes can map them. */
  static final int EXTERNAL_ALIGNMENT = 4096;

  private ModelFiles() {}

  /**
   * Loads and validates a model.
   *
   * @throws ModelFormatException naming the file and what is wrong with it
   * @throws IOException if the file cannot be read for other reasons
   */
  public static OnnxModel load(Path path) throws IOException {
    Path file = path.toAbsolutePath().normalize();
    String name = file.toString();
    if (!Files.exists(file)) {
      throw new ModelFormatException(name + ": no such file");
    }
    if (Files.isDirectory(file)) {
      throw new ModelFormatException(name + " is a folder, expected an .onnx file");
    }
    if (!Files.isRegularFile(file)) {
      throw new ModelFormatException(name + " is not a regular file");
    }
    long size = Files.size(file);
    if (size == 0) {
      throw new ModelFormatException(name + " is empty (0 bytes), expected an ONNX model");
    }
    if (size > PROTOBUF_LIMIT - 8) {
      throw new ModelFormatException(
          name
              + " is "
              + size
              + " bytes, larger than protobuf's 2 GB limit; such models must keep their weights"
              + " as external data");
    }
    ExternalData.Stamp stamp = ExternalData.Stamp.of(file);
    if (stamp.size() != size) {
      throw new ModelFormatException(name + ": the file changed while it was being opened");
    }
    ByteBuffer mapped = map(file, size);
    byte[] structure = InlineWeights.strip(mapped);
    ByteBuffer bytes = structure != null ? ByteBuffer.wrap(structure) : copy(file, mapped);
    ModelProto proto;
    try {
      proto = parse(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelFormatException(name + ": " + explain(bytes, e), e);
    }
    OnnxModel model =
        new OnnxModel(proto, file, size, new ExternalData(file.getParent(), mapped, file, stamp));
    try {
      ModelValidator.validate(model);
    } catch (ModelFormatException e) {
      String kind = sniff(bytes);
      String detail = kind != null ? "not an ONNX model: " + kind : e.getMessage();
      throw new ModelFormatException(name + ": " + detail, e);
    }
    return model;
  }

  /** Parses and validates a model held in memory; external data resolves against {@code dir}. */
  public static OnnxModel parse(byte[] bytes, Path dir) throws ModelFormatException {
    ModelProto proto;
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    try {
      proto = parse(buf);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelFormatException(explain(buf, e), e);
    }
    OnnxModel model = OnnxModel.of(proto, dir);
    ModelValidator.validate(model);
    return model;
  }

  /** Validates a model built in memory, with the same checks a loaded file passes. */
  public static void validate(OnnxModel model) throws ModelFormatException {
    ModelValidator.validate(model);
  }

  /** Maps the file read-only; the mapping stays valid for as long as the model is used. */
  private static ByteBuffer map(Path file, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (ch.size() != size) {
        throw new ModelFormatException(file + ": the file changed while it was being opened");
      }
      return ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
    } catch (AccessDeniedException e) {
      throw new ModelFormatException(file + ": permission denied", e);
    }
  }

  /**
   * The whole file as one heap array, for files {@link InlineWeights} could not scan: the parser
   * then reports what is wrong with them.
   */
  private static ByteBuffer copy(Path file, ByteBuffer mapped) throws ModelFormatException {
    byte[] bytes;
    try {
      bytes = new byte[mapped.limit()];
    } catch (OutOfMemoryError e) {
      throw new ModelFormatException(
          String.format(
              "%s: not enough memory to open it (%d MB; the Java heap allows %d MB); run Java"
                  + " with a larger -Xmx",
              file, mapped.limit() >> 20, Runtime.getRuntime().maxMemory() >> 20));
    }
    mapped.get(0, bytes);
    return ByteBuffer.wrap(bytes);
  }

  private static ModelProto parse(ByteBuffer bytes) throws InvalidProtocolBufferException {
    // An immutable ByteString over the array lets the parser alias bytes fields (raw_data) into
    // it instead of copying them.
    CodedInputStream in =
        UnsafeByteOperations.unsafeWrap(bytes.array(), bytes.arrayOffset(), bytes.remaining())
            .newCodedInput();
    in.enableAliasing(true);
    in.setSizeLimit(Integer.MAX_VALUE);
    in.setRecursionLimit(256);
    return ModelProto.parser().parseFrom(in);
  }

  /** A user-facing reason for a parse failure, recognising common non-ONNX files. */
  private static String explain(ByteBuffer bytes, InvalidProtocolBufferException e) {
    String kind = sniff(bytes);
    if (kind != null) {
      return "not an ONNX model: " + kind;
    }
    String m = String.valueOf(e.getMessage());
    if (m.contains("ended unexpectedly") || m.contains("truncated")) {
      return "the file is truncated (it ends in the middle of a protobuf field); expected a"
          + " complete ONNX model";
    }
    return "not a valid ONNX model (protobuf: " + m + ")";
  }

  /** Names well-known file types that people mistake for ONNX models, or null. */
  static String sniff(ByteBuffer bytes) {
    ByteBuffer b = bytes.duplicate();
    int n = Math.min(b.remaining(), 512);
    byte[] head = new byte[n];
    b.get(head);
    if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
      return "it is a ZIP archive (a PyTorch .pt checkpoint or a zipped model?)";
    }
    if (n >= 8 && (head[0] & 0xff) == 0x89 && head[1] == 'H' && head[2] == 'D' && head[3] == 'F') {
      return "it is an HDF5 file (a Keras .h5 model?)";
    }
    if (n >= 8 && head[4] == 'T' && head[5] == 'F' && head[6] == 'L' && head[7] == '3') {
      return "it is a TensorFlow Lite flatbuffer";
    }
    if (n >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
      return "it is a Python pickle (a PyTorch or scikit-learn file?)";
    }
    if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return "it is gzip-compressed; decompress it first";
    }
    if (looksLikeText(head)) {
      String first =
          new String(head, StandardCharsets.UTF_8).strip().lines().findFirst().orElse("");
      if (first.length() > 40) {
        first = first.substring(0, 40) + "...";
      }
      return "it is a text file (starting with \"" + first + "\"), expected a binary protobuf";
    }
    return null;
  }

  private static boolean looksLikeText(byte[] head) {
    if (head.length == 0) {
      return false;
    }
    int printable = 0;
    for (byte c : head) {
      int u = c & 0xff;
      if (u == '\n' || u == '\r' || u == '\t' || (u >= 0x20 && u < 0x7f) || u >= 0xc0) {
        printable++;
      } else if (u < 0x20 || u == 0x7f) {
        return false;
      }
    }
    return printable >= head.length * 0.95;
  }

  // Saving

  /** What {@link #save} wrote. */
  public record Saved(Path model, Path dataFile, long modelBytes, long dataBytes) {
    /** Model file plus external data, in bytes. */
    public long totalBytes() {
      return modelBytes + dataBytes;
    }
  }

  /** Saves with {@link SaveOptions#DEFAULT}. */
  public static Saved save(OnnxModel model, Path target) throws IOException {
    return save(model, target, SaveOptions.DEFAULT);
  }

  /**
   * Writes the model to {@code target} atomically. Tensors the source reads from external files are
   * copied into the new file (or into the new data file), so the result stands on its own.
   *
   * @throws IOException if the target is the source model or one of its data files, if the folder
   *     is not writable or the disk is full; nothing is left behind in that case
   */
  public static Saved save(OnnxModel model, Path target, SaveOptions options) throws IOException {
    try {
      return write(model, target, options);
    } catch (InternalError e) {
      // a fault reading a mapping: the file under it was truncated while we wrote
      model.checkUnchanged();
      throw e;
    }
  }

  private static Saved write(OnnxModel model, Path target, SaveOptions options) throws IOException {
    model.checkUnchanged();
    Path out = target.toAbsolutePath().normalize();
    refuseOverwritingSources(model, out);
    String dataName =
        options.dataFileName() != null ? options.dataFileName() : out.getFileName() + ".data";
    Path dataPath = out.resolveSibling(dataName);
    if (dataPath.equals(out)) {
      throw new IllegalArgumentException("the data file cannot have the model's own name");
    }
    boolean external =
        switch (options.externalData()) {
          case NEVER -> false;
          case ALWAYS -> true;
          case AUTO -> inlineBytes(model) > INLINE_BUDGET;
        };
    if (external) {
      refuseOverwritingSources(model, dataPath);
      return saveExternal(model, out, dataPath, dataName, options.thresholdBytes());
    }
    ModelProto inline = inline(model);
    long size = inline.getSerializedSize();
    try (AtomicFile f = AtomicFile.begin(out)) {
      writeProto(inline, f.channel());
      f.commit();
    } catch (IOException e) {
      throw writeError(out, e);
    }
    return new Saved(out, null, size, 0);
  }

  /** The model file plus its external data files, or -1 for a model held in memory. */
  public static long sizeOnDisk(OnnxModel model) throws IOException {
    if (model.file().isEmpty()) {
      return -1;
    }
    long total = model.fileSizeBytes();
    for (Path p : model.externalDataFiles()) {
      total += Files.size(p);
    }
    return total;
  }

  /**
   * Bytes of a model as reports show it: its files on disk ({@link #sizeOnDisk}), or its serialized
   * size when it lives in memory (as it would be saved).
   */
  public static long sizeBytes(OnnxModel model) throws IOException {
    long onDisk = sizeOnDisk(model);
    if (onDisk >= 0) {
      return onDisk;
    }
    // without external data the model is already inline (and protobuf remembers the size)
    return model.externalDataFiles().isEmpty()
        ? model.proto().getSerializedSize()
        : inline(model).getSerializedSize();
  }

  /**
   * The model as one self-contained protobuf: every payload read from the model file or from
   * external data is put back into raw_data. Fails if the result would exceed 2 GB.
   */
  public static ModelProto inline(OnnxModel model) throws IOException {
    ModelProto inline =
        model.proto().toBuilder()
            .setGraph(ModelTensors.rewrite(model.graph(), t -> internalize(model, t)))
            .build();
    long size = inline.getSerializedSize();
    if (size < 0 || size > PROTOBUF_LIMIT) {
      throw new IOException(
          "the model is larger than protobuf's 2 GB limit; save it with external data");
    }
    return inline;
  }

  private static void refuseOverwritingSources(OnnxModel model, Path out) throws IOException {
    for (Path src : model.sourceFiles()) {
      if (src.equals(out) || (Files.exists(out) && Files.isSameFile(src, out))) {
        throw new IOException(
            "refusing to overwrite "
                + out
                + ": it is "
                + (model.externalDataFiles().contains(src)
                    ? "the external data of the model being saved"
                    : "the model being saved or the model it was made from")
                + "; choose another name");
      }
    }
  }

  private static long inlineBytes(OnnxModel model) throws ModelFormatException {
    long[] sum = {0};
    ModelTensors.forEach(model.graph(), (t, where) -> sum[0] += Tensors.dataBytes(t));
    return sum[0];
  }

  /** The tensor with its payload inside the protobuf (raw_data), if it was external. */
  /**
   * The tensor with its payload in raw_data: read from the model's external data when it lives
   * there (without copying a memory-mapped payload), unchanged otherwise. For moving a weight into
   * another model held in memory.
   */
  public static TensorProto inlineTensor(OnnxModel model, TensorProto t)
      throws ModelFormatException {
    return internalize(model, t);
  }

  private static TensorProto internalize(OnnxModel model, TensorProto t)
      throws ModelFormatException {
    if (!ExternalData.isExternal(t)) {
      return t;
    }
    ByteBuffer payload = model.payload(t);
    return t.toBuilder()
        .clearExternalData()
        .clearDataLocation()
        .setRawData(UnsafeByteOperations.unsafeWrap(payload))
        .build();
  }

  private static Saved saveExternal(
      OnnxModel model, Path out, Path dataPath, String dataName, long threshold)
      throws IOException {
    ModelProto rewritten;
    long dataBytes;
    try (AtomicFile data = AtomicFile.begin(dataPath);
        AtomicFile modelFile = AtomicFile.begin(out)) {
      FileChannel ch = data.channel();
      long[] position = {0};
      rewritten =
          model.proto().toBuilder()
              .setGraph(
                  ModelTensors.rewrite(
                      model.graph(),
                      t -> {
                        Cancellation.check();
                        if (Tensors.elementType(t) == ElementType.STRING
                            || Tensors.dataBytes(t) < threshold) {
                          return internalize(model, t);
                        }
                        ByteBuffer payload = model.payload(t).duplicate();
                        long offset = align(position[0]);
                        int length = payload.remaining();
                        ch.position(offset);
                        writeFully(ch, payload);
                        position[0] = offset + length;
                        return externalTensor(t, dataName, offset, length);
                      }))
              .build();
      dataBytes = position[0];
      long size = rewritten.getSerializedSize();
      if (size < 0 || size > PROTOBUF_LIMIT) {
        throw new IOException("the model graph alone exceeds protobuf's 2 GB limit");
      }
      writeProto(rewritten, modelFile.channel());
      data.commit();
      modelFile.commit();
      return new Saved(out, dataPath, size, dataBytes);
    } catch (IOException e) {
      throw writeError(out, e);
    }
  }

  private static long align(long position) {
    long r = position % EXTERNAL_ALIGNMENT;
    return r == 0 ? position : position + EXTERNAL_ALIGNMENT - r;
  }

  private static TensorProto externalTensor(
      TensorProto t, String location, long offset, long length) {
    TensorProto.Builder b = t.toBuilder();
    b.clearRawData()
        .clearFloatData()
        .clearInt32Data()
        .clearInt64Data()
        .clearDoubleData()
        .clearUint64Data()
        .clearExternalData()
        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(entry("location", location))
        .addExternalData(entry("offset", Long.toString(offset)))
        .addExternalData(entry("length", Long.toString(length)));
    return b.build();
  }

  private static StringStringEntryProto entry(String k, String v) {
    return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
  }

  private static void writeProto(ModelProto proto, FileChannel ch) throws IOException {
    OutputStream os =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            writeFully(ch, ByteBuffer.wrap(b, off, len));
          }
        };
    CodedOutputStream cos = CodedOutputStream.newInstance(os, WRITE_PIECE);
    proto.writeTo(cos);
    cos.flush();
  }

  /** Bytes handed to the channel at a time (see {@link #writeFully}). */
  private static final int WRITE_PIECE = 1 << 20;

  /**
   * Writes all of {@code b} in pieces of at most {@link #WRITE_PIECE} bytes: the JDK copies a heap
   * buffer into a temporary native one of the write's size, which for a whole weight (protobuf
   * hands a large bytes field over in one call) means allocating and touching tens of megabytes
   * first; pieces reuse one cached buffer (a 94 MB array written from a fresh JVM: 200-360 ms
   * whole, 66-160 ms in pieces).
   */
  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    ByteBuffer piece = b.duplicate();
    int end = b.limit();
    while (piece.position() < end) {
      piece.limit(Math.min(end, piece.position() + WRITE_PIECE));
      while (piece.hasRemaining()) {
        ch.write(piece);
      }
    }
    b.position(end);
  }

  private static IOException writeError(Path target, IOException e) {
    if (e instanceof ModelFormatException) {
      return e;
    }
    String msg = e.getMessage() != null ? e.getMessage() : "";
    if (msg.startsWith("cannot write") || msg.startsWith("refusing")) {
      return e;
    }
    if (e instanceof NoSuchFileException) {
      return new IOException("cannot write " + target + ": folder does not exist", e);
    }
    return new IOException("cannot write " + target + ": " + AtomicFile.reason(e), e);
  }
}
