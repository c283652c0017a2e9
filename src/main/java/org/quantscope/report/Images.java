// SPDX-License-Identifier: Apache-2.0
package org.quantscope.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.jfree.chart.JFreeChart;
import org.quantscope.model.AtomicFile;

/**
 * Image export: a chart drawn into an image of a given size, and images written as PNG files,
 * atomically. The charts are the same {@link JFreeChart} objects the window shows and the PDF
 * draws; they draw with {@code java.awt.headless=true}.
 */
public final class Images {
  private Images() {}

  /** Largest width or height accepted by {@link #render} and {@link #writePng}, in pixels. */
  static final int MAX_PIXELS = 16_384;

  /**
   * Draws the chart into a new RGB image of {@code width} x {@code height} pixels on white.
   *
   * @throws IllegalArgumentException if a side is not 1 to 16384 pixels
   */
  public static BufferedImage render(JFreeChart chart, int width, int height) {
    Objects.requireNonNull(chart, "chart");
    if (width < 1 || height < 1 || width > MAX_PIXELS || height > MAX_PIXELS) {
      throw new IllegalArgumentException(
          "image size must be 1 to "
              + MAX_PIXELS
              + " pixels a side, got "
              + width
              + " x "
              + height);
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
    } finally {
      g.dispose();
    }
    return image;
  }

  /**
   * Saves the chart as a PNG of {@code width} x {@code height} pixels, see {@link
   * #writePng(BufferedImage, Path)}.
   *
   * @throws IOException if the folder does not exist or cannot be written
   * @throws IllegalArgumentException if a side is not 1 to 16384 pixels
   */
  public static void writePng(JFreeChart chart, Path file, int width, int height)
      throws IOException {
    writePng(render(chart, width, height), file);
  }

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
