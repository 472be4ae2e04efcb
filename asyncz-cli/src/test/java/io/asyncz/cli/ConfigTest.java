package io.asyncz.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --config: YAML, JSON and properties name the stores and the scheduler's keys. */
class ConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private JsonNode listJson(String config) throws Exception {
    Cli.Result r = new Cli(dir).run("list", "--json", "--config", config);
    assertThat(r.code()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  @Test
  void yamlNamesStoresAndSchedulerKeys() throws Exception {
    Files.writeString(
        dir.resolve("c.yaml"),
        """
        asyncz:
          timezone: Europe/Berlin
        stores:
          main: file:main-tasks
          other: jdbc:sqlite:other.db
        """);
    Cli cli = new Cli(dir);
    assertThat(
            cli.run("add", "echo", "--cron", "0 9 * * *", "--id", "y", "--config", "c.yaml").code())
        .isZero();
    JsonNode task = listJson("c.yaml").get("tasks").get(0);
    assertThat(task.get("store").asText()).isEqualTo("main");
    // 09:00 in Berlin is 08:00 UTC in January.
    assertThat(task.get("next_run_time").asText()).isEqualTo("2030-01-16T08:00:00Z");
    assertThat(Files.isDirectory(dir.resolve("main-tasks"))).isTrue();
  }

  @Test
  void jsonAndPropertiesReadTheSameKeys() throws Exception {
    Files.writeString(
        dir.resolve("c.json"), "{\"stores\": {\"default\": \"file:shared\"}, \"asyncz\": {}}");
    Files.writeString(
        dir.resolve("c.properties"), "stores.default=file:shared\nasyncz.timezone=UTC\n");
    assertThat(
            new Cli(dir)
                .run("add", "echo", "--every", "1h", "--id", "j", "--config", "c.json")
                .code())
        .isZero();
    assertThat(listJson("c.properties").get("tasks").findValuesAsText("id")).containsExactly("j");
  }

  @Test
  void badConfigurationIsAUsageErrorNamingTheKey() throws Exception {
    Files.writeString(dir.resolve("bad.yaml"), "asyncz:\n  timezone: Mars/Olympus\n");
    Cli.Result zone = new Cli(dir).run("list", "--config", "bad.yaml");
    assertThat(zone.code()).isEqualTo(2);
    assertThat(zone.err()).contains("timezone").contains("Mars/Olympus");

    Files.writeString(dir.resolve("typo.yaml"), "servce:\n  allow_exec: true\n");
    Cli.Result typo = new Cli(dir).run("list", "--config", "typo.yaml");
    assertThat(typo.code()).isEqualTo(2);
    assertThat(typo.err())
        .contains("\"servce\" is unknown; expected one of [asyncz, service, stores, tasks]");

    Cli.Result missing = new Cli(dir).run("list", "--config", "none.yaml");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("none.yaml").contains("does not exist");

    Files.writeString(dir.resolve("c.toml"), "");
    assertThat(new Cli(dir).run("list", "--config", "c.toml").err())
        .contains("has an unknown suffix; expected .yaml, .json or .properties");
  }

  @Test
  void theCommandLineStoreWinsOverTheConfiguration() throws Exception {
    Files.writeString(dir.resolve("c.yaml"), "stores:\n  default: file:from-config\n");
    Cli cli = new Cli(dir);
    cli.run(
        "add", "echo", "--every", "1h", "--id", "z", "--config", "c.yaml", "--store", "file:cli");
    assertThat(Files.exists(dir.resolve("cli"))).isTrue();
    assertThat(listJson("c.yaml").get("tasks")).isEmpty();
  }
}
