package io.asyncz.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncz.InvalidInputException;
import io.asyncz.config.SchedulerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A configuration file ({@code --config}): YAML, JSON or properties. Sections: {@code asyncz} (the
 * keys of {@link SchedulerConfig}), {@code stores} (alias to store URL, the {@code --store} form),
 * {@code service} (what {@code asyncz start} allows and how it runs) and {@code tasks} (tasks the
 * service adds at start; YAML and JSON only).
 */
final class CliConfig {
  static final Set<String> SECTIONS = Set.of("asyncz", "stores", "service", "tasks");
  static final Set<String> SERVICE_KEYS =
      Set.of(
          "allow_exec",
          "allow_http",
          "exec_commands",
          "http_hosts",
          "poll_interval",
          "classpath",
          "allow_packages",
          "grace",
          "log_level",
          "dashboard_users",
          "dashboard_api_tokens",
          "dashboard_audit_file",
          "dashboard_trust_forwarded_proto");

  private final String source;
  private final Map<String, Object> scheduler;
  private final Map<String, String> stores;
  private final Map<String, Object> service;
  private final List<Map<String, Object>> tasks;

  private CliConfig(
      String source,
      Map<String, Object> scheduler,
      Map<String, String> stores,
      Map<String, Object> service,
      List<Map<String, Object>> tasks) {
    this.source = source;
    this.scheduler = scheduler;
    this.stores = stores;
    this.service = service;
    this.tasks = tasks;
  }

  /** No file: everything default. */
  static CliConfig empty() {
    return new CliConfig(
        "(none)", new LinkedHashMap<>(), new LinkedHashMap<>(), Map.of(), List.of());
  }

