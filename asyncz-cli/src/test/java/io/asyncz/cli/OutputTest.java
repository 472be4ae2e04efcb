package io.asyncz.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The tables, exactly as printed. */
class OutputTest {
  @TempDir Path dir;

  private Cli cli;

  @BeforeEach
  void addTasks() {
    cli = new Cli(dir);
    cli.run(
        "add",
        "echo",
        "--store",
        "file:t",
        "--every",
        "10m",
        "--id",
        "report",
        "--name",
        "Daily report");
    cli.run("add", "echo", "--store", "file:t", "--cron", "0 3 * * *", "--id", "nightly-cleanup");
    cli.run(
        "add",
        "echo",
        "--store",
        "file:t",
        "--at",
        "2030-02-01T09:00:00Z",
        "--id",
        "once",
        "--paused");
  }

  @Test
  void listPrintsAnAlignedTable() {
    Cli.Result list = cli.run("list", "--store", "file:t");
    assertThat(list.code()).isZero();
    assertThat(list.out())
        .isEqualTo(
            String.join(
                "\n",
                "ID               NAME          TRIGGER                        NEXT RUN                    STATE      STORE",
                "report           Daily report  interval[0:10:00]              2030-01-15 10:10:00 +00:00  scheduled  default",
                "nightly-cleanup  echo          cron[crontab='0 3 * * *']      2030-01-16 03:00:00 +00:00  scheduled  default",
                "once             echo          date[2030-02-01 09:00:00 UTC]  -                           paused     default",
                ""));
  }

  @Test
  void listNarrowsTheWidestColumnsToTheTerminal() {
    cli.env("COLUMNS", "80");
    Cli.Result list = cli.run("list", "--store", "file:t");
    assertThat(list.out())
        .isEqualTo(
            String.join(
                "\n",
                "ID         NAME       TRIGGER     NEXT RUN                    STATE      STORE",
                "report     Daily re…  interval[…  2030-01-15 10:10:00 +00:00  scheduled  default",
                "nightly-…  echo       cron[cron…  2030-01-16 03:00:00 +00:00  scheduled  default",
                "once       echo       date[2030…  -                           paused     default",
                ""));
    assertThat(list.out().lines())
        .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
  }

  @Test
  void timelineMergesTheComingRunsOfAllTasksInTimeOrder() {
    Cli.Result timeline =
        cli.run("timeline", "--store", "file:t", "--limit", "5", "--per-task", "3");
    assertThat(timeline.code()).as(timeline.err()).isZero();
    assertThat(timeline.out())
        .isEqualTo(
            String.join(
                "\n",
                "TIME                        ID               NAME          TRIGGER",
                "2030-01-15 10:10:00 +00:00  report           Daily report  interval[0:10:00]",
                "2030-01-15 10:20:00 +00:00  report           Daily report  interval[0:10:00]",
                "2030-01-15 10:30:00 +00:00  report           Daily report  interval[0:10:00]",
                "2030-01-16 03:00:00 +00:00  nightly-cleanup  echo          cron[crontab='0 3 * * *']",
                "2030-01-17 03:00:00 +00:00  nightly-cleanup  echo          cron[crontab='0 3 * * *']",
                ""));
    Cli.Result bad = cli.run("timeline", "--store", "file:t", "--per-task", "51");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--per-task: 51 is out of range; expected 1 to 50");
  }

  @Test
  void onATerminalColouredCellsAreAlignedByTheirVisibleText() {
    StringWriter text = new StringWriter();
    Io terminal =
        new Io(
            new PrintWriter(text),
            new PrintWriter(new StringWriter()),
            new BufferedReader(new StringReader("")),
            Map.of("COLUMNS", "120"),
            true,
            Clock.systemUTC(),
            dir);
    Output output = new Output(terminal);
    output.table(
        List.of("ID", "STATE", "STORE"),
        List.of(
            List.of("report", output.state("scheduled"), "default"),
            List.of("once", output.state("paused"), "default")));
    String esc = "\u001b[";
    assertThat(text.toString())
        .isEqualTo(
            String.join(
                "\n",
                esc
                    + "1mID"
                    + esc
                    + "0m      "
                    + esc
                    + "1mSTATE"
                    + esc
                    + "0m      "
                    + esc
                    + "1mSTORE"
                    + esc
                    + "0m",
                "report  " + esc + "32mscheduled" + esc + "0m  default",
                "once    " + esc + "33mpaused" + esc + "0m     default",
                ""));
    assertThat(Output.visible(esc + "32mscheduled" + esc + "0m")).isEqualTo("scheduled");
    assertThat(Output.visible("plain")).isEqualTo("plain");
  }

  @ParameterizedTest(name = "{0} in {1}")
  @CsvSource({
    "2030-01-15T10:10:00.999Z, UTC",
    "2030-07-01T00:00:00Z, Europe/Amsterdam",
    "2030-01-01T00:00:00Z, America/St_Johns",
    "2030-01-01T00:00:00Z, Asia/Kathmandu",
    "1930-01-01T00:00:00Z, Europe/Amsterdam",
    "0001-01-01T00:00:00Z, UTC",
    "9999-12-31T23:59:59Z, UTC",
    "+10000-01-01T00:00:00Z, UTC",
    "-0001-01-01T00:00:00Z, UTC"
  })
  void tableTimesReadAsThePatternWritesThem(String instant, String zone) {
    Instant t = Instant.parse(instant);
    ZoneId z = ZoneId.of(zone);
    assertThat(Output.time(t, z))
        .isEqualTo(
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx")
                .format(t.truncatedTo(ChronoUnit.SECONDS).atZone(z)));
  }
}
