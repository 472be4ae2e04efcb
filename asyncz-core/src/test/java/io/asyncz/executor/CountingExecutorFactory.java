package io.asyncz.executor;

import io.asyncz.PluginOptions;
import java.util.Set;

/**
 * An executor plugin that only the tests' class path has, as a module would add one: alias {@code
 * counting}, an inline executor.
 */
public final class CountingExecutorFactory implements ExecutorFactory {
  /** Called by the ServiceLoader. */
  public CountingExecutorFactory() {}

  @Override
  public Set<String> aliases() {
    return Set.of("counting");
  }

  @Override
  public Set<String> options(String alias) {
    return Set.of();
  }

  @Override
  public TaskExecutor create(String alias, PluginOptions options) {
    return new InlineExecutor();
  }
}
