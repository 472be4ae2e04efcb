package io.asyncz.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.run.RunObserver;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.MDC;

/**
 * Task logs through {@code java.util.logging}: {@link AsynczTaskLogHandler} hands a run's records
 * to the capture, by the MDC's run id, or by the capture's own record of the thread's run when the
 * MDC has none.
 */
@Timeout(30)
class JulTaskLogTest {
  private static final Instant T = Instant.parse("2026-03-02T08:00:00Z");

  private final Logger jul = Logger.getLogger("app.jul");
  private final MutableClock clock = MutableClock.at(T);
  private final ManualScheduler scheduler = ManualScheduler.on(clock);
  private final TaskLogCapture capture = TaskLogCapture.create();
  private final AsynczTaskLogHandler handler = new AsynczTaskLogHandler(capture);
  private final Map<String, String> history = new ConcurrentHashMap<>();

  @BeforeEach
  void attach() {
    jul.setUseParentHandlers(false);
    jul.setLevel(Level.FINE);
    jul.addHandler(handler);
    capture.bind(scheduler);
    RunObserver recorder =
        run ->
            outcome -> capture.take(run.runId()).ifPresent(log -> history.put(run.taskId(), log));
    scheduler.observeRuns(recorder);
    scheduler.start();
  }

  @AfterEach
  void detach() {
    jul.removeHandler(handler);
    jul.setUseParentHandlers(true);
    jul.setLevel(null);
    scheduler.shutdown();
  }

  @Test
  void recordsLoggedDuringARunAreItsLog() {
    scheduler
        .task(
            () -> {
              jul.info("fetching");
              jul.log(Level.WARNING, "retrying {0}", "feed-7");
            })
        .id("fetch")
        .at(T.plusSeconds(1))
        .add();
    jul.info("outside any run");

    scheduler.advance(Duration.ofSeconds(1));

    assertThat(history.get("fetch"))
        .matches(
            "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO app.jul - fetching\n"
                + "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARNING app.jul - retrying feed-7\n");
  }

  @Test
  void withoutAnMdcTheCapturesOwnRecordOfTheThreadsRunTells() {
    handler.setFormatter(new SimpleFormatter());
    scheduler
        .task(
            () -> {
              MDC.clear(); // as with an SLF4J provider that has no MDC
              jul.severe("no mdc here");
            })
        .id("plain")
        .at(T.plusSeconds(1))
        .add();

    scheduler.advance(Duration.ofSeconds(1));

    assertThat(history.get("plain")).contains("SEVERE: no mdc here");
  }

  @Test
  void theHandlersLevelFiltersRecords() {
    handler.setLevel(Level.WARNING);
    scheduler
        .task(
            () -> {
              jul.info("chatter");
              jul.warning("kept");
            })
        .id("filtered")
        .at(T.plusSeconds(1))
        .add();

    scheduler.advance(Duration.ofSeconds(1));

    assertThat(history.get("filtered"))
        .endsWith("WARNING app.jul - kept\n")
        .doesNotContain("chatter");
  }
}
