package io.asyncz.store;

import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.internal.PluginRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Creates stores: directly ({@link #memory()}) or by alias and options, as configuration does
 * ({@link #create}). The core's alias is {@code memory}; {@code file}, {@code jdbc}/{@code
 * sqlalchemy}, {@code redis} and {@code mongo} come with their modules, and any {@link
 * StoreFactory} on the class path adds its own.
 */
public final class TaskStores {
  private static final PluginRegistry<StoreFactory> FACTORIES =
      PluginRegistry.load(
          StoreFactory.class,
          TaskStores.class.getClassLoader(),
          "store",
          StoreFactory::aliases,
          Map.of(
              "file", "asyncz-persistence",
              "jdbc", "asyncz-jdbc",
              "sqlalchemy", "asyncz-jdbc",
              "redis", "asyncz-redis",
              "mongo", "asyncz-mongo",
              "mongodb", "asyncz-mongo"));

  private TaskStores() {}

  /** A new, empty in-memory store (alias memory). */
  public static MemoryStore memory() {
    return new MemoryStore();
  }

  /** Every alias {@link #create} accepts, sorted. */
  public static Set<String> aliases() {
    return FACTORIES.aliases();
  }

  /**
   * The options the store of {@code alias} accepts.
   *
   * @throws InvalidInputException when the alias is unknown
   */
  public static Set<String> options(String alias) {
    return FACTORIES.factory(alias, "store alias").options(alias);
  }

  /**
   * Creates a store from its alias and options, e.g. {@code create("memory", Map.of())}.
   *
   * @throws InvalidInputException for an unknown alias, an unknown option or an invalid value; the
   *     message lists what is accepted, and names the module that provides a known alias
   */
  public static TaskStore create(String alias, Map<String, ?> options) {
    return create(alias, PluginOptions.of(options), "store alias");
  }

  /**
   * Creates a store from its alias and options read from configuration.
   *
   * @param argument how the alias was given, for messages, e.g. {@code asyncz.stores.default.type}
   * @throws InvalidInputException for an unknown alias, an unknown option or an invalid value
   */
  public static TaskStore create(String alias, PluginOptions options, String argument) {
    StoreFactory factory = check(alias, options, argument);
    TaskStore store = factory.create(alias, options);
    if (store == null) {
      throw new IllegalStateException(factory.getClass().getName() + " created no store");
    }
    return store;
  }

  /**
   * Checks an alias and the option names without creating anything, as configuration does when it
   * is read.
   *
   * @param argument how the alias was given, for messages
   * @throws InvalidInputException for an unknown alias or an unknown option
   */
  public static StoreFactory check(String alias, PluginOptions options, String argument) {
    Objects.requireNonNull(options, "options");
    StoreFactory factory = FACTORIES.factory(alias, argument);
    options.requireOnly(factory.options(alias), "the " + alias + " store");
    return factory;
  }
}
