package io.asyncz.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the log lines look: the service's start with the time, a short command's do not. */
class LoggingSetupTest {
  private static final List<String> KEYS =
      List.of(
          "org.slf4j.simpleLogger.defaultLogLevel",
          "org.slf4j.simpleLogger.showDateTime",
          "org.slf4j.simpleLogger.dateTimeFormat",
          "org.slf4j.simpleLogger.showThreadName",
          "org.slf4j.simpleLogger.log.com.zaxxer.hikari");

  private final Map<String, String> saved = new HashMap<>();

  @BeforeEach
  void clear() {
    for (String key : KEYS) {
      saved.put(key, System.getProperty(key));
      System.clearProperty(key);
    }
  }

  @AfterEach
  void restore() {
    saved.forEach(
        (key, value) -> {
          if (value == null) {
            System.clearProperty(key);
          } else {
            System.setProperty(key, value);
          }
        });
  }

  @Test
  void theServiceLogsTheTimeOfEachLine() {
    Main.configureLogging(new String[] {"start", "--store", "file:t"});
    assertThat(System.getProperty("org.slf4j.simpleLogger.showDateTime")).isEqualTo("true");
    assertThat(System.getProperty("org.slf4j.simpleLogger.dateTimeFormat"))
        .isEqualTo("HH:mm:ss.SSS");
    assertThat(System.getProperty("org.slf4j.simpleLogger.defaultLogLevel")).isEqualTo("info");
  }

  @Test
  void aShortCommandLogsWithoutTimeSoNoDateFormatIsMade() {
    Main.configureLogging(new String[] {"list", "--store", "file:t"});
    assertThat(System.getProperty("org.slf4j.simpleLogger.showDateTime")).isEqualTo("false");
    assertThat(System.getProperty("org.slf4j.simpleLogger.dateTimeFormat")).isNull();
    assertThat(System.getProperty("org.slf4j.simpleLogger.defaultLogLevel")).isEqualTo("warn");
  }

  @Test
  void whatTheUserSetIsKept() {
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm");
    Main.configureLogging(new String[] {"list"});
    assertThat(System.getProperty("org.slf4j.simpleLogger.showDateTime")).isEqualTo("true");
    assertThat(System.getProperty("org.slf4j.simpleLogger.dateTimeFormat")).isEqualTo("HH:mm");
  }
}
