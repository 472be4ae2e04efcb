package io.asyncz.executor;

import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.internal.PluginRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Creates executors: directly ({@link #pool(int)}, {@link #virtualThreads()}, {@link #inline()}) or
 * by alias and options, as configuration does ({@link #create}). The aliases are the core's ({@code
 * threadpool}/{@code pool}, {@code asyncio}/{@code async}, {@code debug}/{@code inline}) and those
 * that an {@link ExecutorFactory} on the class path adds. The seed's {@code processpool} (tasks in
 * worker JVMs) comes with the {@code asyncz-process} module: asking for it without that module on
 * the class path says so.
 */
public final class TaskExecutors {
  private static final PluginRegistry<ExecutorFactory> FACTORIES =
      PluginRegistry.load(
          ExecutorFactory.class,
          TaskExecutors.class.getClassLoader(),
          "executor",
          ExecutorFactory::aliases,
          Map.of("processpool", "asyncz-process", "process_pool", "asyncz-process"));

  private TaskExecutors() {}

  /** A pool of {@value PoolExecutor#DEFAULT_MAX_WORKERS} platform threads (alias threadpool). */
  public static PoolExecutor pool() {
    return new PoolExecutor();
  }

  /**
   * A pool of {@code maxWorkers} platform threads (alias threadpool).
   *
   * @throws InvalidInputException when {@code maxWorkers} is less than 1
   */
  public static PoolExecutor pool(int maxWorkers) {
    return new PoolExecutor(maxWorkers);
  }

  /**
   * A new virtual thread per run on Java 21 and later, a cached pool of platform threads on Java 17
   * (alias asyncio); the scheduler's default executor.
   */
  public static AsyncExecutor virtualThreads() {
    return new AsyncExecutor();
  }

  /** Runs each run on the scheduler's own thread (alias debug). */
  public static InlineExecutor inline() {
    return new InlineExecutor();
  }

  /** Every alias {@link #create} accepts, sorted. */
  public static Set<String> aliases() {
    return FACTORIES.aliases();
  }

  /**
   * The options the executor of {@code alias} accepts.
   *
   * @throws InvalidInputException when the alias is unknown
   */
  public static Set<String> options(String alias) {
    return factory(alias, "executor alias").options(alias);
  }

  /**
   * Creates an executor from its alias and options, e.g. {@code create("threadpool",
   * Map.of("max_workers", 4))}.
   *
   * @throws InvalidInputException for an unknown alias, an unknown option or an invalid value; the
   *     message lists what is accepted
   */
  public static TaskExecutor create(String alias, Map<String, ?> options) {
    return create(alias, PluginOptions.of(options), "executor alias");
  }

  /**
   * Creates an executor from its alias and options read from configuration.
   *
   * @param argument how the alias was given, for messages, e.g. {@code
   *     asyncz.executors.default.type}
   * @throws InvalidInputException for an unknown alias, an unknown option or an invalid value
   */
  public static TaskExecutor create(String alias, PluginOptions options, String argument) {
    ExecutorFactory factory = check(alias, options, argument);
    TaskExecutor executor = factory.create(alias, options);
    if (executor == null) {
      throw new IllegalStateException(factory.getClass().getName() + " created no executor");
    }
    return executor;
  }

  /**
   * Checks an alias and the option names without creating anything, as configuration does when it
   * is read.
   *
   * @param argument how the alias was given, for messages
   * @throws InvalidInputException for an unknown alias or an unknown option
   */
  public static ExecutorFactory check(String alias, PluginOptions options, String argument) {
    Objects.requireNonNull(options, "options");
    ExecutorFactory factory = factory(alias, argument);
    options.requireOnly(factory.options(alias), "the " + alias + " executor");
    return factory;
  }

  private static ExecutorFactory factory(String alias, String argument) {
    return FACTORIES.factory(alias, argument);
  }
}
