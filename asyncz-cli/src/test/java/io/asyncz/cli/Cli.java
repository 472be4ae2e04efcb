package io.asyncz.cli;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/** Runs the command in this JVM, as a shell would, and keeps what it printed. */
final class Cli {
  static final Instant NOW = Instant.parse("2030-01-15T10:00:00Z");

  record Result(int code, String out, String err) {}

  private final Map<String, String> env = new HashMap<>();
  private final Path workingDirectory;
  private Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private String stdin = "";

  Cli(Path workingDirectory) {
    this.workingDirectory = workingDirectory;
  }

  Cli env(String key, String value) {
    env.put(key, value);
    return this;
  }

  Cli clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  Cli stdin(String text) {
    this.stdin = text;
    return this;
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Io io =
        new Io(
            new PrintWriter(out),
            new PrintWriter(err),
            new BufferedReader(new StringReader(stdin)),
            Map.copyOf(env),
            false,
            clock,
            workingDirectory);
    int code = Main.run(io, args);
    return new Result(code, out.toString(), err.toString());
  }
}
