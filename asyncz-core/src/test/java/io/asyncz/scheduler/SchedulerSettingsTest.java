package io.asyncz.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.executor.InlineExecutor;
import io.asyncz.executor.TaskExecutor;
import io.asyncz.store.MemoryStore;
import io.asyncz.store.TaskStore;
import io.asyncz.task.TaskDefaults;
import io.asyncz.task.TaskRegistry;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Store and executor aliases given to the settings follow the alias rules. */
class SchedulerSettingsTest {

  @Test
  void aTrailingSpaceInTheDefaultStoreAliasIsRefusedNotSilentlyIgnored() {
    assertThatThrownBy(() -> Scheduler.builder().store("default ", new MemoryStore()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "Invalid store alias: \"default \" has a space at index 7; an alias is 1 to 64 ASCII"
                + " letters");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../../etc/cron.d/x", "a/b", "/tmp", "x\\y", ".."})
  void aStoreAliasCannotPlaceTheLockFileElsewhere(String alias) {
    assertThatThrownBy(
            () ->
                Scheduler.builder()
                    .lockPath("/var/lock/asyncz-{store}.lock")
                    .store(alias, new MemoryStore()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid store alias: \"" + alias + "\" has ");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "default ",
        "",
        "io pool",
        "a.b",
        "sixty-five-characters-is-one-more-than-the-limit-of-sixty-four-xx"
      })
  void refusesAnExecutorAliasOutsideTheRules(String alias) {
    assertThatThrownBy(() -> Scheduler.builder().executor(alias, new InlineExecutor()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid executor alias: \"" + alias + "\" ")
        .hasMessageContaining("[A-Za-z0-9_][A-Za-z0-9_-]*");
  }

  @Test
  void theSettingsRecordChecksTheAliasesOfItsMaps() {
    Map<String, TaskStore> stores = Map.of("a/b", new MemoryStore());
    Map<String, TaskExecutor> executors = Map.of("x y", new InlineExecutor());
    assertThatThrownBy(() -> settings(Map.of(), stores))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid store alias: \"a/b\"");
    assertThatThrownBy(() -> settings(executors, Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid executor alias: \"x y\"");
  }

  @Test
  void acceptsAliasesInTheRules() {
    SchedulerSettings settings =
        Scheduler.builder()
            .store("archive-eu_2", new MemoryStore())
            .executor("io", new InlineExecutor())
            .settings();
    assertThat(settings.stores()).containsOnlyKeys("archive-eu_2");
    assertThat(settings.executors()).containsOnlyKeys("io");
  }

  private static SchedulerSettings settings(
      Map<String, TaskExecutor> executors, Map<String, TaskStore> stores) {
    return new SchedulerSettings(
        Clock.systemUTC(),
        ZoneOffset.UTC,
        TaskDefaults.DEFAULTS,
        new TaskRegistry(),
        SchedulerSettings.DEFAULT_STORE_RETRY_INTERVAL,
        executors,
        stores,
        null,
        null,
        null,
        null,
        SchedulerSettings.DEFAULT_HEARTBEAT_STALE_AFTER);
  }
}
