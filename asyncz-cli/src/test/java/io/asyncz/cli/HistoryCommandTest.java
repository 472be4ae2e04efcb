package io.asyncz.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * asyncz history reads the runs that commands (and the service) recorded in the store's history,
 * with its filters and paging, and refuses bad values naming them.
 */
class HistoryCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Cli cli;
  private String store;

  @BeforeEach
  void openStore() {
    cli = new Cli(dir);
    store = "jdbc:sqlite:" + dir.resolve("tasks.db");
  }

  private int second;

  @Test
  void showsTheRunsRecordedInTheStoreNewestFirst() throws Exception {
    assertThat(
            cli.run(
                    "add",
                    "echo",
                    "--every",
                    "1h",
                    "--id",
                    "greet",
                    "--args",
                    "[\"hi\"]",
                    "--store",
                    store)
                .code())
        .isZero();
    assertThat(cli.run("add", "echo", "--every", "1h", "--id", "other", "--store", store).code())
        .isZero();
    // The test's clock is fixed: a second apart, so that the runs' order is their start's.
    for (String task : new String[] {"greet", "other", "greet"}) {
      cli.clock(Clock.offset(Clock.fixed(Cli.NOW, ZoneOffset.UTC), Duration.ofSeconds(++second)));
      assertThat(cli.run("run", task, "--store", store).code()).isZero();
    }

    Cli.Result table = cli.run("history", "--store", store);
    assertThat(table.code()).isZero();
    assertThat(table.out())
        .contains("STARTED", "STATUS", "greet", "other", "succeeded", "manual", "hi");

    JsonNode all = JSON.readTree(cli.run("history", "--store", store, "--json").out());
    assertThat(all.get("runs").findValuesAsText("task_id"))
        .containsExactly("greet", "other", "greet");
    assertThat(all.get("next").isNull()).isTrue();

    JsonNode greet = JSON.readTree(cli.run("history", "greet", "--store", store, "--json").out());
    assertThat(greet.get("runs").findValuesAsText("result")).containsExactly("hi", "hi");

    JsonNode first =
        JSON.readTree(cli.run("history", "--limit", "2", "--store", store, "--json").out());
    assertThat(first.get("runs")).hasSize(2);
    String cursor = first.get("next").asText();
    JsonNode second =
        JSON.readTree(
            cli.run("history", "--limit", "2", "--after", cursor, "--store", store, "--json")
                .out());
    assertThat(second.get("runs").findValuesAsText("task_id")).containsExactly("greet");
    assertThat(second.get("runs").get(0).get("run_id").asText())
        .isNotIn(first.get("runs").findValuesAsText("run_id"));

    JsonNode failed =
        JSON.readTree(
            cli.run("history", "--status", "failed,missed", "--store", store, "--json").out());
    assertThat(failed.get("runs")).isEmpty();
    JsonNode future =
        JSON.readTree(
            cli.run("history", "--since", "2999-01-01T00:00:00Z", "--store", store, "--json")
                .out());
    assertThat(future.get("runs")).isEmpty();
    JsonNode recent =
        JSON.readTree(cli.run("history", "--since", "1h", "--store", store, "--json").out());
    assertThat(recent.get("runs")).hasSize(3);
  }

  @Test
  void saysSoWhenNothingRan() {
    Cli.Result r = cli.run("history", "nightly", "--store", store);
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("No runs recorded for task nightly.\n");
  }

  @Test
  void refusesBadValuesNamingThem() {
    Cli.Result status = cli.run("history", "--status", "done", "--store", store);
    assertThat(status.code()).isEqualTo(2);
    assertThat(status.err()).contains("--status").contains("\"done\"").contains("succeeded");

    Cli.Result since = cli.run("history", "--since", "yesterday", "--store", store);
    assertThat(since.code()).isEqualTo(2);
    assertThat(since.err()).contains("--since").contains("\"yesterday\"");

    Cli.Result limit = cli.run("history", "--limit", "0", "--store", store);
    assertThat(limit.code()).isEqualTo(2);
    assertThat(limit.err()).contains("--limit").contains("1 to 1000");

    Cli.Result cursor = cli.run("history", "--after", "nope", "--store", store);
    assertThat(cursor.code()).isEqualTo(2);
    assertThat(cursor.err()).contains("\"nope\"");
  }
}
