package io.asyncz.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.asyncz.task.TaskInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Tables, JSON and colours for the commands' output. */
final class Output {
  static final String SCHEMA = "asyncz.cli/v1";
  private static final DateTimeFormatter TABLE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx");

  private static final Pattern COLOUR_CODE = Pattern.compile("\u001b\\[[0-9;]*m");

  private final Io io;

  /** The JSON writer, made on first use: a table needs none, and making it takes a while. */
  private static final class Json {
    static final ObjectMapper MAPPER =
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  Output(Io io) {
    this.io = io;
  }

  /** Prints a JSON document: an object with {@code schema} first, then {@code body}'s entries. */
  void json(Map<String, Object> body) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema", SCHEMA);
    doc.putAll(body);
    try {
      io.out().println(Json.MAPPER.writeValueAsString(doc));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON output", e);
    }
    io.out().flush();
  }

  /** A task as the JSON schema gives it (docs/cli.md). */
  static Map<String, Object> task(TaskInfo t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.id());
    m.put("name", t.name());
    m.put("function", t.callableReference() != null ? t.callableReference() : t.callableName());
    m.put("trigger", t.triggerDescription());
    m.put("trigger_type", t.triggerAlias());
    m.put("state", t.scheduleState().value());
    m.put("next_run_time", t.nextRunTime() == null ? null : t.nextRunTime().toString());
    m.put("store", t.storeAlias());
    m.put("executor", t.executor());
    m.put("args", t.args());
    m.put("kwargs", t.kwargs());
    m.put("max_instances", t.maxInstances());
    m.put("coalesce", t.coalesce());
    m.put(
        "mistrigger_grace_time",
        t.mistriggerGraceTime() == null ? null : seconds(t.mistriggerGraceTime()));
    return m;
  }

  static Object seconds(Duration d) {
    return d.getNano() == 0 ? (Object) d.getSeconds() : (Object) (d.toMillis() / 1000.0);
  }

  /** A duration for a table, to the second: {@code 12s}, {@code 5m3s}, {@code 2h0m}. */
  static String duration(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m" + s % 60 + "s";
    }
    return s / 3600 + "h" + s % 3600 / 60 + "m";
  }

  /** A time for a table, in the scheduler's zone, to the second; "-" for none. */
  static String time(Instant t, ZoneId zone) {
    if (t == null) {
      return "-";
    }
    ZonedDateTime at = t.truncatedTo(ChronoUnit.SECONDS).atZone(zone);
    int offset = at.getOffset().getTotalSeconds();
    if (at.getYear() < 1 || at.getYear() > 9999 || offset % 60 != 0) {
      return TABLE_TIME.format(at);
    }
    // TABLE_TIME's text, written by hand: a listing prints one per task, and the formatter costs
    // several times more in a short-lived process (docs/cli.md, "Measured").
    StringBuilder sb = new StringBuilder(26);
    padded(sb, at.getYear(), 4).append('-');
    padded(sb, at.getMonthValue(), 2).append('-');
    padded(sb, at.getDayOfMonth(), 2).append(' ');
    padded(sb, at.getHour(), 2).append(':');
    padded(sb, at.getMinute(), 2).append(':');
    padded(sb, at.getSecond(), 2).append(' ').append(offset < 0 ? '-' : '+');
    padded(sb, Math.abs(offset) / 3600, 2).append(':');
    return padded(sb, Math.abs(offset) / 60 % 60, 2).toString();
  }

  private static StringBuilder padded(StringBuilder sb, int value, int digits) {
    String text = Integer.toString(value);
    for (int i = text.length(); i < digits; i++) {
      sb.append('0');
    }
    return sb.append(text);
  }

  /** A task state in colour on a terminal. */
  String state(String label) {
    if (!io.colour()) {
      return label;
    }
    String code =
        switch (label) {
          case "scheduled" -> "32";
          case "paused" -> "33";
          default -> "36";
        };
    return "\u001b[" + code + "m" + label + "\u001b[0m";
  }

  /** Text in bold on a terminal (table headers). */
  String bold(String text) {
    return io.colour() ? "\u001b[1m" + text + "\u001b[0m" : text;
  }

  /** Prints rows as a table with aligned columns; every column may be narrowed. */
  void table(List<String> headers, List<List<String>> rows) {
    java.util.Set<Integer> all = new java.util.HashSet<>();
    for (int i = 0; i < headers.size(); i++) {
      all.add(i);
    }
    table(headers, rows, all);
  }

  /**
   * Prints rows as a table with aligned columns, narrowed to the terminal's width: the widest of
   * the {@code narrowable} columns is cut first, each to no less than 8 characters, with "…" where
   * text was cut; the others (times, states) are always shown whole.
   */
  void table(List<String> headers, List<List<String>> rows, java.util.Set<Integer> narrowable) {
    int n = headers.size();
    int[] widths = new int[n];
    for (int i = 0; i < n; i++) {
      widths[i] = headers.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], visible(row.get(i)).length());
      }
    }
    int limit = io.width();
    if (limit > 0) {
      while (total(widths) > limit) {
        int widest = -1;
        for (int i = 0; i < n; i++) {
          if (narrowable.contains(i) && (widest < 0 || widths[i] > widths[widest])) {
            widest = i;
          }
        }
        if (widest < 0 || widths[widest] <= 8) {
          break;
        }
        widths[widest]--;
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add(line(headers, widths, true));
    for (List<String> row : rows) {
      lines.add(line(row, widths, false));
    }
    lines.forEach(io.out()::println);
    io.out().flush();
  }

  private static int total(int[] widths) {
    int sum = 0;
    for (int w : widths) {
      sum += w;
    }
    return sum + 2 * (widths.length - 1);
  }

  private String line(List<String> cells, int[] widths, boolean header) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      String plain = visible(cell);
      String shown = cell;
      if (plain.length() > widths[i]) {
        plain = plain.substring(0, widths[i] - 1) + "…";
        shown = plain;
      }
      if (header) {
        shown = bold(plain);
      }
      sb.append(shown);
      if (i < cells.size() - 1) {
        sb.append(" ".repeat(widths[i] - plain.length() + 2));
      }
    }
    return sb.toString().stripTrailing();
  }

  /** The text without colour codes. */
  static String visible(String text) {
    // Called for every cell, twice: most have no escape and need no regular expression at all.
    return text.indexOf('\u001b') < 0 ? text : COLOUR_CODE.matcher(text).replaceAll("");
  }

  /** Prints "key: value" lines with the keys aligned. */
  void fields(Map<String, String> fields) {
    int width = fields.keySet().stream().mapToInt(String::length).max().orElse(0);
    fields.forEach((k, v) -> io.out().println(k + ":" + " ".repeat(width - k.length() + 1) + v));
    io.out().flush();
  }
}
