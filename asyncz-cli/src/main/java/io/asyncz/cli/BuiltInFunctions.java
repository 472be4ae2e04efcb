package io.asyncz.cli;

import io.asyncz.InvalidInputException;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskRegistry;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The functions every {@code asyncz} process registers: {@code echo} (logs its arguments), and the
 * task kinds {@code exec} (runs a command) and {@code http} (sends a request), which run only when
 * the service's configuration enables them (see {@code docs/security.md}). They are registered even
 * when disabled so that every process can read the stored tasks that name them: a record whose
 * function does not resolve is quarantined by the store that reads it.
 */
final class BuiltInFunctions {
  static final String ECHO = "echo";
  static final String EXEC = "exec";
  static final String HTTP = "http";

  /** How much of a command's output (or a response body) is kept for the events and logs. */
  static final int TAIL = 2_000;

  private static final Set<String> EXEC_KEYS =
      Set.of("command", "args", "cwd", "env", "timeout", "expect_exit");
  private static final Set<String> HTTP_KEYS =
      Set.of("url", "method", "headers", "body", "timeout", "expect_status");
  private static final Logger ECHO_LOG = LoggerFactory.getLogger("asyncz.tasks.echo");
  private static final Logger EXEC_LOG = LoggerFactory.getLogger("asyncz.tasks.exec");
  private static final Logger HTTP_LOG = LoggerFactory.getLogger("asyncz.tasks.http");

  private BuiltInFunctions() {}

  /** What the service's configuration allows. */
  record Permissions(
      boolean exec, List<String> execCommands, boolean http, List<String> httpHosts) {
    static final Permissions NONE = new Permissions(false, List.of(), false, List.of());

    static Permissions of(CliConfig config) {
      return new Permissions(
          config.serviceFlag("allow_exec"),
          config.serviceList("exec_commands"),
          config.serviceFlag("allow_http"),
          config.serviceList("http_hosts"));
    }

    /**
     * Refuses a task of a disabled kind, or outside the allow-list.
     *
     * @throws CliException (usage) saying how to enable it
     */
    void check(String reference, Map<String, Object> kwargs) {
      if (EXEC.equals(reference)) {
        if (!exec) {
          throw new CliException(
              CliException.USAGE,
              "exec tasks are disabled: a stored task that runs a command is a remote-code path."
                  + " Enable them in the service's configuration (service: {allow_exec: true},"
                  + " see docs/security.md)");
        }
        String command = String.valueOf(kwargs.get("command"));
        if (!execCommands.isEmpty() && !execCommands.contains(command)) {
          throw new CliException(
              CliException.USAGE,
              "exec command \""
                  + command
                  + "\" is not in service.exec_commands "
                  + execCommands
                  + "; add it there to allow it");
        }
      } else if (HTTP.equals(reference)) {
        if (!http) {
          throw new CliException(
              CliException.USAGE,
              "http tasks are disabled: a stored task that sends requests can reach internal"
                  + " services. Enable them in the service's configuration (service: {allow_http:"
                  + " true}, see docs/security.md)");
        }
        String host = hostOf(String.valueOf(kwargs.get("url")));
        if (!httpHosts.isEmpty() && !httpHosts.contains(host)) {
          throw new CliException(
              CliException.USAGE,
              "http host \""
                  + host
                  + "\" is not in service.http_hosts "
                  + httpHosts
                  + "; add it there to allow it");
        }
      }
    }
  }

  /** Registers {@code echo}, {@code exec} and {@code http} in {@code registry}. */
  static void register(TaskRegistry registry, Permissions permissions) {
    registry.register(ECHO, new Echo());
    registry.register(EXEC, new Exec(permissions));
    registry.register(HTTP, new Http(permissions));
  }

