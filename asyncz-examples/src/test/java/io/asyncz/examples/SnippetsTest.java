package io.asyncz.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.asyncz.config.PluginConfig;
import io.asyncz.config.SchedulerConfig;
import io.asyncz.examples.SchedulerSnippets.Alerts;
import io.asyncz.examples.SchedulerSnippets.Invoice;
import io.asyncz.examples.SchedulerSnippets.Poller;
import io.asyncz.examples.SchedulerSnippets.Reports;
import io.asyncz.persistence.FileStore;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.task.Task;
import io.asyncz.task.TaskDefaults;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docs' code does what the docs say when it runs, not only when it compiles. */
class SnippetsTest {
  private static final Invoice INVOICE =
      new Invoice("inv-1", "ACME", new BigDecimal("120.50"), Instant.parse("2099-01-01T09:00:00Z"));

  @Test
  void theReadmesTasksRunAndItsTypedTaskIsKeptInTheDatabase(@TempDir Path database)
      throws IOException {
    Poller poller = new Poller();

    SchedulerSnippets.readme(new Reports(), poller, new Alerts(), INVOICE, database);

    assertThat(poller.polls).as("runTask(\"poll\") ran it before shutdown returned").hasValue(1);
    try (Stream<Path> files = Files.list(database)) {
      assertThat(files.filter(f -> f.toString().endsWith(".task")).toList())
          .singleElement()
          .satisfies(f -> assertThat(Files.readString(f)).contains("billing.remind", "inv-1"));
    }
  }

  @Test
  void theSchedulerDocsTasksAndBatchLeaveTheReportAndTheReminders(@TempDir Path database) {
    Invoice second =
        new Invoice(
            "inv-2", "Initech", new BigDecimal("80"), Instant.parse("2099-02-01T09:00:00Z"));
    try (ThreadScheduler scheduler =
        Scheduler.builder().store("db", new FileStore(database)).build()) {
      scheduler.start();

      SchedulerSnippets.tasks(scheduler, new Reports(), new Poller(), new Alerts(), INVOICE);
      List<Task> batch = SchedulerSnippets.batch(scheduler, List.of(second));

      assertThat(scheduler.getTask("poll")).isEmpty();
      assertThat(scheduler.getTask("report")).get().extracting(Task::maxInstances).isEqualTo(3);
      assertThat(batch)
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.id()).isEqualTo("remind-inv-2");
                assertThat(t.reference()).contains("billing.remind");
                assertThat(t.nextRunTime()).contains(second.due());
              });
      assertThat(scheduler.getTasks("db")).hasSize(2);
    }
  }

  @Test
  void theConfigurationDocsYamlGivesTheKeysItShows() throws IOException {
    Path doc = DocSnippets.repositoryRoot().resolve("docs/configuration.md");
    String yaml =
        String.join(
            "\n",
            DocSnippets.blocks("configuration.md", Files.readAllLines(doc), "yaml").get(0).lines());

    SchedulerConfig config = ConfigurationSnippets.fromYaml(new StringReader(yaml));

    assertThat(config.timezone()).contains(ZoneId.of("Europe/Berlin"));
    assertThat(config.taskDefaults()).isEqualTo(new TaskDefaults(null, true, 3));
    assertThat(config.executors().get("default"))
        .extracting(PluginConfig::type, PluginConfig::options)
        .containsExactly("threadpool", Map.of("max_workers", "20"));
    assertThat(config.stores().get("default")).extracting(PluginConfig::type).isEqualTo("memory");
  }

  @Test
  void theExecutorAliasesAreTheOnesTheConfigurationDocsList() {
    assertThat(ConfigurationSnippets.lookups())
        // The built-in aliases, and those of asyncz-process, which this module has on its class
        // path.
        .containsExactlyInAnyOrder(
            "async",
            "asyncio",
            "debug",
            "inline",
            "pool",
            "threadpool",
            "processpool",
            "process_pool");
  }

  @Test
  void registeringTheAnnotatedBeanAddsEachAnnotationAndTheClassItsStaticMethods() {
    try (ThreadScheduler scheduler = Scheduler.create()) {
      List<Task> added = ConfigurationSnippets.register(scheduler);

      assertThat(added).hasSize(6);
      assertThat(added)
          .extracting(Task::id)
          .contains("nightly-report", "cleanup")
          .anySatisfy(id -> assertThat(id).endsWith("Reports::sweep"))
          .anySatisfy(id -> assertThat(id).endsWith("Reports::digest#2"));
    }
  }

  @Test
  void theComparisonTablesCodeRunsOnAStartedScheduler() {
    assertThatCode(() -> ApiTour.main(new String[0])).doesNotThrowAnyException();
  }

  @Test
  void everyTriggerOfTheTriggerDocsAnswersItsQuestions() {
    assertThatCode(() -> TriggerSnippets.main(new String[0])).doesNotThrowAnyException();
  }
}
