// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.quantscope.onnx.StringStringEntryProto;
import org.quantscope.onnx.TensorProto;

/**
 * Resolves tensors whose payload lives in a file beside the model ({@code data_location =
 * EXTERNAL}). Locations are confined to the model's folder: absolute paths, {@code ..} components
 * and symbolic links that lead outside the folder are refused, and so are byte ranges beyond the
 * end of the file. Payloads are memory-mapped read-only, so reading a weight copies nothing.
 *
 * <p>A mapping is only as good as the file under it: reading a mapped page of a file that was
 * truncated since raises a fault. So every file's size, modification time and identity are noted
 * when it is first opened, and checked again before each payload is handed out; a file that changed
 * on disk is refused with a message that says so (see {@link #checkUnchanged}).
 */
final class ExternalData {

  /** Where one tensor's bytes are: a file in the model's folder, an offset and a length. */
  record Location(String location, long offset, long length) {}

  /** What a file looked like when it was opened: size, modification time and identity. */
  record Stamp(long size, FileTime modified, Object key) {
    static Stamp of(Path p) throws IOException {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      return new Stamp(a.size(), a.lastModifiedTime(), a.fileKey());
    }
  }

  private final Path directory;
  private final ByteBuffer self;
  private final Path selfFile;
  private final Stamp selfStamp;
  private final Map<String, Path> resolved = new ConcurrentHashMap<>();
  private final Map<Path, Stamp> stamps = new ConcurrentHashMap<>();

  /**
   * @param directory the model's folder; {@code null} for a model held only in memory, which then
   *     cannot refer to external data
   * @param self the mapped model file, for payloads {@link InlineWeights} left in it; or null
   * @param selfFile the model file that {@code self} maps, or null
   * @param selfStamp that file as it was when it was mapped, or null
   */
  ExternalData(Path directory, ByteBuffer self, Path selfFile, Stamp selfStamp) {
    this.directory = directory;
    this.self = self;
    this.selfFile = selfFile;
    this.selfStamp = selfStamp;
  }

  ExternalData(Path directory) {
    this(directory, null, null, null);
  }

  /** True if the payload is not inside the protobuf: in an external file or left in the mapping. */
  static boolean isExternal(TensorProto t) {
    return t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
  }

  /** True if the payload is raw_data of the model file that was left in the mapping. */
  static boolean isSelf(TensorProto t) {
    return isExternal(t)
        && t.getExternalDataCount() > 0
        && t.getExternalData(0).getKey().equals("location")
        && t.getExternalData(0).getValue().equals(InlineWeights.SELF);
  }

  /** The files that tensors of this model were read from. */
  Set<Path> files() {
    return Collections.unmodifiableSet(stamps.keySet());
  }

  /**
   * Checks that the model file and every external data file read so far are still as they were when
   * they were opened.
   *
   * @throws ModelFormatException naming the first file that changed
   */
  void checkUnchanged() throws ModelFormatException {
    if (selfFile != null) {
      checkUnchanged(selfFile, selfStamp);
    }
    for (Map.Entry<Path, Stamp> e : stamps.entrySet()) {
      checkUnchanged(e.getKey(), e.getValue());
    }
  }

  private static void checkUnchanged(Path file, Stamp then) throws ModelFormatException {
    Stamp now;
    try {
      now = Stamp.of(file);
    } catch (IOException e) {
      throw new ModelFormatException(
          file
              + " was deleted or cannot be read any more since the model was opened; open the"
              + " model again");
    }
    if (now.size() != then.size()) {
      throw new ModelFormatException(
          String.format(
              "%s changed on disk since the model was opened (%d bytes then, %d now); open the"
                  + " model again",
              file, then.size(), now.size()));
    }
    if (!now.equals(then)) {
      throw new ModelFormatException(
          file + " changed on disk since the model was opened; open the model again");
    }
  }

  /**
   * Checks one external tensor completely (location confined to the folder, file present, range
   * inside the file, length equal to what dims and type require) without reading its bytes.
   */
  Location check(TensorProto t, long expectedBytes) throws ModelFormatException {
    Location loc = parse(t, expectedBytes);
    if (loc.location().equals(InlineWeights.SELF)) {
      if (self == null || loc.offset() + loc.length() > self.limit()) {
        throw new ModelFormatException("tensor '" + t.getName() + "': raw_data is out of range");
      }
      return loc;
    }
    Path file = resolve(t, loc.location());
    Stamp stamp = stamps.computeIfAbsent(file, ExternalData::stampOrNull);
    if (stamp == null) {
      throw new ModelFormatException(
          "tensor '" + t.getName() + "': cannot read external data file '" + loc.location() + "'");
    }
    long size = stamp.size();
    if (loc.offset() > size || loc.length() > size - loc.offset()) {
      throw new ModelFormatException(
          String.format(
              "tensor '%s': external data range [%d, %d) is beyond the end of '%s' (%d bytes)",
              t.getName(), loc.offset(), loc.offset() + loc.length(), loc.location(), size));
    }
    return loc;
  }

