package io.asyncz.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** version, doctor's encryption and quarantine checks, and shell completion. */
class InfoCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void versionNamesTheBuild() throws Exception {
    Cli.Result text = new Cli(dir).run("version");
    assertThat(text.out()).startsWith("asyncz 0.1.0-SNAPSHOT (Java ");
    JsonNode json = JSON.readTree(new Cli(dir).run("version", "--json").out());
    assertThat(json.get("version").asText()).isEqualTo("0.1.0-SNAPSHOT");
    assertThat(new Cli(dir).run("--version").out()).isEqualTo("asyncz 0.1.0-SNAPSHOT\n");
  }

  @Test
  void doctorReportsQuarantinedRecordsAndIsUnhealthyWhenStrict() throws Exception {
    Cli cli = new Cli(dir).env("ASYNCZ_STORE_ENCRYPTION_KEY", "a secret");
    assertThat(cli.run("doctor", "--store", "file:t", "--strict").code()).isZero();
    Files.writeString(dir.resolve("t/broken.task"), "{not json");

    Cli.Result doctor = cli.run("doctor", "--store", "file:t", "--json");
    JsonNode checks = JSON.readTree(doctor.out()).get("checks");
    assertThat(checks.findValuesAsText("detail"))
        .contains("1 quarantined records (see 'asyncz quarantine list')")
        .contains("ASYNCZ_STORE_ENCRYPTION_KEY is set and usable");
    assertThat(doctor.code()).isZero();
    assertThat(cli.run("doctor", "--store", "file:t", "--strict").code()).isEqualTo(1);

    JsonNode records =
        JSON.readTree(cli.run("quarantine", "list", "--store", "file:t", "--json").out());
    assertThat(records.get("records").findValuesAsText("task_id")).containsExactly("broken");
    assertThat(cli.run("quarantine", "discard", "broken", "--store", "file:t").code()).isEqualTo(2);
    assertThat(cli.run("quarantine", "discard", "broken", "--store", "file:t", "--yes").code())
        .isZero();
    assertThat(cli.run("quarantine", "discard", "broken", "--store", "file:t", "--yes").code())
        .isEqualTo(3);
    assertThat(cli.run("doctor", "--store", "file:t", "--strict").code()).isZero();
  }

  @Test
  void theUsageAndHelpSpeakOfEveryCommandThoughARunBuildsOnlyItsOwn() {
    String usage = new Cli(dir).run("--help").out();
    assertThat(usage)
        .contains("Commands:")
        .contains("version", "start", "add", "list", "inspect", "preview", "timeline", "update")
        .contains("run", "pause", "resume", "remove", "status", "instances", "doctor")
        .contains("quarantine", "history", "help", "generate-completion");
    assertThat(new Cli(dir).run("help", "list").out()).startsWith("Usage: asyncz list ");
    Cli.Result typo = new Cli(dir).run("lsit");
    assertThat(typo.code()).isEqualTo(2);
    assertThat(typo.err()).contains("Unmatched argument at index 0: 'lsit'");
    Cli.Result optionFirst = new Cli(dir).run("--store", "memory", "list");
    assertThat(optionFirst.code()).as(optionFirst.err()).isZero();
    assertThat(optionFirst.out()).isEqualTo("No tasks.\n");
  }

  @Test
  void completionScriptIsGenerated() {
    Cli.Result r = new Cli(dir).run("generate-completion");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("asyncz Bash Completion").contains("quarantine");
  }
}
