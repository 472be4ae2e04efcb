package io.asyncz.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncz.jdbc.PostgresServer;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.store.TaskStore;
import io.asyncz.store.TaskStores;
import io.asyncz.task.TaskRegistry;
import io.asyncz.trigger.ShutdownTrigger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every task command, against the file store, SQLite and PostgreSQL (a server of its own). */
class TaskCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static PostgresServer postgres;
  private static int databases;

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
      postgres = null;
    }
  }

  /** A new, empty database on the class's PostgreSQL server, started on first use. */
  private static String postgresDatabase() throws Exception {
    if (postgres == null) {
      postgres = PostgresServer.start();
    }
    String name = "cli" + (++databases);
    try (Connection c = DriverManager.getConnection(postgres.url("postgres"));
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    return postgres.url(name);
  }

  @TempDir Path dir;

  private Cli cli;
  private String store;

  private void open(String kind) throws Exception {
    cli = new Cli(dir);
    store =
        switch (kind) {
          case "file" -> "file:tasks";
          case "sqlite" -> "jdbc:sqlite:tasks.db";
          default -> postgresDatabase();
        };
  }

  private Cli.Result run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--store");
    all.add(store);
    return cli.run(all.toArray(String[]::new));
  }

  private static JsonNode json(Cli.Result r) throws Exception {
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode doc = JSON.readTree(r.out());
    assertThat(doc.get("schema").asText()).isEqualTo("asyncz.cli/v1");
    return doc;
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "sqlite", "postgres"})
  void addsListsInspectsAndPreviewsATask(String kind) throws Exception {
    open(kind);
    Cli.Result added =
        run(
            "add",
            "echo",
            "--every",
            "10m",
            "--id",
            "report",
            "--name",
            "Report",
            "--args",
            "[\"hi\", 2]");
    assertThat(added.code()).as(added.err()).isZero();
    assertThat(added.out()).contains("Added task 'report' (Report");

    JsonNode list = json(run("list", "--json"));
    assertThat(list.get("tasks")).hasSize(1);
    JsonNode task = list.get("tasks").get(0);
    assertThat(task.get("id").asText()).isEqualTo("report");
    assertThat(task.get("name").asText()).isEqualTo("Report");
    assertThat(task.get("function").asText()).isEqualTo("echo");
    assertThat(task.get("trigger_type").asText()).isEqualTo("interval");
    assertThat(task.get("state").asText()).isEqualTo("scheduled");
    assertThat(task.get("next_run_time").asText()).isEqualTo("2030-01-15T10:10:00Z");
    assertThat(task.get("args").toString()).isEqualTo("[\"hi\",2]");

    JsonNode inspected = json(run("inspect", "report", "--json")).get("task");
    assertThat(inspected).isEqualTo(task);
    assertThat(run("inspect", "report").out())
        .contains("next_run_time:         2030-01-15 10:10:00 +00:00");

    JsonNode preview = json(run("preview", "report", "--count", "3", "--json"));
    assertThat(preview.get("run_times").toString())
        .isEqualTo("[\"2030-01-15T10:10:00Z\",\"2030-01-15T10:20:00Z\",\"2030-01-15T10:30:00Z\"]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "sqlite", "postgres"})
  void pausesResumesAndFiltersByState(String kind) throws Exception {
    open(kind);
    run("add", "echo", "--cron", "0 3 * * *", "--id", "nightly");
    run("add", "echo", "--every", "5s", "--id", "often", "--paused");

    assertThat(run("pause", "nightly").out()).contains("Paused task 'nightly'");
    JsonNode paused = json(run("list", "--state", "paused", "--json"));
    assertThat(paused.get("tasks").findValuesAsText("id"))
        .containsExactlyInAnyOrder("nightly", "often");

    assertThat(run("resume", "nightly").out()).contains("Resumed task 'nightly'");
    JsonNode scheduled = json(run("list", "--state", "scheduled", "--json"));
    assertThat(scheduled.get("tasks").findValuesAsText("id")).containsExactly("nightly");
    assertThat(scheduled.get("tasks").get(0).get("next_run_time").asText())
        .isEqualTo("2030-01-16T03:00:00Z");

    JsonNode byTrigger = json(run("list", "--trigger", "cron", "--json"));
    assertThat(byTrigger.get("tasks").findValuesAsText("id")).containsExactly("nightly");
    JsonNode byText = json(run("list", "--query", "oft", "--json"));
    assertThat(byText.get("tasks").findValuesAsText("id")).containsExactly("often");
    JsonNode sorted = json(run("list", "--sort-by", "id", "--desc", "--json"));
    assertThat(sorted.get("tasks").findValuesAsText("id")).containsExactly("often", "nightly");
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "sqlite", "postgres"})
  void removesOnlyWhenConfirmed(String kind) throws Exception {
    open(kind);
    run("add", "echo", "--every", "1h", "--id", "a");

    Cli.Result unanswered = run("remove", "a");
    assertThat(unanswered.code()).isEqualTo(2);
    assertThat(unanswered.err()).contains("pass --yes");
    cli.stdin("n\n");
    assertThat(run("remove", "a").code()).isEqualTo(1);
    assertThat(json(run("list", "--json")).get("tasks")).hasSize(1);

    cli.stdin("y\n");
    Cli.Result removed = run("remove", "a");
    assertThat(removed.code()).isZero();
    assertThat(removed.err()).contains("Remove task 'a'");
    assertThat(json(run("list", "--json")).get("tasks")).isEmpty();

    run("add", "echo", "--every", "1h", "--id", "b");
    assertThat(run("remove", "b", "--yes").out()).contains("Removed task 'b'");
    assertThat(run("remove", "b", "--yes").code()).isEqualTo(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "sqlite", "postgres"})
  void updatesShowsTheDiffAndDryRunChangesNothing(String kind) throws Exception {
    open(kind);
    run("add", "echo", "--every", "1h", "--id", "u", "--name", "Old");

    Cli.Result dry = run("update", "u", "--name", "New", "--max-instances", "3", "--dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out())
        .contains("  name: Old -> New")
        .contains("  max_instances: 1 -> 3")
        .contains("Dry run: nothing changed.");
    assertThat(json(run("inspect", "u", "--json")).get("task").get("name").asText())
        .isEqualTo("Old");

    JsonNode changed =
        json(run("update", "u", "--name", "New", "--cron", "30 6 * * *", "--yes", "--json"));
    assertThat(changed.get("changes").findValuesAsText("field")).containsExactly("name", "trigger");
    assertThat(changed.get("task").get("name").asText()).isEqualTo("New");
    assertThat(changed.get("task").get("next_run_time").asText()).isEqualTo("2030-01-16T06:30:00Z");

    assertThat(run("update", "u").code()).isEqualTo(2);
    assertThat(run("update", "nope", "--name", "x", "--yes").code()).isEqualTo(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "sqlite", "postgres"})
  void runsATaskNowAndReportsTheOutcome(String kind) throws Exception {
    open(kind);
    run("add", "echo", "--every", "1h", "--id", "r", "--args", "[\"ran\"]");

    JsonNode ran = json(run("run", "r", "--json"));
    assertThat(ran.get("outcome").asText()).isEqualTo("TASK_EXECUTED");
    assertThat(ran.get("return_value").asText()).isEqualTo("ran");
    assertThat(run("run", "missing").code()).isEqualTo(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "sqlite", "postgres"})
  void statusAndDoctorDescribeTheStore(String kind) throws Exception {
    open(kind);
    run("add", "echo", "--every", "1h", "--id", "s");
    run("add", "echo", "--every", "1h", "--id", "t", "--paused");

    JsonNode status = json(run("status", "--json"));
    JsonNode storeStatus = status.get("stores").get(0);
    assertThat(storeStatus.get("alias").asText()).isEqualTo("default");
    assertThat(storeStatus.get("tasks").asInt()).isEqualTo(2);
    assertThat(storeStatus.get("paused").asInt()).isEqualTo(1);
    assertThat(storeStatus.get("quarantined").asInt()).isZero();

    Cli.Result doctor = run("doctor");
    assertThat(doctor.code()).as(doctor.out()).isZero();
    assertThat(doctor.out()).contains("Healthy.");
    Cli.Result strict = run("doctor", "--strict", "--json");
    assertThat(strict.code()).isEqualTo(1); // no encryption key: a warning, a problem when strict
    assertThat(JSON.readTree(strict.out()).get("healthy").asBoolean()).isFalse();
    cli.env("ASYNCZ_STORE_ENCRYPTION_KEY", "set");
    assertThat(json(run("instances", "--json")).get("instances")).hasSize(1);
    assertThat(json(run("quarantine", "list", "--json")).get("records")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "sqlite", "postgres"})
  void refusesATakenIdWithExitCodeFour(String kind) throws Exception {
    open(kind);
    run("add", "echo", "--every", "1h", "--id", "dup");
    Cli.Result again = run("add", "echo", "--every", "1h", "--id", "dup");
    assertThat(again.code()).isEqualTo(4);
    assertThat(again.err()).contains("\"dup\" exists already");
    assertThat(run("add", "echo", "--every", "2h", "--id", "dup", "--replace").code()).isZero();
  }

  @org.junit.jupiter.api.Test
  void theDefaultStoreIsOneSqliteFileCreatedOnFirstUse() throws Exception {
    cli = new Cli(dir).env("ASYNCZ_HOME", "home");
    assertThat(cli.run("add", "echo", "--every", "1h", "--id", "d").code()).isZero();
    assertThat(Files.exists(dir.resolve("home/asyncz.db"))).isTrue();
    JsonNode list = JSON.readTree(cli.run("list", "--json").out());
    assertThat(list.get("tasks").findValuesAsText("id")).containsExactly("d");
  }

  @org.junit.jupiter.api.Test
  void optionsBeforeTheCommandWork() throws Exception {
    cli = new Cli(dir);
    assertThat(cli.run("--store", "file:x", "add", "echo", "--every", "1h", "--id", "o").code())
        .isZero();
    JsonNode list = JSON.readTree(cli.run("--store", "file:x", "list", "--json").out());
    assertThat(list.get("tasks").findValuesAsText("id")).containsExactly("o");
  }

  @org.junit.jupiter.api.Test
  void aBareAliasSelectsOneOfSeveralStores() throws Exception {
    cli = new Cli(dir);
    String[] stores = {"--store", "a=file:a", "--store", "b=jdbc:sqlite:b.db"};
    assertThat(
            cli.run(
                    concat(
                        new String[] {
                          "add", "echo", "--every", "1h", "--id", "inb", "--store", "b"
                        },
                        stores))
                .code())
        .isZero();
    assertThat(
            cli.run(concat(new String[] {"add", "echo", "--every", "1h", "--id", "ina"}, stores))
                .code())
        .isZero();
    JsonNode onlyB =
        JSON.readTree(
            cli.run(concat(new String[] {"list", "--json", "--store", "b"}, stores)).out());
    assertThat(onlyB.get("tasks").findValuesAsText("id")).containsExactly("inb");
    JsonNode all =
        JSON.readTree(
            cli.run(concat(new String[] {"list", "--json", "--sort-by", "id"}, stores)).out());
    assertThat(all.get("tasks").findValuesAsText("store")).containsExactly("a", "b");
    Cli.Result unknown = cli.run(concat(new String[] {"list", "--store", "c"}, stores));
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("\"c\" is not a configured store; expected one of [a, b]");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "sqlite"})
  void commandsLeaveTheServicesShutdownTasksAlone(String kind) throws Exception {
    open(kind);
    // A task whose trigger is "shutdown" runs (and is removed) when a scheduler shuts down: the
    // service's, never a command's.
    TaskRegistry registry = new TaskRegistry();
    BuiltInFunctions.register(registry, BuiltInFunctions.Permissions.NONE);
    Scheduler scheduler =
        Scheduler.builder().registry(registry).store("default", storeOf(kind)).build();
    scheduler.start(true);
    scheduler.task("echo").id("bye").trigger(ShutdownTrigger.instance()).add();
    scheduler.removeStore("default", true);
    scheduler.shutdown();

    for (int i = 0; i < 2; i++) {
      assertThat(json(run("list", "--json")).get("tasks").findValuesAsText("id"))
          .containsExactly("bye");
    }
  }

  private TaskStore storeOf(String kind) {
    return kind.equals("file")
        ? TaskStores.create("file", Map.of("directory", dir.resolve("tasks").toString()))
        : TaskStores.create("jdbc", Map.of("url", "jdbc:sqlite:" + dir.resolve("tasks.db")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "sqlite"})
  void aCommandWithoutAFunctionsCodeOperatesItsTaskAndQuarantinesNothing(String kind)
      throws Exception {
    open(kind);
    // A task of the application's own registered function, which this command does not know.
    TaskRegistry registry = new TaskRegistry();
    registry.register("billing.remind", (args, kwargs) -> null);
    Scheduler scheduler =
        Scheduler.builder().registry(registry).store("default", storeOf(kind)).build();
    scheduler.start(true);
    scheduler.task("billing.remind").id("remind").every(java.time.Duration.ofHours(1)).add();
    scheduler.removeStore("default", true);
    scheduler.shutdown();

    Cli.Result list = run("list", "--json");
    assertThat(json(list).get("tasks").findValuesAsText("id")).containsExactly("remind");
    assertThat(list.err()).isEmpty();
    assertThat(run("pause", "remind").code()).isZero();
    assertThat(run("resume", "remind").code()).isZero();
    assertThat(json(run("quarantine", "list", "--json")).get("records")).isEmpty();
    // Running it here fails saying why; the service, which has the code, runs it.
    Cli.Result here = run("run", "remind", "--here");
    assertThat(here.code()).isEqualTo(1);
    assertThat(here.out() + here.err())
        .contains("'billing.remind' is not available in this process");
    // A new task must name a function this command can resolve.
    Cli.Result add = run("add", "billing.typo", "--every", "1h");
    assertThat(add.code()).isEqualTo(2);
    assertThat(add.err()).contains("\"billing.typo\"").contains("neither a registered name");
    assertThat(json(run("list", "--json")).get("tasks").findValuesAsText("id"))
        .containsExactly("remind");
  }
}
