package io.asyncz.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.AsynczException;
import io.asyncz.InvalidInputException;
import io.asyncz.executor.AsyncExecutor;
import io.asyncz.executor.InlineExecutor;
import io.asyncz.executor.PoolExecutor;
import io.asyncz.executor.TaskExecutor;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.SchedulerSettings;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.store.MemoryStore;
import io.asyncz.store.RecordingStoreFactory.RecordingStore;
import io.asyncz.store.TaskStore;
import io.asyncz.task.TaskDefaults;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SchedulerConfigTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  /** Every key, dotted, as text. */
  private static Map<String, Object> everyKey() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("asyncz.timezone", "Europe/Berlin");
    config.put("asyncz.store_retry_interval", "30");
    config.put("asyncz.lock_path", "/var/lock/asyncz-{store}.lock");
    config.put("asyncz.task_defaults.mistrigger_grace_time", "60");
    config.put("asyncz.task_defaults.coalesce", "false");
    config.put("asyncz.task_defaults.max_instances", "3");
    config.put("asyncz.executors.default.type", "threadpool");
    config.put("asyncz.executors.default.max_workers", "20");
    config.put("asyncz.executors.io.type", "asyncio");
    config.put("asyncz.stores.default.type", "memory");
    config.put("asyncz.stores.audit.type", "recording");
    config.put("asyncz.stores.audit.label", "audit");
    return config;
  }

  private static void assertEveryKey(SchedulerConfig config) {
    assertThat(config.timezone()).contains(BERLIN);
    assertThat(config.storeRetryInterval()).contains(Duration.ofSeconds(30));
    assertThat(config.lockPath()).contains("/var/lock/asyncz-{store}.lock");
    assertThat(config.taskDefaults()).isEqualTo(new TaskDefaults(Duration.ofSeconds(60), false, 3));
    assertThat(config.executors().keySet()).containsExactlyInAnyOrder("default", "io");
    assertThat(config.executors().get("default"))
        .isEqualTo(
            new PluginConfig(
                "asyncz.executors.default",
                "default",
                "threadpool",
                null,
                Map.of("max_workers", "20")));
    assertThat(config.executors().get("io").type()).isEqualTo("asyncio");
    assertThat(config.stores().keySet()).containsExactlyInAnyOrder("default", "audit");
    assertThat(config.stores().get("audit").options()).isEqualTo(Map.of("label", "audit"));
  }

  @Test
  void readsEveryKeyFromDottedKeys() {
    assertEveryKey(SchedulerConfig.from(everyKey()));
  }

  @Test
  void readsEveryKeyFromNestedMapsAsAYamlReaderGivesThem() {
    Map<String, Object> config =
        Map.of(
            "asyncz",
            Map.of(
                "timezone",
                "Europe/Berlin",
                "store_retry_interval",
                30,
                "lock_path",
                "/var/lock/asyncz-{store}.lock",
                "task_defaults",
                Map.of("mistrigger_grace_time", 60, "coalesce", false, "max_instances", 3),
                "executors",
                Map.of(
                    "default", Map.of("type", "threadpool", "max_workers", "20"),
                    "io", Map.of("type", "asyncio")),
                "stores",
                Map.of(
                    "default", Map.of("type", "memory"),
                    "audit", Map.of("type", "recording", "label", "audit"))));
    assertEveryKey(SchedulerConfig.from(config));
  }

  @Test
  void readsDottedKeysAndNestedMapsMixed() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("asyncz.timezone", "Europe/Berlin");
    config.put("asyncz.store_retry_interval", 30);
    config.put("asyncz.lock_path", "/var/lock/asyncz-{store}.lock");
    config.put(
        "asyncz.task_defaults",
        Map.of("mistrigger_grace_time", "60", "coalesce", "false", "max_instances", "3"));
    config.put(
        "asyncz.executors", Map.of("default.type", "threadpool", "io", Map.of("type", "asyncio")));
    config.put("asyncz.executors.default.max_workers", "20");
    config.put("asyncz", Map.of("stores.default.type", "memory"));
    config.put("asyncz.stores.audit", Map.of("type", "recording", "label", "audit"));
    assertEveryKey(SchedulerConfig.from(config));
  }

  @Test
  void readsEveryKeyFromProperties() {
    Properties properties = new Properties();
    everyKey().forEach((k, v) -> properties.setProperty(k, v.toString()));
    assertEveryKey(SchedulerConfig.from(properties));
  }

  @Test
  void readsTheDefaultsOfProperties() {
    Properties defaults = new Properties();
    defaults.setProperty("asyncz.timezone", "Europe/Berlin");
    defaults.setProperty("asyncz.task_defaults.max_instances", "2");
    Properties properties = new Properties(defaults);
    properties.setProperty("asyncz.task_defaults.max_instances", "5");
    SchedulerConfig config = SchedulerConfig.from(properties);
    assertThat(config.timezone()).contains(BERLIN);
    assertThat(config.taskDefaults().maxInstances()).isEqualTo(5);
  }

  @Test
  void readsTypedValues() {
    SchedulerConfig config =
        SchedulerConfig.from(
            Map.of(
                "asyncz.timezone",
                BERLIN,
                "asyncz.store_retry_interval",
                Duration.ofMillis(2500),
                "asyncz.task_defaults.mistrigger_grace_time",
                0.5,
                "asyncz.task_defaults.coalesce",
                Boolean.FALSE,
                "asyncz.task_defaults.max_instances",
                4L,
                "asyncz.executors.default.type",
                "pool",
                "asyncz.executors.default.max_workers",
                6));
    assertThat(config.timezone()).contains(BERLIN);
    assertThat(config.storeRetryInterval()).contains(Duration.ofMillis(2500));
    assertThat(config.taskDefaults()).isEqualTo(new TaskDefaults(Duration.ofMillis(500), false, 4));
    PoolExecutor pool = (PoolExecutor) config.builder().settings().executors().get("default");
    assertThat(pool.maxWorkers()).isEqualTo(6);
  }

  @Test
  void readsDurationsWrittenInIso8601() {
    SchedulerConfig config =
        SchedulerConfig.from(
            Map.of(
                "asyncz.store_retry_interval", "PT1M",
                "asyncz.task_defaults.mistrigger_grace_time", "PT0.25S"));
    assertThat(config.storeRetryInterval()).contains(Duration.ofMinutes(1));
    assertThat(config.taskDefaults().mistriggerGraceTime()).isEqualTo(Duration.ofMillis(250));
  }

  @ParameterizedTest(name = "grace time {0} means no limit")
  @ValueSource(strings = {"none", "None", " NONE ", "null"})
  void noneMeansNoGraceLimit(String none) {
    SchedulerConfig config =
        SchedulerConfig.from(Map.of("asyncz.task_defaults.mistrigger_grace_time", none));
    assertThat(config.taskDefaults().mistriggerGraceTime()).isNull();
    assertThat(config.hasTaskDefaults()).isTrue();
  }

  @Test
  void aNullGraceTimeMeansNoLimitAsInTheSeed() {
    Map<String, Object> config = new HashMap<>();
    config.put("asyncz.task_defaults.mistrigger_grace_time", null);
    assertThat(SchedulerConfig.from(config).taskDefaults().mistriggerGraceTime()).isNull();
  }

  @Test
  void otherNullValuesCountAsNotGiven() {
    Map<String, Object> config = new HashMap<>();
    config.put("asyncz.timezone", null);
    config.put("asyncz.store_retry_interval", null);
    config.put("asyncz.task_defaults.coalesce", null);
    SchedulerConfig read = SchedulerConfig.from(config);
    assertThat(read.timezone()).isEmpty();
    assertThat(read.storeRetryInterval()).isEmpty();
    assertThat(read.taskDefaults()).isEqualTo(TaskDefaults.DEFAULTS);
    assertThat(read.hasTaskDefaults()).isFalse();
  }

  @Test
  void anEmptyConfigurationGivesTheDefaults() {
    SchedulerConfig config = SchedulerConfig.from(Map.of());
    assertThat(config.timezone()).isEmpty();
    assertThat(config.storeRetryInterval()).isEmpty();
    assertThat(config.lockPath()).isEmpty();
    assertThat(config.taskDefaults()).isEqualTo(TaskDefaults.DEFAULTS);
    assertThat(config.executors()).isEmpty();
    assertThat(config.stores()).isEmpty();
  }

  // ------------------------------------------------------------------ prefix

  @Test
  void ignoresKeysOutsideThePrefix() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("asyncz.timezone", "UTC");
    config.put("server.port", 8080);
    config.put("spring", Map.of("application.name", "demo"));
    config.put("asynczz.timezone", "nonsense");
    config.put("timezone", "nonsense");
    assertThat(SchedulerConfig.from(config).timezone()).contains(ZoneId.of("UTC"));
  }

  @Test
  void readsKeysUnderAnotherPrefix() {
    Properties properties = new Properties();
    properties.setProperty("myapp.scheduler.timezone", "Europe/Berlin");
    properties.setProperty("myapp.scheduler.executors.default.type", "debug");
    properties.setProperty("asyncz.timezone", "nonsense");
    SchedulerConfig config = SchedulerConfig.from(properties, "myapp.scheduler.");
    assertThat(config.timezone()).contains(BERLIN);
    assertThat(config.executors().get("default").key())
        .isEqualTo("myapp.scheduler.executors.default");
    assertThat(config.prefix()).isEqualTo("myapp.scheduler.");
  }

  @ParameterizedTest(name = "prefix \"{0}\" reads every key")
  @ValueSource(strings = {""})
  @org.junit.jupiter.params.provider.NullSource
  void nullOrEmptyPrefixReadsEveryKey(String prefix) {
    SchedulerConfig config =
        SchedulerConfig.from(
            Map.of("timezone", "Europe/Berlin", "task_defaults", Map.of("coalesce", "false")),
            prefix);
    assertThat(config.timezone()).contains(BERLIN);
    assertThat(config.taskDefaults().coalesce()).isFalse();
    assertThatThrownBy(() -> SchedulerConfig.from(Map.of("server.port", 8080), prefix))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "Invalid configuration key: \"server.port\" is not a known key; expected one of"
                + " [timezone, store_retry_interval,");
  }

  @Test
  void errorsNameKeysWithThePrefixInUse() {
    assertThatThrownBy(
            () -> SchedulerConfig.from(Map.of("app.asyncz.timezone", "Mars/Base"), "app.asyncz."))
        .hasMessageStartingWith("Invalid app.asyncz.timezone: \"Mars/Base\" is not a time zone");
  }

  // ------------------------------------------------------------------ unknown keys

  @Test
  void refusesAnUnknownKeyNamingItAndListingTheValidKeys() {
    assertThatThrownBy(() -> SchedulerConfig.from(Map.of("asyncz.max_workers", 4)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid configuration key: \"asyncz.max_workers\" is not a known key; expected one"
                + " of [asyncz.timezone, asyncz.store_retry_interval, asyncz.lock_path,"
                + " asyncz.identity, asyncz.startup_delay, asyncz.logger_name,"
                + " asyncz.heartbeat_stale_after, asyncz.cluster.enabled,"
                + " asyncz.cluster.heartbeat_interval, asyncz.cluster.poll_interval,"
                + " asyncz.cluster.on_node_failure, asyncz.task_defaults.mistrigger_grace_time,"
                + " asyncz.task_defaults.coalesce,"
                + " asyncz.task_defaults.max_instances, asyncz.task_defaults.timeout,"
                + " asyncz.task_defaults.retry.<option>, asyncz.run_history.enabled,"
                + " asyncz.run_history.max_runs_per_task, asyncz.run_history.max_age,"
                + " asyncz.executors.<alias>.type,"
                + " asyncz.executors.<alias>.class, asyncz.executors.<alias>.<option>,"
                + " asyncz.stores.<alias>.type, asyncz.stores.<alias>.class,"
                + " asyncz.stores.<alias>.<option>]");
  }

  @ParameterizedTest(name = "{0} suggests {1}")
  @CsvSource({
    "asyncz.timezon, asyncz.timezone",
    "asyncz.time_zone, asyncz.timezone",
    "asyncz.task_defaults.max_instance, asyncz.task_defaults.max_instances",
    "asyncz.task_defaults.misfire_grace_time, asyncz.task_defaults.mistrigger_grace_time",
    "asyncz.executor.default.type, asyncz.executors.default.type",
    "asyncz.store.default.type, asyncz.stores.default.type",
    "asyncz.storeRetryInterval, asyncz.store_retry_interval",
    "asyncz.store-retry-interval, asyncz.store_retry_interval"
  })
  void suggestsTheKeyMeantByATypo(String typo, String meant) {
    assertThatThrownBy(() -> SchedulerConfig.from(Map.of(typo, "1")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "Invalid configuration key: \""
                + typo
                + "\" is not a known key (did you mean \""
                + meant
                + "\"?); expected one of");
  }

  @ParameterizedTest(name = "{0} is refused")
  @ValueSource(
      strings = {
        "asyncz.timezone.id",
        "asyncz.task_defaults",
        "asyncz.task_defaults.coalesce.really",
        "asyncz.lock_path.x"
      })
  void refusesKnownKeysWithTheWrongShape(String key) {
    assertThatThrownBy(() -> SchedulerConfig.from(Map.of(key, "1")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid configuration key: \"" + key + "\" is not a known key");
  }

  @Test
  void refusesAPluginSectionThatIsAValue() {
    assertThatThrownBy(() -> SchedulerConfig.from(Map.of("asyncz.executors.default", "pool")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid configuration key: \"asyncz.executors.default\" is not a setting; expected"
                + " asyncz.executors.<alias>.type (or .class) and"
                + " asyncz.executors.<alias>.<option>");
  }

  @Test
  void refusesAKeyGivenBothDottedAndInANestedMap() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("asyncz.timezone", "UTC");
    config.put("asyncz", Map.of("timezone", "Europe/Berlin"));
    assertThatThrownBy(() -> SchedulerConfig.from(config))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid configuration key: \"asyncz.timezone\" is given twice (as a dotted key and"
                + " inside a nested map); give it once");
  }

  // ------------------------------------------------------------------ invalid values

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "asyncz.timezone | Mars/Base | Invalid asyncz.timezone: \"Mars/Base\" is not a time zone",
        "asyncz.store_retry_interval | soon | Invalid asyncz.store_retry_interval: \"soon\" is not"
            + " a number of seconds",
        "asyncz.store_retry_interval | 0 | Invalid asyncz.store_retry_interval: \"0\" is not"
            + " positive",
        "asyncz.task_defaults.mistrigger_grace_time | -1 | Invalid"
            + " asyncz.task_defaults.mistrigger_grace_time: \"-1\" is not positive",
        "asyncz.task_defaults.mistrigger_grace_time | '' | Invalid"
            + " asyncz.task_defaults.mistrigger_grace_time: \"\" is blank",
        "asyncz.task_defaults.coalesce | yes | Invalid asyncz.task_defaults.coalesce: \"yes\" is"
            + " not a boolean; expected true or false",
        "asyncz.task_defaults.max_instances | 0 | Invalid asyncz.task_defaults.max_instances: \"0\""
            + " is not 1 or more",
        "asyncz.task_defaults.max_instances | two | Invalid asyncz.task_defaults.max_instances:"
            + " \"two\" is not a whole number",
        "asyncz.lock_path | ' ' | Invalid asyncz.lock_path: \" \" is blank"
      })
  void refusesAnInvalidValueNamingTheFullKey(String key, String value, String message) {
    assertThatThrownBy(() -> SchedulerConfig.from(Map.of(key, value)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(message);
  }

  // ------------------------------------------------------------------ executors and stores

  @Test
  void createsTheConfiguredExecutorsAndStores() {
    SchedulerSettings settings = SchedulerConfig.from(everyKey()).builder().settings();
    assertThat(settings.executors().keySet()).containsExactly("default", "io");
    assertThat(settings.executors().get("default")).isInstanceOf(PoolExecutor.class);
    assertThat(((PoolExecutor) settings.executors().get("default")).maxWorkers()).isEqualTo(20);
    assertThat(settings.executors().get("io")).isInstanceOf(AsyncExecutor.class);
    assertThat(settings.stores().keySet()).containsExactly("default", "audit");
    assertThat(settings.stores().get("default")).isInstanceOf(MemoryStore.class);
    assertThat(((RecordingStore) settings.stores().get("audit")).label()).isEqualTo("audit");
  }

  @Test
  void appliesEveryKeyToTheSettings() {
    SchedulerSettings settings = SchedulerConfig.from(everyKey()).builder().settings();
    assertThat(settings.timezone()).isEqualTo(BERLIN);
    assertThat(settings.storeRetryInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.taskDefaults())
        .isEqualTo(new TaskDefaults(Duration.ofSeconds(60), false, 3));
  }

  @Test
  void eachApplicationCreatesNewExecutorsAndStores() {
    SchedulerConfig config = SchedulerConfig.from(everyKey());
    SchedulerSettings a = config.builder().settings();
    SchedulerSettings b = config.builder().settings();
    assertThat(a.executors().get("default")).isNotSameAs(b.executors().get("default"));
    assertThat(a.stores().get("default")).isNotSameAs(b.stores().get("default"));
  }

  @Test
  void taskDefaultsGivenOverrideOnlyThoseOfTheBuilder() {
    SchedulerSettings.Builder builder =
        Scheduler.builder().taskDefaults(new TaskDefaults(Duration.ofSeconds(5), true, 2));
    SchedulerConfig.from(Map.of("asyncz.task_defaults.coalesce", "false")).applyTo(builder);
    assertThat(builder.settings().taskDefaults())
        .isEqualTo(new TaskDefaults(Duration.ofSeconds(5), false, 2));
  }

  @Test
  void keysNotGivenLeaveTheBuilderAsItIs() {
    SchedulerSettings.Builder builder =
        Scheduler.builder()
            .timezone(BERLIN)
            .taskDefaults(new TaskDefaults(null, false, 7))
            .storeRetryInterval(Duration.ofSeconds(3));
    SchedulerConfig.from(Map.of()).applyTo(builder);
    SchedulerSettings settings = builder.settings();
    assertThat(settings.timezone()).isEqualTo(BERLIN);
    assertThat(settings.taskDefaults()).isEqualTo(new TaskDefaults(null, false, 7));
    assertThat(settings.storeRetryInterval()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void refusesAnAliasTheBuilderAlreadyHas() {
    SchedulerSettings.Builder builder =
        Scheduler.builder().executor("default", new InlineExecutor());
    SchedulerConfig config = SchedulerConfig.from(Map.of("asyncz.executors.default.type", "pool"));
    assertThatThrownBy(() -> config.applyTo(builder))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Invalid executor alias: \"default\" is given twice");
  }

  @Test
  void buildsASchedulerWithTheConfiguration() {
    ThreadScheduler scheduler = SchedulerConfig.from(everyKey()).build();
    assertThat(scheduler.timezone()).isEqualTo(BERLIN);
    assertThat(scheduler.taskDefaults().maxInstances()).isEqualTo(3);
    assertThat(scheduler.lookupExecutor("io")).isInstanceOf(AsyncExecutor.class);
    assertThat(scheduler.lookupStore("audit")).isInstanceOf(RecordingStore.class);
  }

  @Test
  void refusesAnUnknownTypeNamingTheKeyAndListingTheAliases() {
    assertThatThrownBy(
            () -> SchedulerConfig.from(Map.of("asyncz.executors.default.type", "threadpol")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid asyncz.executors.default.type: \"threadpol\" is not a known executor;"
                + " expected one of [async, asyncio, counting, debug, inline, pool, threadpool]");
    assertThatThrownBy(() -> SchedulerConfig.from(Map.of("asyncz.stores.default.type", "memroy")))
        .hasMessage(
            "Invalid asyncz.stores.default.type: \"memroy\" is not a known store; expected one of"
                + " [memory, recording]");
  }

  @Test
  void aTypeFromAModuleNotOnTheClassPathNamesTheModule() {
    assertThatThrownBy(
            () ->
                SchedulerConfig.from(
                    Map.of(
                        "asyncz.executors.cpu.type", "processpool",
                        "asyncz.executors.cpu.max_workers", "4")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "Invalid asyncz.executors.cpu.type: \"processpool\" is provided by the"
                + " asyncz-process module (io.asyncz:asyncz-process)");
    assertThatThrownBy(() -> SchedulerConfig.from(Map.of("asyncz.stores.db.type", "sqlalchemy")))
        .hasMessageStartingWith(
            "Invalid asyncz.stores.db.type: \"sqlalchemy\" is provided by the asyncz-jdbc module");
  }

  @Test
  void refusesAnUnknownOptionNamingTheFullKey() {
    assertThatThrownBy(
            () ->
                SchedulerConfig.from(
                    Map.of(
                        "asyncz.executors.default.type", "threadpool",
                        "asyncz.executors.default.max_worker", "4")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid configuration key: \"asyncz.executors.default.max_worker\" is not an option"
                + " of the threadpool executor; expected one of"
                + " [asyncz.executors.default.max_workers]");
  }

  @Test
  void refusesAnInvalidOptionValueNamingTheFullKeyWhenCreating() {
    SchedulerConfig config =
        SchedulerConfig.from(
            Map.of(
                "asyncz.executors.default.type", "threadpool",
                "asyncz.executors.default.max_workers", "many"));
    assertThatThrownBy(config::builder)
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Invalid asyncz.executors.default.max_workers: \"many\" is not a whole number");
  }

  @Test
  void refusesASectionWithoutTypeOrClass() {
    assertThatThrownBy(
            () -> SchedulerConfig.from(Map.of("asyncz.executors.default.max_workers", "4")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid configuration key: \"asyncz.executors.default\" has no type; set"
                + " asyncz.executors.default.type to one of [async, asyncio, counting, debug,"
                + " inline, pool, threadpool] or asyncz.executors.default.class to a"
                + " io.asyncz.executor.TaskExecutor class");
  }

  @Test
  void refusesTypeAndClassTogether() {
    assertThatThrownBy(
            () ->
                SchedulerConfig.from(
                    Map.of(
                        "asyncz.stores.default.type",
                        "memory",
                        "asyncz.stores.default.class",
                        CustomStore.class.getName())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid configuration key: \"asyncz.stores.default.class\" is given with"
                + " asyncz.stores.default.type; give a type or a class, not both");
  }

  @Test
  void refusesAnEmptyAlias() {
    assertThatThrownBy(() -> SchedulerConfig.from(Map.of("asyncz.stores..type", "memory")))
        .hasMessage("Invalid configuration key: \"asyncz.stores..type\" has an empty alias");
  }

  @Test
  void refusesAnAliasWithATrailingSpaceInsteadOfLeavingTasksInTheDefaultStore() {
    Map<String, Object> yaml =
        Map.of("asyncz", Map.of("stores", Map.of("default ", Map.of("type", "memory"))));
    assertThatThrownBy(() -> SchedulerConfig.from(yaml))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid store alias in asyncz.stores.default .type: \"default \" has a space at index"
                + " 7; an alias is 1 to 64 ASCII letters, digits, '_' and '-', not starting with"
                + " '-' ([A-Za-z0-9_][A-Za-z0-9_-]*): no spaces, dots or path separators");
  }

  @ParameterizedTest
  @CsvSource({
    "asyncz.stores.a/b.type, memory, store alias in asyncz.stores.a/b.type: \"a/b\"",
    "asyncz.executors.io pool.type, asyncio, executor alias in asyncz.executors.io pool.type:"
        + " \"io pool\"",
    "asyncz.executors.x:y.max_workers, 4, executor alias in asyncz.executors.x:y.max_workers:"
        + " \"x:y\""
  })
  void refusesAnAliasOutsideTheRulesNamingTheKey(String key, String value, String message) {
    assertThatThrownBy(() -> SchedulerConfig.from(Map.of(key, value)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid " + message + " has ");
  }

  @Test
  void nestedOptionsReachThePluginAsMaps() {
    Properties properties = new Properties();
    properties.setProperty("asyncz.stores.audit.type", "recording");
    properties.setProperty("asyncz.stores.audit.settings.user", "ops");
    properties.setProperty("asyncz.stores.audit.settings.pool.size", "3");
    SchedulerConfig config = SchedulerConfig.from(properties);
    assertThat(config.stores().get("audit").options())
        .isEqualTo(Map.of("settings", Map.of("user", "ops", "pool", Map.of("size", "3"))));
    RecordingStore store = (RecordingStore) config.builder().settings().stores().get("audit");
    assertThat(store.options()).isEqualTo(config.stores().get("audit").options());
  }

  @Test
  void refusesAnOptionThatIsBothAValueAndASection() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("asyncz.stores.audit.type", "recording");
    config.put("asyncz.stores.audit.settings", "plain");
    config.put("asyncz.stores.audit.settings.user", "ops");
    assertThatThrownBy(() -> SchedulerConfig.from(config))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid configuration key: \"asyncz.stores.audit.settings.user\" is inside an option"
                + " that already has a value");
  }

  // ------------------------------------------------------------------ classes

  @Test
  void createsAStoreNamedByClass() {
    SchedulerConfig config =
        SchedulerConfig.from(Map.of("asyncz.stores.custom.class", CustomStore.class.getName()));
    assertThat(config.stores().get("custom").className()).isEqualTo(CustomStore.class.getName());
    TaskStore store = config.builder().settings().stores().get("custom");
    assertThat(store).isExactlyInstanceOf(CustomStore.class);
  }

  @Test
  void createsAnExecutorNamedByClassOrByClassObject() {
    SchedulerSettings settings =
        SchedulerConfig.from(
                Map.of(
                    "asyncz.executors.a.class",
                    "io.asyncz.executor.InlineExecutor",
                    "asyncz.executors.b.class",
                    AsyncExecutor.class))
            .builder()
            .settings();
    assertThat(settings.executors().get("a")).isInstanceOf(InlineExecutor.class);
    assertThat(settings.executors().get("b")).isInstanceOf(AsyncExecutor.class);
  }

  @Test
  void refusesAClassThatIsNotAStoreWithoutInitializingIt() {
    assertThatThrownBy(
            () -> SchedulerConfig.from(Map.of("asyncz.stores.x.class", NotAStore.class.getName())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid asyncz.stores.x.class: \"io.asyncz.config.NotAStore\" does not implement"
                + " io.asyncz.store.TaskStore; configuration may only name TaskStore classes");
    assertThat(NotAStore.Initializations.NOT_A_STORE).isFalse();
  }

  @Test
  void refusesAStoreClassAsAnExecutor() {
    assertThatThrownBy(
            () ->
                SchedulerConfig.from(
                    Map.of("asyncz.executors.x.class", CustomStore.class.getName())))
        .hasMessageEndingWith(
            "does not implement io.asyncz.executor.TaskExecutor; configuration may only name"
                + " TaskExecutor classes");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "com.example.Missing | names no class on the class path; expected a"
            + " io.asyncz.store.TaskStore",
        "io.asyncz.config.CustomStore$NeedsArgument | has no public no-argument constructor; use a"
            + " type with options",
        "io.asyncz.config.CustomStore$Abstract | is abstract; expected a concrete class",
        "io.asyncz.config.CustomStore$Hidden | is not public; expected a public class",
        "io.asyncz.store.TaskStore | is abstract; expected a concrete class"
      })
  void refusesAClassThatCannotBeCreated(String className, String expectation) {
    assertThatThrownBy(() -> SchedulerConfig.from(Map.of("asyncz.stores.x.class", className)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Invalid asyncz.stores.x.class: \"" + className + "\" " + expectation);
  }

  @Test
  void reportsAClassWhoseConstructorFails() {
    SchedulerConfig config =
        SchedulerConfig.from(Map.of("asyncz.stores.x.class", CustomStore.Failing.class.getName()));
    assertThatThrownBy(config::builder)
        .isInstanceOf(AsynczException.class)
        .hasMessageContaining("failed in its constructor: java.lang.IllegalStateException: no disk")
        .hasRootCauseMessage("no disk");
  }

  @Test
  void refusesOptionsGivenWithAClass() {
    assertThatThrownBy(
            () ->
                SchedulerConfig.from(
                    Map.of(
                        "asyncz.stores.x.class",
                        CustomStore.class.getName(),
                        "asyncz.stores.x.path",
                        "/tmp")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid configuration key: \"asyncz.stores.x.path\" is an option given with"
                + " asyncz.stores.x.class; a class is created with its no-argument constructor,"
                + " only a type takes options");
  }

  @Test
  void listsItsKeys() {
    assertThat(SchedulerConfig.keys())
        .contains(
            "timezone",
            "identity",
            "startup_delay",
            "logger_name",
            "heartbeat_stale_after",
            "task_defaults.max_instances",
            "task_defaults.timeout",
            "task_defaults.retry.<option>",
            "stores.<alias>.type",
            "cluster.enabled",
            "cluster.on_node_failure",
            "run_history.enabled",
            "run_history.max_runs_per_task",
            "run_history.max_age")
        .hasSize(25);
  }

  @Test
  void readsRetryAndTimeoutDefaultsAndRefusesABadOneNamingItsKey() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("asyncz.task_defaults.timeout", "PT2M");
    config.put("asyncz.task_defaults.retry.max_retries", 4);
    config.put("asyncz.task_defaults.retry.delay", "2.5");
    config.put("asyncz.task_defaults.retry.retry_on", "java.io.IOException, java.sql.SQLException");
    config.put("asyncz.task_defaults.retry.keep_slot", "true");
    io.asyncz.task.TaskDefaults defaults = SchedulerConfig.from(config).taskDefaults();
    assertThat(defaults.timeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(defaults.retry().maxRetries()).isEqualTo(4);
    assertThat(defaults.retry().delay()).isEqualTo(Duration.ofMillis(2500));
    assertThat(defaults.retry().retryOn())
        .containsExactly("java.io.IOException", "java.sql.SQLException");
    assertThat(defaults.retry().keepSlot()).isTrue();

    assertThatThrownBy(
            () -> SchedulerConfig.from(Map.of("asyncz.task_defaults.retry.max_retries", "0")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid asyncz.task_defaults.retry.max_retries: \"0\" is not positive; expected 1 or"
                + " more");
    assertThatThrownBy(() -> SchedulerConfig.from(Map.of("asyncz.task_defaults.retry.delay", "5")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("asyncz.task_defaults.retry.max_retries")
        .hasMessageContaining("is missing");
    assertThatThrownBy(
            () -> SchedulerConfig.from(Map.of("asyncz.task_defaults.retry.backof", "fixed")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("asyncz.task_defaults.retry.backof")
        .hasMessageContaining("max_retries");
    assertThatThrownBy(
            () ->
                SchedulerConfig.from(
                    Map.of(
                        "asyncz.task_defaults.retry.max_retries", "2",
                        "asyncz.task_defaults.retry.backoff", "linear")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid asyncz.task_defaults.retry.backoff: \"linear\" expected \"fixed\" or"
                + " \"exponential\"");
  }

  @Test
  void describesWhatItRead() {
    assertThat(SchedulerConfig.from(Map.of("asyncz.timezone", "UTC")).toString())
        .isEqualTo("SchedulerConfig[prefix=asyncz., timezone=UTC, executors=[], stores=[]]");
  }

  @Test
  void executorsKeepTheirOrderOfReading() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("asyncz.executors.z.type", "debug");
    config.put("asyncz.executors.a.type", "debug");
    config.put("asyncz.executors.m.type", "debug");
    List<String> aliases = List.copyOf(SchedulerConfig.from(config).executors().keySet());
    assertThat(aliases).containsExactly("z", "a", "m");
    Map<String, TaskExecutor> created =
        SchedulerConfig.from(config).builder().settings().executors();
    assertThat(created.keySet()).containsExactly("z", "a", "m");
  }
}
