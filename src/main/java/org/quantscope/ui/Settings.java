// SPDX-License-Identifier: Apache-2.0
package org.quantscope.ui;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/**
 * What the window remembers between runs (size, last folder, recent files, options). Backed by
 * {@link Preferences} in the application, by a map in tests. A value is at most {@link
 * Preferences#MAX_VALUE_LENGTH} (8 KB) characters, as Preferences requires; lists (recent files)
 * are kept one entry per key, so that no number of long paths reaches that limit. Changes are kept
 * in memory and written by {@link #flush} when the window closes (and by the JVM's own preferences
 * sync), not on every change.
 */
public interface Settings {
  /** The longest value a setting may hold, in characters. */
  int MAX_VALUE_LENGTH = Preferences.MAX_VALUE_LENGTH;

  String get(String key, String dflt);

  /** Stores {@code value}; one longer than {@link #MAX_VALUE_LENGTH} is not stored. */
  void put(String key, String value);

  void remove(String key);

  /** Writes pending changes to the backing store; a failure is ignored (settings are a comfort). */
  default void flush() {}

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

  /** A list stored by {@link #putList}: {@code key.0}, {@code key.1}, ... until one is missing. */
  default List<String> getList(String key) {
    List<String> out = new ArrayList<>();
    for (int i = 0; ; i++) {
      String v = get(key + "." + i, null);
      if (v == null) {
        return out;
      }
      out.add(v);
    }
  }

  /**
   * Stores {@code values} one per key (entries longer than {@link #MAX_VALUE_LENGTH} are left out)
   * and removes what a longer list stored before.
   */
  default void putList(String key, List<String> values) {
    int i = 0;
    for (String v : values) {
      if (v.length() <= MAX_VALUE_LENGTH) {
        put(key + "." + i++, v);
      }
    }
    for (; get(key + "." + i, null) != null; i++) {
      remove(key + "." + i);
    }
  }

  /** The user's preferences under {@code org/quantscope}. */
  static Settings preferences() {
    return preferences(Preferences.userRoot().node("org/quantscope"));
  }

  /** Settings kept in {@code p}. */
  static Settings preferences(Preferences p) {
    return new Settings() {
      @Override
      public String get(String key, String dflt) {
        return p.get(key, dflt);
      }

      @Override
      public void put(String key, String value) {
        if (value.length() <= MAX_VALUE_LENGTH) {
          p.put(key, value);
        }
      }

      @Override
      public void remove(String key) {
        p.remove(key);
      }

      @Override
      public void flush() {
        try {
          p.flush();
        } catch (BackingStoreException | IllegalStateException e) {
          // settings are a convenience; losing them is not worth an error
        }
      }
    };
  }

  /** Settings kept in memory only, with the same length limit: for tests. */
  static Settings memory() {
    Map<String, String> m = new HashMap<>();
    return new Settings() {
      @Override
      public String get(String key, String dflt) {
        return m.getOrDefault(key, dflt);
      }

      @Override
      public void put(String key, String value) {
        if (value.length() > MAX_VALUE_LENGTH) {
          throw new IllegalArgumentException(
              "a setting holds at most " + MAX_VALUE_LENGTH + " characters, got " + value.length());
        }
        m.put(key, value);
      }

      @Override
      public void remove(String key) {
        m.remove(key);
      }
    };
  }
}