  /**
   * Reads a file by its suffix: {@code .yaml}/{@code .yml}, {@code .json}, {@code .properties}.
   *
   * @throws InvalidInputException naming the file and what is wrong
   */
  static CliConfig read(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    Map<String, Object> root;
    try {
      if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
        root = yaml(file);
      } else if (lower.endsWith(".json")) {
        root = json(file);
      } else if (lower.endsWith(".properties")) {
        root = properties(file);
      } else {
        throw new InvalidInputException(
            "--config",
            file.toString(),
            "has an unknown suffix; expected .yaml, .json or .properties");
      }
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("--config", file.toString(), "does not exist");
    } catch (IOException e) {
      throw new InvalidInputException("--config", file.toString(), "cannot be read: " + e);
    } catch (RuntimeException e) {
      if (e instanceof InvalidInputException) {
        throw e;
      }
      throw new InvalidInputException(
          "--config",
          file.toString(),
          "is not valid " + lower.replaceAll(".*\\.", "") + ": " + e.getMessage());
    }
    return from(file.toString(), root);
  }

  private static Map<String, Object> yaml(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
      return asMap(doc, file.toString());
    }
  }

  private static Map<String, Object> json(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return asMap(new ObjectMapper().readValue(in, Object.class), file.toString());
    }
  }

  private static Map<String, Object> properties(Path file) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    Map<String, Object> scheduler = new LinkedHashMap<>();
    Map<String, Object> stores = new LinkedHashMap<>();
    Map<String, Object> service = new LinkedHashMap<>();
    for (String key : new TreeSet<>(properties.stringPropertyNames())) {
      String value = properties.getProperty(key);
      if (key.startsWith("asyncz.")) {
        scheduler.put(key.substring("asyncz.".length()), value);
      } else if (key.startsWith("stores.")) {
        stores.put(key.substring("stores.".length()), value);
      } else if (key.startsWith("service.")) {
        String name = key.substring("service.".length());
        service.put(name, listKey(name) ? List.of(value.split(",")) : value);
      } else {
        throw new InvalidInputException(
            "key in " + file,
            key,
            "is unknown; expected asyncz.*, stores.<alias> or service.* (tasks need YAML or JSON)");
      }
    }
    root.put("asyncz", scheduler);
    root.put("stores", stores);
    root.put("service", service);
    return root;
  }

  private static boolean listKey(String name) {
    return name.equals("exec_commands")
        || name.equals("http_hosts")
        || name.equals("classpath")
        || name.equals("allow_packages");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object doc, String where) {
    if (doc == null) {
      return new LinkedHashMap<>();
    }
    if (!(doc instanceof Map)) {
      throw new InvalidInputException("--config", where, "is not a mapping of sections at its top");
    }
    return new LinkedHashMap<>((Map<String, Object>) doc);
  }

  @SuppressWarnings("unchecked")
  static CliConfig from(String source, Map<String, Object> root) {
    for (String key : root.keySet()) {
      if (!SECTIONS.contains(String.valueOf(key))) {
        throw new InvalidInputException(
            "section in " + source, key, "is unknown; expected one of " + new TreeSet<>(SECTIONS));
      }
    }
    Map<String, Object> scheduler = section(root, "asyncz", source);
    Map<String, String> stores = new LinkedHashMap<>();
    section(root, "stores", source).forEach((k, v) -> stores.put(k, String.valueOf(v)));
    Map<String, Object> service = section(root, "service", source);
    for (String key : service.keySet()) {
      if (!SERVICE_KEYS.contains(key)) {
        throw new InvalidInputException(
            "service key in " + source,
            key,
            "is unknown; expected one of " + new TreeSet<>(SERVICE_KEYS));
      }
    }
    Object rawTasks = root.get("tasks");
    List<Map<String, Object>> tasks = new ArrayList<>();
    if (rawTasks != null) {
      if (!(rawTasks instanceof List<?> list)) {
        throw new InvalidInputException(
            "tasks in " + source, rawTasks, "is not a list; expected a list of tasks");
      }
      for (Object t : list) {
        if (!(t instanceof Map)) {
          throw new InvalidInputException(
              "task in " + source, t, "is not a mapping; expected id, function, trigger, options");
        }
        tasks.add(new LinkedHashMap<>((Map<String, Object>) t));
      }
    }
    CliConfig config = new CliConfig(source, scheduler, stores, service, tasks);
    config.schedulerConfig(false); // checks the asyncz keys now, naming them
    return config;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(Map<String, Object> root, String name, String source) {
    Object value = root.get(name);
    if (value == null) {
      return new LinkedHashMap<>();
    }
    if (!(value instanceof Map)) {
      throw new InvalidInputException(
          name + " in " + source, value, "is not a mapping; expected keys and values");
    }
    return new LinkedHashMap<>((Map<String, Object>) value);
  }

  /** Where the configuration came from. */
  String source() {
    return source;
  }

  /**
   * The scheduler's configuration; without the stores it declares when {@code withoutStores} (the
   * command line named stores of its own).
   */
  SchedulerConfig schedulerConfig(boolean withoutStores) {
    Map<String, Object> keys = new LinkedHashMap<>(scheduler);
    if (withoutStores) {
      keys.remove("stores");
      keys.keySet().removeIf(k -> k.startsWith("stores."));
    }
    return SchedulerConfig.from(keys, "");
  }

  /** The stores of the {@code stores} section: alias to URL. */
  Map<String, String> storeUrls() {
    return stores;
  }

  /** The tasks of the {@code tasks} section, as read. */
  List<Map<String, Object>> tasks() {
    return tasks;
  }

  /** A service setting, or {@code null}. */
  Object service(String key) {
    return service.get(key);
  }

  /** A yes/no service setting. */
  boolean serviceFlag(String key) {
    Object value = service.get(key);
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    String text = value.toString().strip().toLowerCase(Locale.ROOT);
    if (text.equals("true") || text.equals("yes")) {
      return true;
    }
    if (text.equals("false") || text.equals("no")) {
      return false;
    }
    throw new InvalidInputException("service." + key, value, "is not true or false");
  }

  /** A list service setting (a list, or text separated by commas). */
  List<String> serviceList(String key) {
    Object value = service.get(key);
    List<String> list = new ArrayList<>();
    if (value == null) {
      return list;
    }
    if (value instanceof List<?> items) {
      items.forEach(i -> list.add(String.valueOf(i).strip()));
    } else {
      for (String part : value.toString().split(",")) {
        if (!part.isBlank()) {
          list.add(part.strip());
        }
      }
    }
    return list;
  }
}
