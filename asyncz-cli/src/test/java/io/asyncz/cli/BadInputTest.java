package io.asyncz.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad options: exit code 2, a message that quotes the input and says what is accepted. */
class BadInputTest {
  @TempDir Path dir;

  private Cli.Result run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--store");
    all.add("file:t");
    return new Cli(dir).run(all.toArray(String[]::new));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--every|10x|\"10x\" is not a duration; expected a number with a unit",
        "--every|-5s|\"-5s\" is not a duration",
        "--every|0s|\"0s\" is not positive",
        "--cron|61 * * * *|\"61 * * * *\" is not a crontab line",
        "--at|tomorrow|\"tomorrow\" is not a date-time; expected ISO-8601",
        "--args|[1,|\"[1,\" is not valid JSON",
        "--args|{\"a\":1}|is not a JSON array",
        "--kwargs|[1]|\"[1]\" is not a JSON object",
        "--executor|no such|Invalid executor",
      })
  void addRefusesABadOptionQuotingIt(String option, String value, String message) {
    boolean trigger = List.of("--every", "--cron", "--at").contains(option);
    Cli.Result r =
        trigger
            ? run("add", "echo", "--id", "x", option, value)
            : run("add", "echo", "--id", "x", "--every", "1h", option, value);
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains(message).doesNotContain("\tat ");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void twoTriggersOrNoneAreRefused() {
    Cli.Result two = run("add", "echo", "--every", "1h", "--cron", "* * * * *");
    assertThat(two.code()).isEqualTo(2);
    assertThat(two.err()).contains("expected one of --cron, --every or --at");
    Cli.Result none = run("add", "echo");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("trigger: null is missing");
  }

  @Test
  void anUnknownFunctionIsRefusedNamingTheRegisteredOnes() {
    Cli.Result r = run("add", "nosuch", "--every", "1h");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("\"nosuch\" is neither a registered name [echo, exec, http]");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--state|sleeping|\"sleeping\" is not a schedule state; expected one of [pending, paused,"
            + " scheduled]",
        "--sort-by|colour|\"colour\" is not a sort key",
      })
  void listRefusesABadFilter(String option, String value, String message) {
    Cli.Result r = run("list", option, value);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(message);
  }

  @Test
  void badStoreUrlsAreQuotedWithWhatIsAccepted() {
    for (String url :
        List.of("ftp://x", "redis://", "jdbc:oracle:thin:@x", "b@d=file:x", "file:")) {
      Cli.Result r = new Cli(dir).run("list", "--store", url);
      assertThat(r.code()).as(url).isEqualTo(2);
      assertThat(r.err()).as(url).contains("--store").contains(url.substring(0, 3));
    }
    assertThat(new Cli(dir).run("list", "--store", "ftp://x").err())
        .contains("\"ftp://x\" is not a store URL; expected [alias=]URL with URL one of file:DIR");
  }

  @Test
  void previewCountOutOfRange() {
    run("add", "echo", "--id", "p", "--every", "1h");
    Cli.Result r = run("preview", "p", "--count", "0");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--count: 0 is out of range; expected 1 to 50");
  }

  @Test
  void unknownOptionsAndCommandsAreUsageErrors() {
    Cli.Result option = run("list", "--colour");
    assertThat(option.code()).isEqualTo(2);
    assertThat(option.err()).contains("Unknown option: '--colour'");
    Cli.Result command = new Cli(dir).run("lsit");
    assertThat(command.code()).isEqualTo(2);
    assertThat(command.err()).contains("Unmatched argument at index 0: 'lsit'");
  }

  @Test
  void aStackTraceOnlyWithVerbose() {
    Cli.Result quiet = new Cli(dir).run("list", "--store", "jdbc:postgresql://127.0.0.1:1/none");
    assertThat(quiet.code()).isEqualTo(1);
    assertThat(quiet.err()).contains("asyncz: ").contains("--verbose").doesNotContain("\tat ");
    Cli.Result verbose =
        new Cli(dir).run("list", "--verbose", "--store", "jdbc:postgresql://127.0.0.1:1/none");
    assertThat(verbose.code()).isEqualTo(1);
    assertThat(verbose.err()).contains("\tat ");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--grace|soon|\"soon\" is not a duration",
        "--next-run-time|later|\"later\" is not a date-time; expected ISO-8601",
        "--move-to|elsewhere|\"elsewhere\"",
        "--max-instances|0|0",
        "--kwargs|[]|\"[]\" is not a JSON object",
        "--every|fast|\"fast\" is not a duration",
      })
  void updateRefusesABadOptionQuotingIt(String option, String value, String message) {
    run("add", "echo", "--id", "u", "--every", "1h");
    Cli.Result r = run("update", "u", option, value, "--yes");
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains(message).doesNotContain("\tat ");
    assertThat(run("inspect", "u").out()).contains("interval[1:00:00]");
  }

  @Test
  void aCommandGroupWithoutItsSubcommandIsAUsageError() {
    Cli.Result r = new Cli(dir).run("quarantine");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("expected list, restore or discard");
  }

  @Test
  void startRefusesWatchWithoutAConfigurationAndBadDurations() {
    Cli.Result watch = new Cli(dir).run("start", "--store", "memory", "--watch");
    assertThat(watch.code()).isEqualTo(2);
    assertThat(watch.err()).contains("--watch needs --config FILE");
    Cli.Result grace = new Cli(dir).run("start", "--store", "memory", "--grace", "a while");
    assertThat(grace.code()).isEqualTo(2);
    assertThat(grace.err()).contains("--grace: \"a while\" is not a duration");
  }
}
