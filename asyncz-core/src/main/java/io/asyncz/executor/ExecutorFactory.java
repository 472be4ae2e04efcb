package io.asyncz.executor;

import io.asyncz.PluginOptions;
import java.util.Set;

/**
 * Service-provider interface that makes an executor available under an alias, for configuration
 * ({@code asyncz.executors.<alias>.type}), the CLI and {@link TaskExecutors#create}. A module on
 * the class path adds its own executors by listing its factory in {@code
 * META-INF/services/io.asyncz.executor.ExecutorFactory}; the built-in aliases are {@code
 * threadpool}/{@code pool}, {@code asyncio}/{@code async} and {@code debug}/{@code inline}.
 *
 * <p>An implementation must:
 *
 * <ul>
 *   <li>name in {@link #options} every option each alias accepts; {@link TaskExecutors#create}
 *       refuses any other option before {@link #create} is called;
 *   <li>read option values through {@link PluginOptions}, so that a bad value is reported under the
 *       name the user wrote (e.g. {@code asyncz.executors.default.max_workers});
 *   <li>return a new, unstarted executor from every {@link #create} call, without starting threads
 *       or opening connections: that is {@link TaskExecutor#start}'s job;
 *   <li>have a public no-argument constructor, for {@link java.util.ServiceLoader}.
 * </ul>
 *
 * <p>When two factories claim one alias, the first that {@link java.util.ServiceLoader} finds wins.
 */
public interface ExecutorFactory {

  /** The aliases this factory answers to, e.g. {@code threadpool}. */
  Set<String> aliases();

  /** The options the executor of {@code alias} accepts, e.g. {@code max_workers}. */
  Set<String> options(String alias);

  /**
   * Creates an executor.
   *
   * @param alias one of {@link #aliases()}
   * @param options the options, all of them among {@link #options(String)}
   * @throws io.asyncz.InvalidInputException when an option value is invalid, naming the option
   */
  TaskExecutor create(String alias, PluginOptions options);
}