  private static String hostOf(String url) {
    try {
      String host = URI.create(url).getHost();
      return host == null ? "" : host;
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private static void checkKeys(String kind, Map<String, Object> kwargs, Set<String> keys) {
    for (String key : kwargs.keySet()) {
      if (!keys.contains(key)) {
        throw new InvalidInputException(
            kind + " kwargs", key, "is not an option of " + kind + " tasks; expected " + keys);
      }
    }
  }

  private static Duration timeout(String kind, Object value, Duration dflt) {
    if (value == null) {
      return dflt;
    }
    if (value instanceof Number n) {
      return Duration.ofMillis((long) (n.doubleValue() * 1000));
    }
    return Specs.duration(kind + " timeout", value.toString());
  }

  private static String tail(String text) {
    return text.length() <= TAIL ? text : "..." + text.substring(text.length() - TAIL);
  }

  /** Logs its arguments and returns them; the sample tasks use it. */
  static final class Echo implements TaskFunction {
    @Override
    public Object invoke(List<Object> args, Map<String, Object> kwargs) {
      String text =
          args.isEmpty() ? "" : String.join(" ", args.stream().map(String::valueOf).toList());
      ECHO_LOG.info("echo: {}{}", text, kwargs.isEmpty() ? "" : " " + kwargs);
      return text;
    }

    @Override
    public String displayName() {
      return ECHO;
    }
  }

  /** Runs a command: {@code command}, {@code args}, {@code cwd}, {@code env}, {@code timeout}. */
  static final class Exec implements TaskFunction {
    private final Permissions permissions;

    Exec(Permissions permissions) {
      this.permissions = permissions;
    }

    @Override
    public void checkArguments(List<Object> args, Map<String, Object> kwargs) {
      checkKeys(EXEC, kwargs, EXEC_KEYS);
      Object command = kwargs.get("command");
      if (!(command instanceof String c) || c.isBlank()) {
        throw new InvalidInputException(
            "exec command",
            command,
            "is missing; expected kwargs {\"command\": \"/path/to/program\"}");
      }
      if (!args.isEmpty()) {
        throw new InvalidInputException(
            "exec args", args, "are positional; expected them in kwargs {\"args\": [..]}");
      }
    }

    @Override
    public Object invoke(List<Object> args, Map<String, Object> kwargs) throws Exception {
      permissions.check(EXEC, kwargs);
      List<String> command = new ArrayList<>();
      command.add(String.valueOf(kwargs.get("command")));
      if (kwargs.get("args") instanceof List<?> list) {
        list.forEach(a -> command.add(String.valueOf(a)));
      }
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      if (kwargs.get("cwd") != null) {
        builder.directory(new File(String.valueOf(kwargs.get("cwd"))));
      }
      if (kwargs.get("env") instanceof Map<?, ?> env) {
        env.forEach((k, v) -> builder.environment().put(String.valueOf(k), String.valueOf(v)));
      }
      Duration timeout = timeout(EXEC, kwargs.get("timeout"), Duration.ofMinutes(10));
      int expected = kwargs.get("expect_exit") instanceof Number n ? n.intValue() : 0;
      Process process = builder.start();
      process.getOutputStream().close();
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      Thread reader =
          new Thread(
              () -> {
                try (InputStream in = process.getInputStream()) {
                  in.transferTo(output);
                } catch (IOException ignored) {
                  // the process was killed; what was read is kept
                }
              },
              "asyncz-exec-output");
      reader.setDaemon(true);
      reader.start();
      boolean finished;
      try {
        finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        throw e;
      }
      if (!finished) {
        process.destroyForcibly();
        reader.join(1_000);
        throw new IllegalStateException(
            "exec "
                + command
                + " timed out after "
                + timeout
                + "; output tail: "
                + tail(output.toString(StandardCharsets.UTF_8)));
      }
      reader.join(1_000);
      int exit = process.exitValue();
      String tail = tail(output.toString(StandardCharsets.UTF_8));
      if (exit != expected) {
        throw new IllegalStateException(
            "exec "
                + command
                + " exited with "
                + exit
                + " (expected "
                + expected
                + "); output tail: "
                + tail);
      }
      EXEC_LOG.info("exec {} exited with {}", command, exit);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("exit_code", exit);
      result.put("output_tail", tail);
      return result;
    }

    @Override
    public String displayName() {
      return EXEC;
    }
  }

  /**
   * Sends a request: {@code url}, {@code method}, {@code headers}, {@code body}, {@code timeout}.
   */
  static final class Http implements TaskFunction {
    private final Permissions permissions;

    Http(Permissions permissions) {
      this.permissions = permissions;
    }

    @Override
    public void checkArguments(List<Object> args, Map<String, Object> kwargs) {
      checkKeys(HTTP, kwargs, HTTP_KEYS);
      Object url = kwargs.get("url");
      String scheme = null;
      try {
        scheme = url instanceof String u ? URI.create(u).getScheme() : null;
      } catch (IllegalArgumentException e) {
        scheme = null;
      }
      if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
        throw new InvalidInputException(
            "http url", url, "is not an http(s) URL; expected kwargs {\"url\": \"https://...\"}");
      }
      if (!args.isEmpty()) {
        throw new InvalidInputException(
            "http args", args, "are positional; expected everything in kwargs");
      }
    }

    @Override
    public Object invoke(List<Object> args, Map<String, Object> kwargs) throws Exception {
      permissions.check(HTTP, kwargs);
      URI url = URI.create(String.valueOf(kwargs.get("url")));
      String method =
          kwargs.get("method") == null
              ? "GET"
              : String.valueOf(kwargs.get("method")).toUpperCase(Locale.ROOT);
      Duration timeout = timeout(HTTP, kwargs.get("timeout"), Duration.ofSeconds(30));
      HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout);
      if (kwargs.get("headers") instanceof Map<?, ?> headers) {
        headers.forEach((k, v) -> request.header(String.valueOf(k), String.valueOf(v)));
      }
      Object body = kwargs.get("body");
      request.method(
          method,
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(String.valueOf(body)));
      HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
      HttpResponse<String> response;
      try {
        response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (java.net.http.HttpTimeoutException e) {
        throw new IllegalStateException(
            "http " + method + " " + url + " timed out after " + timeout, e);
      }
      int status = response.statusCode();
      boolean ok =
          kwargs.get("expect_status") instanceof Number n
              ? status == n.intValue()
              : status >= 200 && status < 300;
      String tail = tail(response.body() == null ? "" : response.body());
      if (!ok) {
        throw new IllegalStateException(
            "http "
                + method
                + " "
                + url
                + " answered "
                + status
                + " (expected "
                + (kwargs.get("expect_status") == null ? "2xx" : kwargs.get("expect_status"))
                + "); body tail: "
                + tail);
      }
      HTTP_LOG.info("http {} {} answered {}", method, url, status);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("status", status);
      result.put("body_tail", tail);
      return result;
    }

    @Override
    public String displayName() {
      return HTTP;
    }
  }
}
