package io.asyncz.process;

import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.executor.ExecutorFactory;
import io.asyncz.executor.TaskExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Registers the process pool under the seed's alias {@code processpool} and {@code process_pool}
 * (the seed's module name), with the options {@code max_workers}, {@code jvm_options}, {@code
 * java}, {@code class_path}, {@code start_timeout}, {@code task_timeout}, {@code
 * max_runs_per_worker}, {@code allowed_packages} and {@code registrars}.
 */
public final class ProcessPoolExecutorFactory implements ExecutorFactory {
  /** The seed's alias of the process pool. */
  public static final String PROCESSPOOL = "processpool";

  /** The seed's module name, {@code asyncz.executors.process_pool}, as an alias. */
  public static final String PROCESS_POOL = "process_pool";

  private static final Set<String> OPTIONS =
      Set.of(
          "max_workers",
          "jvm_options",
          "java",
          "class_path",
          "start_timeout",
          "task_timeout",
          "max_runs_per_worker",
          "allowed_packages",
          "registrars");

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public ProcessPoolExecutorFactory() {}

  @Override
  public Set<String> aliases() {
    return Set.of(PROCESSPOOL, PROCESS_POOL);
  }

  @Override
  public Set<String> options(String alias) {
    return OPTIONS;
  }

  @Override
  public TaskExecutor create(String alias, PluginOptions options) {
    ProcessPoolExecutor.Builder b = ProcessPoolExecutor.builder();
    b.maxWorkers(options.positiveInteger("max_workers", ProcessPoolExecutor.DEFAULT_MAX_WORKERS));
    options.raw("java").ifPresent(v -> b.java(v.toString()));
    options.raw("class_path").ifPresent(v -> b.classPath(v.toString()));
    if (options.raw("jvm_options").isPresent()) {
      b.jvmOptions(list(options, "jvm_options", "\\s+"));
    }
    b.startTimeout(options.seconds("start_timeout", ProcessPoolExecutor.DEFAULT_START_TIMEOUT));
    Duration timeout = options.seconds("task_timeout", null);
    if (timeout != null && !timeout.isZero()) {
      if (timeout.isNegative()) {
        throw new InvalidInputException(
            options.key("task_timeout"), timeout, "is negative; expected 0 (none) or more");
      }
      b.taskTimeout(timeout);
    }
    int runs = options.integer("max_runs_per_worker", 0);
    if (runs < 0) {
      throw new InvalidInputException(
          options.key("max_runs_per_worker"), runs, "is negative; expected 0 (never) or more");
    }
    b.maxRunsPerWorker(runs);
    for (String pkg : list(options, "allowed_packages", "[,\\s]+")) {
      b.allowPackage(pkg);
    }
    for (String registrar : list(options, "registrars", "[,\\s]+")) {
      b.registrar(registrar);
    }
    return b.build();
  }

  /** A list option: a list of texts, or one text split at {@code separators}. */
  private static List<String> list(PluginOptions options, String name, String separators) {
    Object value = options.raw(name).orElse(null);
    List<String> items = new ArrayList<>();
    if (value == null) {
      return items;
    }
    if (value instanceof Iterable<?> list) {
      for (Object item : list) {
        if (!(item instanceof CharSequence)) {
          throw new InvalidInputException(
              options.key(name), value, "holds " + item + ", which is not text");
        }
        items.add(item.toString().strip());
      }
    } else if (value instanceof CharSequence text) {
      for (String item : text.toString().strip().split(separators)) {
        if (!item.isEmpty()) {
          items.add(item);
        }
      }
    } else {
      throw new InvalidInputException(
          options.key(name), value, "is not a list of texts nor one text");
    }
    return items;
  }
}
