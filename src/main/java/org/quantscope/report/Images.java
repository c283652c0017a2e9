// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.quantscope.model.AtomicFile;

/** Writes images as PNG files, atomically. */
public final class Images {
  private Images() {}

  /**
   * Saves the image as a PNG: written to a temporary file in the same folder and moved into place,
   * so {@code file} is either the old file or the complete new one; nothing is left behind on
   * failure.
   *
   * @throws IOException if the folder does not exist or cannot be written
   */
  public static void writePng(BufferedImage image, Path file) throws IOException {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
    if (!writers.hasNext()) {
      throw new IOException("cannot write " + file + ": this Java runtime has no PNG writer");
    }
    ImageWriter writer = writers.next();
    try {
      AtomicFile.write(
          file,
          out -> {
            // encoded in memory: ImageIO's default cache would put another file in the temp folder
            try (ImageOutputStream png = new MemoryCacheImageOutputStream(out)) {
              writer.setOutput(png);
              writer.write(image);
            }
          });
    } finally {
      writer.dispose();
    }
  }
}
