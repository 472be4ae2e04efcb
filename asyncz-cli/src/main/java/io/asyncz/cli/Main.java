package io.asyncz.cli;

import io.asyncz.AsynczException;
import io.asyncz.ConflictIdException;
import io.asyncz.InvalidInputException;
import io.asyncz.TaskLookupException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IFactory;

/**
 * The {@code asyncz} command: {@code asyncz start} runs the scheduler as a service, the other
 * commands read and change the tasks of its stores. Exit codes: 0 ok, 1 failure, 2 bad usage, 3 not
 * found, 4 conflict (see {@code docs/cli.md}).
 */
@Command(
    name = "asyncz",
    mixinStandardHelpOptions = true,
    versionProvider = InfoCommands.Version.class,
    description = "Operate Asyncz tasks from a shell, and run the scheduler as a service.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:failure (a store unreachable, a run failed, doctor found problems)",
      "2:bad usage (an option or the configuration is wrong)",
      "3:not found (no task with that id)",
      "4:conflict (the id is taken)"
    })
public final class Main implements Runnable {
  /**
   * The commands, in the order the usage help lists them. Picocli builds the model of every command
   * it is given, by reflection, before it parses anything: a run that names its command gets only
   * that one, which takes a third of the start-up of a short command (docs/cli.md, "Measured").
   */
  private static final Map<String, Class<?>> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("version", InfoCommands.Version.class);
    COMMANDS.put("start", StartCommand.class);
    COMMANDS.put("add", TaskCommands.Add.class);
    COMMANDS.put("list", TaskCommands.ListTasks.class);
    COMMANDS.put("inspect", TaskCommands.Inspect.class);
    COMMANDS.put("preview", TaskCommands.Preview.class);
    COMMANDS.put("timeline", TaskCommands.Timeline.class);
    COMMANDS.put("update", TaskCommands.Update.class);
    COMMANDS.put("run", TaskCommands.Run.class);
    COMMANDS.put("pause", TaskCommands.Pause.class);
    COMMANDS.put("resume", TaskCommands.Resume.class);
    COMMANDS.put("remove", TaskCommands.Remove.class);
    COMMANDS.put("status", InfoCommands.Status.class);
    COMMANDS.put("instances", InfoCommands.Instances.class);
    COMMANDS.put("doctor", InfoCommands.Doctor.class);
    COMMANDS.put("quarantine", InfoCommands.Quarantine.class);
    COMMANDS.put("history", HistoryCommand.class);
    COMMANDS.put("help", CommandLine.HelpCommand.class);
    COMMANDS.put("generate-completion", AutoComplete.GenerateCompletion.class);
  }

  /** The commands that speak of the others, and so need every command's model. */
  private static final Set<String> NEEDS_ALL = Set.of("help", "generate-completion");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private Main() {}

  /** Runs the command the arguments give and exits with its code. */
  public static void main(String[] args) {
    configureLogging(args);
    Charset charset =
        System.console() != null ? System.console().charset() : StandardCharsets.UTF_8;
    Io io =
        new Io(
            new PrintWriter(new java.io.OutputStreamWriter(System.out, charset), true),
            new PrintWriter(new java.io.OutputStreamWriter(System.err, charset), true),
            new BufferedReader(new InputStreamReader(System.in, charset)),
            System.getenv(),
            System.console() != null,
            Clock.systemUTC(),
            Path.of("").toAbsolutePath());
    System.exit(run(io, args));
  }

  /**
   * Sets slf4j-simple's level and format before the first logger exists: {@code --log-level}, else
   * info for the service and warn for the other commands, which print their own results; the
   * service's lines start with the time, the other commands' do not.
   */
  static void configureLogging(String[] args) {
    List<String> list = Arrays.asList(args);
    int i = list.indexOf("--log-level");
    String level = null;
    if (i >= 0 && i + 1 < list.size()) {
      level = list.get(i + 1);
    }
    for (String a : list) {
      if (a.startsWith("--log-level=")) {
        level = a.substring("--log-level=".length());
      }
    }
    if (level == null) {
      level = configuredLevel(list);
    }
    if (level == null) {
      level = list.contains("start") ? "info" : "warn";
    }
    setDefault("org.slf4j.simpleLogger.defaultLogLevel", level.toLowerCase(java.util.Locale.ROOT));
    if (list.contains("start")) {
      setDefault("org.slf4j.simpleLogger.showDateTime", "true");
      setDefault("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    } else {
      // A command's warnings come as it runs, and a time on them says nothing: without one,
      // slf4j-simple makes no SimpleDateFormat, whose calendar and locale data took a tenth of a
      // short command's start-up (docs/cli.md, "Measured").
      setDefault("org.slf4j.simpleLogger.showDateTime", "false");
    }
    setDefault("org.slf4j.simpleLogger.showThreadName", "false");
    setDefault("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "warn");
  }

  /** The configuration file's {@code service.log_level}, if one is given and says so. */
  private static String configuredLevel(List<String> args) {
    int i = args.indexOf("--config");
    String file = i >= 0 && i + 1 < args.size() ? args.get(i + 1) : null;
    for (String a : args) {
      if (a.startsWith("--config=")) {
        file = a.substring("--config=".length());
      }
    }
    if (file == null) {
      return null;
    }
    try {
      Object level = CliConfig.read(Path.of(file)).service("log_level");
      return level == null ? null : level.toString();
    } catch (RuntimeException e) {
      return null; // the command reads the file again and reports what is wrong with it
    }
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** Runs a command with these streams and this environment; returns its exit code. */
  static int run(Io io, String... args) {
    boolean verbose =
        Arrays.asList(args).contains("--verbose") || Arrays.asList(args).contains("-v");
    String[] arguments = commandFirst(args);
    CommandLine cli = new CommandLine(new Main(), factory(io));
    Class<?> named = arguments.length == 0 ? null : COMMANDS.get(arguments[0]);
    if (named != null && !NEEDS_ALL.contains(arguments[0])) {
      cli.addSubcommand(arguments[0], named);
    } else {
      // The usage, help, completion, a mistyped command (picocli suggests the near ones).
      COMMANDS.forEach(cli::addSubcommand);
    }
    cli.setOut(io.out());
    cli.setErr(io.err());
    cli.setColorScheme(
        CommandLine.Help.defaultColorScheme(
            io.colour() ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
    cli.setParameterExceptionHandler(
        (e, a) -> {
          io.err().println("asyncz: " + e.getMessage());
          CommandLine c = e.getCommandLine();
          io.err()
              .println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for the options.");
          io.err().flush();
          return CliException.USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, c, parseResult) -> {
          int code = exitCode(e);
          io.err().println("asyncz: " + message(e));
          if (verbose) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            io.err().print(trace);
          } else if (code == CliException.FAILURE && !(e instanceof CliException)) {
            io.err().println("(run with --verbose for the stack trace)");
          }
          io.err().flush();
          return code;
        });
    int code = cli.execute(arguments);
    io.out().flush();
    io.err().flush();
    return code;
  }

  /**
   * Moves options given before the command to after it ({@code asyncz --store URL list} as {@code
   * asyncz list --store URL}): every command takes the common options.
   */
  static String[] commandFirst(String[] args) {
    if (args.length == 0 || !args[0].startsWith("-")) {
      return args;
    }
    for (int i = 1; i < args.length; i++) {
      if (COMMANDS.containsKey(args[i])) {
        String[] moved = new String[args.length];
        moved[0] = args[i];
        System.arraycopy(args, 0, moved, 1, i);
        System.arraycopy(args, i + 1, moved, i + 1, args.length - i - 1);
        return moved;
      }
    }
    return args;
  }

  private static IFactory factory(Io io) {
    IFactory defaults = CommandLine.defaultFactory();
    return new IFactory() {
      @Override
      public <K> K create(Class<K> type) throws Exception {
        for (var c : type.getDeclaredConstructors()) {
          if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == Io.class) {
            c.setAccessible(true);
            return type.cast(c.newInstance(io));
          }
        }
        return defaults.create(type);
      }
    };
  }

  /** The exit code for a failure. */
  static int exitCode(Throwable e) {
    if (e instanceof CliException c) {
      return c.exitCode();
    }
    if (e instanceof TaskLookupException) {
      return CliException.NOT_FOUND;
    }
    if (e instanceof ConflictIdException) {
      return CliException.CONFLICT;
    }
    if (e instanceof InvalidInputException) {
      return CliException.USAGE;
    }
    return CliException.FAILURE;
  }

  private static String message(Throwable e) {
    if (e instanceof TaskLookupException t) {
      return "no task with id \"" + t.taskId() + "\" (see 'asyncz list')";
    }
    if (e instanceof ConflictIdException c) {
      return "a task with id \"" + c.taskId() + "\" exists already; choose another --id";
    }
    if (e instanceof CliException || e instanceof AsynczException) {
      return e.getMessage();
    }
    String m = e.getMessage();
    Throwable cause = e.getCause();
    while (cause != null && cause != cause.getCause()) {
      if (cause.getMessage() != null) {
        m = m + ": " + cause.getMessage();
      }
      cause = cause.getCause();
    }
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
