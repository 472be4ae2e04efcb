package io.asyncz.executor;

import io.asyncz.PluginOptions;
import java.util.Set;

/**
 * Registers the core's executors: {@code threadpool}/{@code pool} ({@link PoolExecutor}, option
 * {@code max_workers}, default {@value PoolExecutor#DEFAULT_MAX_WORKERS}), {@code asyncio}/{@code
 * async} ({@link AsyncExecutor}) and {@code debug}/{@code inline} ({@link InlineExecutor}).
 */
public final class BuiltInExecutorFactory implements ExecutorFactory {
  /** The pool executor's alias, the seed's. */
  public static final String THREADPOOL = "threadpool";

  /** A short alias of the pool executor. */
  public static final String POOL = "pool";

  /** The virtual-thread executor's alias, the seed's. */
  public static final String ASYNCIO = "asyncio";

  /** A short alias of the virtual-thread executor. */
  public static final String ASYNC = "async";

  /** The inline executor's alias, the seed's. */
  public static final String DEBUG = "debug";

  /** A descriptive alias of the inline executor. */
  public static final String INLINE = "inline";

  /** The pool size option. */
  public static final String MAX_WORKERS = "max_workers";

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public BuiltInExecutorFactory() {}

  @Override
  public Set<String> aliases() {
    return Set.of(THREADPOOL, POOL, ASYNCIO, ASYNC, DEBUG, INLINE);
  }

  @Override
  public Set<String> options(String alias) {
    return alias.equals(THREADPOOL) || alias.equals(POOL) ? Set.of(MAX_WORKERS) : Set.of();
  }

  @Override
  public TaskExecutor create(String alias, PluginOptions options) {
    return switch (alias) {
      case THREADPOOL, POOL ->
          new PoolExecutor(options.positiveInteger(MAX_WORKERS, PoolExecutor.DEFAULT_MAX_WORKERS));
      case ASYNCIO, ASYNC -> new AsyncExecutor();
      case DEBUG, INLINE -> new InlineExecutor();
      default -> throw new IllegalArgumentException("not a built-in executor alias: " + alias);
    };
  }
}
