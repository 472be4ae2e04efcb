package io.asyncz.internal;

import io.asyncz.InvalidInputException;
import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Plugin factories found through {@link ServiceLoader}, by alias. Not part of the public API.
 *
 * @param <F> the factory type
 */
public final class PluginRegistry<F> {
  private final String kind;
  private final Map<String, F> factories;
  private final Map<String, String> elsewhere;

  private PluginRegistry(String kind, Map<String, F> factories, Map<String, String> elsewhere) {
    this.kind = kind;
    this.factories = factories;
    this.elsewhere = elsewhere;
  }

  /**
   * Loads the factories of {@code type} visible to {@code loader}.
   *
   * @param kind what the plugins are, for messages, e.g. {@code executor}
   * @param aliases the aliases a factory answers to
   * @param elsewhere aliases that another Asyncz module provides, to the module's artifact id
   */
  public static <F> PluginRegistry<F> load(
      Class<F> type,
      ClassLoader loader,
      String kind,
      Function<F, Set<String>> aliases,
      Map<String, String> elsewhere) {
    Map<String, F> factories = new TreeMap<>();
    for (F factory : ServiceLoader.load(type, loader)) {
      for (String alias : aliases.apply(factory)) {
        // The first factory found keeps an alias, as for triggers.
        factories.putIfAbsent(alias, factory);
      }
    }
    return new PluginRegistry<>(
        kind, Collections.unmodifiableMap(factories), Map.copyOf(elsewhere));
  }

  /** Every alias, sorted. */
  public Set<String> aliases() {
    return factories.keySet();
  }

  /**
   * The factory of an alias.
   *
   * @param argument how the alias was given, for the message, e.g. {@code executor alias}
   * @throws InvalidInputException when no factory answers to it, listing the aliases there are and
   *     naming the module that provides it, if another Asyncz module does
   */
  public F factory(String alias, String argument) {
    F factory = alias == null ? null : factories.get(alias);
    if (factory != null) {
      return factory;
    }
    String module = alias == null ? null : elsewhere.get(alias);
    if (module != null) {
      throw new InvalidInputException(
          argument,
          alias,
          "is provided by the "
              + module
              + " module (io.asyncz:"
              + module
              + "), which is not on the class path; add it, or use one of "
              + factories.keySet());
    }
    throw new InvalidInputException(
        argument, alias, "is not a known " + kind + "; expected one of " + factories.keySet());
  }
}
