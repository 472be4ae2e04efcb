package io.asyncz.process;

import io.asyncz.run.RunInfo;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/** The parent's handle on one worker JVM: its process, its frame streams and its log relay. */
final class Worker {
  /** The MDC key under which relayed worker log lines carry the worker id. */
  static final String MDC_WORKER = "asyncz.worker";

  /**
   * What starts the marker a worker writes on its standard error as a run's output starts ({@code
   * start <id>}) and ends ({@code end <id>}): the relay gives the lines between them the run's task
   * and run ids. Not a log line; a NUL, so that no task prints it by chance.
   */
  static final String RUN_MARK = "\0asyncz-run ";

  /**
   * How long a run's answer waits for its output to be relayed (its end marker went out before the
   * answer, so only a relay far behind, or a dead worker, takes longer).
   */
  private static final Duration RELAY_WAIT = Duration.ofSeconds(5);

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A level word near the start of a relayed line, as the common log layouts print it. */
  private static final Pattern LEVEL = Pattern.compile("\\b(ERROR|WARN|INFO|DEBUG|TRACE)\\b");

  final int id;
  private final Process process;
  private final DataOutputStream out;
  private final DataInputStream in;
  private final AtomicBoolean ending = new AtomicBoolean();
  private int runs;
  private long nextRunId;

  /** The run being sent or run: its frame id and the ids its relayed lines carry. */
  private volatile RunLabel sending;

  private final Object relayed = new Object();
  private long lastEnded; // guarded by relayed: the frame id of the last run whose end was relayed
  private boolean relayClosed; // guarded by relayed

  /** The ids that the relayed lines of one run carry in the MDC. */
  private record RunLabel(long frameId, String taskId, String runId) {}

  private Worker(int id, Process process) {
    this.id = id;
    this.process = process;
    this.out = new DataOutputStream(new BufferedOutputStream(process.getOutputStream()));
    this.in = new DataInputStream(new BufferedInputStream(process.getInputStream()));
  }

