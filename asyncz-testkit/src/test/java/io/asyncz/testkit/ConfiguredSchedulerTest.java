package io.asyncz.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.config.SchedulerConfig;
import io.asyncz.executor.InlineExecutor;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.ScheduledTask;
import io.asyncz.task.Task;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** A scheduler set up from configuration, stepped on virtual time. */
class ConfiguredSchedulerTest {
  private static final Instant START = Instant.parse("2026-01-05T00:00:00Z");

  static final class Jobs {
    final MutableClock clock;
    final List<Instant> nightly = new ArrayList<>();
    final List<Instant> archived = new ArrayList<>();

    Jobs(MutableClock clock) {
      this.clock = clock;
    }

    @ScheduledTask(trigger = "cron", options = "hour=3", id = "nightly")
    void nightly() {
      nightly.add(clock.instant());
    }

    @ScheduledTask(
        trigger = "interval",
        options = "hours=12",
        id = "archive",
        executor = "background",
        store = "archive")
    void archive() {
      archived.add(clock.instant());
    }
  }

  private static Properties properties() {
    Properties p = new Properties();
    p.setProperty("asyncz.timezone", "Europe/Berlin");
    p.setProperty("asyncz.task_defaults.coalesce", "false");
    p.setProperty("asyncz.task_defaults.max_instances", "2");
    p.setProperty("asyncz.task_defaults.mistrigger_grace_time", "none");
    p.setProperty("asyncz.executors.default.type", "debug");
    p.setProperty("asyncz.executors.background.type", "inline");
    p.setProperty("asyncz.stores.default.type", "memory");
    p.setProperty("asyncz.stores.archive.type", "memory");
    p.setProperty("unrelated.key", "ignored");
    return p;
  }

  @Test
  void tasksRunWithTheConfiguredZoneDefaultsExecutorsAndStores() {
    MutableClock clock = MutableClock.at(START);
    ManualScheduler scheduler =
        ManualScheduler.with(SchedulerConfig.from(properties()).builder(), clock);
    assertThat(scheduler.timezone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(scheduler.lookupExecutor("default")).isInstanceOf(InlineExecutor.class);
    assertThat(scheduler.lookupStore("archive")).isInstanceOf(MemoryStore.class);
    scheduler.start();

    Jobs jobs = new Jobs(clock);
    List<Task> tasks = scheduler.register(jobs);
    for (Task task : tasks) {
      assertThat(task.coalesce()).isFalse();
      assertThat(task.maxInstances()).isEqualTo(2);
      assertThat(task.mistriggerGraceTime()).isEmpty();
    }
    assertThat(scheduler.getTasks("archive")).extracting(Task::id).containsExactly("archive");

    scheduler.advance(Duration.ofDays(2));
    // 03:00 in Berlin is 02:00 UTC in winter.
    assertThat(jobs.nightly)
        .containsExactly(
            Instant.parse("2026-01-05T02:00:00Z"), Instant.parse("2026-01-06T02:00:00Z"));
    assertThat(jobs.archived).hasSize(4);
  }
}
