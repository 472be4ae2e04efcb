package io.asyncz.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The README's example program ({@code exec:java}) runs {@link QuickStart}: it prints fire times,
 * runs a scheduler and shuts it down. (It runs on the real clock for a few seconds, as the command
 * does.)
 */
class QuickStartTest {
  @Test
  void printsFireTimesThenRunsASchedulerAndShutsItDown() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream console = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      QuickStart.main(new String[] {"UTC"});
    } finally {
      System.setOut(console);
    }

    assertThat(out.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"))
        .contains(
            "Daily at 02:30 in New York (03:30 on 2026-03-08, when 02:30 does not exist):"
                + " cron[crontab='30 2 * * *']\n"
                + "    Sat 2026-03-07 02:30:00 EST\n"
                + "    Sun 2026-03-08 03:30:00 EDT\n"
                + "    Mon 2026-03-09 02:30:00 EDT\n")
        .contains("each run as its event reports it:\n    ")
        .contains("every-1s  returned \"tick\"")
        .endsWith("Scheduler shut down.\n");
  }
}
