// SPDX-License-Identifier: Apache-2.0
package org.quantscope;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Name and versions of this build, read from the filtered {@code version.properties}. */
public final class AppInfo {
  public static final String NAME = "QuantScope";

  private static final Properties PROPS = load();

  private AppInfo() {}

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = AppInfo.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // fall back to "dev" below
    }
    return p;
  }

  /** QuantScope's version, e.g. {@code 0.1.0}. */
  public static String version() {
    return PROPS.getProperty("version", "dev");
  }

  /**
   * The notices of the third-party components QuantScope bundles (name, version, SPDX licence,
   * required notices): shown in <i>Help &gt; About</i> and installed beside the package's copyright
   * file.
   */
  public static String thirdPartyNotices() {
    try (InputStream in = AppInfo.class.getResourceAsStream("THIRD-PARTY-NOTICES.txt")) {
      return in == null
          ? "THIRD-PARTY-NOTICES.txt is missing from this build."
          : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "THIRD-PARTY-NOTICES.txt cannot be read: " + e.getMessage();
    }
  }

  /** Where the project lives on the web. */
  public static String homepage() {
    return "https://github.com/quantscope/quantscope";
  }

  /** The ONNX Runtime version QuantScope was built against. */
  public static String onnxRuntimeVersion() {
    return PROPS.getProperty("onnxruntime", "unknown");
  }
}
