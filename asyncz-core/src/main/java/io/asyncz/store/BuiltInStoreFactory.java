package io.asyncz.store;

import io.asyncz.PluginOptions;
import java.util.Set;

/** Registers the core's store: {@code memory} ({@link MemoryStore}, no options). */
public final class BuiltInStoreFactory implements StoreFactory {
  /** The memory store's alias, the seed's. */
  public static final String MEMORY = "memory";

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public BuiltInStoreFactory() {}

  @Override
  public Set<String> aliases() {
    return Set.of(MEMORY);
  }

  @Override
  public Set<String> options(String alias) {
    return Set.of();
  }

  @Override
  public TaskStore create(String alias, PluginOptions options) {
    if (!alias.equals(MEMORY)) {
      throw new IllegalArgumentException("not a built-in store alias: " + alias);
    }
    return new MemoryStore();
  }
}
