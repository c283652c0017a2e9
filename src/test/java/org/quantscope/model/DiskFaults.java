// SPDX-License-Identifier: Apache-2.0
package org.quantscope.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessDeniedException;

/**
 * Simulated file-system faults for the files QuantScope writes (through {@link AtomicFile}), on the
 * calling thread only: a disk that fills up after some bytes, and a folder that refuses new files.
 * Tests run as root in CI, where permissions cannot make a folder unwritable. Use in
 * try-with-resources; closing restores the real file system.
 */
public final class DiskFaults implements AutoCloseable {
  private DiskFaults() {}

  /** Writes fail with "No space left on device" once {@code bytes} bytes have been written. */
  public static DiskFaults fullAfter(long bytes) {
    long[] written = {0};
    AtomicFile.CHANNELS.set(
        (path, options) -> new FullChannel(FileChannel.open(path, options), bytes, written));
    return new DiskFaults();
  }

  /** Creating a file fails as in a folder the user may not write to. */
  public static DiskFaults readOnlyFolder() {
    AtomicFile.CHANNELS.set(
        (path, options) -> {
          throw new AccessDeniedException(path.toString());
        });
    return new DiskFaults();
  }

  @Override
  public void close() {
    AtomicFile.CHANNELS.remove();
  }

  /** A channel whose writes fail once the shared byte budget is spent (partly written first). */
  private static final class FullChannel extends FileChannel {
    private final FileChannel d;
    private final long capacity;
    private final long[] written;

    FullChannel(FileChannel d, long capacity, long[] written) {
      this.d = d;
      this.capacity = capacity;
      this.written = written;
    }

    private ByteBuffer allowed(ByteBuffer src) throws IOException {
      long room = capacity - written[0];
      if (room <= 0) {
        throw new IOException("No space left on device");
      }
      if (src.remaining() <= room) {
        return src;
      }
      ByteBuffer part = src.duplicate();
      part.limit(part.position() + (int) room);
      return part;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      ByteBuffer part = allowed(src);
      int n = d.write(part);
      if (part != src) {
        src.position(src.position() + n);
      }
      written[0] += n;
      return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      long n = 0;
      for (int i = offset; i < offset + length; i++) {
        n += write(srcs[i]);
      }
      return n;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      ByteBuffer part = allowed(src);
      int n = d.write(part, position);
      if (part != src) {
        src.position(src.position() + n);
      }
      written[0] += n;
      return n;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return d.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return d.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return d.read(dst, position);
    }

    @Override
    public long position() throws IOException {
      return d.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      d.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return d.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      d.truncate(size);
      return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      d.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target)
        throws IOException {
      return d.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count)
        throws IOException {
      throw new IOException("No space left on device");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return d.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return d.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return d.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      d.close();
    }
  }
}
