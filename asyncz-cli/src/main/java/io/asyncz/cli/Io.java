package io.asyncz.cli;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What a command reads and writes: its streams, its environment, whether its output is a terminal,
 * the clock and the directory relative paths start from; tests give their own.
 */
record Io(
    PrintWriter out,
    PrintWriter err,
    BufferedReader in,
    Map<String, String> env,
    boolean tty,
    Clock clock,
    Path workingDirectory) {

  /** Whether colour may be used: on a terminal only, never with NO_COLOR or TERM=dumb. */
  boolean colour() {
    return tty && !env.containsKey("NO_COLOR") && !"dumb".equals(env.get("TERM"));
  }

  /** The terminal's width in columns ({@code COLUMNS}), or 0 for no limit (not a terminal). */
  int width() {
    String columns = env.get("COLUMNS");
    if (columns != null && columns.matches("\\d{2,4}")) {
      return Integer.parseInt(columns);
    }
    return tty ? 80 : 0;
  }

  /** A path as the user gave it, relative to the working directory. */
  Path resolve(String path) {
    return workingDirectory.resolve(path).normalize();
  }
}
