package io.asyncz.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every command takes: which stores, which configuration, which code. */
final class Common {
  @Option(
      names = "--store",
      paramLabel = "[ALIAS=]URL|ALIAS",
      description =
          "A store: file:DIR, jdbc:sqlite:FILE, jdbc:h2:..., jdbc:postgresql://..., "
              + "jdbc:mariadb://..., jdbc:mysql://..., redis://..., mongodb://..., memory; "
              + "repeatable, ALIAS=URL to name it. A bare ALIAS selects one of the configured "
              + "stores for the command. Default: ./.asyncz/asyncz.db (SQLite).")
  List<String> stores = new ArrayList<>();

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "A configuration file: YAML, JSON or properties (see docs/cli.md).")
  String config;

  @Option(
      names = "--classpath",
      paramLabel = "PATH",
      description = "Application code: jars and directories separated by ':' (dir/* for its jars).")
  String classpath;

  @Option(
      names = "--allow-package",
      paramLabel = "PACKAGE",
      description =
          "A package whose public static methods tasks may name (com.example.Jobs::method); "
              + "repeatable.")
  List<String> allowPackages = new ArrayList<>();

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      description =
          "trace, debug, info, warn, error or off (default: info for start, warn otherwise).")
  String logLevel;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "Talk to a running service's dashboard API (asyncz start --dashboard) instead of the"
              + " stores: list, inspect, add, update, run, pause, resume, remove. Default:"
              + " $ASYNCZ_URL.")
  String url;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "The API token for --url (the one the service printed, or a configured API token)."
              + " Default: $ASYNCZ_TOKEN.")
  String token;

  @Option(
      names = {"-v", "--verbose"},
      description = "Show stack traces of failures.")
  boolean verbose;
}
