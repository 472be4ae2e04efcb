package io.asyncz.process;

import io.asyncz.run.RunInfo;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskRegistry;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.slf4j.MDC;

/**
 * The main class of a process-pool worker JVM, started by {@link ProcessPoolExecutor}; not for
 * direct use. It speaks the frame protocol on its standard input and output, runs one task at a
 * time by reference, and sends back the JSON result or the exception. Everything the tasks print,
 * and the worker's own log output, goes to standard error, which the parent relays into its logger.
 */
public final class ProcessWorker {
  /** Exit code when the parent's first frame was not a welcome with this worker's token. */
  static final int EXIT_REFUSED_PARENT = 2;

  /** Exit code when a registrar failed, so that the worker cannot resolve the references. */
  static final int EXIT_SETUP_FAILED = 3;

  /** Exit code when the parent JVM ended first. */
  static final int EXIT_ORPHANED = 4;

  /**
   * The key of an error frame that asks the parent to replace this worker after the run: set when
   * the task threw an {@link Error}.
   */
  static final String RETIRE = "retire";

  private ProcessWorker() {}

  /** Runs the worker until the parent says stop or closes the worker's standard input. */
  public static void main(String[] args) {
    OutputStream frames = new FileOutputStream(FileDescriptor.out);
    // Before anything else can print: a stray println on standard output would corrupt the frame
    // stream, so standard output becomes standard error, which the parent relays as log lines.
    RunOutput output = new RunOutput(new FileOutputStream(FileDescriptor.err));
    System.setOut(new PrintStream(output, true));
    System.setErr(new PrintStream(output, true));
    // A worker outlives a parent that died without stopping it only until it notices: a hung task
    // would otherwise keep an orphan JVM alive.
    ProcessHandle.current()
        .parent()
        .ifPresent(
            parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(EXIT_ORPHANED)));
    int code =
        serve(
            System.in,
            frames,
            System.getenv(Frames.TOKEN_VARIABLE),
            ProcessHandle.current().pid(),
            System.err,
            output);
    // Exits even when a task left non-daemon threads behind.
    System.exit(code);
  }

  /**
   * Speaks the protocol over {@code in} and {@code out}.
   *
   * @return the exit code: 0 when told to stop, else why the worker gave up
   */
  static int serve(InputStream in, OutputStream out, String token, long pid, PrintStream err) {
    return serve(in, out, token, pid, err, null);
  }

  /**
   * Speaks the protocol, marking off each run's output on {@code runOutput} for the parent's relay
   * (none when null).
   */
  static int serve(
      InputStream in,
      OutputStream out,
      String token,
      long pid,
      PrintStream err,
      RunOutput runOutput) {
    DataInputStream input = new DataInputStream(new BufferedInputStream(in));
    DataOutputStream output = new DataOutputStream(new BufferedOutputStream(out));
    if (token == null || token.isEmpty()) {
      err.println(
          "asyncz worker: no " + Frames.TOKEN_VARIABLE + "; start workers through the pool");
      return EXIT_REFUSED_PARENT;
    }
    try {
      Frames.write(
          output, Map.of("type", "hello", "protocol", Frames.PROTOCOL, "token", token, "pid", pid));
      Map<String, Object> welcome = Frames.read(input);
      if (!"welcome".equals(welcome.get("type"))
          || !Integer.valueOf(Frames.PROTOCOL).equals(welcome.get("protocol"))
          || !(welcome.get("token") instanceof String offered)
          || !MessageDigest.isEqual(
              offered.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
        err.println(
            "asyncz worker: refused the first frame: not a protocol "
                + Frames.PROTOCOL
                + " welcome with this worker's token");
        return EXIT_REFUSED_PARENT;
      }
      TaskRegistry registry;
      try {
        registry = registry(welcome);
      } catch (RuntimeException | LinkageError | ReflectiveOperationException e) {
        Frames.write(output, failure("failed", null, e));
        return EXIT_SETUP_FAILED;
      }
      Frames.write(output, Map.of("type", "ready"));
      while (true) {
        Map<String, Object> frame;
        try {
          frame = Frames.read(input);
        } catch (EOFException e) {
          return 0; // the parent closed the stream: it is gone or done with this worker
        }
        String type = (String) frame.get("type");
        if (type.equals("stop")) {
          return 0;
        }
        if (type.equals("run")) {
          Frames.write(output, run(registry, frame, runOutput));
        } else {
          err.println("asyncz worker: ignored a frame of unknown type " + type);
        }
      }
    } catch (IOException e) {
      err.println("asyncz worker: the frame stream failed: " + e);
      return 1;
    }
  }

  private static TaskRegistry registry(Map<String, Object> welcome)
      throws ReflectiveOperationException {
    ClassLoader loader = ProcessWorker.class.getClassLoader();
    TaskRegistry registry = new TaskRegistry(loader);
    for (Object pkg : list(welcome.get("allowed_packages"))) {
      registry.allowPackage((String) pkg);
    }
    for (WorkerRegistrar registrar : ServiceLoader.load(WorkerRegistrar.class, loader)) {
      registrar.register(registry);
    }
    for (Object name : list(welcome.get("registrars"))) {
      Class<?> type = Class.forName((String) name, true, loader);
      if (!WorkerRegistrar.class.isAssignableFrom(type)) {
        throw new ClassCastException(name + " is not a " + WorkerRegistrar.class.getName());
      }
      ((WorkerRegistrar) type.getConstructor().newInstance()).register(registry);
    }
    return registry;
  }

  private static List<?> list(Object value) {
    return value instanceof List<?> l ? l : List.of();
  }

  /**
   * Runs one run frame. What the run writes on standard error is marked off for the parent's relay
   * (the answer says whether it wrote anything, for the parent to wait for the relay only then),
   * and the run's task and run ids are in this worker's MDC too, for its own log layout.
   */
  private static Map<String, Object> run(
      TaskRegistry registry, Map<String, Object> frame, RunOutput output) {
    Object id = frame.get("id");
    boolean labelled = frame.get("task") instanceof String && frame.get("run") instanceof String;
    if (labelled) {
      MDC.put(RunInfo.MDC_TASK_ID, (String) frame.get("task"));
      MDC.put(RunInfo.MDC_RUN_ID, (String) frame.get("run"));
    }
    if (output != null) {
      output.begin(id);
    }
    Map<String, Object> answer;
    try {
      answer = call(registry, frame, id);
    } finally {
      if (labelled) {
        MDC.remove(RunInfo.MDC_TASK_ID);
        MDC.remove(RunInfo.MDC_RUN_ID);
      }
    }
    // Before the answer: the parent has relayed the run's lines once it has passed the end marker.
    if (output != null && output.end()) {
      answer.put("printed", true);
    }
    return answer;
  }

  /**
   * The worker's standard error, which {@code System.out} and {@code System.err} both write to:
   * while a run goes on, its first byte is preceded by a {@link Worker#RUN_MARK} start line, and
   * its end is marked by an end line when it wrote anything, so that a run that prints nothing
   * costs no marker and no wait.
   */
  static final class RunOutput extends OutputStream {
    private final OutputStream err;
    private Object run; // guarded by this: the run going on, if any
    private boolean started; // guarded by this: its start marker went out

    RunOutput(OutputStream err) {
      this.err = err;
    }

    synchronized void begin(Object runId) {
      run = runId;
      started = false;
    }

    /** Marks the run's end, if it wrote anything; says whether it did. */
    synchronized boolean end() {
      boolean wrote = started;
      if (wrote) {
        mark("end " + run);
      }
      run = null;
      started = false;
      return wrote;
    }

    @Override
    public synchronized void write(int b) throws IOException {
      startIfNeeded();
      err.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      startIfNeeded();
      err.write(b, off, len);
    }

    @Override
    public synchronized void flush() throws IOException {
      err.flush();
    }

    private void startIfNeeded() {
      if (run != null && !started) {
        started = true;
        mark("start " + run);
      }
    }

    private void mark(String what) {
      try {
        // The output before it may not have ended its line: the relay finds a marker mid-line too.
        err.write((Worker.RUN_MARK + what + "\n").getBytes(StandardCharsets.UTF_8));
        err.flush();
      } catch (IOException e) {
        // Standard error is gone, and the relay with it: nothing waits for the marker.
      }
    }
  }

  private static Map<String, Object> call(
      TaskRegistry registry, Map<String, Object> frame, Object id) {
    Object value;
    try {
      TaskFunction function = registry.resolve((String) frame.get("reference"));
      @SuppressWarnings("unchecked")
      List<Object> args = frame.get("args") instanceof List<?> l ? (List<Object>) l : List.of();
      @SuppressWarnings("unchecked")
      Map<String, Object> kwargs =
          frame.get("kwargs") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
      value = function.invoke(args, kwargs);
      if (value instanceof CompletionStage<?> stage) {
        value = stage.toCompletableFuture().get();
      }
      value = Frames.toJson(value, "the return value");
    } catch (ExecutionException e) {
      return failure("error", id, e.getCause() == null ? e : e.getCause());
    } catch (Throwable e) {
      return failure("error", id, e);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("type", "result");
    result.put("id", id);
    result.put("value", value);
    return result;
  }

  /** An error frame: the exception's class, message, printed stack trace and top frames. */
  private static Map<String, Object> failure(String type, Object id, Throwable e) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    List<Map<String, Object>> frames = new ArrayList<>();
    for (StackTraceElement element : e.getStackTrace()) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("class", element.getClassName());
      f.put("method", element.getMethodName());
      f.put("file", element.getFileName());
      f.put("line", element.getLineNumber());
      frames.add(f);
    }
    Map<String, Object> frame = new LinkedHashMap<>();
    frame.put("type", type);
    frame.put("id", id);
    frame.put("class", e.getClass().getName());
    frame.put("message", e.getMessage());
    frame.put("trace", trace.toString());
    frame.put("frames", frames);
    if (e instanceof Error) {
      // An Error may leave this JVM unfit for more runs (a class whose initializer failed stays
      // unusable here, a stack overflow may have cut a static state short): the parent replaces it.
      frame.put(RETIRE, true);
    }
    return frame;
  }
}
