package io.asyncz.executor;

import io.asyncz.PluginOptions;
import java.util.Set;

/**
 * The "Adding a plugin" example of docs/configuration.md, compiled here so that the example keeps
 * compiling against the API; keep the two the same.
 */
public final class CpuExecutorFactory implements ExecutorFactory {
  public CpuExecutorFactory() {}

  @Override
  public Set<String> aliases() {
    return Set.of("cpu");
  }

  @Override
  public Set<String> options(String alias) {
    return Set.of("per_core");
  }

  @Override
  public TaskExecutor create(String alias, PluginOptions options) {
    int perCore = options.positiveInteger("per_core", 1);
    return TaskExecutors.pool(perCore * Runtime.getRuntime().availableProcessors());
  }
}
