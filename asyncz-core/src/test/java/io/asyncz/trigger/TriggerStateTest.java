package io.asyncz.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every trigger's state is plain JSON data that rebuilds an equal trigger. */
class TriggerStateTest {
  private static final Instant NOW = Instant.parse("2026-01-15T10:17:23Z");

  static Stream<Trigger> triggers() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    return Stream.of(
        DateTrigger.at("2026-07-01 12:00:00"),
        DateTrigger.at("2026-07-01T12:00:00.250+02:00"),
        DateTrigger.at("2026-07-01 12:00:00", ZoneId.of("Europe/Berlin")),
        DateTrigger.now(clock),
        // A start fixed at build time, as the deprecated Builder.clock wrote it in older records.
        IntervalTrigger.builder().minutes(15).startAt(NOW.plus(Duration.ofMinutes(15))).build(),
        IntervalTrigger.every(Duration.ofMinutes(15)),
        IntervalTrigger.builder()
            .hours(2)
            .endAt("2027-01-01 00:00:00")
            .jitter(Duration.ofSeconds(9))
            .build(),
        IntervalTrigger.builder()
            .weeks(2)
            .days(3)
            .hours(4)
            .minutes(5)
            .interval(Duration.ofMillis(6_500))
            .startAt("2026-01-01 00:00:00")
            .endAt("2027-01-01 00:00:00")
            .timezone("America/New_York")
            .jitter(Duration.ofMillis(1_500))
            .build(),
        CronTrigger.builder().hour("5").build(),
        CronTrigger.builder()
            .year("2026-2030/2")
            .month("jan-mar,dec")
            .day("last fri,15")
            .week("*")
            .dayOfWeek("mon-fri")
            .hour("*/2")
            .minute("0,30")
            .second(0)
            .startAt("2026-02-01T00:00:00Z")
            .endAt("2030-12-31 23:59:59")
            .timezone("Australia/Lord_Howe")
            .jitter(Duration.ofSeconds(30))
            .build(),
        CronTrigger.fromCrontab("0 9 L-2 * 1-5", ZoneId.of("Africa/Cairo")),
        AndTrigger.of(
            List.of(
                CronTrigger.builder().day(13).build(), CronTrigger.builder().dayOfWeek(4).build()),
            Duration.ofSeconds(5)),
        OrTrigger.of(
            CronTrigger.fromCrontab("@daily"),
            AndTrigger.of(IntervalTrigger.builder().hours(1).build())),
        AndTrigger.of(
            IntervalTrigger.every(Duration.ofMinutes(7)),
            CronTrigger.builder().minute("*/10").build()),
        ShutdownTrigger.instance());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("triggers")
  void stateRebuildsAnEqualTrigger(Trigger trigger) {
    TriggerState state = trigger.state();
    assertThat(state.alias()).isEqualTo(trigger.alias());
    Trigger rebuilt = Triggers.fromState(state);
    assertThat(rebuilt)
        .isEqualTo(trigger)
        .hasSameHashCodeAs(trigger)
        .hasToString(trigger.toString());
    if (!Json.write(state.toMap()).contains("jitter")) {
      assertThat(rebuilt.nextFireTime(ZoneOffset.UTC, null, NOW))
          .isEqualTo(trigger.nextFireTime(ZoneOffset.UTC, null, NOW));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("triggers")
  void stateSurvivesATripThroughJsonText(Trigger trigger) {
    String json = Json.write(trigger.state().toMap());
    TriggerState state = TriggerState.fromMap((Map<?, ?>) Json.read(json));
    assertThat(Triggers.fromState(state)).isEqualTo(trigger);
  }

  @Test
  void unknownAliasInAStateIsRefused() {
    assertThatThrownBy(() -> Triggers.fromState(new TriggerState("crontab", Map.of())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid trigger alias: \"crontab\" is not a known trigger; expected one of [and, cron,"
                + " date, interval, or, shutdown]");
  }

  @Test
  void malformedStateMapIsRefused() {
    assertThatThrownBy(() -> TriggerState.fromMap(Map.of("fields", Map.of())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("has no \"alias\" string");
  }

  @Test
  void corruptFieldInAStateIsRefusedNotMisread() {
    TriggerState state = new TriggerState("cron", Map.of("hour", "99"));
    assertThatThrownBy(() -> Triggers.fromState(state))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Invalid cron field 'hour': \"99\" is out of range 0-23");
  }

  /** A minimal JSON writer and reader, enough to prove that states are plain JSON data. */
  static final class Json {
    static String write(Object value) {
      if (value == null) {
        return "null";
      }
      if (value instanceof String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
      }
      if (value instanceof Number || value instanceof Boolean) {
        return value.toString();
      }
      if (value instanceof Map<?, ?> map) {
        List<String> parts = new ArrayList<>();
        map.forEach((k, v) -> parts.add(write(k) + ":" + write(v)));
        return "{" + String.join(",", parts) + "}";
      }
      if (value instanceof List<?> list) {
        return "[" + String.join(",", list.stream().map(Json::write).toList()) + "]";
      }
      throw new AssertionError("not a JSON value: " + value.getClass() + " " + value);
    }

    static Object read(String text) {
      int[] pos = {0};
      return value(text, pos);
    }

    private static Object value(String s, int[] p) {
      char c = s.charAt(p[0]);
      if (c == '{') {
        Map<String, Object> map = new LinkedHashMap<>();
        p[0]++;
        while (s.charAt(p[0]) != '}') {
          String key = (String) value(s, p);
          p[0]++; // ':'
          map.put(key, value(s, p));
          if (s.charAt(p[0]) == ',') {
            p[0]++;
          }
        }
        p[0]++;
        return map;
      }
      if (c == '[') {
        List<Object> list = new ArrayList<>();
        p[0]++;
        while (s.charAt(p[0]) != ']') {
          list.add(value(s, p));
          if (s.charAt(p[0]) == ',') {
            p[0]++;
          }
        }
        p[0]++;
        return list;
      }
      if (c == '"') {
        StringBuilder sb = new StringBuilder();
        p[0]++;
        while (s.charAt(p[0]) != '"') {
          char ch = s.charAt(p[0]++);
          sb.append(ch == '\\' ? s.charAt(p[0]++) : ch);
        }
        p[0]++;
        return sb.toString();
      }
      int start = p[0];
      while (p[0] < s.length() && ",]}".indexOf(s.charAt(p[0])) < 0) {
        p[0]++;
      }
      String token = s.substring(start, p[0]);
      return switch (token) {
        case "null" -> null;
        case "true" -> true;
        case "false" -> false;
        default -> new BigDecimal(token);
      };
    }
  }
}
