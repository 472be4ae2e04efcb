package io.asyncz.process;

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

  /** Relays each line the worker writes to standard error into the parent's logger. */
  private void relayLogs(Logger logger) {
    Thread relay =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  relay(logger, line);
                }
              } catch (IOException e) {
                // The worker is gone; its last lines went out before the stream broke.
              }
            },
            "asyncz-worker-" + id + "-log");
    relay.setDaemon(true);
    relay.start();
  }

  private void relay(Logger logger, String line) {
    Level level = levelOf(line);
    if (!logger.isEnabledForLevel(level)) {
      return;
    }
    MDC.put(MDC_WORKER, Integer.toString(id));
    try {
      logger.atLevel(level).log("worker {}: {}", id, line);
    } finally {
      MDC.remove(MDC_WORKER);
    }
  }

  /** The level a worker's line was logged at when its layout prints one, else INFO. */
  static Level levelOf(String line) {
    Matcher m = LEVEL.matcher(line.length() > 120 ? line.substring(0, 120) : line);
    return m.find() ? Level.valueOf(m.group(1)) : Level.INFO;
  }

  /** Sends one run and waits for its result or error frame. */
  Map<String, Object> run(String reference, Object args, Object kwargs) throws IOException {
    long runId = ++nextRunId;
    runs++;
    Map<String, Object> frame = new LinkedHashMap<>();
    frame.put("type", "run");
    frame.put("id", runId);
    frame.put("reference", reference);
    frame.put("args", args);
    frame.put("kwargs", kwargs);
    Frames.write(out, frame);
    Map<String, Object> answer = Frames.read(in);
    if (!Long.valueOf(runId).equals(((Number) answer.getOrDefault("id", -1)).longValue())) {
      throw new IOException("the worker answered run " + answer.get("id") + ", not run " + runId);
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
