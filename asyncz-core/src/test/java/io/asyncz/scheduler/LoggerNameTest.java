package io.asyncz.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The seed's {@code logger_name}: the scheduler logs to {@code asyncz.schedulers.<name>}. */
class LoggerNameTest {
  @Test
  void aLoggerNameIsASuffixOfTheSchedulersLogger() {
    assertThat(Scheduler.builder().loggerName("billing").build().logger.getName())
        .isEqualTo("asyncz.schedulers.billing");
    assertThat(Scheduler.builder().build().logger.getName()).isEqualTo("asyncz.schedulers");
  }
}
