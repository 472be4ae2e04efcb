package io.asyncz.examples;

import io.asyncz.config.SchedulerConfig;
import io.asyncz.executor.TaskExecutor;
import io.asyncz.executor.TaskExecutors;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import io.asyncz.task.ScheduledTask;
import io.asyncz.task.Task;
import io.asyncz.task.TaskRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The code of {@code docs/configuration.md}, statement for statement, compiled: configuration keys
 * from properties and YAML, the plugin lookups, and {@code @ScheduledTask}. (The "Adding a plugin"
 * example is {@code CpuExecutorFactory} in asyncz-core's tests, where it is found as a plugin.)
 */
public final class ConfigurationSnippets {
  private ConfigurationSnippets() {}

  /** "Configuration keys": a started scheduler configured by {@code scheduler.properties}. */
  static ThreadScheduler fromPropertiesFile() throws IOException {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(Path.of("scheduler.properties"))) {
      properties.load(in);
    }
    ThreadScheduler scheduler = SchedulerConfig.from(properties).build();
    scheduler.start();
    return scheduler;
  }

  /** "Configuration keys": the same keys as a map, from the YAML that {@code in} reads. */
  static SchedulerConfig fromYaml(Reader in) {
    Map<String, Object> yaml = new Yaml().load(in); // SnakeYAML, Jackson, ...
    SchedulerConfig config = SchedulerConfig.from(yaml);
    return config;
  }

  /** "Configuration keys": configuration applied to a builder that has a registry. */
  static ThreadScheduler withRegistry(Properties properties, TaskRegistry registry) {
    ThreadScheduler scheduler =
        SchedulerConfig.from(properties).applyTo(Scheduler.builder().registry(registry)).build();
    return scheduler;
  }

  /** "Plugin aliases": the executor aliases on the class path. */
  static Set<String> lookups() {
    TaskExecutor pool = TaskExecutors.create("threadpool", Map.of("max_workers", 4));
    TaskStore store = TaskStores.create("memory", Map.of());
    Set<String> aliases =
        TaskExecutors.aliases(); // [async, asyncio, debug, inline, pool, threadpool]
    System.out.println("created " + pool + " and " + store);
    return aliases;
  }

  /** "@ScheduledTask": the annotated methods of a bean. */
  static class Reports {
    @ScheduledTask(cron = "0 3 * * *", id = "nightly-report")
    void nightly() {
      System.out.println("nightly report");
    }

    @ScheduledTask(
        trigger = "interval",
        options = {"minutes=10", "jitter=5"},
        maxInstances = 2)
    CompletionStage<Void> refresh() {
      return CompletableFuture.completedFuture(null);
    }

    @ScheduledTask(
        trigger = "cron",
        options = {"day_of_week=mon-fri", "hour=9", "minute=30"})
    @ScheduledTask(
        trigger = "cron",
        options = {"day_of_week=sat", "hour=11"})
    void digest() {
      System.out.println("digest");
    }

    @ScheduledTask(trigger = "interval", options = "hours=6")
    static void sweep() {
      System.out.println("sweep");
    }
  }

  /** "@ScheduledTask": a class of static task methods. */
  static final class Cleanup {
    private Cleanup() {}

    @ScheduledTask(cron = "@daily", id = "cleanup")
    static void purge() {
      System.out.println("purged");
    }
  }

  /** "@ScheduledTask": registers the bean's tasks and the class's; the tasks added. */
  static List<Task> register(Scheduler scheduler) {
    List<Task> added = scheduler.register(new Reports()); // instance and static methods
    List<Task> more = scheduler.register(Cleanup.class); // static methods only
    return List.of(added, more).stream().flatMap(List::stream).toList();
  }

  /**
   * Stands for SnakeYAML's {@code Yaml}, which this module does not depend on: reads the block
   * mappings and the one-line flow mappings ({@code { type: memory }}) of a configuration file into
   * nested maps of strings, which is all {@link SchedulerConfig#from(Map)} needs.
   */
  static final class Yaml {
    Map<String, Object> load(Reader in) {
      Map<String, Object> root = new LinkedHashMap<>();
      Deque<Map<String, Object>> parents = new ArrayDeque<>(List.of(root));
      Deque<Integer> indents = new ArrayDeque<>(List.of(-1));
      try {
        for (String line : new BufferedReader(in).lines().toList()) {
          if (line.isBlank() || line.strip().startsWith("#")) {
            continue;
          }
          int indent = line.length() - line.stripLeading().length();
          while (indent <= indents.peek()) {
            indents.pop();
            parents.pop();
          }
          String[] entry = line.strip().split(":", 2);
          String value = entry[1].strip();
          if (value.isEmpty()) {
            Map<String, Object> child = new LinkedHashMap<>();
            parents.peek().put(entry[0], child);
            parents.push(child);
            indents.push(indent);
          } else if (value.startsWith("{")) {
            parents.peek().put(entry[0], flowMapping(value));
          } else {
            parents.peek().put(entry[0], value);
          }
        }
      } catch (UncheckedIOException e) {
        throw new IllegalArgumentException("cannot read the YAML", e);
      }
      return root;
    }

    private static Map<String, Object> flowMapping(String text) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (String pair : text.substring(1, text.lastIndexOf('}')).split(",")) {
        String[] entry = pair.split(":", 2);
        map.put(entry[0].strip(), entry[1].strip());
      }
      return map;
    }
  }
}
