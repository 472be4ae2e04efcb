package io.asyncz.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in task kinds exec and http: refused unless the configuration enables them. */
class TaskKindsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private HttpServer server;
  private ExecutorService serverThreads;
  private final CountDownLatch releaseSlow = new CountDownLatch(1);
  private String base;

  @BeforeEach
  void startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/ping", x -> respond(x, 200, "pong " + x.getRequestMethod()));
    server.createContext("/fail", x -> respond(x, 500, "boom"));
    server.createContext(
        "/slow",
        x -> {
          try {
            releaseSlow.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          respond(x, 200, "late");
        });
    serverThreads = Executors.newCachedThreadPool();
    server.setExecutor(serverThreads);
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
    Files.writeString(
        dir.resolve("allowed.yaml"),
        "service:\n  allow_exec: true\n  allow_http: true\nstores:\n  default: file:tasks\n");
    Files.writeString(dir.resolve("closed.yaml"), "stores:\n  default: file:tasks\n");
  }

  private static void respond(com.sun.net.httpserver.HttpExchange x, int status, String body)
      throws java.io.IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
    x.close();
  }

  @AfterEach
  void stopServer() {
    releaseSlow.countDown();
    server.stop(0);
    serverThreads.shutdownNow();
  }

  private Cli.Result run(String config, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--config");
    all.add(config);
    return new Cli(dir).run(all.toArray(String[]::new));
  }

  private Cli.Result addAndRun(String id, String kind, String kwargs) {
    Cli.Result added =
        run("allowed.yaml", "add", kind, "--id", id, "--every", "1h", "--kwargs", kwargs);
    assertThat(added.code()).as(added.err()).isZero();
    return run("allowed.yaml", "run", id, "--json");
  }

  @Test
  void execAndHttpAreRefusedUnlessEnabled() {
    Cli.Result exec =
        run("closed.yaml", "add", "exec", "--every", "1h", "--kwargs", "{\"command\": \"true\"}");
    assertThat(exec.code()).isEqualTo(2);
    assertThat(exec.err()).contains("exec tasks are disabled").contains("allow_exec: true");
    Cli.Result http =
        run(
            "closed.yaml",
            "add",
            "http",
            "--every",
            "1h",
            "--kwargs",
            "{\"url\": \"" + base + "/ping\"}");
    assertThat(http.code()).isEqualTo(2);
    assertThat(http.err()).contains("http tasks are disabled").contains("allow_http: true");
  }

  @Test
  void aStoredExecTaskIsReadableButNotRunnableWhereExecIsDisabled() throws Exception {
    run(
        "allowed.yaml",
        "add",
        "exec",
        "--id",
        "e",
        "--every",
        "1h",
        "--kwargs",
        "{\"command\": \"true\"}");
    JsonNode list = JSON.readTree(run("closed.yaml", "list", "--json").out());
    assertThat(list.get("tasks").findValuesAsText("id")).containsExactly("e");
    assertThat(
            JSON.readTree(run("closed.yaml", "quarantine", "list", "--json").out()).get("records"))
        .isEmpty();
    Cli.Result refused = run("closed.yaml", "run", "e");
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("exec tasks are disabled");
  }

  @Test
  void execRunsACommandAndKeepsItsExitCodeAndOutputTail() throws Exception {
    Cli.Result ok =
        addAndRun(
            "hello",
            "exec",
            "{\"command\": \"sh\", \"args\": [\"-c\", \"echo hello $GREETING\"], \"env\": {\"GREETING\": \"world\"}}");
    assertThat(ok.code()).as(ok.err()).isZero();
    JsonNode outcome = JSON.readTree(ok.out());
    assertThat(outcome.get("outcome").asText()).isEqualTo("TASK_EXECUTED");
    assertThat(outcome.get("return_value").asText())
        .contains("exit_code=0")
        .contains("hello world");
  }

  @Test
  void execFailsOnAnUnexpectedExitCodeAndOnTimeout() throws Exception {
    Cli.Result failed =
        addAndRun(
            "bad", "exec", "{\"command\": \"sh\", \"args\": [\"-c\", \"echo oops; exit 3\"]}");
    assertThat(failed.code()).isEqualTo(1);
    assertThat(JSON.readTree(failed.out()).get("error").asText())
        .contains("exited with 3 (expected 0)")
        .contains("oops");
    Cli.Result slow =
        addAndRun(
            "slow",
            "exec",
            "{\"command\": \"sh\", \"args\": [\"-c\", \"echo started; exec sleep 30\"], \"timeout\": \"300ms\"}");
    assertThat(slow.code()).isEqualTo(1);
    assertThat(JSON.readTree(slow.out()).get("error").asText()).contains("timed out after PT0.3S");
  }

  @Test
  void execCommandsOutsideTheAllowListAreRefused() throws Exception {
    Files.writeString(
        dir.resolve("list.yaml"),
        "service:\n  allow_exec: true\n  exec_commands: [/usr/bin/backup]\nstores:\n  default: file:tasks\n");
    Cli.Result r =
        run("list.yaml", "add", "exec", "--every", "1h", "--kwargs", "{\"command\": \"rm\"}");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("exec command \"rm\" is not in service.exec_commands [/usr/bin/backup]");
  }

  @Test
  void httpSendsTheRequestAndChecksTheStatus() throws Exception {
    Cli.Result ok =
        addAndRun(
            "ping",
            "http",
            "{\"url\": \"" + base + "/ping\", \"method\": \"post\", \"body\": \"x\"}");
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(JSON.readTree(ok.out()).get("return_value").asText())
        .contains("status=200")
        .contains("pong POST");

    Cli.Result failed = addAndRun("fail", "http", "{\"url\": \"" + base + "/fail\"}");
    assertThat(failed.code()).isEqualTo(1);
    assertThat(JSON.readTree(failed.out()).get("error").asText())
        .contains("answered 500 (expected 2xx)");

    Cli.Result expected =
        addAndRun("fail500", "http", "{\"url\": \"" + base + "/fail\", \"expect_status\": 500}");
    assertThat(expected.code()).isZero();

    Cli.Result slow =
        addAndRun("slow", "http", "{\"url\": \"" + base + "/slow\", \"timeout\": \"300ms\"}");
    assertThat(slow.code()).isEqualTo(1);
    assertThat(JSON.readTree(slow.out()).get("error").asText()).contains("timed out after PT0.3S");
  }

  @Test
  void badKindOptionsAreRefusedWhenAdded() {
    Cli.Result noCommand = run("allowed.yaml", "add", "exec", "--every", "1h", "--kwargs", "{}");
    assertThat(noCommand.code()).isEqualTo(2);
    assertThat(noCommand.err()).contains("exec command: null is missing");
    Cli.Result badUrl =
        run("allowed.yaml", "add", "http", "--every", "1h", "--kwargs", "{\"url\": \"ftp://x\"}");
    assertThat(badUrl.code()).isEqualTo(2);
    assertThat(badUrl.err()).contains("\"ftp://x\" is not an http(s) URL");
    Cli.Result unknown =
        run(
            "allowed.yaml",
            "add",
            "http",
            "--every",
            "1h",
            "--kwargs",
            "{\"url\": \"http://x\", \"verb\": \"GET\"}");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("\"verb\" is not an option of http tasks");
  }
}