  /** Maps the tensor's bytes read-only, little-endian. */
  ByteBuffer read(TensorProto t, long expectedBytes) throws ModelFormatException {
    Location loc = check(t, expectedBytes);
    if (loc.location().equals(InlineWeights.SELF)) {
      if (selfFile != null) {
        checkUnchanged(selfFile, selfStamp);
      }
      return self.slice((int) loc.offset(), (int) loc.length()).order(ByteOrder.LITTLE_ENDIAN);
    }
    Path file = resolve(t, loc.location());
    checkUnchanged(file, stamps.get(file));
    if (loc.length() == 0) {
      return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return ch.map(FileChannel.MapMode.READ_ONLY, loc.offset(), loc.length())
          .order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new ModelFormatException(
          "tensor '"
              + t.getName()
              + "': cannot read external data file '"
              + loc.location()
              + "': "
              + e.getMessage(),
          e);
    }
  }

  private static Stamp stampOrNull(Path p) {
    try {
      return Stamp.of(p);
    } catch (IOException e) {
      return null;
    }
  }

  /** Parses location, offset and length; a missing length means "what dims and type need". */
  static Location parse(TensorProto t, long expectedBytes) throws ModelFormatException {
    Map<String, String> kv = new LinkedHashMap<>();
    for (StringStringEntryProto e : t.getExternalDataList()) {
      kv.put(e.getKey(), e.getValue());
    }
    String location = kv.get("location");
    if (location == null || location.isEmpty()) {
      throw new ModelFormatException(
          "tensor '" + t.getName() + "' is stored externally but has no 'location'");
    }
    long offset = parseLong(t, kv, "offset", 0);
    long length = parseLong(t, kv, "length", expectedBytes);
    if (expectedBytes >= 0 && length != expectedBytes && location.equals(InlineWeights.SELF)) {
      throw new ModelFormatException(
          String.format(
              "tensor '%s' has %d bytes of raw_data, but dims %s of %s need %d",
              t.getName(),
              length,
              t.getDimsList(),
              ElementType.of(t.getDataType()).map(ElementType::onnxName).orElse("?"),
              expectedBytes));
    }
    if (expectedBytes >= 0 && length != expectedBytes) {
      throw new ModelFormatException(
          String.format(
              "tensor '%s': external data length is %d bytes, but its dims and type need %d",
              t.getName(), length, expectedBytes));
    }
    if (length < 0) {
      throw new ModelFormatException(
          "tensor '" + t.getName() + "': external data has no length and an unknown size");
    }
    return new Location(location, offset, length);
  }

  private static long parseLong(TensorProto t, Map<String, String> kv, String key, long dflt)
      throws ModelFormatException {
    String s = kv.get(key);
    if (s == null) {
      return dflt;
    }
    try {
      long v = Long.parseLong(s.trim());
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new ModelFormatException(
          "tensor '"
              + t.getName()
              + "': external data '"
              + key
              + "' must be a non-negative integer, got '"
              + s
              + "'");
    }
  }

  /** Resolves a location inside the model's folder, refusing anything that escapes it. */
  private Path resolve(TensorProto t, String location) throws ModelFormatException {
    Path cached = resolved.get(location);
    if (cached != null) {
      return cached;
    }
    String who = "tensor '" + t.getName() + "': external data location '" + location + "'";
    if (directory == null) {
      throw new ModelFormatException(
          who + " cannot be resolved: the model was not loaded from a folder");
    }
    if (location.startsWith("/") || location.startsWith("\\") || location.matches("^[A-Za-z]:.*")) {
      throw new ModelFormatException(
          who + " is absolute; it must be relative to the model's folder");
    }
    Path rel;
    try {
      rel = Path.of(location);
    } catch (InvalidPathException e) {
      throw new ModelFormatException(who + " is not a valid path");
    }
    if (rel.isAbsolute()) {
      throw new ModelFormatException(
          who + " is absolute; it must be relative to the model's folder");
    }
    for (String part : location.split("[/\\\\]")) {
      if (part.equals("..")) {
        throw new ModelFormatException(
            who + " contains '..'; it must stay inside the model's folder");
      }
    }
    Path candidate = directory.resolve(rel).normalize();
    Path real;
    Path base;
    try {
      base = directory.toRealPath();
      real = candidate.toRealPath();
    } catch (NoSuchFileException e) {
      throw new ModelFormatException(who + " does not exist (looked for " + candidate + ")", e);
    } catch (IOException e) {
      throw new ModelFormatException(who + " cannot be opened: " + e.getMessage(), e);
    }
    if (!real.startsWith(base)) {
      throw new ModelFormatException(
          who + " resolves outside the model's folder (to " + real + ")");
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new ModelFormatException(who + " is not a regular file");
    }
    resolved.put(location, real);
    return real;
  }
}
