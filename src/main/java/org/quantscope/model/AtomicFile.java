// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A file written to a temporary name in the target's folder and moved into place only on {@link
 * #commit()}. Closing without committing deletes the temporary file, so a failed or cancelled write
 * leaves nothing behind and never a half-written target.
 */
public final class AtomicFile implements AutoCloseable {
  /** Opens the temporary file; a seam for tests that simulate a full disk or a locked folder. */
  @FunctionalInterface
  interface ChannelOpener {
    FileChannel open(Path path, java.nio.file.OpenOption... options) throws IOException;
  }

  /** Per thread, so a test's simulated fault never reaches another test's writes. */
  static final ThreadLocal<ChannelOpener> CHANNELS =
      ThreadLocal.withInitial(() -> FileChannel::open);

  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  private boolean committed;

  private AtomicFile(Path target, Path temp, FileChannel channel) {
    this.target = target;
    this.temp = temp;
    this.channel = channel;
  }

  /** Writes the body of a file to a stream. */
  @FunctionalInterface
  public interface Body {
    void writeTo(java.io.OutputStream out) throws IOException;
  }

  /**
   * Writes {@code target} in one go: the body goes to a temporary file that is moved into place
   * only when the body returns normally.
   */
  public static void write(Path target, Body body) throws IOException {
    try (AtomicFile f = begin(target)) {
      java.io.OutputStream out =
          new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(f.channel()));
      body.writeTo(out);
      out.flush();
      f.commit();
    } catch (IOException e) {
      throw failed(target, e);
    }
  }

  /**
   * Checks that {@code target} can be written, by creating and deleting a temporary file beside it,
   * so that a long computation whose result goes there fails before it starts, not after.
   */
  public static void probe(Path target) throws IOException {
    begin(target).close(); // closing without committing deletes the temporary file
  }

  /**
   * {@code e} as a one-line "cannot write TARGET: reason" message (unchanged when it already names
   * what could not be written).
   */
  public static IOException failed(Path target, IOException e) {
    String m = e.getMessage();
    if (m != null && (m.startsWith("cannot write") || m.startsWith("refusing"))) {
      return e;
    }
    return new IOException(
        "cannot write " + target.toAbsolutePath().normalize() + ": " + reason(e), e);
  }

  /** Starts writing {@code target}; its folder must exist and be writable. */
  public static AtomicFile begin(Path target) throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      Path file = dir;
      while (file != null && !Files.exists(file)) {
        file = file.getParent();
      }
      if (file != null && dir != null && !Files.isDirectory(file)) {
        throw new IOException("cannot write " + abs + ": " + file + " is a file, not a folder");
      }
      throw new IOException("cannot write " + abs + ": folder " + dir + " does not exist");
    }
    if (Files.isDirectory(abs)) {
      throw new IOException("cannot write " + abs + ": it is a folder");
    }
    // Not Files.createTempFile: its files are private (0600); this one gets the permissions
    // any new file gets (from the umask), as the target would. The name need not be secret, as
    // with mkstemp: CREATE_NEW never opens a file (or link) someone else made, and a name taken
    // is tried again with another (SecureRandom's first use cost 35-45 ms of every cold write).
    for (int attempt = 0; ; attempt++) {
      long random = java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 16;
      Path temp = dir.resolve("." + abs.getFileName() + "." + Long.toHexString(random) + ".part");
      try {
        FileChannel ch =
            CHANNELS.get().open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new AtomicFile(abs, temp, ch);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        if (attempt > 10) {
          throw new IOException("cannot write into " + dir + ": " + reason(e), e);
        }
      } catch (IOException e) {
        throw new IOException("cannot write into " + dir + ": " + reason(e), e);
      }
    }
  }

  public Path target() {
    return target;
  }

  /** The channel to write the content to, from position 0. */
  public FileChannel channel() {
    return channel;
  }

  /**
   * Moves the content to the target name, replacing any old file. A reader sees the old file or the
   * complete new one, never a part. (There is no fsync: like onnx.save and ONNX Runtime we leave
   * durability across power loss to the file system; it costs a quarter of a second per 100 MB
   * here.)
   */
  public void commit() throws IOException {
    channel.close();
    keepPermissionsOfExistingTarget();
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    committed = true;
  }

  private void keepPermissionsOfExistingTarget() {
    try {
      if (Files.exists(target)) {
        Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(target));
      }
    } catch (IOException | UnsupportedOperationException e) {
      // not POSIX, or not ours to read: the new file keeps the default permissions
    }
  }

  @Override
  public void close() throws IOException {
    if (!committed) {
      try {
        channel.close();
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }

  /** The exception's own message, or its type when it has none. */
  static String reason(IOException e) {
    String m = e.getMessage();
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
