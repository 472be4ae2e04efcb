package io.asyncz.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One executor or store as configuration declares it: {@code <key>.type} (a plugin alias) or {@code
 * <key>.class} (a class name), and the options.
 *
 * @param key the configuration key of the section, e.g. {@code asyncz.executors.default}
 * @param alias the alias the scheduler knows it by, e.g. {@code default}
 * @param type the plugin alias, e.g. {@code threadpool}; {@code null} when {@code className} is set
 * @param className the implementation class; {@code null} when {@code type} is set
 * @param options the options (for a {@code type} only), nested sections as maps
 */
public record PluginConfig(
    String key, String alias, String type, String className, Map<String, Object> options) {

  /** Checks and copies the values. */
  public PluginConfig {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(alias, "alias");
    if ((type == null) == (className == null)) {
      throw new IllegalArgumentException("exactly one of type and className must be given");
    }
    options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }
}
