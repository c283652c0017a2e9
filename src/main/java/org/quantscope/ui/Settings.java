// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.HashMap;
import java.util.Map;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/**
 * What the window remembers between runs (size, last folder, recent files, options). Backed by
 * {@link Preferences} in the application, by a map in tests.
 */
public interface Settings {
  String get(String key, String dflt);

  void put(String key, String value);

  default double getDouble(String key, double dflt) {
    try {
      return Double.parseDouble(get(key, Double.toString(dflt)));
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

  default boolean getBoolean(String key, boolean dflt) {
    return Boolean.parseBoolean(get(key, Boolean.toString(dflt)));
  }

  /** The user's preferences under {@code org/quantscope}. */
  static Settings preferences() {
    Preferences p = Preferences.userRoot().node("org/quantscope");
    return new Settings() {
      @Override
      public String get(String key, String dflt) {
        return p.get(key, dflt);
      }

      @Override
      public void put(String key, String value) {
        p.put(key, value);
        try {
          p.flush();
        } catch (BackingStoreException e) {
          // settings are a convenience; losing them is not worth an error
        }
      }
    };
  }

  /** Settings kept in memory only: for tests. */
  static Settings memory() {
    Map<String, String> m = new HashMap<>();
    return new Settings() {
      @Override
      public String get(String key, String dflt) {
        return m.getOrDefault(key, dflt);
      }

      @Override
      public void put(String key, String value) {
        m.put(key, value);
      }
    };
  }
}