  /**
   * Starts a worker JVM and completes the handshake: the worker's hello must carry the protocol
   * version and the token given to it, and it must report its registrars ran.
   *
   * @throws WorkerStartException when the JVM cannot start, does not answer in time, or fails the
   *     handshake
   */
  static Worker start(
      int id,
      ProcessPoolSettings settings,
      String token,
      Logger logger,
      ScheduledExecutorService timer)
      throws WorkerStartException {
    List<String> command = new ArrayList<>();
    command.add(settings.java());
    command.addAll(settings.jvmOptions());
    command.add("-cp");
    command.add(settings.classPath());
    command.add(ProcessWorker.class.getName());
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put(Frames.TOKEN_VARIABLE, token);
    builder.environment().put(Frames.WORKER_ID_VARIABLE, Integer.toString(id));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new WorkerStartException(
          "Process-pool worker " + id + " could not be started with " + command + ": " + e, e);
    }
    Worker worker = new Worker(id, process);
    worker.relayLogs(logger);
    AtomicBoolean late = new AtomicBoolean();
    ScheduledFuture<?> deadline =
        schedule(
            timer,
            () -> {
              late.set(true);
              worker.kill();
            },
            settings.startTimeout());
    try {
      worker.handshake(token, settings);
      return worker;
    } catch (IOException | RuntimeException e) {
      worker.kill();
      String why =
          late.get()
              ? "did not complete its start within " + settings.startTimeout()
              : e.getMessage()
                  + worker
                      .exitDescription(Duration.ofSeconds(5))
                      .map(d -> " (" + d + ")")
                      .orElse("");
      throw new WorkerStartException("Process-pool worker " + id + " failed to start: " + why, e);
    } finally {
      if (deadline != null) {
        deadline.cancel(false);
      }
    }
  }

  /**
   * Schedules {@code action} after {@code delay} on the executor's timer, or returns null when the
   * timer has stopped (the executor is shutting down and ends its workers itself).
   */
  static ScheduledFuture<?> schedule(
      ScheduledExecutorService timer, Runnable action, Duration delay) {
    try {
      return timer.schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  /** A random token for a new worker; only the worker started with it can answer the hello. */
  static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private void handshake(String token, ProcessPoolSettings settings) throws IOException {
    Map<String, Object> hello;
    try {
      hello = Frames.read(in);
    } catch (IOException e) {
      throw new IOException("it sent no hello (" + e.getMessage() + ")", e);
    }
    checkHello(hello, token);
    Map<String, Object> welcome = new LinkedHashMap<>();
    welcome.put("type", "welcome");
    welcome.put("protocol", Frames.PROTOCOL);
    welcome.put("token", token);
    welcome.put("allowed_packages", List.copyOf(settings.allowedPackages()));
    welcome.put("registrars", List.copyOf(settings.registrars()));
    Frames.write(out, welcome);
    Map<String, Object> ready = Frames.read(in);
    if ("failed".equals(ready.get("type"))) {
      throw new IOException(
          "its setup threw "
              + ready.get("class")
              + ": "
              + ready.get("message")
              + "\n"
              + ready.get("trace"));
    }
    if (!"ready".equals(ready.get("type"))) {
      throw new IOException("it answered the welcome with a " + ready.get("type") + " frame");
    }
  }

  /**
   * Checks a worker's hello: the protocol version and the token the parent gave that worker, so
   * that the parent talks only to the process it started.
   *
   * @throws IOException saying what was wrong
   */
  static void checkHello(Map<String, Object> hello, String token) throws IOException {
    if (!"hello".equals(hello.get("type"))) {
      throw new IOException("its first frame was a " + hello.get("type") + ", not a hello");
    }
    if (!Integer.valueOf(Frames.PROTOCOL).equals(hello.get("protocol"))) {
      throw new IOException(
          "it speaks protocol "
              + hello.get("protocol")
              + "; this executor speaks "
              + Frames.PROTOCOL
              + " (mixed asyncz-process versions on the class path?)");
    }
    if (!(hello.get("token") instanceof String offered)
        || !MessageDigest.isEqual(
            offered.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
      throw new IOException("its hello carried the wrong token; it is not the worker started");
    }
  }

  /**
   * Relays each line the worker writes to standard error into the parent's logger, a run's lines
   * with its ids (between the worker's {@link #RUN_MARK} markers, which are not relayed).
   */
  private void relayLogs(Logger logger) {
    Thread relay =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                RunLabel active = null;
                while ((line = lines.readLine()) != null) {
                  int mark = line.indexOf(RUN_MARK);
                  if (mark < 0) {
                    relay(logger, line, active);
                    continue;
                  }
                  if (mark > 0) {
                    // A print without a newline ran into the marker: it is the run's own output.
                    relay(logger, line.substring(0, mark), active);
                  }
                  active = marked(line.substring(mark + RUN_MARK.length()), active);
                }
              } catch (IOException e) {
                // The worker is gone; its last lines went out before the stream broke.
              } finally {
                synchronized (relayed) {
                  relayClosed = true;
                  relayed.notifyAll();
                }
              }
            },
            "asyncz-worker-" + id + "-log");
    relay.setDaemon(true);
    relay.start();
  }

  /**
   * The run whose lines follow a marker: the one being sent after its start, none after its end.
   */
  private RunLabel marked(String marker, RunLabel active) {
    String[] parts = marker.split(" ", 2);
    long frameId;
    try {
      frameId = Long.parseLong(parts.length == 2 ? parts[1] : "");
    } catch (NumberFormatException e) {
      return active; // not one of the worker's markers
    }
    if (parts[0].equals("start")) {
      RunLabel run = sending;
      return run != null && run.frameId == frameId ? run : null;
    }
    synchronized (relayed) {
      lastEnded = Math.max(lastEnded, frameId);
      relayed.notifyAll();
    }
    return null;
  }

  private void relay(Logger logger, String line, RunLabel run) {
    Level level = levelOf(line);
    if (!logger.isEnabledForLevel(level)) {
      return;
    }
    MDC.put(MDC_WORKER, Integer.toString(id));
    if (run != null && run.runId != null) {
      MDC.put(RunInfo.MDC_TASK_ID, run.taskId);
      MDC.put(RunInfo.MDC_RUN_ID, run.runId);
    }
    try {
      logger.atLevel(level).log("worker {}: {}", id, line);
    } finally {
      MDC.remove(MDC_WORKER);
      MDC.remove(RunInfo.MDC_TASK_ID);
      MDC.remove(RunInfo.MDC_RUN_ID);
    }
  }

  /** Waits, a while at most, until the relay has passed the end of run {@code frameId}'s output. */
  private void awaitRelayed(long frameId) {
    long deadline = System.nanoTime() + RELAY_WAIT.toNanos();
    synchronized (relayed) {
      while (lastEnded < frameId && !relayClosed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(relayed, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** The level a worker's line was logged at when its layout prints one, else INFO. */
  static Level levelOf(String line) {
    Matcher m = LEVEL.matcher(line.length() > 120 ? line.substring(0, 120) : line);
    return m.find() ? Level.valueOf(m.group(1)) : Level.INFO;
  }

  /**
   * Sends one run and waits for its result or error frame, and, when the run wrote on standard
   * error, for the relay of those lines, which carry {@code taskId} and {@code runId} (the run's
   * MDC ids; none when {@code runId} is null).
   */
  Map<String, Object> run(String reference, Object args, Object kwargs, String taskId, String runId)
      throws IOException {
    long frameId = ++nextRunId;
    runs++;
    sending = new RunLabel(frameId, taskId, runId);
    Map<String, Object> frame = new LinkedHashMap<>();
    frame.put("type", "run");
    frame.put("id", frameId);
    frame.put("reference", reference);
    frame.put("args", args);
    frame.put("kwargs", kwargs);
    frame.put("task", taskId);
    frame.put("run", runId);
    Frames.write(out, frame);
    Map<String, Object> answer = Frames.read(in);
    if (!Long.valueOf(frameId).equals(((Number) answer.getOrDefault("id", -1)).longValue())) {
      throw new IOException("the worker answered run " + answer.get("id") + ", not run " + frameId);
    }
    if (Boolean.TRUE.equals(answer.get("printed"))) {
      awaitRelayed(frameId);
    }
    return answer;
  }

  /** How many runs this worker took. */
  int runs() {
    return runs;
  }

  /** The worker process's id, for messages. */
  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive() && !ending.get();
  }

  /** Ends the worker at once (SIGKILL), as a timeout or a shutdown that does not wait must. */
  void kill() {
    ending.set(true);
    process.destroyForcibly();
  }

  /** Asks the worker to exit after its current frame, and kills it if it has not within a while. */
  void stop(ScheduledExecutorService timer) {
    if (!ending.compareAndSet(false, true)) {
      return;
    }
    try {
      Frames.write(out, Map.of("type", "stop"));
      out.close();
    } catch (IOException e) {
      process.destroyForcibly();
      return;
    }
    ScheduledFuture<?> force =
        schedule(timer, () -> process.destroyForcibly(), Duration.ofSeconds(10));
    if (force == null) {
      process.destroyForcibly();
    } else {
      process.onExit().thenRun(() -> force.cancel(false));
    }
  }

  /** Waits for the worker to exit, at most {@code wait}, and says how it ended. */
  Optional<String> exitDescription(Duration wait) {
    Integer code = exitCode(wait);
    return code == null ? Optional.empty() : Optional.of(describeExit(code));
  }

  /**
   * The exit code of an ended worker, or null when it has not ended within {@code wait}. An
   * interrupt does not cut the wait short (a shutdown that stops waiting interrupts the runs'
   * threads as it kills their workers, and the run is still reported with the exit code); it is
   * kept for the caller.
   */
  Integer exitCode(Duration wait) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)
              ? process.exitValue()
              : null;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Says what an exit code means: a signal on Linux above 128, the out-of-memory exit, or a code.
   */
  static String describeExit(int code) {
    if (code > 128 && code < 128 + 65) {
      int signal = code - 128;
      String name =
          switch (signal) {
            case 9 -> " (SIGKILL)";
            case 15 -> " (SIGTERM)";
            case 6 -> " (SIGABRT)";
            case 11 -> " (SIGSEGV)";
            case 2 -> " (SIGINT)";
            default -> "";
          };
      return "exit code " + code + ", killed by signal " + signal + name;
    }
    if (code == 3) {
      return "exit code 3, as the JVM exits on OutOfMemoryError with -XX:+ExitOnOutOfMemoryError";
    }
    return "exit code " + code;
  }
}
