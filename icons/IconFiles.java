// SPDX-License-Identifier: Apache-2.0
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Packs rendered PNGs into the Windows {@code .ico} and the macOS {@code .icns} container. Both
 * formats can hold PNG data as it is, so this only writes their headers and directories.
 *
 * <p>Run from the repository root with a JDK 11+ (no compilation step): {@code java
 * icons/IconFiles.java DIR} where DIR holds {@code quantscope-N.png} for N = 16, 32, 48, 64, 128,
 * 256, 512 and 1024. {@code icons/make-icons.sh} renders those and calls this.
 */
public final class IconFiles {
  private IconFiles() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: java IconFiles.java PNG_DIR OUT_DIR");
      System.exit(2);
    }
    Path in = Path.of(args[0]);
    Path out = Path.of(args[1]);
    Files.write(out.resolve("quantscope.ico"), ico(in, new int[] {16, 32, 48, 64, 128, 256}));
    Files.write(out.resolve("quantscope.icns"), icns(in));
  }

  /** A PNG of the given square size, checked against its own header. */
  private static byte[] png(Path dir, int size) throws IOException {
    Path file = dir.resolve("quantscope-" + size + ".png");
    byte[] data = Files.readAllBytes(file);
    ByteBuffer header = ByteBuffer.wrap(data).order(ByteOrder.BIG_ENDIAN);
    boolean isPng = data.length > 24 && header.getLong(0) == 0x89504E470D0A1A0AL;
    if (!isPng || header.getInt(16) != size || header.getInt(20) != size) {
      throw new IOException(file + ": not a " + size + "x" + size + " PNG");
    }
    return data;
  }

  /**
   * ICO: a 6-byte header (reserved 0, type 1 = icon, image count), one 16-byte entry per image
   * (width and height as a byte, 0 meaning 256; no palette; 1 plane; 32 bits per pixel; data length
   * and offset), then the PNG data. All numbers little-endian.
   */
  static byte[] ico(Path dir, int[] sizes) throws IOException {
    List<byte[]> images = new ArrayList<>();
    for (int size : sizes) {
      images.add(png(dir, size));
    }
    int offset = 6 + 16 * sizes.length;
    int total = offset + images.stream().mapToInt(b -> b.length).sum();
    ByteBuffer buf = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    buf.putShort((short) 0).putShort((short) 1).putShort((short) sizes.length);
    for (int i = 0; i < sizes.length; i++) {
      byte side = (byte) (sizes[i] >= 256 ? 0 : sizes[i]);
      buf.put(side).put(side).put((byte) 0).put((byte) 0);
      buf.putShort((short) 1).putShort((short) 32);
      buf.putInt(images.get(i).length).putInt(offset);
      offset += images.get(i).length;
    }
    images.forEach(buf::put);
    return buf.array();
  }

  /**
   * ICNS: the magic {@code icns} and the file length, then per image a four-letter type, the
   * element length (including its 8-byte header) and the PNG data. All numbers big-endian. The
   * types name the point size and pixel density that macOS picks each image for.
   */
  static byte[] icns(Path dir) throws IOException {
    Map<String, Integer> types = new LinkedHashMap<>();
    types.put("icp4", 16);
    types.put("icp5", 32);
    types.put("icp6", 64);
    types.put("ic07", 128);
    types.put("ic08", 256);
    types.put("ic09", 512);
    types.put("ic11", 32); // 16 pt at 2x
    types.put("ic12", 64); // 32 pt at 2x
    types.put("ic13", 256); // 128 pt at 2x
    types.put("ic14", 512); // 256 pt at 2x
    types.put("ic10", 1024); // 512 pt at 2x
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Map.Entry<String, Integer> e : types.entrySet()) {
      byte[] data = png(dir, e.getValue());
      body.write(e.getKey().getBytes(StandardCharsets.US_ASCII));
      body.write(ByteBuffer.allocate(4).putInt(8 + data.length).array());
      body.write(data);
    }
    ByteBuffer buf = ByteBuffer.allocate(8 + body.size());
    buf.put("icns".getBytes(StandardCharsets.US_ASCII)).putInt(8 + body.size());
    buf.put(body.toByteArray());
    return buf.array();
  }
}
